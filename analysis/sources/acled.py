"""ACLED event exports (Data Export Tool, HDX) and API answers -> canonical source table.

Columns are read by name, so the column order and the optional columns of each export
generation do not matter:

* **HDX files** carry a second header row of HXL tags (``#event+code``, ``#date+occurred``
  ...); it is detected and skipped.
* **Event types.** ACLED's *legacy* taxonomy (codebook versions up to 8: "Battle-No change of
  territory", "Remote violence", "Riots/Protests", "Strategic development" ...) and the
  *current* one (the 2019 revision: six event types with sub-event types, such as
  "Battles / Armed clash", "Explosions/Remote violence / Remote explosive/landmine/IED") are
  both mapped to the harmonised types. "Abduction/forced disappearance" becomes
  kidnapping/hostage-taking; protests, riots and strategic developments become "other".
* **Later additions.** ``civilian_targeting`` (exports from 2023) is used when present;
  otherwise an event targets civilians when it is violence against civilians or actor2 is
  civilians. ``inter1``/``inter2`` may be numeric codes (older files) or words (2024 on).
  Legacy ``ally_actor_1/2`` columns are read as ``assoc_actor_1/2``.
* **Dates** are ISO (2023-02-16) or written out (16 February 2023), or dd/mm/yyyy in old files.

No ACLED data is shipped with the project; tests use hand-written files in these layouts.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.config import display_path
from analysis.core.countries import canonical_country, country_key
from analysis.core.hashing import PendingDigest
from analysis.sources import cache
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import (
    STRING_LIST,
    EventDataError,
    Resolve,
    check_complete,
    check_coordinates,
    check_days,
    combinations,
    conversion_problem,
    csv_header,
    harmonise,
    lists_by_combination,
    map_unique,
)

#: ACLED's event types of organised political violence (the current types and their legacy
#: forerunners): a count of attacks keeps these and leaves out demonstrations (protests, riots)
#: and strategic developments, which are not attacks.
ORGANISED_VIOLENCE: frozenset[str] = frozenset(
    {
        "battles",
        "explosions/remote violence",
        "violence against civilians",
        "battle-no change of territory",
        "battle-government regains territory",
        "battle-non-state actor overtakes territory",
        "remote violence",
    }
)
#: The rows of an ACLED table that a count of attacks leaves out, in words.
NOT_ATTACKS = "protests, riots and strategic developments"
#: ACLED's own typology, as tables of types name it.
ACLED_TYPES = "ACLED's event types"
#: What an ACLED export gives (analysis.sources.declaration): every event it holds, with its
#: type, actors, coordinates, region and cercle.
DECLARATION = Declaration("acled", "the ACLED export", left_out=NOT_ATTACKS, types=ACLED_TYPES)
REQUIRED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "event_type",
    "actor1",
    "country",
    "fatalities",
)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "time_precision",
    "sub_event_type",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "inter1",
    "inter2",
    "civilian_targeting",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "notes",
)
#: Column names of older exports, read under their current name.
RENAMED_COLUMNS: dict[str, str] = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
_NUMERIC = {"latitude": pa.float64(), "longitude": pa.float64(), "fatalities": pa.int64()}

#: Current taxonomy (2019 revision) and legacy taxonomy (codebook up to version 8).
EVENT_TYPE_MAP: dict[str, str] = {
    # current
    "battles": "battle",
    "explosions/remote violence": "explosion/remote violence",
    "violence against civilians": "violence against civilians",
    "protests": "other",
    "riots": "other",
    "strategic developments": "other",
    # legacy
    "battle-no change of territory": "battle",
    "battle-government regains territory": "battle",
    "battle-non-state actor overtakes territory": "battle",
    "remote violence": "explosion/remote violence",
    "riots/protests": "other",
    "strategic development": "other",
    "non-violent transfer of territory": "other",
    "headquarters or base established": "other",
}
#: Sub-event types that decide the harmonised type on their own.
SUB_EVENT_TYPE_MAP: dict[str, str] = {
    "abduction/forced disappearance": "kidnapping/hostage-taking",
}
#: ACLED's numeric actor-type codes (inter1/inter2) and the words used since 2024.
INTER_CODES: dict[str, str] = {
    "1": "State forces",
    "2": "Rebel group",
    "3": "Political militia",
    "4": "Identity militia",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}
TIME_PRECISIONS: dict[str, str] = {"1": "day", "2": "week", "3": "month"}
#: ACLED's first day of data (Africa, from 1997): an earlier event date is a damaged cell.
FIRST_DAY = date(1997, 1, 1)
#: ACLED event ids: the country's letters and a number (MLI1234, BFA90001).
ACLED_ID = r"^[A-Z]{2,4}\d+$"
DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")
# ACLED's monthly aggregates on HDX look like an export but are not events.
_AGGREGATE_MARKERS = {"events", "fatalities", "month"}
_HEAD_BYTES = 256 * 1024
#: Version of what read_export returns (columns, names, types): bump it whenever that changes,
#: so that copies cached by an earlier version are never read (analysis.sources.cache).
READER_VERSION = 1
CACHE_NAME = "acled-export"
#: Bytes per block of the filtering parse: it holds one block of other countries' rows at a time.
STREAM_BLOCK_BYTES = 8 << 20
#: Files larger than this are filtered while read when one country is asked for; smaller ones
#: (a country's own export) are parsed whole, in parallel, which is faster and fits in memory.
STREAM_ABOVE_BYTES = 512 << 20
#: Bytes per block of the whole-file parse (pyarrow's default is 1 MB): each block is a chunk
#: of every column, and 60 chunks of a 500 MB export instead of 470 make each later step, and
#: the cached table mapped back, cheaper (a cached load of 1,000,000 rows ~0.10 s instead of
#: ~0.15 s), while both cores still parse in parallel.
PARSE_BLOCK_BYTES = 8 << 20
#: Files smaller than this parse in well under a second: they are not cached.
CACHE_FROM_BYTES = 16 << 20
#: Table metadata naming the first and last event date of the whole file (a filtered read).
SPAN_KEYS = ("acled.first_event", "acled.last_event")
#: The normalised table of a whole export, cached as a memory-mapped Arrow file, keyed by the
#: file's sha256, READER_VERSION and a hash of the code that normalises (``normalised_version``).
NORMALISED_NAME = "acled-events"
#: Modules whose code decides the normalised table (this one and the helpers it calls).
_NORMALISED_BY = (
    __name__,
    "analysis.sources.event_frames",
    "analysis.core.countries",
    "analysis.core.regions",
    "analysis.core.text",
)
#: Column of the cached table: each row's actor combination (group ids are resolved per
#: combination when the table is read back, from the curated aliases of that run).
_COMBINATION = "actor_combination"


def load_events(
    path: Path,
    country: str | None = None,
    sha256: str | PendingDigest = "",
    resolve: Resolve | None = None,
) -> pa.Table:
    """An ACLED export as the canonical source table (``normalise``), with group ids when
    ``resolve`` is given, and, for a filtered read, the span of the whole file (``event_span``).

    With ``sha256`` (the file's, as its origin records it) and a file of at least
    CACHE_FROM_BYTES, the normalised table of the whole file is cached (analysis.sources.cache,
    an Arrow file keyed by sha256, READER_VERSION and the hash of the normalising code): the
    next load of the same bytes maps it instead of parsing and normalising again, and only
    resolves the group ids, once per distinct combination of actors. A file filtered while it
    is read (larger than STREAM_ABOVE_BYTES, one country asked for) keeps read_export's cache.

    ``sha256`` may also be a digest still to take (hashing.PendingDigest, for a file not hashed
    before): no copy can be found under a digest not known yet, so the file is parsed, then
    hashed on a thread while it is normalised (the parse uses both cores, normalising one),
    and the digest is waited for only to write the copy.
    """
    source = _display(path)
    size = Path(path).stat().st_size
    streamed = bool(country) and size > STREAM_ABOVE_BYTES
    if streamed or not sha256 or size < CACHE_FROM_BYTES:
        raw = read_export(path, country, sha256 if isinstance(sha256, str) else sha256())
        table, codes = _normalise(raw, source)
        table = _with_group_ids(table, codes, resolve)
        return table.replace_schema_metadata(raw.schema.metadata)
    version = normalised_version()
    found = cache.open_table(NORMALISED_NAME, version, sha256) if isinstance(sha256, str) else None
    if found is not None:
        stored, metadata = found
        # the mark ``harmonise`` left, read back from the copy (open_table strips metadata)
        stored = stored.replace_schema_metadata(
            {k.encode(): v.encode() for k, v in metadata.items()}
        )
    else:
        # the normalised table is the copy worth keeping: no raw copy is written beside it;
        # harmonised first, so a cached load skips the costliest part of finish
        raw = read_export(path, country)
        if not isinstance(sha256, str):
            sha256.start()
        table, codes = _normalise(raw, source)
        del raw  # its columns live on in the table; the rest can go before the copy is made
        stored = harmonise(table).append_column(_COMBINATION, pa.array(codes, pa.int32()))
        cache.write_table_in_background(
            NORMALISED_NAME,
            version,
            sha256 if isinstance(sha256, str) else sha256(),
            stored,
            {k.decode(): v.decode() for k, v in stored.schema.metadata.items()},
        )
    codes = stored.column(_COMBINATION).to_numpy()
    table = stored.drop_columns([_COMBINATION])
    return _with_group_ids(table, codes, resolve)


def normalised_version() -> str:
    """READER_VERSION and the hash of the code that normalises (see _NORMALISED_BY)."""
    files = [Path(sys.modules[name].__file__) for name in _NORMALISED_BY]
    return cache.source_version(READER_VERSION, files)


def read_export(path: Path, country: str | None = None, sha256: str = "") -> pa.Table:
    """Read an ACLED export CSV (Export Tool or HDX, with or without the HXL row) as text
    columns plus typed coordinates and fatalities.

    With ``country`` (any spelling), a file larger than STREAM_ABOVE_BYTES (a continent's or
    the world's export) keeps only that country's rows, filtered while the file is read block
    by block, so memory follows the rows kept, not the rows in the file; a cached copy is
    filtered likewise, row group by row group. The table's metadata then gives the first and
    last event date of the whole file (``event_span``: an export covers that span, whatever
    the country), and a row number in a later error message counts the kept rows.

    With ``sha256`` (the file's, as its origin records it) and a file of at least
    CACHE_FROM_BYTES, the parse is cached: the first read writes every row to a Parquet copy
    (analysis.sources.cache), later reads of the same bytes read the copy instead.
    """
    source = _display(path)
    header, has_hxl = read_header(path)
    # version 7 files write the names in capitals (EVENT_DATE, ALLY_ACTOR_1)
    renamed = [RENAMED_COLUMNS.get(c.lower(), c.lower()) for c in header]
    if _AGGREGATE_MARKERS <= set(renamed) and "event_id_cnty" not in renamed:
        raise EventDataError(
            f"{source}: line 1: this is an ACLED aggregate (events per period and area), not "
            "an event export; read it with load('acled-aggregated', path=...) (events.load "
            "routes it there when given as 'acled')"
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in renamed]
    if missing:
        raise EventDataError(
            f"{source}: line 1: missing ACLED column(s) {', '.join(missing)}; the header has: "
            f"{', '.join(header[:12])}{' ...' if len(header) > 12 else ''}"
        )
    wanted = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    columns = [c for c, r in zip(header, renamed, strict=True) if r in wanted]
    types = {
        c: _NUMERIC.get(r, pa.string()) for c, r in zip(header, renamed, strict=True) if r in wanted
    }
    size = Path(path).stat().st_size
    stream = country and size > STREAM_ABOVE_BYTES
    sha256 = sha256 if size >= CACHE_FROM_BYTES else ""
    keep = country_rows(country) if stream else None
    copy = cache.open_copy(CACHE_NAME, READER_VERSION, sha256) if sha256 else None
    if copy is not None and not country:
        return copy.read()
    if copy is not None:
        spellings = pa.table({"country": pa.array(copy.values("country"), pa.string())})
        spellings = spellings.filter(country_rows(country)(spellings)).column(0).to_pylist()
        span = tuple(copy.metadata.get(k) for k in SPAN_KEYS)
        table = copy.read(("country", spellings))
        return _with_span(table, span if None not in span else None)
    # Fast path: a parse that splits blocks at any newline runs in parallel. A line break
    # inside a quoted note can make it fail or misalign rows (then the ids stop looking like
    # ACLED ids); either way the file is read again with quote-aware newlines.
    for newlines_in_values in (False, True):
        try:
            if keep is not None:
                return _read_filtered(
                    path, columns, types, has_hxl, newlines_in_values, keep, sha256
                )
            table = _read(path, columns, types, has_hxl, newlines_in_values)
            if not _ids_look_whole(table, renamed, header):
                raise pa.ArrowInvalid("rows misaligned by a line break inside a value")
            break
        except pa.ArrowInvalid as exc:
            if newlines_in_values:
                raise EventDataError(
                    _conversion_problem(path, source, exc, header, has_hxl)
                ) from None
    table = table.rename_columns(_renamed(table.column_names))
    if sha256:
        cache.write_in_background(
            CACHE_NAME, READER_VERSION, sha256, table, lambda: _span_metadata(table)
        )
    return table


def event_type_of(original: str | None) -> str:
    """ACLED's event type of a normalised row's ``event_type_original`` ('Protests: Peaceful
    protest' -> 'Protests')."""
    return (original or "").split(": ", 1)[0].strip()


def is_organised_violence(original: str | None) -> bool:
    """Whether a row's ACLED event type is organised political violence (ORGANISED_VIOLENCE)."""
    return event_type_of(original).lower() in ORGANISED_VIOLENCE


def countries_in(path: Path) -> dict[str, tuple[int, date | None]]:
    """The countries an ACLED export holds rows of (in the project's spelling where it knows
    the name), each with its number of rows and its last event date: what a report reads to
    pick the export for its country, reading two columns only (a file that cannot be read
    raises EventDataError naming it)."""
    header, has_hxl = read_header(path)
    renamed = _renamed(header)
    missing = [c for c in ("country", "event_date") if c not in renamed]
    if missing:
        raise EventDataError(
            f"{_display(path)}: line 1: missing ACLED column(s) {', '.join(missing)}"
        )
    wanted = {header[renamed.index(c)]: c for c in ("country", "event_date")}
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                skip_rows_after_names=1 if has_hxl else 0, block_size=STREAM_BLOCK_BYTES
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=_convert_options(list(wanted), dict.fromkeys(wanted, pa.string())),
        )
        found: dict[str, tuple[int, date | None]] = {}
        for batch in reader:
            block = pa.Table.from_batches([batch]).rename_columns(
                [wanted[n] for n in batch.schema.names]
            )
            names = block.column("country")
            for name in pc.unique(names).to_pylist():
                if not name:
                    continue
                rows = block.filter(pc.fill_null(pc.equal(names, name), False))
                country = canonical_country(name) or name.strip()
                count, last = found.get(country, (0, None))
                _, high = _date_span(rows.column("event_date"))
                newest = max(d for d in (last, high) if d is not None) if (last or high) else None
                found[country] = (count + rows.num_rows, newest)
    except pa.ArrowInvalid as exc:
        raise EventDataError(f"{_display(path)}: cannot be read as CSV ({exc})") from None
    return found


def event_span(table: pa.Table) -> tuple[date, date] | None:
    """First and last event date of the whole file a filtered read_export came from."""
    metadata = table.schema.metadata or {}
    values = [metadata.get(k.encode()) for k in SPAN_KEYS]
    if None in values:
        return None
    first, last = (date.fromisoformat(v.decode()) for v in values)
    return first, last


def country_rows(country: str) -> Callable[[pa.Table], pa.Array]:
    """A table -> mask keeping the rows of ``country`` (in the project's spelling) under any
    spelling of the file (the rows event_frames.filter_rows keeps, and perhaps a few more it
    then drops)."""
    wanted, wanted_key = country, country_key(country)

    def keep(table: pa.Table) -> pa.Array:
        column = table.column("country").combine_chunks()
        encoded = pc.dictionary_encode(column)
        names = encoded.dictionary.to_pylist()
        same = [
            bool(n) and (canonical_country(n) == wanted or country_key(n) == wanted_key)
            for n in names
        ]
        return pc.fill_null(pa.array(same, pa.bool_()).take(encoded.indices), False)

    return keep


def _renamed(names: list[str]) -> list[str]:
    return [RENAMED_COLUMNS.get(c.lower(), c.lower()) for c in names]


def _read_filtered(
    path: Path,
    columns: list[str],
    types: dict[str, pa.DataType],
    has_hxl: bool,
    newlines_in_values: bool,
    keep: Callable[[pa.Table], pa.Array],
    sha256: str,
) -> pa.Table:
    """The rows ``keep`` keeps, parsed block by block; every row also goes to the cache."""
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            skip_rows_after_names=1 if has_hxl else 0, block_size=STREAM_BLOCK_BYTES
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=newlines_in_values),
        convert_options=_convert_options(columns, types),
    )
    names = _renamed(reader.schema.names)
    schema = pa.schema([field.with_name(n) for field, n in zip(reader.schema, names, strict=True)])
    writer = cache.Writer(CACHE_NAME, READER_VERSION, sha256, schema) if sha256 else None
    kept: list[pa.Table] = []
    first = last = None
    try:
        for batch in reader:
            block = pa.Table.from_batches([batch]).rename_columns(names)
            if not _ids_whole(block.column("event_id_cnty")):
                raise pa.ArrowInvalid("rows misaligned by a line break inside a value")
            if writer is not None:
                writer.write(block)
            low, high = _date_span(block.column("event_date"))
            if low is not None:
                first = low if first is None else min(first, low)
                last = high if last is None else max(last, high)
            kept.append(block.filter(keep(block)))
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    span = (first.isoformat(), last.isoformat()) if first is not None else None
    if writer is not None:
        writer.commit(dict(zip(SPAN_KEYS, span, strict=True)) if span else None)
    table = pa.concat_tables(kept) if kept else schema.empty_table()
    return _with_span(table, span)


def _with_span(table: pa.Table, span: tuple[str, str] | None) -> pa.Table:
    if span is None:
        return table.replace_schema_metadata(None)
    return table.replace_schema_metadata(dict(zip(SPAN_KEYS, span, strict=True)))


def _span_metadata(table: pa.Table) -> dict[str, str]:
    first, last = _date_span(table.column("event_date"))
    return (
        {}
        if first is None
        else dict(zip(SPAN_KEYS, (first.isoformat(), last.isoformat()), strict=True))
    )


def _date_span(text: pa.ChunkedArray | pa.Array) -> tuple[date | None, date | None]:
    """Earliest and latest date among the values (in any of ACLED's forms); bad ones skipped."""
    parsed = pc.strptime(text, format=DATE_FORMATS[0], unit="s", error_is_null=True)
    for fmt in DATE_FORMATS[1:]:
        if not pc.any(pc.and_(pc.is_null(parsed), pc.is_valid(text))).as_py():
            break
        parsed = pc.coalesce(parsed, pc.strptime(text, format=fmt, unit="s", error_is_null=True))
    bounds = pc.min_max(parsed.cast(pa.date32()))
    return bounds["min"].as_py(), bounds["max"].as_py()


def _read(
    path: Path,
    columns: list[str],
    types: dict[str, pa.DataType],
    has_hxl: bool,
    newlines_in_values: bool,
) -> pa.Table:
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            skip_rows_after_names=1 if has_hxl else 0, block_size=PARSE_BLOCK_BYTES
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=newlines_in_values),
        convert_options=_convert_options(columns, types),
    )


def _convert_options(columns: list[str], types: dict[str, pa.DataType]) -> pacsv.ConvertOptions:
    return pacsv.ConvertOptions(
        include_columns=columns,
        column_types=types,
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )


def _ids_look_whole(table: pa.Table, renamed: list[str], header: list[str]) -> bool:
    """Every event id is an ACLED id (country letters and a number, e.g. MLI1234)."""
    return _ids_whole(table.column(header[renamed.index("event_id_cnty")]))


def _ids_whole(ids: pa.ChunkedArray | pa.Array) -> bool:
    if len(ids) == 0:  # a header and no rows: nothing misaligned, no events
        return True
    return bool(pc.all(pc.fill_null(pc.match_substring_regex(ids, ACLED_ID), False)).as_py())


def read_header(path: Path) -> tuple[list[str], bool]:
    """The header row, and whether the next row holds HXL hashtags (HDX files)."""
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    # an empty file, zeros, a web page, a zip or a ';' file is named before any parsing
    header = csv_header(
        head, _display(path), "an ACLED export CSV", full_block=len(head) >= _HEAD_BYTES
    )
    check_complete(path, _display(path))
    text = head.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        next(reader)
        second = next(reader)
    except (StopIteration, csv.Error):
        return header, False
    cells = [c.strip() for c in second if c.strip()]
    return header, bool(cells) and all(c.startswith("#") for c in cells)


def table_from_records(records: list[dict]) -> pa.Table:
    """ACLED API rows (JSON objects keyed by export column names) as a table like read_export."""
    if not records:
        names = list(REQUIRED_COLUMNS)
        return pa.table({n: pa.array([], _NUMERIC.get(n, pa.string())) for n in names})
    names = [n for n in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if n in records[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise EventDataError(f"ACLED API answer: rows lack the field(s) {', '.join(missing)}")
    columns = {}
    for name in names:
        values = [_as_text(r.get(name)) for r in records]
        array = pa.array(values, pa.string())
        if name in _NUMERIC:
            try:
                array = pc.cast(array, _NUMERIC[name])
            except pa.ArrowInvalid:
                bad = next(i for i, v in enumerate(values) if v is not None and not _is_number(v))
                raise EventDataError(
                    f"ACLED API answer: row {bad + 1}, field {name}: {values[bad]!r} is not a "
                    "number"
                ) from None
        columns[name] = array
    return pa.table(columns)


def normalise(raw: pa.Table, source: str, resolve: Resolve | None = None) -> pa.Table:
    """Map an ACLED table (export or API) to the canonical source columns; with ``resolve``,
    also the group ids (worked out once per distinct combination of actors)."""
    table, codes = _normalise(raw, source)
    return _with_group_ids(table, codes, resolve)


def _with_group_ids(table: pa.Table, codes: np.ndarray, resolve: Resolve | None) -> pa.Table:
    """The table with its group_ids column (when ``resolve``): each distinct combination of
    actors (``codes``, from _normalise) resolved once, its ids spread back to its rows."""
    if resolve is None:
        return table
    if len(codes) == 0:
        return table.append_column("group_ids", pa.array([], STRING_LIST))
    # a row of each combination (codes are 0..k-1): any one, its actors are the combination's
    first_row = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    first_row[codes] = np.arange(len(codes))
    names = table.column("actors").take(pa.array(first_row)).to_pylist()
    return table.append_column(
        "group_ids", lists_by_combination(codes, [_group_ids(n, resolve) for n in names])
    )


def _normalise(raw: pa.Table, source: str) -> tuple[pa.Table, np.ndarray]:
    """The canonical source columns without group ids, and each row's combination of actors."""
    n = raw.num_rows

    def text(name: str) -> pa.Array | pa.ChunkedArray:
        if name in raw.column_names:
            return raw.column(name).cast(pa.string())
        return pa.nulls(n, pa.string())

    # event types: once per distinct (event_type, sub_event_type)
    type_codes, type_pairs = combinations([text("event_type"), text("sub_event_type")])
    harmonised = [_harmonised_type(e or "", s or "") for e, s in type_pairs]
    unknown = [i for i, h in enumerate(harmonised) if h is None]
    if unknown:
        _raise_unknown_types(type_codes, type_pairs, unknown, source)
    event_type = pa.array(harmonised, pa.string()).take(pa.array(type_codes))
    original = pa.array(
        [_original_type(e or "", s or "") for e, s in type_pairs], pa.string()
    ).take(pa.array(type_codes))

    # actors, targets and groups: once per distinct combination of the actor columns
    actor_columns = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "inter2", "country")
    actor_codes, actor_combos = combinations([text(c) for c in actor_columns])
    actors_per_combo = [_actor_names(combo[:4]) for combo in actor_combos]
    targets_per_combo = [_target_of(combo[2], combo[4], combo[5]) for combo in actor_combos]
    actors = lists_by_combination(actor_codes, actors_per_combo)
    target = lists_by_combination(actor_codes, targets_per_combo)
    if "civilian_targeting" in raw.column_names:
        civilian = pc.fill_null(pc.is_valid(text("civilian_targeting")), False)
    else:
        civilian_combo = pa.array(["civilians" in t for t in targets_per_combo], pa.bool_())
        civilian = pc.or_(
            pc.is_in(
                event_type, pa.array(["violence against civilians", "kidnapping/hostage-taking"])
            ),
            civilian_combo.take(pa.array(actor_codes)),
        )
    precision = (
        _precision(text("time_precision"), source) if "time_precision" in raw.column_names else None
    )
    fatalities = raw.column("fatalities").combine_chunks().cast(pa.int64())
    _check_non_negative(fatalities, source)
    dates = parse_dates(text("event_date"), source)
    columns = {
        "event_id": text("event_id_cnty"),
        "date": dates,
        "date_precision": precision if precision is not None else _repeat_text("day", n),
        "country": text("country"),
        "admin1": text("admin1"),
        "admin2": text("admin2"),
        "location": text("location"),
        "latitude": _float(raw, "latitude"),
        "longitude": _float(raw, "longitude"),
        "actors": actors,
        "event_type": event_type,
        "event_type_original": original,
        "civilian_targeted": civilian,
        "target": target,
        "deaths_best": fatalities,
        "deaths_low": pa.nulls(n, pa.int64()),
        "deaths_high": pa.nulls(n, pa.int64()),
        "description": text("notes"),
    }
    table = pa.table(columns)
    check_coordinates(table, source, ("latitude", "longitude"))
    return table, np.asarray(actor_codes, dtype=np.int64)


def _actor_names(cells: tuple) -> list[str]:
    """actor1, its associates (';'-separated), actor2 and its associates, as one list."""
    names: list[str] = []
    for cell in cells:
        if cell:
            names.extend(part.strip() for part in cell.split(";") if part.strip())
    return names


def _group_ids(names: list[str], resolve: Resolve) -> list[str]:
    """The distinct group ids the names resolve to, in order."""
    return list(dict.fromkeys(g for g in (resolve(name) for name in names) if g))


def parse_dates(text: pa.Array, source: str) -> pa.Array:
    """ACLED event dates in any of their published forms, as date32; bad values raise, and so
    does a day that is not in the calendar (2021-02-30), before 1997 or after today."""
    parsed = pc.strptime(text, format=DATE_FORMATS[0], unit="s", error_is_null=True)
    for fmt in DATE_FORMATS[1:]:
        if not pc.any(pc.and_(pc.is_null(parsed), pc.is_valid(text))).as_py():
            break
        parsed = pc.coalesce(parsed, pc.strptime(text, format=fmt, unit="s", error_is_null=True))
    bad = pc.is_null(parsed).to_numpy(zero_copy_only=False)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = text[row].as_py()
        problem = "is empty" if value is None else f"{value!r} is not a date"
        raise EventDataError(
            f"{source}: data row {row + 1}, column event_date: {problem} "
            "(expected e.g. 2023-02-16 or 16 February 2023)"
        )
    days = parsed.cast(pa.date32())
    check_days(days, text, source, "event_date", FIRST_DAY, date.today())
    return days


def _harmonised_type(event_type: str, sub_event: str) -> str | None:
    by_sub = SUB_EVENT_TYPE_MAP.get(sub_event.strip().lower())
    return by_sub or EVENT_TYPE_MAP.get(event_type.strip().lower())


def _original_type(event_type: str, sub_event: str) -> str:
    return f"{event_type.strip()}: {sub_event.strip()}" if sub_event.strip() else event_type.strip()


def _raise_unknown_types(
    codes: np.ndarray, pairs: list[tuple], unknown: list[int], source: str
) -> None:
    row = int(np.flatnonzero(np.isin(codes, unknown))[0])
    values = sorted({_original_type(pairs[i][0] or "", pairs[i][1] or "") for i in unknown})
    raise EventDataError(
        f"{source}: data row {row + 1}, column event_type: unknown ACLED event "
        f"type(s) {', '.join(repr(v) for v in values[:5])}; known: "
        f"{', '.join(sorted(EVENT_TYPE_MAP))}"
    )


def _target_of(actor2: str | None, inter2: str | None, country: str | None) -> list[str]:
    """The target category of an event from actor2, its ACLED type and the event's country."""
    inter = (inter2 or "").strip()
    kind = INTER_CODES.get(inter, inter).lower()
    name = (actor2 or "").strip().lower()
    if not name and not kind:
        return []
    if "united nations" in name or "minusma" in name or "peacekeep" in name:
        return ["peacekeepers"]
    if name.startswith("police forces of"):
        return ["police"]
    military = re.match(r"military forces of (.+?)(?:\s*\(|$)", name)
    if military:
        same = bool(country) and country_key(military.group(1)) == country_key(country)
        return ["military"] if same else ["foreign military"]
    if name.startswith("government of"):
        return ["government"]
    if kind == "civilians" or name.startswith("civilians"):
        return ["civilians"]
    if kind in ("rebel group", "political militia", "identity militia"):
        return ["armed group"]
    if kind == "state forces":
        return ["military"]
    if kind == "external/other forces":
        return ["foreign military"]
    return []


def _precision(codes: pa.Array, source: str) -> pa.Array:
    precision = map_unique(codes, lambda c: TIME_PRECISIONS.get(c.strip()) if c else None)
    bad = pc.and_(pc.is_null(precision), pc.is_valid(codes)).to_numpy(zero_copy_only=False)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EventDataError(
            f"{source}: data row {row + 1}, column time_precision: {codes[row].as_py()!r} is "
            "not 1, 2 or 3"
        )
    return pc.fill_null(precision, "day")


def _check_non_negative(fatalities: pa.Array, source: str) -> None:
    negative = pc.fill_null(pc.less(fatalities, 0), False).to_numpy(zero_copy_only=False)
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise EventDataError(
            f"{source}: data row {row + 1}, column fatalities: {fatalities[row].as_py()} is "
            "negative"
        )


def _float(raw: pa.Table, name: str) -> pa.Array:
    if name not in raw.column_names:
        return pa.nulls(raw.num_rows, pa.float64())
    return raw.column(name).combine_chunks().cast(pa.float64())


def _repeat_text(value: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([value])
    ).cast(pa.string())


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _conversion_problem(
    path: Path, source: str, exc: Exception, header: list[str], has_hxl: bool
) -> str:
    def read_column(column: str) -> list[str | None]:
        return (
            pacsv.read_csv(
                path,
                read_options=pacsv.ReadOptions(skip_rows_after_names=1 if has_hxl else 0),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    include_columns=[column], column_types={column: pa.string()}
                ),
            )
            .column(0)
            .to_pylist()
        )

    types = {c: _NUMERIC.get(RENAMED_COLUMNS.get(c.lower(), c.lower())) for c in header}
    wanted = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    used = [c for c in header if RENAMED_COLUMNS.get(c.lower(), c.lower()) in wanted]
    return conversion_problem(
        source, exc, header, types, read_column, open_binary=lambda: open(path, "rb"), used=used
    )


def _display(path: Path) -> str:

    return display_path(Path(path))
