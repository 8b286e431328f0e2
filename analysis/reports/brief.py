"""What the three reports share to read as a brief with an appendix: the short milestone list of
the main body, and the rule that a body caption is one or two short sentences.

Each milestone is listed once in a report's body or not at all: the body's Timeline lists the
milestones of the kinds the report's figures and questions bear on (BODY_MILESTONE_KINDS), by
date, kind and label; the appendix's full table (what happened, sources) lists them all.
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


#: The milestone kinds each report's body lists (what its figures and questions bear on):
#: violence follows coups and who fights; groups are listed, sign agreements and campaign;
#: the surveys ask about the army, MINUSMA, France and Russia. The appendix lists every kind.
BODY_MILESTONE_KINDS: dict[str, tuple[str, ...]] = {
    "attack_trends": (
        "coup",
        "foreign intervention",
        "peacekeeping mission",
        "withdrawal",
        "armed group campaign",
    ),
    "group_evolution": (
        "designation",
        "peace agreement",
        "foreign intervention",
        "armed group campaign",
    ),
    "public_opinion": ("coup", "foreign intervention", "peacekeeping mission", "withdrawal"),
}


def body_milestones(milestones: pd.DataFrame, report: str) -> pd.DataFrame:
    """The milestones the report's body lists: those of its kinds (BODY_MILESTONE_KINDS)."""
    return milestones[milestones["kind"].isin(BODY_MILESTONE_KINDS[report])]


def _kinds_text(report: str) -> str:
    kinds = [f"{kind}s" for kind in BODY_MILESTONE_KINDS[report]]
    return ", ".join(kinds[:-1]) + f" and {kinds[-1]}" if len(kinds) > 1 else kinds[0]


def milestone_brief_caption(milestones: pd.DataFrame, report: str) -> str:
    """The caption of the body's milestone list: which kinds it lists, and how many of the
    period's milestones that is."""
    shown = len(body_milestones(milestones, report))
    return (
        f"Milestones of the period: {_kinds_text(report)} ({shown} of {len(milestones)}; "
        "all of them, with what happened and sources: appendix)"
    )


def milestone_brief_missing(milestones: pd.DataFrame, report: str) -> str:
    """What the body says when no milestone of the period is of the kinds it lists."""
    return (
        f"no {_kinds_text(report)} among the {len(milestones)} milestones of the period "
        "(all of them: appendix)"
    )


def milestone_brief(milestones: pd.DataFrame, report: str | None = None) -> pd.DataFrame:
    """The milestones as the body shows them: date (at its precision), kind and short label;
    given the report, only the kinds its body lists (body_milestones)."""
    if report is not None:
        milestones = body_milestones(milestones, report)
    full = milestone_table(milestones)
    labels = milestones["label"] if "label" in milestones.columns else full["Kind"]
    return pd.DataFrame(
        {"Date": full["Date"], "Kind": full["Kind"], "Milestone": list(labels)},
        index=full.index,
    )


def caption_words(caption: str) -> int:
    """The number of words of a caption, as a reader counts them."""
    return len(caption.split())


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
