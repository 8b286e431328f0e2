"""The scheduled workflow's steps, run twice on this machine (scripts/scheduled_run.sh): the
second run restores the first from the "published site", reuses its result and says what
changed; the site then holds the front page and both runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from analysis.config import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "scheduled_run.sh"
FIGURE_NOTEBOOK = Path(__file__).parent / "fixtures" / "notebooks" / "figure.ipynb"


def scheduled_run(tmp: Path, reports: str, date: str) -> subprocess.CompletedProcess[str]:
    """One run as CI makes it: a fresh reports folder, the site, one dated build."""
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "REPORTS": str(tmp / reports),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.run(
        ["bash", str(SCRIPT), str(tmp / "site"), "--date", date,
         "--notebooks", str(tmp / "notebooks"), "--input-dir", str(tmp / "inputs")],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip


def test_two_scheduled_runs_keep_their_history(tmp_path):
    (tmp_path / "notebooks").mkdir()
    shutil.copy(FIGURE_NOTEBOOK, tmp_path / "notebooks")
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "counts.csv").write_text("year,events\n2020,3\n", encoding="utf-8")

    first = scheduled_run(tmp_path, "reports-first", "2026-11-30")
    assert first.returncode == 0, first.stderr
    assert "figure: executed (no earlier result" in first.stdout
    assert "This is the first run of this report" in first.stdout

    # The next week: a fresh checkout (an empty reports folder) and the published site.
    second = scheduled_run(tmp_path, "reports-second", "2026-12-07")
    assert second.returncode == 0, second.stderr
    assert "restore: " in second.stdout and "publish: " in second.stdout
    assert (
        "figure: reused from 2026-11-30; Since the run of 2026-11-30: nothing changed in the "
        "key findings (2 unchanged)." in second.stdout
    ), second.stdout

    site = tmp_path / "site"
    manifest = json.loads((site / "2026-12-07" / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["notebooks"]
    assert entry["reused_from"] == "2026-11-30"
    assert entry["changes"]["previous_run"] == "2026-11-30"
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "2026-11-30" in front and "2026-12-07" in front
    assert (site / "2026-11-30" / "figure.html").is_file()
    assert (site / "2026-12-07" / "figure.html").is_file()
    assert (site / ".nojekyll").is_file()
    # What only one machine's build uses is not published.
    assert not (site / ".build.lock").exists() and not (site / ".build-cache").exists()


def test_summary_lines_say_why_a_report_ran_and_what_changed():
    """The summary names the reason a report was executed, and a failure's type."""
    spec = {"notebooks": [
        {"name": "a", "status": "ok", "reused_from": None, "executed_because": "inputs changed",
         "changes": {"summary": "Since the run of 2026-11-30: 1 new key findings."}},
        {"name": "b", "status": "failed", "error": {"type": "ValueError"}, "changes": {}},
    ]}  # fmt: skip
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    try:
        import run_summary
    finally:
        sys.path.pop(0)
    assert run_summary.summary_lines(spec) == [
        "a: executed (inputs changed); Since the run of 2026-11-30: 1 new key findings.",
        "b: FAILED (ValueError)",
    ]
