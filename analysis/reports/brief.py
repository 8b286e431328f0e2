"""What the three reports share to read as a brief with an appendix: the short milestone list of
the main body, and the rule that a body caption is one or two short sentences.

The full milestone table (what happened, sources) goes to the appendix; the body keeps date,
kind and label, so the Timeline section stays present and short.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

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


class BriefTable(NamedTuple):
    """A table reshaped for the body or to fit the column, as display.show_table takes it."""

    frame: pd.DataFrame
    caption: str
    decimals: Mapping[str, int] | None = None


def without_columns(part: Any, columns: Sequence[str], where: str) -> BriefTable:
    """A report table (frame, caption, decimals) without some long columns, for the body; the
    caption says where the full table is (``where``, e.g. 'descriptions: appendix')."""
    return BriefTable(
        part.frame.drop(columns=list(columns)),
        f"{part.caption} ({where})",
        getattr(part, "decimals", None),
    )


def wrapping_headers(part: Any) -> BriefTable:
    """A report table whose column names have spaces for underscores, so that its headers can
    wrap and the table fit the column ('deaths_weighted_latitude' cannot break)."""

    def readable(name: Any) -> Any:
        return name.replace("_", " ") if isinstance(name, str) else name

    decimals = getattr(part, "decimals", None)
    return BriefTable(
        part.frame.rename(columns=readable),
        part.caption,
        {readable(k): v for k, v in decimals.items()} if decimals else None,
    )
