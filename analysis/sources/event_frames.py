"""The event readers' shared frame: the canonical columns, and the last step every reader's table
goes through (``finish``, called by analysis.tables.events.load).

Each source module builds a pyarrow table with the source-level columns below, then calls
``finish``, which filters by country and dates, harmonises country and region names,
resolves actor names to group ids and converts to pandas. Working in Arrow keeps a
million-row ACLED export fast (see benchmarks/events_load.py).
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.core import regions
from analysis.core.countries import canonical_country, country_key
from analysis.core.text import first_invisible, without_invisible

#: Columns of the canonical event table, in order.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "event_id",
    "dataset",
    "date",
    "date_precision",
    "year",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "actors",
    "group_ids",
    "event_type",
    "event_type_original",
    "civilian_targeted",
    "target",
    "deaths_best",
    "deaths_low",
    "deaths_high",
    "description",
)
#: Date precisions: GED and ACLED also code "week" (an event known to within a few days).
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

STRING_LIST = pa.list_(pa.string())
#: Schema metadata of a source table that went through ``harmonise`` (countries canonical,
#: places harmonised): ``filter_rows`` and ``finish`` then leave those columns as they are.
HARMONISED_KEY = b"mali.harmonised"

#: What a source module hands to ``finish`` (group_ids, year and dataset are added there).
SOURCE_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("country", pa.string()),
        ("admin1", pa.string()),
        ("admin2", pa.string()),
        ("location", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("actors", STRING_LIST),
        ("event_type", pa.string()),
        ("event_type_original", pa.string()),
        ("civilian_targeted", pa.bool_()),
        ("target", STRING_LIST),
        ("deaths_best", pa.int64()),
        ("deaths_low", pa.int64()),
        ("deaths_high", pa.int64()),
        ("description", pa.string()),
    ]
)


class EventDataError(ValueError):
    """A source file or answer that cannot be read; the message names file, row/column, problem."""


Resolve = Callable[[str], "str | None"]


def with_name_parts(resolve: Resolve) -> Resolve:
    """Also try each side of ACLED's "ACRONYM: Full name" form ("JNIM: Group for Support of
    Islam and Muslims" -> "JNIM", then the full name) when the whole name is unknown."""

    def get(name: str) -> str | None:
        if isinstance(name, str):
            name = without_invisible(name)
        found = resolve(name)
        if found or not isinstance(name, str) or ":" not in name:
            return found
        head, _, tail = name.partition(":")
        return resolve(head.strip()) or resolve(tail.strip())

    return get


def finish(
    table: pa.Table,
    dataset: str,
    country: str | None = None,
    start: date | None = None,
    end: date | None = None,
    resolve: Resolve | None = None,
    source: str = "",
) -> pd.DataFrame:
    """Filter, harmonise names, resolve groups and convert a source table to the canonical frame."""
    names = SOURCE_SCHEMA.names + (["group_ids"] if "group_ids" in table.column_names else [])
    schema = (
        SOURCE_SCHEMA.append(pa.field("group_ids", STRING_LIST))
        if len(names) > len(SOURCE_SCHEMA.names)
        else SOURCE_SCHEMA
    )
    harmonised = is_harmonised(table)
    table = table.select(names).cast(_keeping_large_strings(schema, table.schema))
    if harmonised:  # done once for the whole file, and cached with it (see ``harmonise``)
        table = table.replace_schema_metadata({HARMONISED_KEY: b"yes"})
    table = filter_rows(table, country, start, end)
    table, label_note = visible_labels(table, source or dataset)
    if not harmonised:
        table = _harmonise_places(table)
    if "group_ids" in table.column_names:  # resolved by the source, once per actor combination
        group_ids = table.column("group_ids")
    else:
        group_ids = resolve_lists(
            table.column("actors"), with_name_parts(resolve or (lambda name: None))
        )
    year = pc.year(table.column("date"))
    n = table.num_rows
    columns = {
        "event_id": table.column("event_id"),
        "dataset": _repeat(dataset, n),
        "date": table.column("date").cast(pa.timestamp("ns")),
        "date_precision": table.column("date_precision"),
        "year": year.cast(pa.int32()),
        "country": table.column("country"),
        "admin1": table.column("admin1"),
        "admin2": table.column("admin2"),
        "location": table.column("location"),
        "latitude": table.column("latitude"),
        "longitude": table.column("longitude"),
        "actors": table.column("actors"),
        "group_ids": group_ids,
        "event_type": table.column("event_type"),
        "event_type_original": table.column("event_type_original"),
        "civilian_targeted": table.column("civilian_targeted"),
        "target": table.column("target"),
        "deaths_best": table.column("deaths_best"),
        "deaths_low": table.column("deaths_low"),
        "deaths_high": table.column("deaths_high"),
        "description": table.column("description"),
    }
    frame = pa.table(columns).to_pandas(types_mapper=_PANDAS_TYPES.get, split_blocks=True)
    frame.attrs["dataset"] = dataset
    frame.attrs["source"] = source
    frame.attrs["notes"] = [label_note] if label_note else []
    return frame


#: Label columns of the source table: drawn in figures and tables, next to other labels.
LABEL_COLUMNS = ("admin1", "admin2", "location", "actors")


def visible_labels(table: pa.Table, source: str) -> tuple[pa.Table, str | None]:
    """The table with its labels (places, actors) rid of invisible control and format
    characters (a bidi override reverses the labels drawn after it), and a note saying how
    many rows held one, or None when none did."""
    affected = np.zeros(table.num_rows, dtype=bool)
    example = None
    for name in LABEL_COLUMNS:
        if name not in table.column_names:
            continue
        column = table.column(name)
        listed = pa.types.is_list(column.type)
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        values = pc.list_flatten(array) if listed else array
        marked = map_unique(values, lambda v: first_invisible(v) if v else None)
        hit = pc.is_valid(marked).to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        if example is None:
            first = int(np.flatnonzero(hit)[0])
            example = (name, values[first].as_py(), marked[first].as_py())
        cleaned = map_unique(values, lambda v: without_invisible(v) if v else v)
        if listed:
            rows = pc.list_parent_indices(array).to_numpy()[hit]
            affected[rows] = True
            offsets = pc.subtract(array.offsets, array.offsets[0])
            cleaned = pa.ListArray.from_arrays(offsets, cleaned, mask=pc.is_null(array))
        else:
            affected |= hit
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, cleaned.cast(table.schema.field(name).type))
    if example is None:
        return table, None
    name, value, character = example
    return table, (
        f"{source}: {int(affected.sum()):,} row(s) had labels with invisible control "
        f"characters (such as U+{ord(character):04X} in the {name} {shown_invisible(value)}), "
        "which can reverse or hide the labels drawn next to them in a figure: removed."
    )


def shown_invisible(text: str) -> str:
    """A label quoted, its invisible characters written as \\uXXXX so that they show."""
    shown = "".join(f"\\u{ord(ch):04x}" if first_invisible(ch) else ch for ch in text)
    return f"'{shown}'"


_PANDAS_TYPES = {
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
    STRING_LIST: pd.ArrowDtype(STRING_LIST),
}


def _repeat(value: str, n: int) -> pa.Array:
    """A string column holding one value (large_string, what pandas holds, so not cast again)."""
    indices = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([value])).cast(pa.large_string())


def filter_rows(
    table: pa.Table, country: str | None, start: date | None, end: date | None
) -> pa.Table:
    """Keep the rows of one country and within [start, end]. ``country`` is in the project's
    spelling (analysis.core.countries.canonical_country; analysis.tables.events.load makes it
    so, once); the rows' spellings are made the same."""
    if not is_harmonised(table):
        table = _canonical_countries(table)
    mask = None
    if country:
        mask = pc.equal(table.column("country"), pa.scalar(country))
        if not pc.any(mask).as_py():
            # a spelling we do not know in both forms: compare keys instead
            keys = map_unique(table.column("country"), lambda c: country_key(c) if c else None)
            mask = pc.equal(keys, pa.scalar(country_key(country)))
    if start is not None:
        after = pc.greater_equal(table.column("date"), pa.scalar(start, pa.date32()))
        mask = after if mask is None else pc.and_(mask, after)
    if end is not None:
        before = pc.less_equal(table.column("date"), pa.scalar(end, pa.date32()))
        mask = before if mask is None else pc.and_(mask, before)
    if mask is None:
        return table
    mask = pc.fill_null(mask, False)
    if pc.all(mask).as_py():  # every row kept (a country's own export): no copy of the table
        return table
    return table.filter(mask)


def map_unique(column: pa.ChunkedArray | pa.Array, function: Callable) -> pa.Array:
    """Apply a Python function once per distinct value of a string column (fast on 1M rows)."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if len(array) == 0:
        return pa.array([], pa.string())
    encoded = pc.dictionary_encode(array)
    mapped = pa.array([function(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return mapped.take(encoded.indices)


def _canonical_countries(table: pa.Table) -> pa.Table:
    """The table with its country names in their canonical spelling."""
    return table.set_column(
        table.schema.get_field_index("country"),
        "country",
        map_unique(table.column("country"), canonical_country),
    )


def harmonise(table: pa.Table) -> pa.Table:
    """The deterministic part of ``finish`` done once for a whole source table: canonical
    country names, Mali's places in one spelling, text as large_string (what pandas holds).

    The result is marked (HARMONISED_KEY) so that ``filter_rows`` and ``finish`` do not do it
    again; a reader may cache it (analysis.sources.acled keeps it keyed by its code's hash,
    which covers this module)."""
    table = large_strings(_harmonise_places(_canonical_countries(table)))
    return table.replace_schema_metadata({**(table.schema.metadata or {}), HARMONISED_KEY: b"yes"})


def is_harmonised(table: pa.Table) -> bool:
    """True when the table went through ``harmonise`` (its schema carries HARMONISED_KEY)."""
    return (table.schema.metadata or {}).get(HARMONISED_KEY) == b"yes"


def large_strings(table: pa.Table) -> pa.Table:
    """String columns as large_string: pandas keeps its text so, so ``to_pandas`` of a table
    mapped from the cache converts them without a copy."""
    fields = [
        field.with_type(pa.large_string()) if field.type == pa.string() else field
        for field in table.schema
    ]
    return table.cast(pa.schema(fields, table.schema.metadata))


def _keeping_large_strings(schema: pa.Schema, given: pa.Schema) -> pa.Schema:
    """``schema``, with large_string where the table already holds a string column as one."""
    fields = [
        field.with_type(pa.large_string())
        if field.type == pa.string()
        and field.name in given.names
        and given.field(field.name).type == pa.large_string()
        else field
        for field in schema
    ]
    return pa.schema(fields)


def _harmonise_places(table: pa.Table) -> pa.Table:
    """Mali's regions and cercles in one spelling; other countries' names only trimmed.

    Each distinct place name is spelt both ways once, in Python; each row then takes the
    Mali or the trimmed spelling of its name (vectorised: no pass over row combinations)."""
    is_mali = pc.fill_null(pc.equal(table.column("country"), pa.scalar("Mali")), False)
    mali_rows = pc.sum(is_mali.cast(pa.int64())).as_py() or 0
    for name, function in (
        ("admin1", regions.harmonise_admin1),
        ("admin2", regions.harmonise_admin2),
    ):
        column = table.column(name)
        encoded = pc.dictionary_encode(
            column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        )
        places = encoded.dictionary.to_pylist()
        indices = encoded.indices
        as_mali = pa.array([function(place) for place in places], pa.string())
        trimmed = pa.array([_trimmed(place) for place in places], pa.string())
        if mali_rows == table.num_rows:
            harmonised = as_mali.take(indices)
        elif mali_rows == 0:
            harmonised = trimmed.take(indices)
        else:
            harmonised = pc.if_else(is_mali, as_mali.take(indices), trimmed.take(indices))
        table = table.set_column(table.schema.get_field_index(name), name, harmonised)
    return table


def _trimmed(value: str | None) -> str | None:
    return " ".join(value.split()) if value else None


#: Mixed-radix codes of combinations stay below this (int64 holds 2**63 - 1).
_COMBINED_LIMIT = 1 << 62


def combinations(
    columns: Sequence[pa.Array | pa.ChunkedArray],
) -> tuple[np.ndarray, list[tuple]]:
    """The distinct combinations of values of several columns, and each row's combination.

    Returns (codes, combos): ``combos[codes[i]]`` is row i's tuple of values. Work that
    depends only on a few low-cardinality columns (event types, actor names) is then done
    once per combination in Python and spread back with one ``take``.
    """
    n = len(columns[0])
    combined = np.zeros(n, dtype=np.int64)
    radix = 1  # combined < radix
    for column in columns:
        array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        encoded = pc.dictionary_encode(array)
        size = len(encoded.dictionary) + 1
        index = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False) + 1
        if radix * size >= _COMBINED_LIMIT:
            # re-numbered (one factorize) only when the mixed-radix code would overflow
            combined, uniques = pd.factorize(combined)
            radix = max(len(uniques), 1)
        combined = combined * size + index.astype(np.int64)
        radix *= size
    # codes in order of first appearance, as a factorize after each column gave them
    combined, _ = pd.factorize(combined)
    if n == 0:
        return np.zeros(0, dtype=np.int64), []
    first_rows = pd.Series(combined).drop_duplicates().index.to_numpy()
    picked = [
        (c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c)
        .take(pa.array(first_rows))
        .to_pylist()
        for c in columns
    ]
    return combined.astype(np.int64), list(zip(*picked, strict=True))


def lists_by_combination(codes: np.ndarray, values: list[list[str]]) -> pa.Array:
    """A list<string> column from one list per combination and each row's combination code."""
    return pa.array(values, STRING_LIST).take(pa.array(codes))


def resolve_lists(actors: pa.ChunkedArray | pa.Array, resolve: Resolve) -> pa.Array:
    """For each row's list of actor names, the distinct group ids they resolve to (in order)."""
    array = actors.combine_chunks() if isinstance(actors, pa.ChunkedArray) else actors
    n = len(array)
    flat = pc.list_flatten(array)
    if len(flat) == 0:
        return pa.ListArray.from_arrays(
            pa.array(np.zeros(n + 1, np.int32)), pa.array([], pa.string())
        )
    parents = pc.list_parent_indices(array).to_numpy()
    encoded = pc.dictionary_encode(flat)
    names = encoded.dictionary.to_pylist()
    ids = [resolve(name) if name else None for name in names]
    id_values = sorted({i for i in ids if i})
    code_of = {gid: code for code, gid in enumerate(id_values)}
    name_to_code = np.array([code_of.get(i, -1) if i else -1 for i in ids], dtype=np.int64)
    codes = name_to_code[encoded.indices.to_numpy(zero_copy_only=False)]
    keep = codes >= 0
    rows, codes = parents[keep], codes[keep]
    if len(rows):
        # one id once per row, in first-seen order (actor1 and an associate can be the same group)
        pair = rows.astype(np.int64) * (len(id_values) + 1) + codes
        _, first = np.unique(pair, return_index=True)
        first.sort()
        rows, codes = rows[first], codes[first]
    counts = np.bincount(rows, minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = pa.array(id_values, pa.string()).take(pa.array(codes))
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def split_names(joined: pa.ChunkedArray | pa.Array, separator: str = ";") -> pa.Array:
    """Split separator-joined name cells into lists of trimmed names, dropping empty ones."""
    array = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
    lists = pc.fill_null(pc.split_pattern(array, separator), pa.scalar([], STRING_LIST))
    lists = lists.cast(STRING_LIST)
    # a plain split and one trim of the flat values is far faster than a regex split
    trimmed = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    offsets = pc.subtract(lists.offsets, lists.offsets[0])
    return drop_empty_names(pa.ListArray.from_arrays(offsets, trimmed))


def drop_empty_names(lists: pa.Array) -> pa.Array:
    """The same lists without empty-string items ('a; ; b' -> ['a', 'b'])."""
    flat = pc.list_flatten(lists)
    empty = pc.equal(flat, "")
    if not pc.any(empty).as_py():
        return lists
    keep = pc.invert(empty).to_numpy(zero_copy_only=False)
    rows = pc.list_parent_indices(lists).to_numpy()[keep]
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=len(lists)), out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep)))


def conversion_problem(
    source: str,
    exc: Exception,
    header: list[str],
    types: dict[str, pa.DataType | None],
    read_column: Callable[[str], list[str | None]],
    open_binary: Callable[[], BinaryIO] | None = None,
    used: Iterable[str] | None = None,
) -> str:
    """pyarrow names a bad column by number and not the row: find both for the reader.

    Text that is not UTF-8 is located by ``open_binary`` (a fresh binary stream of the CSV):
    every bad line of the columns ``used`` is named, with its column and byte."""
    message = str(exc).splitlines()[0]
    if open_binary is not None and "invalid utf8" in message.lower():
        return utf8_problem(source, open_binary, header, used)
    match = re.search(r"CSV column #(\d+)", message)
    if not match or int(match.group(1)) >= len(header):
        return f"{source}: {message}"
    column = header[int(match.group(1))]
    is_float = types.get(column) == pa.float64()
    expected = "a number" if is_float else "a whole number"
    for row, value in enumerate(read_column(column), start=1):
        text = (value or "").strip()
        if text and not _fits(text, is_float):
            return f"{source}: data row {row}, column {column}: {text!r} is not {expected}"
    return f"{source}: column {column}: {message}"


def _fits(text: str, is_float: bool) -> bool:
    try:
        number = float(text)
    except ValueError:
        return False
    return is_float or number == int(number)


#: Bytes read to recognise a file before it is parsed (a header longer than this is refused).
HEAD_BYTES = 64 * 1024
_MAX_LISTED = 10


def not_a_csv(head: bytes, full_block: bool = True) -> str | None:
    """Why the first block of a file shows it is not a CSV, or None when it may be one.

    ``full_block``: the block is a whole HEAD_BYTES read (the file is at least that long)."""
    if not head.strip():
        return "the file is empty"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive, not a CSV (unzip it, or give the .zip its own name)"
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed, not a CSV (gunzip it first)"
    if b"\x00" in head:
        first = head.index(b"\x00") + 1
        return (
            f"NUL bytes from byte {first:,} (binary data, or zeros left by an "
            "interrupted copy or download): not a CSV"
        )
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start[:1] == b"<":
        title = re.search(rb"<title[^>]*>(.*?)</title", head, re.IGNORECASE | re.DOTALL)
        named = (
            f" titled {' '.join(title.group(1).decode('utf-8', 'replace').split())[:80]!r}"
            if title
            else ""
        )
        return (
            f"a web page (HTML{named}), not a CSV: probably an error or login page saved "
            "under the data file's name"
        )
    if start[:1] in (b"{", b"["):
        return "JSON, not a CSV"
    if full_block and b"\n" not in head and b"\r" not in head:
        return f"no line break in the first {len(head) // 1024:,} KB: no header row, not a CSV"
    return None


def csv_header(head: bytes, source: str, expected: str, full_block: bool = True) -> list[str]:
    """The header row of a CSV from its first block; a file that is not a CSV names itself."""
    problem = not_a_csv(head, full_block)
    if problem:
        raise EventDataError(f"{source}: {problem} (expected {expected})")
    line = head.lstrip(b"\r\n").splitlines()[0]
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EventDataError(
            f"{source}: line 1 (the header), byte {exc.start + 1}: 0x{line[exc.start]:02x} is "
            "not UTF-8; save the file as UTF-8"
        ) from None
    header = [h.strip() for h in next(csv.reader([text]))]
    separator = delimiter_problem(header)
    if separator:
        raise EventDataError(f"{source}: line 1: {separator} (expected {expected})")
    return header


def delimiter_problem(header: list[str]) -> str | None:
    """A header that is one field holding semicolons or tabs: the wrong delimiter."""
    if len(header) != 1:
        return None
    for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if separator in header[0]:
            return (
                f"the header is separated by {name}, not commas; save the file as "
                "comma-separated (CSV with ',')"
            )
    return None


def utf8_problem(
    source: str,
    open_binary: Callable[[], BinaryIO],
    header: list[str],
    used: Iterable[str] | None = None,
) -> str:
    """Every line (up to ten) whose bytes are not UTF-8, with column and byte, streamed."""
    wanted = set(used) if used is not None else None
    found: list[str] = []
    other: list[str] = []
    more = 0
    with open_binary() as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                before = line[: exc.start].decode("utf-8", errors="replace")
                index = len(next(csv.reader([before]), [""])) - 1 if before else 0
                column = header[index] if 0 <= index < len(header) else f"#{index + 1}"
                text = f"line {number}, column {column}: byte 0x{line[exc.start]:02x} is not UTF-8"
                bucket = found if wanted is None or column in wanted else other
                if len(bucket) < _MAX_LISTED:
                    bucket.append(text)
                else:
                    more += 1
    listed = found or other
    if not listed:
        return f"{source}: text that is not UTF-8 (pyarrow could not say where)"
    tail = f"; and {more} more" if more else ""
    return (
        f"{source}: " + "; ".join(listed) + tail + " (the file looks Latin-1/Windows-1252 "
        "encoded: save it as UTF-8)"
    )


class open_csv:
    """Open a CSV, or the single CSV inside a zip, as a binary stream; bad zips name themselves."""

    def __init__(self, path: Path, source: str | None = None):
        self.path = Path(path)
        self.source = source or str(path)
        self._zip: zipfile.ZipFile | None = None
        self._handle: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        if self.path.suffix.lower() == ".zip":
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise EventDataError(
                    f"{self.source}: not a valid zip file ({exc}); download it again"
                ) from None
            names = self._zip.namelist()
            members = [m for m in names if m.lower().endswith(".csv")]
            if len(members) != 1:
                self._zip.close()
                raise EventDataError(
                    f"{self.source}: expected one CSV in the zip, found "
                    f"{', '.join(members) if members else 'none'} (it holds: "
                    f"{', '.join(names[:10]) or 'nothing'})"
                )
            self._handle = self._zip.open(members[0])
        else:
            self._handle = open(self.path, "rb")
        return self._handle

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._zip is not None:
            self._zip.close()


def read_head(path: Path, source: str, expected: str) -> list[str]:
    """The header of a CSV (or of the CSV in a zip) from its first block, checked, and a CSV
    cut inside its last line refused."""
    with open_csv(path, source) as handle:
        head = read_block(handle, source)
    header = csv_header(head, source, expected, full_block=len(head) >= HEAD_BYTES)
    check_complete(path, source)
    return header


def check_complete(path: Path, source: str) -> None:
    """Refuse a CSV on disk whose last line has no line break (a zip has its own CRCs)."""
    if Path(path).suffix.lower() == ".zip":
        return
    problem = last_line_problem(Path(path))
    if problem:
        raise EventDataError(f"{source}: {problem}")


def read_block(handle: BinaryIO, source: str, size: int = HEAD_BYTES) -> bytes:
    """The first block of a stream; a zip whose data is damaged names itself."""
    try:
        return handle.read(size)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise EventDataError(f"{source}: the zip is damaged ({exc}); download it again") from None


# --- checks every event reader makes (issue 27) -------------------------------------------


def check_days(
    parsed: pa.Array, text: pa.Array, source: str, column: str, earliest: date, today: date
) -> None:
    """Refuse a date that is no day of the calendar (2021-02-30, which strptime rolls over to
    2 March), before ``earliest`` (the publisher's first day) or after ``today``, naming the
    first such data row."""
    written = map_unique(text, _day_written)
    rolled = pc.fill_null(pc.not_equal(pc.day(parsed).cast(pa.string()), written), False).to_numpy(
        zero_copy_only=False
    )
    early = pc.fill_null(pc.less(parsed, pa.scalar(earliest, pa.date32())), False)
    late = pc.fill_null(pc.greater(parsed, pa.scalar(today, pa.date32())), False)
    for bad, problem in (
        (rolled, "is not a day of the calendar (that month has fewer days)"),
        (early.to_numpy(zero_copy_only=False), f"is before {earliest.isoformat()}, the first "
         "day of the publisher's data"),
        (late.to_numpy(zero_copy_only=False), f"is after today ({today.isoformat()})"),
    ):  # fmt: skip
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise EventDataError(
                f"{source}: data row {row + 1}, column {column}: {text[row].as_py()!r} {problem}"
            )


def _day_written(text: str | None) -> str | None:
    """The day of the month as written: the last number of 2021-02-30, the first of
    30 February 2021 or 30/02/2021."""
    if not text:
        return None
    iso = re.match(r"\s*\d{4}-\d{1,2}-(\d{1,2})", text)
    match = iso or re.match(r"\s*(\d{1,2})\D", text)
    return str(int(match.group(1))) if match else None


def check_coordinates(table: pa.Table, source: str, columns: tuple[str, str]) -> None:
    """Refuse a latitude outside -90..90 or a longitude outside -180..180 (999 is no place),
    naming the first such data row; ``columns`` names them as the file does."""
    for name, shown, bound in (("latitude", columns[0], 90), ("longitude", columns[1], 180)):
        if name not in table.column_names:
            continue
        values = table.column(name)
        outside = pc.fill_null(
            pc.or_(pc.less(values, -bound), pc.greater(values, bound)), False
        ).to_numpy(zero_copy_only=False)
        nan = pc.fill_null(pc.is_nan(values), False).to_numpy(zero_copy_only=False)
        bad = outside | nan
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise EventDataError(
                f"{source}: data row {row + 1}, column {shown}: {values[row].as_py()!r} is "
                f"outside -{bound}..{bound}"
            )


#: Columns compared to tell a repeated copy of an event from two versions of it.
_SAME_EVENT = ("date", "country", "admin1", "admin2", "location", "latitude", "longitude",
               "actors", "event_type_original", "deaths_best", "deaths_low", "deaths_high")  # fmt: skip


def without_repeats(table: pa.Table, source: str) -> tuple[pa.Table, str | None]:
    """Each event id once: rows that repeat an earlier row's id with the same values are left
    out (the note says how many); two rows with one id and different values are refused."""
    ids = table.column("event_id")
    if table.num_rows == 0 or pc.count_distinct(ids).as_py() == table.num_rows:
        return table, None
    codes, _ = pd.factorize(np.asarray(ids.to_pylist(), dtype=object))
    first = pd.Series(codes).duplicated(keep="first").to_numpy()
    compared = [c for c in _SAME_EVENT if c in table.column_names]
    # only the rows of repeated ids are compared, in Python
    involved = np.flatnonzero(np.isin(codes, np.unique(codes[first])))
    values = table.select(compared).take(pa.array(involved)).to_pylist()
    rows = dict(zip(involved.tolist(), values, strict=True))
    first_row: dict[int, int] = {}
    for index in involved.tolist():
        code = codes[index]
        if not first[index]:
            first_row[code] = index
            continue
        earlier = first_row[code]
        if rows[index] != rows[earlier]:
            differ = [c for c in compared if rows[index][c] != rows[earlier][c]]
            raise EventDataError(
                f"{source}: data rows {earlier + 1} and {index + 1} have the same event id "
                f"{ids[index].as_py()!r} but differ in {', '.join(differ)}: the file holds two "
                "versions of one event, and which is right cannot be told; fetch the data again"
            )
    repeated = int(first.sum())
    example = int(np.flatnonzero(first)[0])
    note = (
        f"{source}: {repeated:,} row(s) repeat an earlier row's event id with the same values "
        f"(e.g. data row {example + 1} repeats data row {first_row[codes[example]] + 1}, "
        f"{ids[example].as_py()}): each event is counted once."
    )
    return table.filter(pa.array(~first)), note


def last_line_problem(path: Path) -> str | None:
    """Why a CSV on disk looks cut short: its last line has no line break (a download or copy
    cut inside its last value, such as 2,001 deaths read as 20), or None."""
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return None
        handle.seek(-1, 2)
        last = handle.read(1)
    if last in (b"\n", b"\r"):
        return None
    return (
        "its last line has no line break: the file looks cut short inside its last row (a "
        "number there may have lost digits); download or copy it again"
    )
