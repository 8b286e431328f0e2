"""The scheduled GitHub Actions workflow builds the reports and keeps the dated folder."""

from __future__ import annotations

import re

import yaml

from analysis.config import PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "reports.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_runs_weekly_and_on_demand():
    workflow = load()
    # YAML 1.1 reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    (schedule,) = triggers["schedule"]
    minute, hour, day_of_month, month, day_of_week = schedule["cron"].split()
    assert (day_of_month, month) == ("*", "*")
    assert re.fullmatch(r"[0-6]", day_of_week), "weekly: one day of the week"
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    assert "workflow_dispatch" in triggers


def test_builds_with_make_report_and_uploads_the_dated_folder():
    (job,) = load()["jobs"].values()
    steps = job["steps"]
    runs = [step.get("run", "") for step in steps]
    build_index = next(i for i, run in enumerate(runs) if run.startswith("make report"))
    assert "--date $RUN_DATE" in runs[build_index]
    date_step = next(step for step in steps if step.get("id") == "run")
    assert "date=" in date_step["run"] and "date -u +%F" in date_step["run"]
    uploads = [
        (i, step)
        for i, step in enumerate(steps)
        if step.get("uses", "").startswith("actions/upload-artifact@")
    ]
    ((upload_index, upload),) = uploads
    assert upload_index > build_index
    assert upload["with"]["path"].rstrip("/") == "reports/${{ steps.run.outputs.date }}"
    assert "steps.run.outputs.date" in upload["with"]["name"]
    assert upload.get("if") == "always()"  # failed notebooks are worth looking at too
