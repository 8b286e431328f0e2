"""Read a curated CSV against its schema, collecting every problem with file, line and column."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
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
    #: False when a record could not be read as a row (a wrong field count, rows swallowed by a
    #: quote left open): checks across tables then cannot tell a missing row from a lost one.
    complete: bool = True


@dataclass
class _Quoted:
    """A cell that starts with a double quote: where it opens, and where (if) it closes."""

    index: int  # position of the cell in its record
    open_line: int
    close_line: int | None  # None: the file ends inside the quotes
    body: str  # the text between the quotes, as written (quotes still doubled)
    after: str  # text between the closing quote and the next comma or line end


@dataclass
class _Record:
    """One CSV record as the reader sees it, with the physical line of each cell."""

    line: int
    cells: list[str]
    quoted: list[_Quoted]
    end: str  # the line break that ends it: '\n', '\r\n', '\r', or '' at the end of the file


_UNQUOTED = re.compile(r"[^,\r\n]*")
_QUOTED = re.compile(r'"((?:[^"]+|"")*)("?)')
_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Zl", "Zp", "Zs")


def _parse_csv(text: str) -> list[_Record]:
    """Split CSV text into records the way Python's csv module does (RFC 4180 quoting; text
    after a closing quote is kept), but remember where each quoted cell opens and closes, so a
    quote left open can be named by its line. A line break is '\n', '\r\n' or a lone '\r'."""
    records: list[_Record] = []
    pos, line, size = 0, 1, len(text)
    while pos < size:
        record = _Record(line=line, cells=[], quoted=[], end="")
        while True:
            if text.startswith('"', pos):
                match = _QUOTED.match(text, pos)
                assert match is not None  # the pattern matches any text starting with a quote
                body, closed = match.group(1), bool(match.group(2))
                open_line = line
                line += len(_BREAK.findall(body))
                pos = match.end()
                after = ""
                if closed:
                    tail = _UNQUOTED.match(text, pos)
                    assert tail is not None
                    after, pos = tail.group(), tail.end()
                record.quoted.append(
                    _Quoted(len(record.cells), open_line, line if closed else None, body, after)
                )
                record.cells.append(body.replace('""', '"') + after)
            else:
                match = _UNQUOTED.match(text, pos)
                assert match is not None
                record.cells.append(match.group())
                pos = match.end()
            if text.startswith(",", pos):
                pos += 1
                continue
            if pos < size:
                record.end = "\r\n" if text.startswith("\r\n", pos) else text[pos]
                pos += len(record.end)
                line += 1
            break
        records.append(record)
    return records


def _show(cell: str) -> str:
    """A cell quoted for a message, invisible characters written as \\uXXXX so they show."""
    shown = "".join(
        f"\\u{ord(ch):04x}"
        if ch != " " and unicodedata.category(ch) in _INVISIBLE_CATEGORIES
        else ch
        for ch in cell
    )
    return f"'{shown}'"


def _column_at(header: list[str], index: int) -> str:
    return header[index] if index < len(header) else f"field {index + 1}"


def _looks_like_row(text: str, width: int) -> bool:
    """True when one line of text, read as CSV, has as many fields as the table's header."""
    records = _parse_csv(text)
    return len(records) == 1 and len(records[0].cells) == width


def _quote_problems(
    record: _Record, header: list[str], name: str, last_line: int, problems: list[Problem]
) -> bool:
    """Quotes that swallow rows or leave text after them; True when rows were swallowed."""
    swallowed = False
    for quoted in record.quoted:
        column = _column_at(header, quoted.index)
        if quoted.close_line is None:
            swallowed = True
            if last_line > quoted.open_line:
                span = (
                    f"line {last_line} is"
                    if last_line == quoted.open_line + 1
                    else f"lines {quoted.open_line + 1}-{last_line} are"
                )
                what = f"so {span} read into this one cell, to the end of the file"
            else:
                what = "and the file ends inside it"
            problems.append(
                Problem(
                    name,
                    quoted.open_line,
                    column,
                    f"a quote opens this cell and is never closed, {what}; close the quote "
                    '(a quote inside a cell is written "")',
                )
            )
            continue
        continuation = _BREAK.split(quoted.body)[1:]
        rows = sum(_looks_like_row(part, len(header)) for part in continuation)
        after = quoted.after.strip()
        # A line break inside quotes is allowed; it is a quote left open when the lines it takes
        # look like rows, or it ends in stray text, or the row then has the wrong field count.
        if continuation and (rows or after or len(record.cells) != len(header)):
            swallowed = True
            first, last = quoted.open_line + 1, quoted.close_line
            span = f"line {first} is" if first == last else f"lines {first}-{last} are"
            like = ""
            if rows:
                like = " (1 looks like a row" if rows == 1 else f" ({rows} look like rows"
                like += " of the table)"
            problems.append(
                Problem(
                    name,
                    quoted.open_line,
                    column,
                    f"the quote that opens this cell closes only on line {last}, so {span} read "
                    f"into this one cell{like}; close the quote where the cell ends (a quote "
                    'inside a cell is written "")',
                )
            )
        elif after:
            shown = after if len(after) <= 40 else after[:40] + "..."
            problems.append(
                Problem(
                    name,
                    quoted.close_line,
                    column,
                    f"text {shown!r} follows the closing quote of this cell; a quoted cell must "
                    'end with its quote (a quote inside a cell is written "")',
                )
            )
    return swallowed


def read_raw(path: Path, problems: list[Problem]) -> RawTable | None:
    """Read a CSV as UTF-8 text; on a file-level problem append it and return None.

    Row-level problems (a wrong number of fields, a quote left open that swallows rows, control
    characters) are appended too, and the row is left out; every other row is still read.
    """
    name = display_path(path)
    if not path.exists():
        problems.append(Problem(name, 0, "", "file not found"))
        return None
    if not path.is_file():
        problems.append(Problem(name, 0, "", "is not a file (a folder?)"))
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(name, 0, "", f"cannot be read: {exc.strerror or exc}"))
        return None
    if not data.strip():
        problems.append(Problem(name, 0, "", "file is empty (expected a header row and data)"))
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(
            Problem(
                name,
                0,
                "",
                "the file is saved as UTF-16 (it starts with a UTF-16 byte-order mark); save it "
                "as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
            )
        )
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = len(_BREAK.findall(data[: exc.start].decode("utf-8", "replace"))) + 1
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
    records = _parse_csv(text)
    first = records[0]
    header = [h.replace("\ufeff", "").strip() for h in first.cells]
    if (
        any(_CONTROL.search(h) for h in header)
        or first.quoted
        and first.quoted[-1].close_line is None
    ):
        problems.append(
            Problem(
                name,
                1,
                "",
                "the header row holds control characters or an unclosed quote: the file is "
                "damaged or not a UTF-8 CSV (saved as UTF-16?); save it as 'CSV UTF-8'",
            )
        )
        return None
    last_line = len(_BREAK.findall(text)) + (0 if text.endswith(("\n", "\r")) else 1)
    mixed_breaks = len({r.end for r in records if r.end}) > 1
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    complete = True
    for index, record in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in record.cells):
            continue
        swallowed = _quote_problems(record, header, name, last_line, problems)
        complete = complete and not swallowed and len(record.cells) == len(header)
        for position, cell in enumerate(record.cells):
            control = _CONTROL.search(cell)
            if control:
                problems.append(
                    Problem(
                        name,
                        record.line + len(_BREAK.findall("".join(record.cells[:position]))),
                        _column_at(header, position),
                        f"contains the control character U+{ord(control.group()):04X} "
                        "(invisible; left by a damaged file or a bad copy): remove it",
                    )
                )
        if len(record.cells) == len(header):
            rows.append(dict(zip(header, record.cells, strict=True)))
            lines.append(record.line)
        elif not swallowed:
            message = (
                f"row has {len(record.cells)} field{'s' if len(record.cells) != 1 else ''} "
                f"but the header has {len(header)} (an unquoted comma, or a missing one?)"
            )
            if mixed_breaks and "\r" in (record.end, records[index - 1].end):
                message = (
                    f"row has {len(record.cells)} field{'s' if len(record.cells) != 1 else ''} "
                    f"but the header has {len(header)}: a lone carriage return (CR) "
                    f"{'ends this line' if record.end == chr(13) else 'ends the line before'}"
                    "; a line break inside a cell must be quoted, or remove it"
                )
            problems.append(Problem(name, record.line, "", message))
    if not any(any(cell.strip() for cell in r.cells) for r in records[1:]):
        problems.append(Problem(name, 0, "", "has a header row but no data rows"))
    return RawTable(path=path, header=header, rows=rows, lines=lines, complete=complete)


def split_list(cell: str) -> list[str]:
    """Split a |-separated cell into its stripped, non-empty items."""
    return [item.strip() for item in cell.split(s.LIST_SEPARATOR) if item.strip()]


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NOT_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
#: Counts are stored as 64-bit integers.
_INT_MAX = 2**63 - 1


def _number(cell: str) -> tuple[float | None, str | None]:
    """A finite decimal number written with ASCII digits (no '1_000', no 'nan', no '1e400')."""
    if not _NUMBER.fullmatch(cell):
        if _NOT_FINITE.fullmatch(cell):
            return None, f"'{cell}' is not a finite number"
        return None, f"{_show(cell)} is not a number"
    value = float(cell)
    if not math.isfinite(value):
        return None, f"'{cell}' is not a finite number (too large)"
    return value, None


def _below_minimum(col: s.Column, cell: str, value: float) -> str | None:
    if col.minimum is not None and value < col.minimum:
        return f"'{cell}' is below {col.minimum:g}, the smallest {col.name} allowed"
    return None


def _bad_id(cell: str) -> str:
    message = f"{_show(cell)} is not a valid id (lower-case letters, digits and hyphens)"
    cleaned = "".join(ch for ch in cell if unicodedata.category(ch) not in ("Cc", "Cf")).lower()
    if _SLUG.match(cleaned):
        message += f"; did you mean '{cleaned}'?"
    return message


def _parse_cell(col: s.Column, cell: str, today: date) -> tuple[Any, str | None]:
    """Convert one non-empty cell to its Python value, or return an error message."""
    kind = col.kind
    if kind in (s.TEXT,):
        if col.max_length is not None and len(cell) > col.max_length:
            return None, f"'{cell}' is {len(cell)} characters long; at most {col.max_length}"
        return cell, None
    if kind in (s.ID, s.GROUP_ID):
        if not _SLUG.match(cell):
            return None, _bad_id(cell)
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
        if _INTEGER.fullmatch(cell):
            whole = int(cell)
        else:
            number, error = _number(cell)
            if error or number is None:
                return None, error
            if not number.is_integer():
                return None, f"'{cell}' is not a whole number"
            whole = int(number)
        if whole < 0:
            return None, f"'{cell}' is negative (counts must be 0 or more)"
        if whole > _INT_MAX:
            return None, f"'{cell}' is too large for a count"
        return whole, _below_minimum(col, cell, whole)
    if kind in (s.FLOAT, s.PERCENT, s.LATITUDE, s.LONGITUDE):
        number, error = _number(cell)
        if error or number is None:
            return None, error
        if kind == s.PERCENT and not 0 <= number <= 100:
            return None, f"share {cell} is outside 0-100"
        if kind == s.LATITUDE and not -90 <= number <= 90:
            return None, f"latitude {cell} is outside -90..90"
        if kind == s.LONGITUDE and not -180 <= number <= 180:
            return None, f"longitude {cell} is outside -180..180"
        return number, _below_minimum(col, cell, number)
    if kind == s.BOOL:
        lowered = cell.lower()
        if lowered in _TRUE:
            return True, None
        if lowered in _FALSE:
            return False, None
        return None, f"'{cell}' is not true or false"
    if kind == s.ENUM:
        if cell not in col.choices:
            message = f"{_show(cell)} is not one of: {', '.join(col.choices)}"
            close = difflib.get_close_matches(cell.lower(), col.choices, n=1, cutoff=0.6)
            if close:
                message += f"; did you mean '{close[0]}'?"
            return None, message
        return cell, None
    if kind == s.ENUM_LIST:
        items = split_list(cell)
        bad = [item for item in items if item not in col.choices]
        if bad:
            return None, f"{', '.join(_show(b) for b in bad)} not in: {', '.join(col.choices)}"
        return items, None
    if kind == s.GROUP_IDS:
        items = split_list(cell)
        bad = [item for item in items if not _SLUG.match(item)]
        if bad:
            return None, "; ".join(_bad_id(item) for item in bad)
        return items, None
    if kind in (s.LIST, s.SOURCES):
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
    unknown = [h for h in raw.header if h not in spec.column_names]
    for column in missing:
        hint = _header_hint(column, unknown)
        problems.append(Problem(name, 1, column, f"required column missing from the header{hint}"))
    duplicates = {h for h in raw.header if raw.header.count(h) > 1}
    if duplicates:
        problems.append(Problem(name, 1, ", ".join(sorted(duplicates)), "column appears twice"))
    if missing or duplicates:
        return None

    records: list[dict[str, Any]] = []
    seen_keys: dict[tuple[str, ...], int] = {}
    for row, line in zip(raw.rows, raw.lines, strict=True):
        record: dict[str, Any] = {}
        failed: set[str] = set()  # columns whose cell has a problem already
        for col in spec.columns:
            cell = (row.get(col.name) or "").strip()
            if not cell:
                if col.required:
                    problems.append(Problem(name, line, col.name, "required value is empty"))
                    failed.add(col.name)
                record[col.name] = [] if col.kind in _LIST_KINDS else None
                continue
            value, error = _parse_cell(col, cell, today)
            if error:
                problems.append(Problem(name, line, col.name, error))
                failed.add(col.name)
                value = [] if col.kind in _LIST_KINDS else None
            record[col.name] = value
        for extra in raw.header:
            if extra not in record:
                record[extra] = (row.get(extra) or "").strip() or None
        _check_row(spec, record, name, line, problems, failed)
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


def _header_hint(column: str, unknown: list[str]) -> str:
    """Point at a header cell that is probably the missing column misspelled."""

    def norm(text: str) -> str:
        return re.sub(r"[\s_-]+", "_", text.strip().lower())

    for cell in unknown:
        if norm(cell) == column:
            return f" (the header has {_show(cell)}: write it '{column}')"
    close = difflib.get_close_matches(column, [norm(c) for c in unknown], n=1, cutoff=0.8)
    if close:
        cell = next(c for c in unknown if norm(c) == close[0])
        return f" (the header has {_show(cell)}: write it '{column}'?)"
    return ""


def _check_row(
    spec: s.TableSpec,
    record: dict[str, Any],
    name: str,
    line: int,
    problems: list[Problem],
    failed: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Checks that involve several columns of one row (skipping cells already reported)."""
    for col in spec.columns:
        if col.precision_column in failed:
            continue
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
    if (
        (lat is None) != (lon is None)
        and "latitude" in record
        and {"latitude", "longitude"}.isdisjoint(failed)
    ):
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
    frame.attrs["complete"] = raw.complete
    return frame
