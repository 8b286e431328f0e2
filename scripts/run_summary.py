"""One line per report of the last run built: reused or executed (and why), and what changed.

    python scripts/run_summary.py REPORTS_DIR [DATE]

Read from the run's manifest.json (without DATE, the run that finished last); used by
scripts/scheduled_run.sh, whose output a scheduled job's log then shows.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def summary_lines(manifest: dict) -> list[str]:
    """``name: reused from D | executed (why); changes summary`` for each notebook."""
    lines = []
    for entry in manifest.get("notebooks", []):
        if entry.get("status") != "ok":
            how = f"FAILED ({(entry.get('error') or {}).get('type', 'error')})"
        elif entry.get("reused_from"):
            how = f"reused from {entry['reused_from']}"
        else:
            how = f"executed ({entry.get('executed_because') or 'no reason recorded'})"
        changes = (entry.get("changes") or {}).get("summary", "")
        lines.append(f"{entry.get('name')}: {how}; {changes}".rstrip("; "))
    return lines


def main(argv: list[str]) -> int:
    """Print the summary of the run DATE (default: the one that finished last) in REPORTS_DIR."""
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    reports = Path(argv[0])
    manifests = {}
    for run in reports.iterdir():
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", run.name) and (run / "manifest.json").is_file():
            manifests[run.name] = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    if len(argv) > 1:
        manifest = manifests.get(argv[1])
    else:
        manifest = max(manifests.values(), key=lambda m: m.get("finished_at", ""), default=None)
    if manifest is None:
        print(f"no run with a manifest.json in {reports}", file=sys.stderr)
        return 1
    print(f"run {manifest.get('run_date')}:")
    for line in summary_lines(manifest):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
