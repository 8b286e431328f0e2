"""Read a curated CSV against its schema, collecting every problem with file, line and column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.config import display_path
from analysis.core.dates import PartialDateError, parse_partial_date
from analysis.curated import schema as s

_SLUG = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a curated file, located as precisely as possible."""

    file: str
    line: int  # 1-based physical line in the file; 0 when the problem is the whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f" column '{self.column}':" if self.column else ""
        return f"{where}:{col} {self.message}"


class DataValidationError(ValueError):
    """Raised when a curated table has problems; carries all of them, not just the first."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in curated data:\n{lines}")


@dataclass
class RawTable:
    """A CSV read as text: header, rows as dicts, and the physical line each row starts on."""

    path: Path
    header: list[str]
    rows: list[dict[str, str]]
    lines: list[int]


def read_raw(path: Path, problems: list[Problem]) -> RawTable | None:
    """Read a CSV as UTF-8 text; on a file-level problem append it and return None."""
    name = display_path(path)
    if not path.exists():
        problems.append(Problem(name, 0, "", "file not found"))
        return None
    data = path.read_bytes()
    if not data.strip():
        problems.append(Problem(name, 0, "", "file is empty (expected a header row and data)"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                name,
                line,
                "",
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
            )
        )
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(Problem(name, 0, "", "file is empty (expected a header row)"))
        return None
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    start_line = reader.line_num + 1
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                start_line = reader.line_num + 1
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        name,
                        start_line,
                        "",
                        f"row has {len(record)} fields but the header has {len(header)} "
                        "(an unquoted comma, or a missing one?)",
                    )
                )
            else:
                rows.append(dict(zip(header, record, strict=True)))
                lines.append(start_line)
            start_line = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "", f"malformed CSV: {exc}"))
    return RawTable(path=path, header=header, rows=rows, lines=lines)


def split_list(cell: str) -> list[str]:
    """Split a |-separated cell into its stripped, non-empty items."""
    return [item.strip() for item in cell.split(s.LIST_SEPARATOR) if item.strip()]


def _parse_cell(col: s.Column, cell: str, today: date) -> tuple[Any, str | None]:
    """Convert one non-empty cell to its Python value, or return an error message."""
    kind = col.kind
    if kind in (s.TEXT,):
        return cell, None
    if kind in (s.ID, s.GROUP_ID):
        if not _SLUG.match(cell):
            return None, f"'{cell}' is not a valid id (lower-case letters, digits and hyphens)"
        return cell, None
    if kind == s.DATE:
        try:
            value, precision = parse_partial_date(cell)
        except PartialDateError as exc:
            return None, str(exc)
        if value.year < s.EARLIEST_DATE_YEAR:
            return None, f"date {cell} is before {s.EARLIEST_DATE_YEAR}"
        if value > today:
            return None, f"date {cell} is in the future (today is {today.isoformat()})"
        return (value, precision), None
    if kind == s.PRECISION:
        if cell not in ("day", "month", "year"):
            return None, f"'{cell}' is not a precision (expected day, month or year)"
        return cell, None
    if kind == s.INT:
        try:
            number = float(cell)
        except ValueError:
            return None, f"'{cell}' is not a number"
        if number != int(number):
            return None, f"'{cell}' is not a whole number"
        if number < 0:
            return None, f"'{cell}' is negative (counts must be 0 or more)"
        return int(number), None
    if kind in (s.FLOAT, s.PERCENT, s.LATITUDE, s.LONGITUDE):
        try:
            number = float(cell)
        except ValueError:
            return None, f"'{cell}' is not a number"
        if kind == s.PERCENT and not 0 <= number <= 100:
            return None, f"share {cell} is outside 0-100"
        if kind == s.LATITUDE and not -90 <= number <= 90:
            return None, f"latitude {cell} is outside -90..90"
        if kind == s.LONGITUDE and not -180 <= number <= 180:
            return None, f"longitude {cell} is outside -180..180"
        return number, None
    if kind == s.BOOL:
        lowered = cell.lower()
        if lowered in _TRUE:
            return True, None
        if lowered in _FALSE:
            return False, None
        return None, f"'{cell}' is not true or false"
    if kind == s.ENUM:
        if cell not in col.choices:
            return None, f"'{cell}' is not one of: {', '.join(col.choices)}"
        return cell, None
    if kind == s.ENUM_LIST:
        items = split_list(cell)
        bad = [item for item in items if item not in col.choices]
        if bad:
            return None, f"{', '.join(repr(b) for b in bad)} not in: {', '.join(col.choices)}"
        return items, None
    if kind in (s.LIST, s.SOURCES, s.GROUP_IDS):
        return split_list(cell), None
    raise AssertionError(f"unknown column kind {kind}")


def check_table(
    spec: s.TableSpec, path: Path, problems: list[Problem], today: date | None = None
) -> pd.DataFrame | None:
    """Read and check one table on its own; append problems; return the typed frame."""
    today = today or date.today()
    raw = read_raw(path, problems)
    if raw is None:
        return None
    name = display_path(path)
    missing = [c for c in spec.column_names if c not in raw.header]
    if missing:
        problems.append(
            Problem(name, 1, ", ".join(missing), "required column missing from the header")
        )
        return None
    duplicates = {h for h in raw.header if raw.header.count(h) > 1}
    if duplicates:
        problems.append(Problem(name, 1, ", ".join(sorted(duplicates)), "column appears twice"))
        return None

    records: list[dict[str, Any]] = []
    seen_keys: dict[tuple[str, ...], int] = {}
    for row, line in zip(raw.rows, raw.lines, strict=True):
        record: dict[str, Any] = {}
        for col in spec.columns:
            cell = (row.get(col.name) or "").strip()
            if not cell:
                if col.required:
                    problems.append(Problem(name, line, col.name, "required value is empty"))
                record[col.name] = [] if col.kind in _LIST_KINDS else None
                continue
            value, error = _parse_cell(col, cell, today)
            if error:
                problems.append(Problem(name, line, col.name, error))
            record[col.name] = value
        for extra in raw.header:
            if extra not in record:
                record[extra] = (row.get(extra) or "").strip() or None
        _check_row(spec, record, name, line, problems)
        key = tuple((row.get(k) or "").strip() for k in spec.key)
        if all(key):
            if key in seen_keys:
                problems.append(
                    Problem(
                        name,
                        line,
                        ", ".join(spec.key),
                        f"duplicate id {' / '.join(key)!r} (first on line {seen_keys[key]})",
                    )
                )
            else:
                seen_keys[key] = line
        records.append(record)
    return _to_frame(spec, records, raw)


_LIST_KINDS = (s.LIST, s.SOURCES, s.GROUP_IDS, s.ENUM_LIST)


def _check_row(
    spec: s.TableSpec, record: dict[str, Any], name: str, line: int, problems: list[Problem]
) -> None:
    """Checks that involve several columns of one row."""
    for col in spec.columns:
        if col.kind == s.DATE and col.precision_column and record.get(col.name):
            _, form_precision = record[col.name]
            stated = record.get(col.precision_column)
            if stated and stated != form_precision:
                problems.append(
                    Problem(
                        name,
                        line,
                        col.precision_column,
                        f"says '{stated}' but {col.name} is written at {form_precision} precision",
                    )
                )
            elif not stated:
                problems.append(
                    Problem(name, line, col.precision_column, f"empty although {col.name} is set")
                )
    low, best, high = (record.get(f"deaths_{k}") for k in ("low", "best", "high"))
    pairs = [("deaths_low", low, "deaths_best", best), ("deaths_best", best, "deaths_high", high)]
    pairs.append(("deaths_low", low, "deaths_high", high))
    for a_name, a, b_name, b in pairs:
        if isinstance(a, int) and isinstance(b, int) and a > b:
            problems.append(Problem(name, line, a_name, f"{a_name} {a} > {b_name} {b}"))
    s_low, s_high = record.get("strength_low"), record.get("strength_high")
    if isinstance(s_low, int) and isinstance(s_high, int) and s_low > s_high:
        problems.append(
            Problem(name, line, "strength_low", f"strength_low {s_low} > strength_high {s_high}")
        )
    for start_col, end_col in (("founded", "ended"), ("fieldwork_start", "fieldwork_end")):
        start, end = record.get(start_col), record.get(end_col)
        if start and end and end[0] < start[0]:
            problems.append(
                Problem(name, line, end_col, f"{end_col} {end[0]} is before {start_col} {start[0]}")
            )
    country = record.get("country")
    lat, lon = record.get("latitude"), record.get("longitude")
    if (lat is None) != (lon is None) and "latitude" in record:
        problems.append(
            Problem(name, line, "latitude", "latitude and longitude must be given together")
        )
    if country in s.COUNTRY_BOUNDS and isinstance(lat, float) and isinstance(lon, float):
        lon_min, lat_min, lon_max, lat_max = s.COUNTRY_BOUNDS[country]
        if not (lon_min <= lon <= lon_max and lat_min <= lat <= lat_max):
            problems.append(
                Problem(
                    name,
                    line,
                    "latitude",
                    f"({lat}, {lon}) is outside {country} "
                    f"(lat {lat_min}..{lat_max}, lon {lon_min}..{lon_max}); "
                    "latitude and longitude swapped?",
                )
            )


def _to_frame(spec: s.TableSpec, records: list[dict[str, Any]], raw: RawTable) -> pd.DataFrame:
    """Typed DataFrame: dates as datetime64 with a precision column, ids as strings."""
    columns: dict[str, Any] = {}
    extra = [h for h in raw.header if h not in spec.column_names]
    for col in spec.columns:
        values = [r.get(col.name) for r in records]
        if col.kind == s.DATE:
            columns[col.name] = pd.to_datetime(
                pd.Series([v[0] if v else None for v in values], dtype="object")
            ).astype("datetime64[ns]")
            if not col.precision_column:
                columns[f"{col.name}_precision"] = pd.Series(
                    [v[1] if v else None for v in values], dtype="string"
                )
        elif col.kind in (s.INT,):
            columns[col.name] = pd.array(values, dtype="Int64")
        elif col.kind in (s.FLOAT, s.PERCENT, s.LATITUDE, s.LONGITUDE):
            columns[col.name] = pd.array(values, dtype="Float64")
        elif col.kind == s.BOOL:
            columns[col.name] = pd.array(values, dtype="boolean")
        elif col.kind in _LIST_KINDS:
            columns[col.name] = pd.Series(values, dtype="object")
        else:
            columns[col.name] = pd.Series(values, dtype="string")
    for name in extra:
        columns[name] = pd.Series([r.get(name) for r in records], dtype="string")
    frame = pd.DataFrame(columns)
    # Keep where each row came from, so later checks can name the line.
    frame.attrs["path"] = display_path(raw.path)
    frame.attrs["lines"] = list(raw.lines[: len(records)])
    return frame
