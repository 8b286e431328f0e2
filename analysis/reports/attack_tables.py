"""The attack-trends report's tables: their shape, readable headers and source lines, and the
table builders the sections share (events by type, the 'Latest' windows by region or group,
breaks with their nearest milestone).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.analyses import trends
from analysis.analyses.changepoints import ChangePoint
from analysis.analyses.milestones import label_with_date, milestones_before
from analysis.reports.brief import readable_headers
from analysis.reports.parts import Table
from analysis.tables.events import Coverage

#: Headers a reader sees instead of a table's own column names (else spaces for underscores).
HEADERS = {"deaths_best": "deaths (best)"}
#: Why a part is empty when this edition read its data but the data has nothing for the
#: report's country and period.
IN_FILES_NOT_PERIOD = "The data read has no rows for this country and period."


def report_table(
    slug: str,
    frame: pd.DataFrame,
    caption: str,
    source: str | tuple[str, ...] | None,
    decimals: Mapping[str, int] | None = None,
) -> Table:
    """A table of the report under ``slug`` (its CSV: table-<slug>.csv), naming the datasets it
    is computed from (None: every dataset the run read), with headers a reader reads
    ('deaths (best)', not 'deaths_best')."""
    return readable_headers(Table(frame, caption, decimals or {}, source, slug), HEADERS)


def type_summary(events: pd.DataFrame) -> pd.DataFrame:
    """Per event type: events, those with a death figure, deaths and deaths per event among
    them; an event without a figure is not an event without deaths (kidnappings read 1.4 per
    event with 25 deaths over 18 events, most of which give no figure)."""
    deaths = pd.to_numeric(events["deaths_best"], errors="coerce")
    grouped = deaths.groupby(events["event_type"])
    summary = pd.DataFrame(
        {
            "events": grouped.size(),
            "with a death figure": grouped.count(),
            "deaths_best": grouped.sum(min_count=1),
        }
    ).sort_values("events", ascending=False, kind="stable")
    known = summary["with a death figure"].where(summary["with a death figure"] > 0)
    summary["deaths per event"] = (summary["deaths_best"] / known).round(1)
    return summary.reset_index()


def with_milestones(
    table: pd.DataFrame, breaks: Sequence[ChangePoint], milestones: pd.DataFrame
) -> pd.DataFrame:
    """Add the latest milestone on or before each break (a reading aid, not a cause)."""
    nearest = milestones_before([p.date for p in breaks], milestones)
    return table.assign(**{"nearest milestone before": [label_with_date(m) for m in nearest]})


def _count(value: float) -> str:
    return "not covered" if pd.isna(value) else f"{int(value):,}"


def latest_by(
    events: pd.DataFrame, covered: Coverage, by: str, labels: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The latest, previous and year-before windows per region or group, for a table."""
    counts = trends.latest_table(events, covered, by).head(10)
    table = counts.apply(lambda column: column.map(_count))
    for column in [c for c in counts if c.startswith("deaths ")]:
        # a covered window whose events give no death figure: 'not given', not 'not covered'
        given = counts[column].isna() & counts[column.replace("deaths", "events", 1)].notna()
        table.loc[given, column] = "not given"
    table = table.reset_index()
    if labels:
        table[by] = table[by].map(lambda key: labels.get(key, key))
    return table.rename(columns={"admin1": "region"})


def renamed(part: Any, slug: str) -> Any:
    """A table or no-data note under another slug (the body's short version of a table)."""
    return dataclasses.replace(part, slug=slug)
