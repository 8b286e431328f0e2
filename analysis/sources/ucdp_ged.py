"""UCDP Georeferenced Event Dataset (GED) CSV -> canonical source table.

Reads the global file or any subset, as CSV or as the publisher's ``ged*-csv.zip``, by column
name: version 19.1 has 42 columns ending ``low, best, high`` (``GED_19_1_COLUMNS``); 20.1 to
26.1 have 49 (adding ``relid``, ``code_status``, the ``*_dset_id`` columns and
``where_description``) ending ``best, high, low, gwnoa, gwnob`` (``GED_20_1_COLUMNS``; the
candidate files and the API answer have the same 49). Only columns common to all are required.
A file without a header row (some candidate releases) is read with ``column_names``: the
documented order (see analysis.sources.ucdp_candidate, which checks the values fit first).

Mapping:

* ``type_of_violence`` 1 (state-based) and 2 (non-state) -> battle; 3 (one-sided) ->
  violence against civilians, civilian_targeted true. The target records the party on the
  other side of the armed group: state forces (1), another armed group (2), civilians (3);
  GED does not say who attacked whom.
* ``best``/``low``/``high`` -> deaths_best/low/high.
* ``date_prec`` 1 -> day, 2-3 -> week, 4 -> month, 5 -> year; the date is ``date_start``.
* ``adm_1``/``adm_2`` ("Mopti region", "Douentza cercle") -> admin1/admin2, harmonised later.
"""

from __future__ import annotations

import zipfile
import zlib
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.config import display_path
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import (
    HEAD_BYTES,
    EventDataError,
    Resolve,
    check_complete,
    check_coordinates,
    check_days,
    combinations,
    conversion_problem,
    csv_header,
    filter_rows,
    lists_by_combination,
    map_unique,
    open_csv,
    read_block,
    split_names,
)

#: UCDP's own typology, as tables of types name it (type_of_violence 1, 2, 3).
TYPES_OF_VIOLENCE = "UCDP's three types of violence (state-based, non-state, one-sided)"
#: What a UCDP GED release gives: every event its inclusion rules keep (organised violence of
#: dyads with 25 or more deaths in a year), with type, actors, coordinates, region and cercle;
#: found in data/raw, the candidate months after its span are added (provisional).
DECLARATION = Declaration(
    "ucdp-ged", "UCDP GED", supplements=("ucdp-candidate",), types=TYPES_OF_VIOLENCE
)

#: GED 19.1's 42 columns in the order of the real 19.1 sample in ../shared/data (whose
#: PROVENANCE.md could not confirm that OCHA's subset kept every column of UCDP's file).
GED_19_1_COLUMNS: tuple[str, ...] = tuple(
    "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,"
    "side_a_new_id,gwnoa,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,"
    "source_office,source_date,source_headline,source_original,where_prec,where_coordinates,"
    "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,"
    "event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,low,best,high".split(",")
)
#: GED 20.1 to 26.1, the candidate files and the API answer, in their documented order (49).
GED_20_1_COLUMNS: tuple[str, ...] = tuple(
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob".split(",")
)
#: The code_status of an event UCDP has finished coding; any other value is not yet final.
CLEAR = "Clear"

REQUIRED_COLUMNS: tuple[str, ...] = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "country",
    "date_prec",
    "date_start",
    "best",
    "low",
    "high",
)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "adm_1",
    "adm_2",
    "where_coordinates",
    "latitude",
    "longitude",
    "source_headline",
    "dyad_name",
    "code_status",
)
_TYPES = {
    "latitude": pa.float64(),
    "longitude": pa.float64(),
    "best": pa.int64(),
    "low": pa.int64(),
    "high": pa.int64(),
}
VIOLENCE_TYPES: dict[str, tuple[str, str, str]] = {
    # code: (harmonised type, original name, target)
    "1": ("battle", "state-based conflict", "military"),
    "2": ("battle", "non-state conflict", "armed group"),
    "3": ("violence against civilians", "one-sided violence", "civilians"),
}
DATE_PRECISIONS: dict[str, str] = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
#: GED's first day (its releases cover 1989 on): an earlier date_start is a damaged cell.
FIRST_DAY = date(1989, 1, 1)


def read_ged(path: Path, column_names: tuple[str, ...] | None = None) -> pa.Table:
    """Read a GED CSV (or the publisher's zip of one) with the columns the loader needs;
    ``column_names`` reads a file without a header row in that order."""
    source = _display(path)
    with _open_csv(path) as handle:
        header = list(column_names) if column_names else _header(handle, source)
        check_complete(path, source)
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise EventDataError(
                f"{source}: line 1: missing UCDP GED column(s) {', '.join(missing)}; is this a "
                f"GED file? The header has: {', '.join(header[:10])} ..."
            )
        columns = [c for c in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if c in header]
        types = {c: _TYPES.get(c, pa.string()) for c in columns}
        try:
            return pacsv.read_csv(
                handle,
                read_options=pacsv.ReadOptions(column_names=header if column_names else None),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    include_columns=columns,
                    column_types=types,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                ),
            )
        except pa.ArrowInvalid as exc:
            problem = conversion_problem(
                source,
                exc,
                header,
                _TYPES,
                _column_reader(path, column_names),
                open_binary=lambda: _open_csv(path),
                used=columns,
            )
            raise EventDataError(problem) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise EventDataError(
                f"{source}: the zip is damaged ({exc}); download it again"
            ) from None


def normalise(raw: pa.Table, source: str, resolve: Resolve | None = None) -> pa.Table:
    """Map GED columns to the canonical source columns; with ``resolve``, also the group ids
    (worked out once per distinct pair of sides)."""
    n = raw.num_rows

    def text(name: str) -> pa.Array:
        if name in raw.column_names:
            return raw.column(name).combine_chunks().cast(pa.string())
        return pa.nulls(n, pa.string())

    violence = pc.utf8_trim_whitespace(text("type_of_violence"))
    known = pc.is_in(violence, pa.array(list(VIOLENCE_TYPES))).to_numpy(zero_copy_only=False)
    if not known.all():
        row = int(np.flatnonzero(~known)[0])
        raise EventDataError(
            f"{source}: data row {row + 1}, column type_of_violence: "
            f"{violence[row].as_py()!r} is not 1, 2 or 3"
        )
    precision_code = pc.utf8_trim_whitespace(text("date_prec"))
    precision = map_unique(precision_code, lambda c: DATE_PRECISIONS.get(c or ""))
    bad = pc.is_null(precision).to_numpy(zero_copy_only=False)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise EventDataError(
            f"{source}: data row {row + 1}, column date_prec: "
            f"{precision_code[row].as_py()!r} is not 1 to 5"
        )
    start = text("date_start")
    # 19.1-22.1 write "2015-05-11", some releases "2015-05-11 00:00:00.000": keep the date
    dates = pc.strptime(
        pc.utf8_slice_codeunits(start, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True
    ).cast(pa.date32())
    missing_dates = pc.is_null(dates).to_numpy(zero_copy_only=False)
    if missing_dates.any():
        row = int(np.flatnonzero(missing_dates)[0])
        raise EventDataError(
            f"{source}: data row {row + 1}, column date_start: {start[row].as_py()!r} is not "
            "a date (expected YYYY-MM-DD)"
        )
    check_days(dates, start, source, "date_start", FIRST_DAY, date.today())
    deaths = {k: raw.column(k).combine_chunks().cast(pa.int64()) for k in ("best", "low", "high")}
    for name, values in deaths.items():
        negative = pc.fill_null(pc.less(values, 0), False).to_numpy(zero_copy_only=False)
        if negative.any():
            row = int(np.flatnonzero(negative)[0])
            raise EventDataError(
                f"{source}: data row {row + 1}, column {name}: {values[row].as_py()} is negative"
            )
    side_codes, side_pairs = combinations([text("side_a"), text("side_b")])
    actors_per_pair = [[n.strip() for n in pair if n and n.strip()] for pair in side_pairs]
    columns = {
        "event_id": text("id"),
        "date": dates,
        "date_precision": precision,
        "country": text("country"),
        "admin1": text("adm_1"),
        "admin2": text("adm_2"),
        "location": text("where_coordinates"),
        "latitude": _float(raw, "latitude"),
        "longitude": _float(raw, "longitude"),
        "actors": lists_by_combination(side_codes, actors_per_pair),
        "event_type": map_unique(violence, lambda c: VIOLENCE_TYPES[c][0]),
        "event_type_original": map_unique(violence, lambda c: VIOLENCE_TYPES[c][1]),
        "civilian_targeted": pc.equal(violence, "3"),
        "target": split_names(map_unique(violence, lambda c: VIOLENCE_TYPES[c][2])),
        "deaths_best": deaths["best"],
        "deaths_low": deaths["low"],
        "deaths_high": deaths["high"],
        "description": text("source_headline"),
        # kept beside the canonical columns (ucdp_columns): not yet "Clear" is not yet final
        "code_status": pc.utf8_trim_whitespace(text("code_status")),
    }
    check_coordinates(pa.table(columns), source, ("latitude", "longitude"))
    if resolve is not None:
        columns["group_ids"] = lists_by_combination(
            side_codes,
            [list(dict.fromkeys(g for g in map(resolve, names) if g)) for names in actors_per_pair],
        )
    return pa.table(columns)


def ucdp_columns(
    table: pa.Table, country: str | None, start: date | None, end: date | None
) -> dict[str, list]:
    """The UCDP columns kept beside the canonical ones (``code_status``, and ``provisional``
    when the table has it), for the rows ``finish`` keeps (the same filter, the same order)."""
    kept = filter_rows(table, country, start, end)
    n = kept.num_rows
    columns = {
        "code_status": kept.column("code_status").to_pylist()
        if "code_status" in kept.column_names
        else [None] * n
    }
    columns["provisional"] = (
        kept.column("provisional").to_pylist()
        if "provisional" in kept.column_names
        else [False] * n
    )
    return columns


def _column_reader(path: Path, column_names: tuple[str, ...] | None = None):
    def read_column(column: str) -> list[str | None]:
        with _open_csv(path) as handle:
            return (
                pacsv.read_csv(
                    handle,
                    read_options=pacsv.ReadOptions(
                        column_names=list(column_names) if column_names else None
                    ),
                    parse_options=pacsv.ParseOptions(newlines_in_values=True),
                    convert_options=pacsv.ConvertOptions(
                        include_columns=[column], column_types={column: pa.string()}
                    ),
                )
                .column(0)
                .to_pylist()
            )

    return read_column


def _float(raw: pa.Table, name: str) -> pa.Array:
    if name not in raw.column_names:
        return pa.nulls(raw.num_rows, pa.float64())
    return raw.column(name).combine_chunks().cast(pa.float64())


def _open_csv(path: Path) -> open_csv:
    """Open a GED CSV, or the single CSV inside the publisher's zip, as a binary stream."""
    return open_csv(path, _display(path))


def _header(handle, source: str) -> list[str]:
    """The header row, read without consuming the stream (the CSV reader reads it again)."""
    head = read_block(handle, source)
    handle.seek(0)
    return csv_header(head, source, "a UCDP GED CSV", full_block=len(head) >= HEAD_BYTES)


def _display(path: Path) -> str:

    return display_path(Path(path))
