"""The scheduled GitHub Actions workflow builds the reports with their history, publishes them,
keeps the dated folder and caches downloads (docs/scheduling.md, "GitHub Actions")."""

from __future__ import annotations

import re

import yaml

from analysis.config import PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "reports.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    (job,) = load()["jobs"].values()
    return job["steps"]


def index_of(predicate) -> int:
    (index,) = [i for i, step in enumerate(steps()) if predicate(step)]
    return index


def uses(action: str):
    return lambda step: step.get("uses", "").startswith(f"{action}@")


def runs(text: str):
    return lambda step: text in step.get("run", "")


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


def test_installs_the_runtime_only_then_builds_with_the_history_script():
    install = index_of(runs("make setup"))
    build = index_of(runs("scripts/scheduled_run.sh site"))
    assert install < build
    assert '--date "$RUN_DATE"' in steps()[build]["run"]
    date_step = next(step for step in steps() if step.get("id") == "run")
    assert "date=" in date_step["run"] and "date -u +%F" in date_step["run"]
    assert not any("make report" in step.get("run", "") for step in steps())  # no dev/lab tools


def test_restores_the_published_site_before_the_build_and_publishes_it_after():
    restore = index_of(runs("git fetch --depth 1 origin gh-pages"))
    build = index_of(runs("scripts/scheduled_run.sh site"))
    publish = index_of(runs("git push origin HEAD:gh-pages"))
    assert restore < build < publish
    assert "git worktree add -B gh-pages site FETCH_HEAD" in steps()[restore]["run"]
    assert "--orphan gh-pages" in steps()[restore]["run"]  # the first run starts the branch
    assert steps()[publish]["if"] == "${{ !cancelled() }}"  # a failed notebook is published too
    assert load()["permissions"] == {"contents": "write"}


def test_downloads_are_cached_on_the_register_and_saved_only_when_complete():
    restore = index_of(uses("actions/cache/restore"))
    fetch = index_of(runs("make data"))
    save = index_of(uses("actions/cache/save"))
    build = index_of(runs("scripts/scheduled_run.sh site"))
    assert restore < fetch < save < build
    cache = steps()[restore]
    assert cache["with"]["path"] == "data/raw"
    assert "hashFiles('analysis/sources/register.py')" in cache["with"]["key"]
    assert steps()[fetch]["if"] == f"steps.{cache['id']}.outputs.cache-hit != 'true'"
    assert "steps.fetch.outcome == 'success'" in steps()[save]["if"]
    assert (
        steps()[save]["with"]["key"] == f"${{{{ steps.{cache['id']}.outputs.cache-primary-key }}}}"
    )


def test_uploads_the_dated_folder_after_the_build():
    build = index_of(runs("scripts/scheduled_run.sh site"))
    upload_index = index_of(uses("actions/upload-artifact"))
    upload = steps()[upload_index]
    assert upload_index > build
    assert upload["with"]["path"].rstrip("/") == "reports/${{ steps.run.outputs.date }}"
    assert "steps.run.outputs.date" in upload["with"]["name"]
    assert upload.get("if") == "always()"  # failed notebooks are worth looking at too


def test_pip_cache_follows_the_pinned_versions():
    (setup,) = [step for step in steps() if uses("actions/setup-python")(step)]
    paths = setup["with"]["cache-dependency-path"].split()
    assert paths == ["pyproject.toml", "constraints.txt"]
