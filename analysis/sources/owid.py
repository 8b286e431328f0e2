"""Our World in Data, "Deaths in armed conflicts based on where they occurred" -> annual table.

Columns ``Entity, Code, Year`` and one value column (``Deaths`` in older downloads, a longer
label now; with several, the one for all conflict types). OWID derives it from UCDP GED: all
organised violence (state-based, non-state and one-sided), best estimate, by country where
the deaths occurred. It has no low/high band.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core.countries import canonical_country, country_key
from analysis.sources.annual import display, integers, read_csv, read_header, within_years
from analysis.sources.event_frames import EventDataError


def read_owid(
    path: Path,
    country: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
) -> pd.DataFrame:
    """OWID conflict deaths by country and year as an annual table (no low/high band)."""
    source = display(path)
    # the header is checked before the whole file is read (a 2 GB file of zeros fails at once)
    header = read_header(path, source, "an Our World in Data grapher CSV")
    missing = [c for c in ("Entity", "Year") if c not in header]
    values = [c for c in header if c not in ("Entity", "Code", "Year")]
    if missing or not values:
        raise EventDataError(
            f"{source}: line 1: expected OWID columns Entity, Year and a value column; the "
            f"header has: {', '.join(header[:12])}"
        )
    frame = read_csv(path, source)
    values = [c for c in frame.columns if c not in ("Entity", "Code", "Year")]
    value = "Deaths" if "Deaths" in values else _all_conflicts_column(values, source)
    if country:
        wanted = country_key(country)
        frame = frame[frame["Entity"].map(lambda e: country_key(str(e)) == wanted)]
    deaths = integers(frame[value], source, value)
    out = pd.DataFrame(
        {
            "dataset": "owid",
            "country": frame["Entity"].map(canonical_country).astype("str"),
            "year": integers(frame["Year"], source, "Year").astype("int64"),
            "conflict_id": pd.Series(pd.NA, index=frame.index, dtype="str"),
            "dyad_id": pd.Series(pd.NA, index=frame.index, dtype="str"),
            "actors": [[] for _ in range(len(frame))],
            "group_ids": [[] for _ in range(len(frame))],
            "deaths_best": deaths.astype("Int64"),
            "deaths_low": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
            "deaths_high": pd.Series(pd.NA, index=frame.index, dtype="Int64"),
            "battle_countries": 1,
        },
        index=frame.index,
    )
    return within_years(out, start_year, end_year)


def _all_conflicts_column(values: list[str], source: str) -> str:
    """The value column of a newer OWID download: the only one, or the 'all' conflict types."""
    if len(values) == 1:
        return values[0]
    overall = [v for v in values if "all" in v.lower().split()]
    if len(overall) == 1:
        return overall[0]
    raise EventDataError(
        f"{source}: line 1: several value columns ({', '.join(values)}); expected one, or one "
        "for all conflict types"
    )
