"""Event data from every source in one canonical table: ``load(dataset, path, country, start, end)``.

Sources (``dataset``):

* ``curated``: data/curated/events.csv, the hand-curated chronology of major incidents.
* ``acled``: an ACLED export CSV (Data Export Tool or HDX, with or without the HXL row).
* ``acled-api``: the ACLED API with the user's credentials (ACLED_USERNAME/ACLED_PASSWORD).
* ``acled-aggregated``: ACLED's aggregated data (weekly regional files, or HDX's monthly files
  per country; xlsx or CSV), returned as the aggregated table (``AGGREGATED_COLUMNS``: one row
  per area, period and, where given, event type), not as events. A file in data/raw/acled/ is
  recognised by its columns, whatever its name; ``load("acled", path=<an aggregate>)`` reads
  it as ``acled-aggregated``. It covers its first to its last period (of any country), cut at
  the day the file says the extract stops (HDX's "as-of").
* ``ucdp-ged``: a UCDP GED CSV or the publisher's zip, global file or subset, 19.1 to 26.1;
  found in data/raw, it is followed by the candidate months after its span
  (data/raw/ucdp-candidate), marked ``provisional`` (``candidates=`` gives them for a path).
* ``ucdp-candidate``: UCDP's monthly candidate files (``GEDEvent_vYY_0_M.csv``, with or without
  a header row), each event once, from its latest release.
* ``ucdp-api``: the UCDP GED API with the user's token (UCDP_ACCESS_TOKEN).
* ``ucdp-brd`` and ``owid``: annual series (dyad-years, country-years), returned with
  ``ANNUAL_COLUMNS`` instead of the event columns.

Event sources return ``CANONICAL_COLUMNS``: original actor names are kept in ``actors``;
``group_ids`` holds the ids they resolve to through analysis.curated.aliases; actors that do not
resolve are kept and listed by ``unresolved_actors``. UCDP tables (``ucdp-ged``,
``ucdp-candidate``, ``ucdp-api``) carry two more columns: ``code_status`` (UCDP's, "Clear" once
coded; empty before 20.1) and ``provisional`` (true for candidate events).

**Where files are looked for**, in this order, when ``path`` is not given:

1. ``data/raw/<name>/``: files fetched with ``python -m analysis data fetch`` (``make data``),
   copied with ``--mirror DIR``, or, for ACLED, an export the user put in ``data/raw/acled/``.
2. ``../shared/data`` (``analysis.config.SHARED_DATA_DIR``): the real datasets kept beside the
   project on development machines and CI, for UCDP BRD and OWID only. The GED file there
   is a format sample of Myanmar and Bangladesh, so it is never used as a fallback.

If neither has the file, ``DatasetMissingError`` says how to get it.

**Coverage.** Every table ``load`` returns carries ``frame.attrs["coverage"]``, a ``Coverage``
record: the days the dataset covers for the country (whatever the period asked for), and on
what basis. A day outside it is *not covered*: a period there is missing, never zero.

* ``acled``: an export is cut at two dates, so it covers from its first to its last event (of
  any country in the file); a country with no row in the file is not covered.
* ``acled-api``: from the start asked for to the last event of the answer.
* ``ucdp-ged``: a release ``YY.1`` covers 1989-01-01 to 31 December of 20YY-1 (UCDP's stated
  span); a file whose name states no such version covers its first to its last event. A
  country with no row in the file is not covered. Candidate months added after the release
  extend it (a month without its candidate file is a gap).
* ``ucdp-candidate``: the months its releases state (``GEDEvent_v26_0_3.csv``: March 2026); a
  country with no row in any of the files is not covered.
* ``ucdp-api``: the version's stated span within the dates asked.
* ``curated``: the chronology's first to last entry.
* ``ucdp-brd``, ``owid``: the first to the last year of the series for the country.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis import config
from analysis.config import CURATED_DIR, curated_path, display_path
from analysis.core import hashing, origins
from analysis.core.countries import canonical_country, gw_number
from analysis.core.dates import human_date
from analysis.core.vocab import EVENT_TYPES
from analysis.curated.tables import resolver
from analysis.sources import (
    acled,
    acled_aggregated,
    acled_api,
    owid,
    ucdp_api,
    ucdp_brd,
    ucdp_candidate,
    ucdp_ged,
)
from analysis.sources import register as open_data
from analysis.sources.acled_aggregated import (
    AGGREGATED_COLUMNS,
    aggregate_header,
    layout_of,
    read_aggregated,
)
from analysis.sources.acled_api import READ_PATH, AcledClient
from analysis.sources.annual import ANNUAL_COLUMNS
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import (
    CANONICAL_COLUMNS,
    EventDataError,
    Resolve,
    filter_rows,
    finish,
    with_name_parts,
    without_repeats,
)
from analysis.sources.ucdp_api import UcdpClient
from analysis.tables import curated_events as curated

__all__ = [
    "AGGREGATED_COLUMNS",
    "ANNUAL_COLUMNS",
    "CANONICAL_COLUMNS",
    "DATASETS",
    "Coverage",
    "EVENT_TYPES",
    "DatasetMissingError",
    "Declaration",
    "EventDataError",
    "declaration_of",
    "empty_events",
    "load",
    "locate",
    "unresolved_actors",
]

#: Datasets ``load`` accepts, and the open-data name of their files (None: not downloadable).
DATASETS: dict[str, str | None] = {
    "curated": None,
    "acled": None,
    "acled-api": None,
    "acled-aggregated": None,
    "ucdp-ged": "ucdp-ged",
    "ucdp-candidate": None,
    "ucdp-api": None,
    "ucdp-brd": "ucdp-brd",
    "owid": "owid-deaths",
}
ANNUAL_DATASETS = ("ucdp-brd", "owid")
#: What each event source declares it gives (analysis.sources.declaration); ACLED's aggregated
#: files declare by their frequency (``declaration_of``).
DECLARATIONS: dict[str, Declaration] = {
    "curated": curated.DECLARATION,
    "acled": acled.DECLARATION,
    "acled-api": acled_api.DECLARATION,
    "acled-aggregated": acled_aggregated.MONTHLY_DECLARATION,
    "ucdp-ged": ucdp_ged.DECLARATION,
    "ucdp-candidate": ucdp_candidate.DECLARATION,
    "ucdp-api": ucdp_api.DECLARATION,
}
#: ACLED exports are not downloadable without an account: the user puts them here.
ACLED_RAW_FOLDER = "acled"
#: UCDP's monthly candidate files (GEDEvent_vYY_0_M.csv), downloaded by hand, go here.
CANDIDATE_RAW_FOLDER = "ucdp-candidate"
#: The GED version the UCDP API is read at (default: the register's GED release).
UCDP_API_VERSION_ENV = "UCDP_API_VERSION"


class DatasetMissingError(FileNotFoundError):
    """A dataset whose file is not on this machine; the message says how to get it."""


#: GED releases YY.1 cover 1989 to the end of the year before 20YY (UCDP's codebook).
GED_FIRST_DAY = date(1989, 1, 1)
_GED_RELEASE = re.compile(r"^(\d{2})\.1$")


@dataclass(frozen=True)
class Coverage:
    """The days a dataset covers for a country: one or more inclusive spans (none: the data
    does not cover the country), and the basis they come from, in words."""

    dataset: str
    spans: tuple[tuple[date, date], ...]
    basis: str
    country: str | None = None

    @classmethod
    def between(
        cls, dataset: str, first: date | None, last: date | None, basis: str, country=None
    ) -> Coverage:
        """One span from ``first`` to ``last`` (no span when either is unknown)."""
        spans = ((first, last),) if first is not None and last is not None else ()
        return cls(dataset, spans, basis, country)

    @property
    def first(self) -> date | None:
        """The first day covered, or None."""
        return self.spans[0][0] if self.spans else None

    @property
    def last(self) -> date | None:
        """The last day covered, or None."""
        return self.spans[-1][1] if self.spans else None

    def days_covered(self, start: date, end: date) -> int:
        """How many days of [start, end] the dataset covers."""
        total = 0
        for first, last in self.spans:
            low, high = max(first, start), min(last, end)
            total += max((high - low).days + 1, 0)
        return total

    def within(self, start: date, end: date) -> Coverage:
        """The coverage cut to [start, end] (the report period)."""
        spans = tuple(
            (max(first, start), min(last, end))
            for first, last in self.spans
            if first <= end and last >= start
        )
        return Coverage(self.dataset, spans, self.basis, self.country)

    def gaps(self) -> tuple[tuple[date, date], ...]:
        """The uncovered stretches between the spans."""
        return tuple(
            (a_last + timedelta(days=1), b_first - timedelta(days=1))
            for (_, a_last), (b_first, _) in zip(self.spans, self.spans[1:], strict=False)
            if (b_first - a_last).days > 1
        )

    def text(self) -> str:
        """'2012-01-01 to 2025-06-14' (spans joined by 'and'), or 'nothing'."""
        if not self.spans:
            return "nothing"
        return " and ".join(f"{a.isoformat()} to {b.isoformat()}" for a, b in self.spans)


def _table_coverage(
    dataset: str, table: pa.Table, country: str | None, version: str = ""
) -> Coverage:
    """Coverage of a source table (before the period filter) for a country: see the module doc."""
    if country and filter_rows(table, country, None, None).num_rows == 0:
        return Coverage(dataset, (), "no row for this country in the file", country)
    dates = pc.min_max(table.column("date"))
    first, last = dates["min"].as_py(), dates["max"].as_py()
    release = _GED_RELEASE.match(version) if dataset == "ucdp-ged" else None
    if release:
        year = 2000 + int(release.group(1)) - 1
        return Coverage.between(
            dataset, GED_FIRST_DAY, date(year, 12, 31), f"release {version}'s stated span", country
        )
    basis = "the file's first and last event"
    if dataset == "curated":
        basis = "the chronology's first and last entry"
    return Coverage.between(dataset, first, last, basis, country)


def annual_coverage(dataset: str, frame: pd.DataFrame, country: str | None) -> Coverage:
    """An annual series covers whole years, from its first to its last year."""
    if not len(frame):
        return Coverage(dataset, (), "no year in the series for this country", country)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    return Coverage.between(
        dataset, date(first, 1, 1), date(last, 12, 31), "the series' first and last year", country
    )


def load(
    dataset: str,
    path: str | Path | None = None,
    country: str | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    resolve: Resolve | None = None,
    candidates: Iterable[str | Path] | None = None,
) -> pd.DataFrame:
    """Load a dataset as the canonical event table (or the annual table for ucdp-brd/owid).

    ``dataset`` is one of ``DATASETS``: curated, acled, acled-api, acled-aggregated (returns the
    aggregated table), ucdp-ged, ucdp-candidate, ucdp-api, ucdp-brd, owid (annual tables); the
    module's docstring says where each is looked for. ``path`` reads that file instead.
    ``country`` takes any spelling (``"Ivory Coast"``, ``"Côte d'Ivoire"``): it is made the
    project's spelling here, once, and the readers take it as given (a report's checked
    parameters already hold it so); ``start`` and ``end`` are inclusive ISO dates. ``resolve``
    maps an actor name to a group id (default: the curated groups' alias resolver).
    ``candidates``: UCDP candidate files whose months after the ``ucdp-ged`` release are added,
    marked provisional.
    """
    name = _normalise_name(dataset)
    start_date, end_date = _as_date(start, "start"), _as_date(end, "end")
    asked, country = country, canonical_country(country) if country else None
    if name == "acled-api":
        # ACLED's API is asked in the spelling given (it writes 'Ivory Coast')
        return _load_acled_api(asked, country, start_date, end_date, resolve)
    if name == "acled-aggregated" or (name == "acled" and is_acled_aggregate(path)):
        # an aggregate is routed to its own reader, whichever of the two names asked for it
        file = locate("acled-aggregated", path)
        return _load_acled_aggregated(file, country, start_date, end_date)
    if name == "ucdp-candidate":
        return _load_ucdp(None, candidate_paths(path), country, start_date, end_date, resolve)
    if name == "ucdp-api":
        return _load_ucdp_api(country, start_date, end_date, resolve)
    if name == "ucdp-ged":
        # a final release, followed by the candidate months after it (provisional): given,
        # or, for the release in data/raw (found or given), those in data/raw/ucdp-candidate
        final = locate(name, path)
        after = [Path(c) for c in candidates] if candidates is not None else []
        if candidates is None and final.parent.resolve() == _raw_folder(name).resolve():
            after = ucdp_candidate.candidate_files(config.RAW_DIR / CANDIDATE_RAW_FOLDER)
        return _load_ucdp(final, after, country, start_date, end_date, resolve)
    file = locate(name, path, country=country if name == "acled" else None)
    record = open_data.REGISTER.get(name)
    read = file / "events.csv" if name == "curated" and file.is_dir() else file
    if name == "acled":
        # an export not hashed before is hashed on a thread while it is normalised (no cached
        # copy can be found before its digest is known; one written just now is hashed first,
        # as its digest is not remembered); its origin is recorded once the load is done
        sha256 = hashing.known_sha256(read) or (
            hashing.PendingDigest(read) if hashing.is_settled(read) else hashing.sha256_file(read)
        )
    else:
        origins.record_file(name, read, version=record.version_of(read) if record else "")
    source = str(file)
    if name == "acled":
        resolve = with_name_parts(resolve or default_resolve())
    version = record.version_of(read) if record else ""
    if name in ("curated", "acled"):
        if name == "curated":
            resolve = resolve or _curated_resolve(file)
            table = curated.read_curated(file)
        else:
            # one country's rows, filtered while read; parsed once per file (cached by sha256)
            table = None
            try:
                table = acled.load_events(file, country, sha256, resolve)
            finally:
                digest = sha256 if isinstance(sha256, str) else sha256()
                # an export's vintage is its data's last day, never the file's date
                vintage = acled_vintage(table) if table is not None else ""
                origins.record_file(name, read, version=vintage, sha256=digest)
        notes = []
        if name == "acled":
            notes += _export_notes(table, _display(read))
            table, repeated = without_repeats(table, _display(read))
            notes += [repeated] if repeated else []
        coverage = _table_coverage(name, table, country, version)
        if name == "acled" and coverage.spans and (span := acled.event_span(table)):
            # read for one country: the export covers its whole file's first to last event
            coverage = Coverage(name, (span,), coverage.basis, country)
        frame = finish(table, name, country, start_date, end_date, resolve, source)
        frame.attrs["coverage"] = coverage
        frame.attrs["notes"] = notes + frame.attrs["notes"]
        return frame
    start_year = start_date.year if start_date else None
    end_year = end_date.year if end_date else None
    if name == "ucdp-brd":
        frame = ucdp_brd.read_brd(file, country, start_year, end_year, resolve)
    else:
        frame = owid.read_owid(file, country, start_year, end_year)
    frame.attrs.update(dataset=name, source=source)
    frame.attrs["coverage"] = annual_coverage(name, frame, country)
    return frame


def acled_vintage(table: pa.Table) -> str:
    """An ACLED export's vintage: the last day of its data, of any country in the file ('data
    through 29 August 2020'); '' for an export without rows."""
    span = acled.event_span(table)
    last = span[1] if span is not None else _max_date(table)
    return f"data through {human_date(last)}" if last is not None else ""


def attacks_and_others(
    declared: Declaration, frame: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The event rows a count of attacks keeps (organised political violence) and those it
    leaves out, for a source that declares rows that are not attacks (ACLED's protests, riots
    and strategic developments); (frame, None) for a source whose every row is violence."""
    if not declared.left_out or not len(frame):
        return frame, None if not declared.left_out else frame.iloc[0:0]
    violent = frame["event_type_original"].map(acled.is_organised_violence).astype(bool)
    attacks, others = frame[violent].copy(), frame[~violent].copy()
    attacks.attrs = others.attrs = dict(frame.attrs)
    return attacks, others


def publisher_types(frame: pd.DataFrame, declared: Declaration) -> pd.Series:
    """Each event's type in its publisher's own typology (``Declaration.types``): ACLED's event
    type ('Battles'), UCDP's type of violence ('one-sided violence'), else the harmonised
    type."""
    if declared.types == acled.ACLED_TYPES:
        return frame["event_type_original"].map(acled.event_type_of)
    if declared.types == ucdp_ged.TYPES_OF_VIOLENCE:
        return frame["event_type_original"]
    return frame["event_type"]


def _export_notes(table: pa.Table, source: str) -> list[str]:
    """What to say about an ACLED export read whole: a header without rows is no events."""
    if table.num_rows or acled.event_span(table) is not None:
        return []
    return [f"{source}: the export has its header row and no data rows: it holds no events."]


def declaration_of(dataset: str, frame: pd.DataFrame | None = None) -> Declaration:
    """What the event source ``dataset`` gives; for ACLED's aggregated data, the declaration of
    the loaded table's frequency (weekly files name regions only, monthly files cercles)."""
    name = _normalise_name(dataset)
    if name not in DECLARATIONS:
        raise ValueError(f"{dataset!r} is not an event source; one of: {', '.join(DECLARATIONS)}")
    if name == "acled-aggregated" and frame is not None:
        return acled_aggregated.declaration(frame.attrs.get("frequency", "month"))
    return DECLARATIONS[name]


def empty_events() -> pd.DataFrame:
    """An empty canonical event table, with the column types of a loaded one (what a source
    that gives only totals per area and period yields as its event rows)."""
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in CANONICAL_COLUMNS})
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("deaths_best", "deaths_low", "deaths_high", "latitude", "longitude"):
        frame[column] = frame[column].astype("float64")
    frame["year"] = frame["year"].astype("int64")
    return frame


class NoExportForCountry(DatasetMissingError):
    """ACLED exports are on this machine, but none holds a row of the country asked for."""


@dataclass(frozen=True)
class ExportChoice:
    """The ACLED export picked for a country by what the exports hold, and why the others were
    not (one sentence each)."""

    chosen: Path
    passed_over: tuple[str, ...] = ()
    #: the same, for readers: no file name (the export read is named by its source line)
    passed_over_plain: tuple[str, ...] = ()


def choose_export(exports: Iterable[Path], country: str) -> ExportChoice:
    """The export that holds the country's rows, whatever the other files of the folder (HDX's
    per-country files side by side, or one file of several countries): among several, the one
    whose data reaches furthest, then the one with more of the country's rows; a file that
    cannot be read is passed over with its problem. NoExportForCountry when none holds it."""
    holding, passed, held, plain = [], [], [], []
    for path in exports:
        try:
            countries = acled.countries_in(path)
        except EventDataError as exc:
            passed.append(f"{_display(path)}: {exc}; skipped")
            plain.append("an export that could not be read was skipped")
            continue
        rows, last = countries.get(country, (0, None))
        if rows:
            holding.append((last or date.min, rows, path.name, path))
        else:
            names = ", ".join(sorted(countries)[:6]) or "no country"
            held.append(f"{path.name} ({names})")
    if not holding:
        folder = config.RAW_DIR / ACLED_RAW_FOLDER
        raise NoExportForCountry(
            f"acled: no ACLED export in {_display(folder)} holds events for {country}; the "
            f"exports there hold other countries: {'; '.join(held) or 'none'}"
            + (f" ({'; '.join(passed)})" if passed else "")
        )
    holding.sort(reverse=True)
    _, _, _, chosen = holding[0]
    for last, rows, name, _ in holding[1:]:
        reaches = f", to {human_date(last)}" if last > date.min else ""
        passed.append(
            f"{name} also holds {rows:,} events for {country}{reaches}: not used, "
            f"{holding[0][2]} reaches further or holds more"
        )
        plain.append(
            f"another export also holds {rows:,} events for {country}{reaches}: not used, the "
            "export read reaches further or holds more"
        )
    return ExportChoice(chosen, tuple(passed), tuple(plain))


def locate(dataset: str, path: str | Path | None = None, country: str | None = None) -> Path:
    """The file a dataset is read from: ``path``, else data/raw, else ../shared/data; for
    ACLED with ``country``, the export that holds the country's rows (``choose_export``)."""
    name = _normalise_name(dataset)
    if path is not None:
        found = Path(path)
        if not found.exists():
            raise DatasetMissingError(f"{name}: no such file: {found}")
        return found
    if name == "curated":
        return curated_path("events")
    if name == "ucdp-candidate":
        return _candidate_folder()
    if name == "ucdp-api":
        raise DatasetMissingError(
            "ucdp-api is read from UCDP's API, not from a file: load('ucdp-api', country=...)"
        )
    if name == "acled-aggregated":
        return _aggregated_file()
    if name == "acled":
        folder = config.RAW_DIR / ACLED_RAW_FOLDER
        # the folder also takes ACLED's aggregated files: an export is a CSV that is not one
        found = acled_folder(folder)
        if found.exports and country:
            return choose_export(found.exports, canonical_country(country) or country).chosen
        if found.exports:
            # without a country, any export will do: the one named first, not the newest file
            return found.exports[0]
        raise DatasetMissingError(
            f"acled: no ACLED export in {folder}{_holding(found)}. ACLED data needs a free "
            "account: download an export (CSV) from https://acleddata.com/data-export-tool/ "
            "into that folder, "
            "or use data_source='acled-api' with ACLED_USERNAME and ACLED_PASSWORD set."
        )
    open_name = DATASETS[name]
    assert open_name is not None
    found = open_data.raw_file(open_name)
    if found is None and name in ANNUAL_DATASETS:
        found = open_data.shared_file(open_name)
    if found is None:
        spec = open_data.dataset(open_name)
        raise DatasetMissingError(
            f"{name}: {spec.title} is not in {spec.raw_dir()}. Get it with `make data` or "
            f"`python -m analysis data fetch {open_name}` (downloads {spec.url})."
        )
    return found


def unresolved_actors(events: pd.DataFrame, resolve: Resolve | None = None) -> pd.DataFrame:
    """Actor names that resolve to no group: name, kind, events, deaths_best, datasets.

    ``kind`` tells state forces, civilians and unidentified actors (never groups) from
    names that may be missing aliases ("armed group or other").
    """
    resolve = with_name_parts(resolve or default_resolve())
    columns = ["actor", "kind", "events", "deaths_best", "datasets"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    exploded = (
        events[["actors", "deaths_best", "dataset"]].explode("actors").dropna(subset=["actors"])
    )
    exploded = exploded[exploded["actors"].astype(str).str.strip() != ""]
    names = pd.unique(exploded["actors"])
    unknown = {n for n in names if resolve(str(n)) is None}
    rows = exploded[exploded["actors"].isin(unknown)]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    table = (
        rows.groupby("actors", sort=False)
        .agg(
            events=("dataset", "size"),
            deaths_best=("deaths_best", lambda s: int(s.fillna(0).sum())),
            datasets=("dataset", lambda s: ", ".join(sorted(set(s)))),
        )
        .reset_index()
        .rename(columns={"actors": "actor"})
    )
    table["actor"] = table["actor"].astype(str)
    table["kind"] = table["actor"].map(actor_kind)
    return (
        table[columns]
        .sort_values(["events", "actor"], ascending=[False, True])
        .reset_index(drop=True)
    )


def actor_kind(name: str) -> str:
    """A rough kind for an unresolved actor name: state, civilians, unidentified, crowd, other."""
    lowered = name.lower()
    if lowered.startswith(("military forces of", "police forces of", "government of")):
        return "state forces"
    if lowered.startswith("civilians"):
        return "civilians"
    if lowered.startswith("unidentified") or lowered.startswith("unknown"):
        return "unidentified"
    if lowered.startswith(("protesters", "rioters")):
        return "crowd"
    return "armed group or other"


def _load_acled_api(
    asked: str | None,
    country: str | None,
    start: date | None,
    end: date | None,
    resolve: Resolve | None,
) -> pd.DataFrame:
    if not country:
        raise ValueError("acled-api needs a country (the API is read one country at a time)")
    start = start or date(1997, 1, 1)
    end = end or date.today()
    client = AcledClient.from_environment()
    records = client.read(asked, start, end)
    origins.record_api(
        "acled-api",
        client.base_url.rstrip("/") + READ_PATH,
        {"country": asked, "start": start.isoformat(), "end": end.isoformat()},
        rows=len(records),
    )
    resolve = with_name_parts(resolve or default_resolve())
    table = acled.normalise(acled.table_from_records(records), "ACLED API answer", resolve)
    table, repeated = without_repeats(table, "ACLED API answer")
    frame = finish(table, "acled-api", country, start, end, resolve, client.base_url)
    frame.attrs["notes"] = ([repeated] if repeated else []) + frame.attrs["notes"]
    last = frame["date"].max().date() if len(frame) else None
    frame.attrs["coverage"] = Coverage.between(
        "acled-api", start, last, "the start asked for and the answer's last event", country
    )
    return frame


def _candidate_folder() -> Path:
    """data/raw/ucdp-candidate when it holds candidate files; else how to get them."""
    folder = config.RAW_DIR / CANDIDATE_RAW_FOLDER
    if ucdp_candidate.candidate_files(folder):
        return folder
    raise DatasetMissingError(
        f"ucdp-candidate: no UCDP candidate file (GEDEvent_vYY_0_M.csv) in {folder}"
        f"{_not_candidates(folder)}. {open_data.entry('ucdp-candidate').how_to_get}."
    )


def _not_candidates(folder: Path) -> str:
    """' (it holds x.csv, y.csv: not named like a candidate release)', or ''."""
    names = (
        sorted(p.name for p in folder.iterdir() if open_data.is_data_file(p))
        if folder.is_dir()
        else []
    )
    if not names:
        return ""
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (
        f" (it holds {shown}: not named like a candidate release, which is how its months "
        "are known)"
    )


def candidate_paths(path: str | Path | None = None) -> list[Path]:
    """The candidate files to read: ``path`` (a file, or a folder of them), else those in
    data/raw/ucdp-candidate."""
    found = Path(path) if path is not None else _candidate_folder()
    if not found.exists():
        raise DatasetMissingError(f"ucdp-candidate: no such file or folder: {found}")
    files = ucdp_candidate.candidate_files(found) if found.is_dir() else [found]
    if not files:
        raise DatasetMissingError(
            f"ucdp-candidate: no file named like GEDEvent_vYY_0_M.csv in {found}"
            f"{_not_candidates(found)}"
        )
    return files


def _load_ucdp(
    final: Path | None,
    candidates: list[Path],
    country: str | None,
    start: date | None,
    end: date | None,
    resolve: Resolve | None,
) -> pd.DataFrame:
    """UCDP GED events from a final release, candidate releases, or both: the candidate events
    after the release's span are added and marked ``provisional``; ``code_status`` is kept."""
    resolve = with_name_parts(resolve or default_resolve())
    name = "ucdp-ged" if final is not None else "ucdp-candidate"
    parts, spans, bases, notes = [], [], [], []
    last_final: date | None = None
    if final is not None:
        version = open_data.entry("ucdp-ged").version_of(final)
        origins.record_file("ucdp-ged", final, version=version)
        table = ucdp_ged.normalise(ucdp_ged.read_ged(final), _display(final), resolve)
        table, repeated = without_repeats(table, _display(final))
        table, outside = _within_release(table, version, _display(final))
        notes += [n for n in (repeated, outside) if n]
        coverage = _table_coverage("ucdp-ged", table, country, version)
        spans += coverage.spans
        bases.append(coverage.basis)
        last_final = coverage.last or _max_date(table)
        parts.append(table.append_column("provisional", pa.array([False] * table.num_rows)))
    if candidates:
        for file in candidates:
            release = ucdp_candidate.release_of(file)
            origins.record_file("ucdp-candidate", file, version=release.version if release else "")
        table = ucdp_candidate.read_candidates(candidates, resolve).drop(["release"])
        if last_final is not None:
            # the final release is authoritative over its span; candidates only after it
            after = pc.greater(table.column("date"), pa.scalar(last_final, pa.date32()))
            table = table.filter(after)
        candidate_spans = [
            (max(first, last_final + timedelta(days=1)) if last_final else first, last)
            for first, last in ucdp_candidate.covered_spans(candidates)
            if last_final is None or last > last_final
        ]
        if country and filter_rows(table, country, None, None).num_rows == 0:
            candidate_spans = []  # like a subset file: no row for the country, not covered
        versions = ucdp_candidate.versions(candidates)
        spans += candidate_spans
        bases.append(
            f"candidate releases {versions[0]} to {versions[-1]}, provisional"
            if len(versions) > 1
            else f"candidate release {versions[0]}, provisional"
        )
        parts.append(table)
    table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    source = str(final) if final is not None else str(candidates[-1].parent)
    frame = finish(table, name, country, start, end, resolve, source)
    for column, values in ucdp_ged.ucdp_columns(table, country, start, end).items():
        frame[column] = values
    frame.attrs["notes"] = notes + frame.attrs["notes"]
    frame.attrs["coverage"] = Coverage(
        name, ucdp_candidate.merge_spans(spans), " and ".join(bases), country
    )
    frame.attrs["candidate_versions"] = ucdp_candidate.versions(candidates)
    return frame


def _within_release(table: pa.Table, version: str, source: str) -> tuple[pa.Table, str | None]:
    """A final GED release's events dated after the span it states (YY.1: to the end of
    20YY-1) are left out, with a note: its coverage ends there, so they would be counted in
    periods said not to be covered."""
    release = _GED_RELEASE.match(version)
    if release is None or table.num_rows == 0:
        return table, None
    last = date(2000 + int(release.group(1)) - 1, 12, 31)
    after = pc.fill_null(pc.greater(table.column("date"), pa.scalar(last, pa.date32())), False)
    flags = after.to_numpy(zero_copy_only=False)
    if not flags.any():
        return table, None
    row = int(flags.nonzero()[0][0])
    note = (
        f"{source}: {int(flags.sum()):,} event(s) are dated after {last.isoformat()}, the end of "
        f"the span release {version} states (e.g. data row {row + 1}, "
        f"{table.column('date')[row].as_py().isoformat()}): left out, not counted."
    )
    return table.filter(pc.invert(after)), note


def _load_ucdp_api(
    country: str | None, start: date | None, end: date | None, resolve: Resolve | None
) -> pd.DataFrame:
    """The UCDP GED API's events of a country (version UCDP_API_VERSION, default the
    register's GED release), saved as a GED CSV in data/raw/ucdp-api and read like one."""
    if not country:
        raise ValueError("ucdp-api needs a country (the API is read one country at a time)")
    version = (
        os.environ.get(UCDP_API_VERSION_ENV, "").strip() or open_data.DATASETS["ucdp-ged"].version
    )
    client = UcdpClient.from_environment()
    countries = (gw_number(country),)
    rows = client.events(version, start, end, countries)
    origins.record_api(
        "ucdp-api",
        client.events_url(version),
        {k: v for k, v in client.query(start, end, countries).items() if k != "page"},
        rows=len(rows),
        version=version,
    )
    span = "_".join(d.isoformat() if d else "all" for d in (start, end))
    saved = ucdp_api.save_csv(
        rows,
        config.RAW_DIR
        / "ucdp-api"
        / f"GEDEvent_v{version.replace('.', '_')}_api_{countries[0]}_{span}.csv",
    )
    resolve = with_name_parts(resolve or default_resolve())
    table = ucdp_ged.normalise(ucdp_ged.read_ged(saved), "UCDP API answer", resolve)
    table, repeated = without_repeats(table, "UCDP API answer")
    frame = finish(table, "ucdp-api", country, start, end, resolve, client.base_url)
    frame.attrs["notes"] = ([repeated] if repeated else []) + frame.attrs["notes"]
    for column, values in ucdp_ged.ucdp_columns(table, country, start, end).items():
        frame[column] = values
    frame["provisional"] = _is_candidate_version(version)
    first, last = _version_span(version)
    frame.attrs["coverage"] = Coverage.between(
        "ucdp-api",
        max(first, start) if start else first,
        min(last, end) if end else last,
        f"version {version}'s stated span and the dates asked",
        country,
    )
    return frame


def _version_span(version: str) -> tuple[date, date]:
    """The days a GED version covers: YY.1 from 1989 to the end of 20YY-1; a candidate version
    its months."""
    release = ucdp_candidate.release_of(f"GEDEvent_v{version.replace('.', '_')}.csv")
    if release is not None:
        return release.first_day, release.last_day
    final = _GED_RELEASE.match(version)
    if final is None:
        raise ValueError(
            f"{UCDP_API_VERSION_ENV}={version!r} is not a GED version such as 26.1 or 26.0.3"
        )
    return GED_FIRST_DAY, date(2000 + int(final.group(1)) - 1, 12, 31)


def _is_candidate_version(version: str) -> bool:
    return ucdp_candidate.release_of(f"GEDEvent_v{version.replace('.', '_')}.csv") is not None


def _raw_folder(name: str) -> Path:
    """The data/raw folder of an open dataset (where `make data` puts its file)."""
    return open_data.dataset(DATASETS[name] or name).raw_dir()


def _max_date(table: pa.Table) -> date | None:
    return pc.max(table.column("date")).as_py() if table.num_rows else None


def _curated_resolve(events_csv: Path) -> Resolve:
    """The resolver of the curated folder the events come from (its own groups.csv)."""
    folder = events_csv.parent
    if not (folder / "groups.csv").exists():
        return lambda name: None
    return resolver(None if folder.resolve() == CURATED_DIR.resolve() else folder).get


def default_resolve() -> Resolve:
    """The curated groups' alias resolver; while groups.csv does not exist, nothing resolves
    (actors are kept and listed as unresolved, never dropped)."""
    if not (CURATED_DIR / "groups.csv").exists():
        return lambda name: None
    return resolver().get


def _normalise_name(dataset: str) -> str:
    name = dataset.strip().lower().replace("_", "-")
    if name == "owid-deaths":
        name = "owid"
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; use one of: {', '.join(DATASETS)}")
    return name


def _as_date(value: str | date | None, what: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} must be an ISO date such as 2012-01-01, not {value!r}") from None


def _display(path: Path) -> str:
    return display_path(path)


#: Which aggregated file ``locate`` prefers when data/raw/acled holds several: HDX's monthly
#: political violence (P-codes, second-level areas), ACLED's weekly regional file, then the
#: narrower products; the newest among equals. Weekly and monthly files are never combined.
_AGGREGATE_RANK = ("political violence", "weekly", "civilian targeting", "demonstrations")


def is_acled_aggregate(path: str | Path | None) -> bool:
    """Whether a given file is one of ACLED's aggregated files (weekly or HDX monthly); a
    workbook that cannot be read raises EventDataError naming what is wrong."""
    return path is not None and Path(path).is_file() and layout_of(Path(path)) is not None


@dataclass(frozen=True)
class AcledFolder:
    """What data/raw/acled holds: event exports, aggregated files (with their headers), files
    that cannot be read and files that are neither, each of the last two with a sentence."""

    exports: tuple[Path, ...] = ()
    aggregates: tuple[tuple[Path, tuple[str, ...]], ...] = ()
    unreadable: tuple[str, ...] = ()
    other: tuple[str, ...] = ()


def acled_folder(folder: Path | None = None) -> AcledFolder:
    """Sort the files of data/raw/acled by what they are (recognised by their content, not
    their names); one damaged file is named, never an error for the others."""
    folder = folder or config.RAW_DIR / ACLED_RAW_FOLDER
    if not folder.is_dir():
        return AcledFolder()
    exports, aggregates, unreadable, other = [], [], [], []
    for file in sorted(f for f in folder.iterdir() if open_data.is_data_file(f)):
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".xlsx", ".xlsm"):
            other.append(
                f"{_display(file)}: a {suffix or 'nameless'} file, neither an ACLED export "
                "(.csv) nor ACLED's aggregated data (.xlsx or .csv)"
            )
            continue
        try:
            header = aggregate_header(file)
        except EventDataError as exc:
            unreadable.append(str(exc))
            continue
        if header is not None:
            aggregates.append((file, tuple(header)))
        elif suffix == ".csv":
            exports.append(file)
        else:
            other.append(
                f"{_display(file)}: an xlsx workbook whose sheets do not start with the header "
                "of ACLED's aggregated data; an event export is read as CSV (export it as CSV)"
            )
    return AcledFolder(tuple(exports), tuple(aggregates), tuple(unreadable), tuple(other))


def unreadable_acled_files(folder: Path | None = None) -> list[str]:
    """A sentence for each file of data/raw/acled that cannot be read (named, what is wrong)."""
    return list(acled_folder(folder).unreadable)


def aggregated_files(folder: Path | None = None) -> list[Path]:
    """ACLED's aggregated files (xlsx or CSV) in data/raw/acled, the one ``locate`` takes
    first (see _AGGREGATE_RANK); files that cannot be read are left out
    (``unreadable_acled_files`` names them)."""

    def rank(item: tuple[Path, tuple[str, ...]]) -> tuple[int, int]:
        file, header = item
        name = file.name.lower()
        columns = {h.lower() for h in header}
        kind = "political violence"
        if "week" in columns:
            kind = "weekly"
        elif "fatalities" not in columns:  # HDX's demonstrations product, whatever its name
            kind = "demonstrations"
        elif "civilian" in name:
            kind = "civilian targeting"
        return _AGGREGATE_RANK.index(kind), -file.stat().st_mtime_ns

    return [f for f, _ in sorted(acled_folder(folder).aggregates, key=rank)]


def _aggregated_file() -> Path:
    found = acled_folder()
    files = aggregated_files()
    if files:
        return files[0]
    if found.unreadable:
        # a workbook in the folder is most likely aggregated data: say what is wrong with it
        more = f" (and {len(found.unreadable) - 1} more)" if len(found.unreadable) > 1 else ""
        raise EventDataError(f"acled-aggregated: {found.unreadable[0]}{more}")
    folder = config.RAW_DIR / ACLED_RAW_FOLDER
    raise DatasetMissingError(
        f"acled-aggregated: no ACLED aggregated file in {folder}"
        f"{_holding(found)}; {open_data.entry('acled-aggregated').how_to_get}."
    )


def _holding(found: AcledFolder) -> str:
    """' (it holds: x.xlsx, which ...; y.txt ...)': the files that were not taken, and why."""
    listed = [*found.unreadable, *found.other]
    if not listed:
        return ""
    more = f"; and {len(listed) - 3} more" if len(listed) > 3 else ""
    return f" (it holds files that are not: {'; '.join(listed[:3])}{more})"


def _load_acled_aggregated(
    file: Path, country: str | None, start: date | None, end: date | None
) -> pd.DataFrame:
    """An aggregated file as the aggregated table (rows overlapping [start, end]), with its
    coverage, layout, product and frequency in ``attrs``; totals are the file's own sums."""
    read = read_aggregated(file, country)
    # the version of an aggregated file is the day its extract stops, where it states one
    version = f"as of {read.as_of.isoformat()}" if read.as_of else ""
    origins.record_file("acled-aggregated", file, version=version)
    frame = read.frame
    if start is not None:
        frame = frame[frame["period_end"] >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame["period_start"] <= pd.Timestamp(end)]
    frame = frame.reset_index(drop=True)
    unit = "week" if read.layout == "weekly" else "month"
    basis = f"the file's first and last {unit}"
    if read.as_of is not None and read.span is not None and read.span[1] == read.as_of:
        basis += f", up to the day it states ({read.as_of.isoformat()})"
    if country and not len(read.frame):
        coverage = Coverage("acled-aggregated", (), "no row for this country in the file", country)
    else:
        coverage = Coverage("acled-aggregated", (read.span,) if read.span else (), basis, country)
    frame.attrs.update(read.frame.attrs)
    frame.attrs.update(
        coverage=coverage,
        frequency=read.frequency,
        source=str(file),
        countries=read.countries,
        notes=list(read.notes),
    )
    return frame
