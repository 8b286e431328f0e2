"""What changed since the last run: a report's key findings against its previous dated run.

The previous run of a report is the newest earlier dated run whose manifest holds the same
notebook, built without error, with the same parameters given (a scheduled ``-p start_date
-52w`` is the same parameters on every date). Its key findings are compared with this run's:

* a finding whose sentence is the same with every number blanked out is the same finding: if
  its numbers differ it **changed** (old -> new), otherwise it is unchanged;
* a finding with no such counterpart is **new**; an old one with none **disappeared**.

The first run of a report (with these parameters: its settings) says there is nothing to
compare.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: Numbers as findings write them: 1,234, 12.5, 78%, 2019-2021 (each number blanked alone).
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def shape(sentence: str) -> str:
    """The sentence with every number blanked out ('# deaths in #')."""
    return _NUMBER.sub("#", sentence)


def previous_findings(
    history: Iterable[Any], run_date: str, name: str, given: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The newest earlier run of the notebook with the same given parameters:
    ``{"run_date", "key_findings"}``, or None (``history`` holds runs newest first, each with
    ``date`` and ``manifest``)."""
    for run in history:
        if run.date >= run_date:
            continue
        for entry in run.manifest.get("notebooks", []):
            if (
                entry.get("name") == name
                and entry.get("status") == "ok"
                and (entry.get("parameters_given") or {}) == dict(given)
            ):
                return {"run_date": run.date, "key_findings": list(entry.get("key_findings", []))}
    return None


def compare(previous: Mapping[str, Any] | None, findings: Sequence[str]) -> dict[str, Any]:
    """The findings against the previous run's (see the module docstring)."""
    if previous is None:
        return {
            "previous_run": None,
            "summary": "This is the first run of this report with these settings: there is "
            "nothing to compare.",
            "new": [],
            "changed": [],
            "gone": [],
            "unchanged": 0,
        }
    old = list(previous.get("key_findings", []))
    unmatched_old = list(old)
    new, changed, unchanged = [], [], 0
    for sentence in findings:
        if sentence in unmatched_old:
            unmatched_old.remove(sentence)
            unchanged += 1
            continue
        twin = next((o for o in unmatched_old if shape(o) == shape(sentence)), None)
        if twin is None:
            new.append(sentence)
        else:
            unmatched_old.remove(twin)
            changed.append({"old": twin, "new": sentence})
    when = previous.get("run_date", "")
    counts = [
        f"{len(new)} new",
        f"{len(changed)} changed",
        f"{len(unmatched_old)} disappeared",
        f"{unchanged} unchanged",
    ]
    summary = (
        f"Since the run of {when}: nothing changed in the key findings ({unchanged} unchanged)."
        if not (new or changed or unmatched_old)
        else f"Since the run of {when}: " + ", ".join(counts) + " key findings."
    )
    return {
        "previous_run": when,
        "summary": summary,
        "new": new,
        "changed": changed,
        "gone": unmatched_old,
        "unchanged": unchanged,
    }
