"""Shared pieces of the annual series (UCDP BRD dyad-years, OWID country-years).

Both load into one annual table, ``ANNUAL_COLUMNS``; they are used where events are not
available. See analysis.sources.ucdp_brd and analysis.sources.owid.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.config import display_path
from analysis.sources.event_frames import (
    EventDataError,
    open_csv,
    read_head,
    utf8_problem,
    with_name_parts,
)

ANNUAL_COLUMNS: tuple[str, ...] = (
    "dataset",
    "country",
    "year",
    "conflict_id",
    "dyad_id",
    "actors",
    "group_ids",
    "deaths_best",
    "deaths_low",
    "deaths_high",
    "battle_countries",
)


def read_header(path: Path, source: str, expected: str) -> list[str]:
    """The header row, from the first block only: a file that is not a CSV (zeros, a web
    page, an empty file, ';' separators, a bad zip) is named before pandas reads it all."""
    return read_head(path, source, expected)


def read_csv(path: Path, source: str) -> pd.DataFrame:
    """Read a CSV as text (a zip holding one CSV too); a broken file names itself."""
    try:
        with open_csv(path, source) as handle:
            return pd.read_csv(
                handle, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
            )
    except UnicodeDecodeError:
        header = read_header(path, source, "a CSV")
        raise EventDataError(utf8_problem(source, lambda: open_csv(path, source), header)) from None
    except pd.errors.EmptyDataError:
        raise EventDataError(f"{source}: the file is empty (no header row)") from None
    except pd.errors.ParserError as exc:
        raise EventDataError(f"{source}: cannot read the CSV: {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise EventDataError(f"{source}: the zip is damaged ({exc}); download it again") from None


def integers(values: pd.Series, source: str, column: str) -> pd.Series:
    """Non-negative whole numbers, or an error naming the file, line and column."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna() | (numbers < 0) | (numbers % 1 != 0)
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        raise EventDataError(
            f"{source}: line {position + 2}, column {column}: {values.iloc[position]!r} is not "
            "a non-negative whole number"
        )
    return numbers.astype("Int64")


def within_years(frame: pd.DataFrame, start_year: int | None, end_year: int | None) -> pd.DataFrame:
    """Rows in [start_year, end_year], sorted by country and year."""
    if start_year is not None:
        frame = frame[frame["year"] >= start_year]
    if end_year is not None:
        frame = frame[frame["year"] <= end_year]
    return frame.sort_values(["country", "year"]).reset_index(drop=True)


def resolved(names: list[str], resolve: Callable[[str], str | None]) -> list[str]:
    """The distinct group ids a dyad's side names resolve to."""
    get = with_name_parts(resolve)
    found = [get(n) for n in names]
    return list(dict.fromkeys(g for g in found if g))


def display(path: Path) -> str:
    """A path as messages show it (relative to the project when inside it)."""
    return display_path(Path(path))
