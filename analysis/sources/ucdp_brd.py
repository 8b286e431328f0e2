"""UCDP Battle-Related Deaths, dyadic (``BattleDeaths_v*.csv``) -> annual table.

One row per government-vs-group dyad and year with ``bd_best``/``bd_low``/``bd_high`` (older
releases: ``bdbest``...). A dyad belongs to a country when the country's Gleditsch-Ward number
is in ``gwno_battle`` (where the battles were), or in ``gwno_loc`` when ``gwno_battle`` is
empty. A dyad fought in several countries cannot be split: ``battle_countries`` says how
many, so that a reader can leave such rows out of a national total. BRD counts state-based
battle deaths only: no one-sided violence against civilians, no fighting between groups.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.core.countries import gw_number
from analysis.core.text import without_invisible
from analysis.sources.annual import (
    display,
    integers,
    read_csv,
    read_header,
    resolved,
    within_years,
)
from analysis.sources.event_frames import EventDataError

_BRD_NAMES = {"bdbest": "bd_best", "bdlow": "bd_low", "bdhigh": "bd_high"}
_BRD_REQUIRED = (
    "conflict_id",
    "dyad_id",
    "side_a",
    "side_b",
    "year",
    "bd_best",
    "bd_low",
    "bd_high",
)


def read_brd(
    path: Path,
    country: str | None = None,
    start_year: int | None = None,
    end_year: int | None = None,
    resolve: Callable[[str], str | None] | None = None,
) -> pd.DataFrame:
    """UCDP BRD dyad-years (optionally of one country, in the project's spelling, and years) as
    an annual table."""
    source = display(path)
    # the header is checked before the whole file is read (a 2 GB file of zeros fails at once)
    header = [_BRD_NAMES.get(c, c) for c in read_header(path, source, "a UCDP BRD CSV")]
    missing = [c for c in _BRD_REQUIRED if c not in header]
    if missing:
        raise EventDataError(
            f"{source}: line 1: missing UCDP BRD column(s) {', '.join(missing)}; the header "
            f"has: {', '.join(header[:12])}"
        )
    frame = read_csv(path, source).rename(columns=_BRD_NAMES)
    for side in ("side_a", "side_b"):
        # a bidi override in a name would reverse the labels drawn after it in a figure
        frame[side] = frame[side].map(lambda v: without_invisible(v) if isinstance(v, str) else v)
    for column in ("year", "bd_best", "bd_low", "bd_high"):
        frame[column] = integers(frame[column], source, column)
    battle = frame.get("gwno_battle", pd.Series("", index=frame.index)).fillna("").astype(str)
    location = frame.get("gwno_loc", pd.Series("", index=frame.index)).fillna("").astype(str)
    where = battle.where(battle.str.strip() != "", location)
    codes = where.map(lambda cell: {c.strip() for c in cell.split(",") if c.strip()})
    if country:
        code = str(gw_number(country))
        # .loc with a boolean mask: an empty object Series in [] would select columns instead
        frame = frame.loc[codes.map(lambda found: code in found).astype(bool)]
        codes = codes[frame.index]
        country_names = pd.Series(country, index=frame.index)
    else:
        country_names = frame.get("location_inc", pd.Series(None, index=frame.index))
    resolve = resolve or (lambda name: None)
    actors = [
        [name for name in (a, b) if isinstance(name, str) and name.strip()]
        for a, b in zip(frame["side_a"], frame["side_b"], strict=True)
    ]
    out = pd.DataFrame(
        {
            "dataset": "ucdp-brd",
            "country": country_names.astype("str"),
            "year": frame["year"].astype("int64"),
            "conflict_id": frame["conflict_id"].astype("str"),
            "dyad_id": frame["dyad_id"].astype("str"),
            "actors": actors,
            "group_ids": [resolved(names, resolve) for names in actors],
            "deaths_best": frame["bd_best"].astype("Int64"),
            "deaths_low": frame["bd_low"].astype("Int64"),
            "deaths_high": frame["bd_high"].astype("Int64"),
            "battle_countries": codes.map(len).astype("int64"),
        },
        index=frame.index,
    )
    out["side_a"] = frame["side_a"].astype("str")
    out["side_b"] = frame["side_b"].astype("str")
    return within_years(out, start_year, end_year)
