"""``python -m analysis validate``: check the curated tables and summarise them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis.config import CURATED_DIR, display_path
from analysis.curated import schema
from analysis.curated.chronology import DECISIONS as CANDIDATE_DECISIONS
from analysis.curated.tables import ValidationReport, validate_all


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the validate command."""
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        # argparse formats help with %: a percent sign in the path is doubled
        help=f"folder of curated CSVs (default {display_path(CURATED_DIR)})".replace("%", "%%"),
    )


def summary_lines(report: ValidationReport) -> list[str]:
    """One line per table: rows, and what the table holds."""
    lines = []
    for name, spec in schema.TABLES.items():
        frame = report.frames.get(name)
        rows = "unreadable" if frame is None else f"{len(frame):>4} rows"
        lines.append(f"  {name + '.csv':<16} {rows}  {spec.description}")
    frames = report.frames
    if "groups" in frames and "lineage" in frames:
        lines.append(
            f"  {len(frames['groups'])} groups, {len(frames['lineage'])} lineage relations"
        )
    if "events" in frames:
        events = frames["events"]
        notable = int(events["inclusion"].map(lambda c: "notable" in (c or [])).sum())
        lines.append(
            f"  chronology: {len(events) - notable} events in the inclusion rule, {notable} notable"
        )
    if "candidates" in frames:
        decisions = frames["candidates"]["decision"].value_counts()
        lines.append(
            "  candidate log: "
            + ", ".join(f"{int(decisions.get(d, 0))} {d}" for d in CANDIDATE_DECISIONS)
        )
    notes = [
        (name, frame)
        for name, frame in frames.items()
        if "notes" in frame and frame["notes"].str.contains("DISAGREEMENT", na=False).any()
    ]
    count = sum(int(f["notes"].str.contains("DISAGREEMENT", na=False).sum()) for _, f in notes)
    lines.append(f"  {count} recorded disagreements between sources")
    return lines


def run(args: argparse.Namespace) -> int:
    """Validate; print the summary, or every problem and exit 1."""
    if args.dir is not None and not args.dir.is_dir():
        what = "is a file, not a folder" if args.dir.exists() else "does not exist"
        print("Curated data has 1 problem:", file=sys.stderr)
        print(f"  {display_path(args.dir)}: the folder given with --dir {what}", file=sys.stderr)
        return 1
    report = validate_all(args.dir)
    if report.ok:
        print(f"Curated data in {display_path(args.dir or CURATED_DIR)} is valid:")
        print("\n".join(summary_lines(report)))
        return 0
    count = len(report.problems)
    print(f"Curated data has {count} problem{'s' if count != 1 else ''}:", file=sys.stderr)
    for problem in sorted(report.problems):
        print(f"  {problem}", file=sys.stderr)
    return 1
