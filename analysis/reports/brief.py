"""What the three reports share to read as a brief with an appendix: the short milestone list of
the main body, and the rule that a body caption is one or two short sentences.

The full milestone table (what happened, sources) goes to the appendix; the body keeps date,
kind and label, so the Timeline section stays present and short.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.analyses.milestones import milestone_table

#: A body caption longer than this many words belongs in the appendix (tests hold to it).
MAX_CAPTION_WORDS = 60
#: Title of the appendix section holding the full milestone table.
MILESTONES_APPENDIX = "Milestones in full"


def milestone_brief(milestones: pd.DataFrame) -> pd.DataFrame:
    """The milestones as the body shows them: date (at its precision), kind and short label."""
    full = milestone_table(milestones)
    labels = milestones["label"] if "label" in milestones.columns else full["Kind"]
    return pd.DataFrame(
        {"Date": full["Date"], "Kind": full["Kind"], "Milestone": list(labels)},
        index=full.index,
    )


def caption_words(caption: str) -> int:
    """The number of words of a caption, as a reader counts them."""
    return len(caption.split())


#: Caption of the body's short milestone table.
MILESTONE_BRIEF_CAPTION = "Milestones in the period (what happened and sources: appendix)"


def _changed(part: Any, **changes: Any) -> Any:
    """A copy of a report table (a NamedTuple or a frozen dataclass) with some fields changed;
    its other fields (decimals, source) kept."""
    if hasattr(part, "_replace"):
        return part._replace(**changes)
    return dataclasses.replace(part, **changes)


def without_columns(part: Any, columns: Sequence[str], where: str) -> Any:
    """A report table (frame, caption, decimals, source) without some long columns, for the
    body; the caption says where the full table is (``where``, e.g. 'descriptions: appendix')."""
    return _changed(
        part, frame=part.frame.drop(columns=list(columns)), caption=f"{part.caption} ({where})"
    )


def readable_headers(part: Any, renames: Mapping[str, str] | None = None) -> Any:
    """A report table whose headers a reader reads and that can wrap: ``renames`` where given,
    else spaces for underscores ('deaths_weighted_latitude' cannot break); a new name that
    another column already has is left as it was."""
    renames = renames or {}
    wanted = {
        column: renames.get(column, column.replace("_", " "))
        for column in part.frame.columns
        if isinstance(column, str)
    }
    # Two columns may not end with one header: a name another column has or wants stays.
    claimed = list(part.frame.columns) + list(wanted.values())

    def readable(column: Any) -> Any:
        renamed = wanted.get(column, column)
        return column if renamed != column and claimed.count(renamed) > 1 else renamed

    decimals = getattr(part, "decimals", None)
    return _changed(
        part,
        frame=part.frame.rename(columns=readable),
        decimals=None if decimals is None else {readable(k): v for k, v in decimals.items()},
    )
