"""Political and military milestones: those of a period, their labels, and the one before a date
(drawing them is analysis.figures.milestones)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from datetime import date

import pandas as pd

from analysis.core.dates import human_date
from analysis.curated.schema import MILESTONE_KINDS


def _as_timestamp(value: date | str | pd.Timestamp | None) -> pd.Timestamp | None:
    return None if value is None or value == "" else pd.Timestamp(value)


def milestones_in(
    frame: pd.DataFrame,
    start: date | str | None = None,
    end: date | str | None = None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Milestones (the milestones table) of the chosen kinds (all when empty) that overlap
    [start, end], by date, with a short ``label`` for each."""
    unknown = sorted(set(kinds or ()) - set(MILESTONE_KINDS))
    if unknown:
        raise ValueError(
            f"unknown milestone kind(s) {unknown}; known: {', '.join(MILESTONE_KINDS)}"
        )
    if kinds:
        frame = frame[frame["kind"].isin(list(kinds))]
    first, last = _as_timestamp(start), _as_timestamp(end)
    finish = frame["end_date"].fillna(frame["date"])
    if first is not None:
        frame = frame[finish >= first]
    if last is not None:
        frame = frame[frame["date"] <= last]
    if "label" not in frame.columns or frame["label"].isna().all():
        frame = frame.assign(label=frame["milestone_id"].map(short_label))
    else:
        frame = frame.assign(label=frame["label"].fillna(frame["milestone_id"].map(short_label)))
    return frame.sort_values(["date", "milestone_id"]).reset_index(drop=True)


def short_label(milestone_id: str) -> str:
    """A readable short label from an id: 'coup-2012' -> 'Coup 2012', 'minusma' -> 'MINUSMA'."""
    words = milestone_id.replace("_", "-").split("-")
    shown = [w.upper() if w in _ACRONYMS else w for w in words]
    first = shown[0]
    shown[0] = first if first.isupper() else first.capitalize()
    return " ".join(shown)


_ACRONYMS = {"un", "minusma", "afisma", "g5", "ecowas", "aes", "eutm", "fc", "cma", "us", "eu"}


def milestone_table(milestones: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of milestones: date (at its precision), kind, what happened, sources."""

    def when(row: pd.Series) -> str:
        text = human_date(row["date"].date(), row["date_precision"])
        if pd.notna(row.get("end_date")):
            text += f" – {human_date(row['end_date'].date(), row['end_date_precision'])}"
        return text

    return pd.DataFrame(
        {
            "Date": milestones.apply(when, axis=1) if len(milestones) else [],
            "Kind": milestones["kind"],
            "What happened": milestones["description"],
            "Sources": milestones["sources"].map(", ".join),
        }
    )


def nearest_before(when: date | str | pd.Timestamp, milestones: pd.DataFrame) -> pd.Series | None:
    """The latest milestone on or before a date (a reading aid, not a causal claim)."""
    moment = pd.Timestamp(when)
    earlier = milestones[milestones["date"] <= moment]
    if earlier.empty:
        return None
    return earlier.sort_values("date").iloc[-1]


def milestones_before(
    moments: Sequence[date | str | pd.Timestamp | int], milestones: pd.DataFrame
) -> list[pd.Series | None]:
    """For each moment (a date, or a year as an int), the latest milestone on or before it.

    A year counts up to its last day, so a break in 2018 is read against milestones up to
    31 December 2018. A reading aid for change points, never a causal claim.
    """
    found = []
    for moment in moments:
        if isinstance(moment, numbers.Integral) and not isinstance(moment, bool):
            moment = pd.Timestamp(int(moment), 12, 31)
        found.append(nearest_before(moment, milestones))
    return found


def label_with_date(milestone: pd.Series | None) -> str:
    """'Coup (18 August 2020)' for a milestone row, or an en dash when there is none."""
    if milestone is None:
        return "–"
    when = human_date(milestone["date"].date(), milestone["date_precision"])
    return f"{milestone.get('label') or short_label(milestone['milestone_id'])} ({when})"


def concerning(milestones: pd.DataFrame, country: str) -> pd.DataFrame:
    """The milestones that concern a country (its ``countries`` list; a row with none is
    Mali's, as the table's rows were Mali's before the column existed)."""
    if "countries" not in milestones:
        return milestones if country == "Mali" else milestones.iloc[0:0]

    def concerns(countries: object) -> bool:
        listed = list(countries) if isinstance(countries, list | tuple) else []
        return country in listed if listed else country == "Mali"

    return milestones[milestones["countries"].map(concerns).astype(bool)]
