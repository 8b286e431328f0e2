"""UCDP Candidate Events (the monthly "candidate GED" files) -> one normalised GED table.

UCDP publishes the current year's events month by month, with at most a month's lag, before
they enter the yearly GED release. The release is known from the file name:

* ``GEDEvent_v25_0_3.csv``: a monthly release, 2025 candidate, month 3 (March 2025);
* ``GEDEvent_v26_01_26_06.csv``: a consolidated release of 2026, January to June.

The files have GED's 49 columns (``analysis.sources.ucdp_ged.GED_20_1_COLUMNS``). Some were
published without a header row: their columns are then assigned in that documented order, and
the values of the first rows are checked against the columns' types (an id, a violence type 1
to 3, a date, whole numbers of deaths, coordinates) before the file is read; when they do not
fit, the error names the file, line, column and value of every misfit.

An event id can appear in several releases (UCDP revises events, and a later release may carry
a corrected copy): the copy from the latest release is kept. Releases are ordered by year, then
the last month they cover, a consolidated release after the monthly one of its last month.
An event that a later release does not carry is kept from the release that does: a monthly
file holds its own month's events, so its silence about earlier events says nothing.
``code_status`` is kept: an event whose status is not "Clear" is not yet finally coded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from analysis.config import display_path
from analysis.sources import ucdp_ged
from analysis.sources.candidate_release import release_of
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import EventDataError, Resolve, open_csv, read_block

#: What UCDP's candidate releases give: the events of a GED release, provisional.
DECLARATION = Declaration(
    "ucdp-candidate", "UCDP's candidate releases", types=ucdp_ged.TYPES_OF_VIOLENCE
)
#: Rows of a file without a header whose values are checked against the documented order.
CHECKED_ROWS = 50


def candidate_files(folder: Path) -> list[Path]:
    """The candidate release files in a folder (by their names), oldest release first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and release_of(p) is not None]
    return sorted(found, key=lambda p: release_of(p).order)  # type: ignore[union-attr]


def has_header(path: Path) -> bool:
    """True when the file's first line is a header row (its first field is not a number)."""
    source = display_path(path)
    with open_csv(path, source) as handle:
        head = read_block(handle, source)
    line = head.lstrip(b"\xef\xbb\xbf\r\n").split(b"\n", 1)[0].decode("utf-8", "replace")
    first = next(csv.reader([line]), [""])
    return not (first and first[0].strip().strip('"').isdigit())


def read_candidate(path: Path, resolve: Resolve | None = None) -> pa.Table:
    """One candidate file, with or without a header row, normalised like GED, with its
    ``code_status`` and ``release`` (version) columns."""
    release = release_of(path)
    source = display_path(path)
    if release is None:
        raise EventDataError(
            f"{source}: the name states no UCDP candidate release; candidate files are named "
            "as UCDP publishes them, GEDEvent_vYY_0_M.csv (e.g. GEDEvent_v25_0_3.csv) or "
            "GEDEvent_vYY_01_YY_MM.csv"
        )
    if has_header(path):
        raw = ucdp_ged.read_ged(path)
    else:
        check_headerless(path)
        raw = ucdp_ged.read_ged(path, column_names=ucdp_ged.GED_20_1_COLUMNS)
    table = ucdp_ged.normalise(raw, source, resolve)
    return table.append_column("release", pa.array([release.version] * table.num_rows))


def read_candidates(paths: Iterable[Path], resolve: Resolve | None = None) -> pa.Table:
    """Several candidate files as one table, each event id once (its latest release's copy),
    every row marked ``provisional``."""
    files = sorted(paths, key=_order)
    if not files:
        raise EventDataError("no UCDP candidate file given")
    tables = []
    for rank, path in enumerate(files):
        table = read_candidate(path, resolve)
        tables.append(table.append_column("rank", pa.array([rank] * table.num_rows, pa.int32())))
    table = pa.concat_tables(tables)
    table = latest_copies(table)
    table = table.drop(["rank"])
    return table.append_column("provisional", pa.array([True] * table.num_rows, pa.bool_()))


def latest_copies(table: pa.Table) -> pa.Table:
    """Keep one row per ``event_id``: the one with the highest ``rank`` (latest release)."""
    if table.num_rows == 0:
        return table
    ids = np.asarray(table.column("event_id").to_pylist(), dtype=object)
    ranks = table.column("rank").to_numpy()
    order = np.lexsort((-ranks, ids.astype(str)))
    seen: set[str] = set()
    keep = []
    for index in order:
        key = ids[index]
        if key not in seen:
            seen.add(key)
            keep.append(index)
    return table.take(pa.array(sorted(keep), pa.int64()))


def covered_spans(paths: Iterable[Path]) -> tuple[tuple[date, date], ...]:
    """The days the candidate files cover (each release its months), merged where they touch."""
    return merge_spans(
        (r.first_day, r.last_day) for r in (release_of(p) for p in paths) if r is not None
    )


def merge_spans(spans: Iterable[tuple[date, date]]) -> tuple[tuple[date, date], ...]:
    """Inclusive day spans sorted and merged where they overlap or touch."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and (first - merged[-1][1]).days <= 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return tuple(merged)


def versions(paths: Iterable[Path]) -> list[str]:
    """The candidate versions of the files, oldest release first ('26.0.1', '26.0.2')."""
    releases = sorted((r for r in map(release_of, paths) if r is not None), key=lambda r: r.order)
    return [r.version for r in releases]


def not_clear_share(code_status: Iterable[str | None]) -> tuple[int, int]:
    """(events whose code_status is not "Clear", events): UCDP has not finished coding them."""
    statuses = list(code_status)
    not_clear = sum(1 for s in statuses if (s or "").strip() != ucdp_ged.CLEAR)
    return not_clear, len(statuses)


# --- files without a header row -----------------------------------------------------------

_WHOLE = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _fits_id(value: str) -> bool:
    return bool(_WHOLE.match(value))


def _fits_violence(value: str) -> bool:
    return value in ucdp_ged.VIOLENCE_TYPES


def _fits_status(value: str) -> bool:
    return value != "" and not _NUMBER.match(value)


def _fits_date(value: str) -> bool:
    return bool(_DATE.match(value))


def _fits_count(value: str) -> bool:
    # a negative count is in the right column: normalise names it as negative
    return bool(_WHOLE.match(value))


def _fits_number(value: str) -> bool:
    return value == "" or bool(_NUMBER.match(value))


#: column -> (check, what the column must hold): the values that tell the order apart
_CHECKS = {
    "id": (_fits_id, "a whole-number event id"),
    "code_status": (_fits_status, "a coding status such as 'Clear'"),
    "type_of_violence": (_fits_violence, "1, 2 or 3"),
    "latitude": (_fits_number, "a latitude"),
    "longitude": (_fits_number, "a longitude"),
    "date_start": (_fits_date, "a date (YYYY-MM-DD)"),
    "date_end": (_fits_date, "a date (YYYY-MM-DD)"),
    "best": (_fits_count, "a whole number of deaths"),
    "high": (_fits_count, "a whole number of deaths"),
    "low": (_fits_count, "a whole number of deaths"),
}


def check_headerless(path: Path) -> None:
    """Check that a file without a header row fits GED's documented 49-column order, reading
    its first ``CHECKED_ROWS`` rows; raise one EventDataError listing every misfit."""
    source = display_path(path)
    columns = ucdp_ged.GED_20_1_COLUMNS
    problems: list[str] = []
    with open_csv(path, source) as handle:
        reader = csv.reader(io.TextIOWrapper(handle, encoding="utf-8", errors="replace"))
        for row in reader:
            problems += _misfits(row, reader.line_num, columns)
            if reader.line_num >= CHECKED_ROWS or len(problems) >= 10:
                break
    if problems:
        raise EventDataError(
            f"{source}: no header row, and the columns cannot be assigned in UCDP's documented "
            f"order ({', '.join(columns[:6])}, ... {', '.join(columns[-5:])}): "
            + "; ".join(problems)
            + ". Add the header row from UCDP's codebook, or download the file again."
        )


def _misfits(row: list[str], line: int, columns: tuple[str, ...]) -> list[str]:
    """What in one row does not fit the documented order (nothing when it fits)."""
    if len(row) != len(columns):
        return [
            f"line {line} has {len(row)} fields, not the {len(columns)} of the documented "
            "candidate GED order"
        ]
    problems = []
    for position, name in enumerate(columns):
        if name in _CHECKS:
            fits, expected = _CHECKS[name]
            value = row[position].strip()
            if not fits(value):
                problems.append(
                    f"line {line}, column {name} (field {position + 1}): {value!r} is not "
                    f"{expected}"
                )
    return problems


def _order(path: Path) -> tuple[int, int, int]:
    release = release_of(path)
    if release is None:
        raise EventDataError(
            f"{display_path(path)}: the name states no UCDP candidate release (expected "
            "GEDEvent_vYY_0_M.csv)"
        )
    return release.order


def provisional_months(dates: Iterable[date], provisional: Iterable[bool]) -> list[str]:
    """The months ('2026-01') of the provisional events, in order."""
    return sorted(
        {f"{d.year:04d}-{d.month:02d}" for d, p in zip(dates, provisional, strict=True) if p}
    )
