"""Which datasets a report can use, which it picked, and what each covers.

``select_events`` picks the event source of a report. With ``data_source="auto"`` it takes,
in order, the ACLED export in data/raw/acled that holds the country's rows (picked by its
rows, whatever the other files there), then a UCDP GED file that has events for the country
and period (event-level data wins over aggregates), then ACLED's aggregated data in
data/raw/acled (weekly or HDX monthly counts per area: no actors, no single events), then the
curated chronology (always present), and records why each better source was not used (HDX's
demonstrations product is never taken: it counts protests, not political violence): in words
for readers (``notes``, which name no file, folder or command) and, for whoever builds the
report, the files tried, what was wrong with them and how to get the missing ones
(``build_hints``, for the build's log). A file
tried and not used is not recorded as read (analysis.core.origins.held). The selection holds
the canonical tables every source yields (event rows, or totals per area and period), the
source's declaration of what it gives (analysis.sources.declaration) and, apart, the rows that
are not attacks (ACLED's protests, riots and strategic developments: ``left_out``).
``dataset_status`` lists every dataset with where its file is and how to get it when it is
missing, ``status_for_readers`` the same for readers (read or not, and where each publisher
offers it); ``coverage_table`` describes the loaded frames, with the first and last day each
covers (``Coverage``, see analysis.tables.events).

``report_end`` applies the rule of a period that follows the run: an end date given relative
to the run (``today``, the default of the reports) ends at the run date or at the last day the
chosen event data covers, whichever is earlier, with a sentence that says which; an end date
written out is kept as asked, and the periods after the data's coverage are missing.
``coverage_sentences`` says where each dataset's coverage ends.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.core import origins
from analysis.core.countries import canonical_country
from analysis.core.dates import human_date, period_text
from analysis.sources import acled, boundaries, register, ucdp_candidate
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import EventDataError, Resolve
from analysis.tables.events import (
    Coverage,
    DatasetMissingError,
    NoExportForCountry,
    acled_folder,
    aggregated_files,
    attacks_and_others,
    choose_export,
    declaration_of,
    empty_events,
    load,
    locate,
    unreadable_acled_files,
)

#: Event sources a report may ask for; "auto" takes the best one present.
EVENT_SOURCES: tuple[str, ...] = (
    "auto",
    "curated",
    "acled",
    "acled-aggregated",
    "acled-api",
    "ucdp-ged",
    "ucdp-candidate",
    "ucdp-api",
)
#: Preference order of "auto": event-level data first, then aggregates (the curated
#: chronology is the last resort).
AUTO_ORDER: tuple[str, ...] = ("acled", "ucdp-ged", "acled-aggregated")
#: Datasets the attack report lists in its coverage table, in the register's words: every
#: event source, the annual series and the boundaries.
STATUS_KEYS: tuple[str, ...] = (
    *EVENT_SOURCES[1:],
    "ucdp-brd",
    "owid",
    "geoboundaries-adm1",
    "geoboundaries-adm2",
)
HOW_TO_GET: dict[str, str] = {k: register.entry(k).how_to_get for k in STATUS_KEYS}
TITLES: dict[str, str] = {k: register.event_source(k).title for k in STATUS_KEYS}


@dataclass
class EventSelection:
    """The event source a report uses, in the canonical tables every source yields, what it
    declares it gives, and why better sources were not used.

    ``events`` holds its event rows (the canonical event table; empty for a source that gives
    only totals per area and period); ``totals`` holds those totals (``AGGREGATED_COLUMNS``)
    for such a source, and is None for a source of event rows, whose counts are its rows.
    """

    dataset: str
    events: pd.DataFrame
    declaration: Declaration
    totals: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    #: the event rows that are not attacks, left out of ``events`` (None: the source has none)
    left_out: pd.DataFrame | None = None
    #: the better sources "auto" found absent, each with its note (also in ``notes``)
    absent: dict[str, str] = field(default_factory=dict)
    #: what the notes leave out for readers, for whoever builds the report: the files tried,
    #: what was wrong with them, and how to get the missing ones (printed to the build's log)
    build_hints: list[str] = field(default_factory=list)

    @property
    def counted(self) -> pd.DataFrame:
        """The rows the counts are made from: the totals, or the event rows."""
        return self.events if self.totals is None else self.totals

    @property
    def coverage(self) -> Coverage:
        """What the chosen event data covers for the country (see analysis.tables.events)."""
        found = self.counted.attrs.get("coverage")
        if isinstance(found, Coverage):
            return found
        dates = pd.to_datetime(self.events["date"]) if len(self.events) else None
        return Coverage.between(
            self.dataset,
            dates.min().date() if dates is not None else None,
            dates.max().date() if dates is not None else None,
            "the first and last event",
        )


@dataclass
class PassedOver:
    """Why "auto" did not use the better event sources: ``notes`` for readers (no file name,
    no command), ``absent`` the sources not available (each with its note, also in
    ``notes``), ``build_hints`` for whoever builds the report (the files tried, what was wrong
    with them, how to get the missing ones)."""

    notes: list[str] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)
    build_hints: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportEnd:
    """The last day a report covers, and the sentence that says why it is that day."""

    end: date
    sentence: str


def report_end(
    requested: date,
    relative: bool,
    run_date: date,
    coverage: Coverage,
    title: str,
    start: date | None = None,
) -> ReportEnd:
    """The report's last day: see the module docstring. ``title`` names the event data."""
    last = coverage.last
    if relative and last is not None and start is not None and last < start:
        return ReportEnd(
            requested,
            f"The period ends on {human_date(requested)}; the {title} covers only up to "
            f"{human_date(last)}, before the period starts ({human_date(start)}), so the "
            "period has no event data: its months are missing, not zero.",
        )
    if not relative:
        if last is not None and last < requested:
            return ReportEnd(
                requested,
                f"The period ends on {human_date(requested)} as asked; the {title} covers up to "
                f"{human_date(last)}, so the periods after it are missing, not zero.",
            )
        return ReportEnd(requested, f"The period ends on {human_date(requested)} as asked.")
    if last is not None and last < requested:
        return ReportEnd(
            last,
            f"The period ends on {human_date(last)}, the last day the {title} covers, which is "
            f"earlier than the run date ({human_date(run_date)})."
            if requested == run_date
            else f"The period ends on {human_date(last)}, the last day the {title} covers, "
            f"which is earlier than the end asked for ({human_date(requested)}).",
        )
    if last is None:
        return ReportEnd(
            requested,
            f"The period ends on {human_date(requested)}; the {title} covers no day of it.",
        )
    what = "the run date" if requested == run_date else "the end asked for"
    return ReportEnd(
        requested,
        f"The period ends on {human_date(requested)}, {what}; the {title} covers up to "
        f"{human_date(last)}.",
    )


def coverage_sentences(coverages: Mapping[str, Coverage], period_end: date) -> list[str]:
    """One sentence per dataset on where its coverage ends (and starts late or has gaps),
    against the report period's end."""
    sentences = []
    for title, coverage in coverages.items():
        if not coverage.spans:
            sentences.append(f"The {title} does not cover this country ({coverage.basis}).")
            continue
        first, last = coverage.first, coverage.last
        text = f"The {title} covers {period_text(first, last)} ({coverage.basis})"
        if last < period_end:
            after = last + timedelta(days=1)
            text += f"; from {human_date(after)} on it has no data, shown as missing, not as zero"
        gaps = coverage.gaps()
        if gaps:
            text += "; it has no data from " + ", ".join(period_text(a, b) for a, b in gaps)
        sentences.append(text + ".")
    return sentences


def provisional_sentences(events: pd.DataFrame) -> list[str]:
    """What in UCDP event data is not final, in words: the months that come from UCDP's
    candidate releases (provisional, revised in later releases) and the share of events whose
    ``code_status`` is not yet "Clear" (no sentence for data without these columns)."""
    sentences = []
    if "provisional" in events and events["provisional"].astype(bool).any():
        months = ucdp_candidate.provisional_months(
            pd.to_datetime(events["date"]), events["provisional"].astype(bool)
        )
        versions = events.attrs.get("candidate_versions") or []
        released = f" ({', '.join(versions)})" if versions else ""
        span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
        sentences.append(
            f"Provisional: the events of {span} come from UCDP's candidate releases{released}, "
            "published monthly before the final GED release and revised in later releases."
        )
    if "code_status" in events and events["code_status"].notna().any():
        not_clear, total = ucdp_candidate.not_clear_share(events["code_status"].dropna())
        if not_clear:
            sentences.append(
                f"{not_clear:,} of {total:,} UCDP events ({not_clear / total:.0%}) have a "
                "code_status other than 'Clear': UCDP has not finished coding them."
            )
    return sentences


def political_violence(table: pd.DataFrame) -> pd.DataFrame:
    """A weekly table of organised political violence only: its rows of another event type
    (protests, riots, strategic developments; or, where the file gives no event type, of
    DISORDER_TYPE "Demonstrations") left out, as HDX's political-violence product counts; the
    number of events left out is kept in ``attrs["demonstrations_left_out"]``, and by ACLED
    event type in ``attrs["left_out_by_type"]``."""
    if "event_type" in table and table["event_type"].notna().any():
        types = table["event_type"].fillna("")
        others = ~types.map(acled.is_organised_violence).astype(bool)
    elif "disorder_type" in table and table["disorder_type"].notna().any():
        others = table["disorder_type"].fillna("").str.strip().str.lower().eq("demonstrations")
    else:
        return table
    kept = table[~others].copy()
    kept.attrs = dict(table.attrs)
    kept.attrs["demonstrations_left_out"] = int(table.loc[others, "events"].sum())
    if "event_type" in table:
        by_type = table[others].groupby(table.loc[others, "event_type"].fillna("not given"))
        kept.attrs["left_out_by_type"] = {k: int(v) for k, v in by_type["events"].sum().items()}
    return kept


def selection(dataset: str, frame: pd.DataFrame, why: PassedOver | None = None) -> EventSelection:
    """A loaded source as the canonical tables with its declaration: a source that gives only
    totals per area and period yields no event rows, and its totals of political violence;
    ``why`` says why better sources were not used (and what the loader left out)."""
    declared = declaration_of(dataset, frame)
    why = why or PassedOver()
    said = {"notes": why.notes, "absent": why.absent, "build_hints": why.build_hints}
    if declared.event_rows:
        attacks, others = attacks_and_others(declared, frame)
        return EventSelection(dataset, attacks, declared, left_out=others, **said)
    return EventSelection(dataset, empty_events(), declared, political_violence(frame), **said)


def select_events(
    data_source: str,
    country: str,
    start: date | str | None,
    end: date | str | None,
    resolve: Resolve | None = None,
) -> EventSelection:
    """Load the requested event source, or with "auto" the best one present (see module doc),
    with what it declares it gives.

    ``data_source`` is one of ``EVENT_SOURCES``: auto, curated, acled, acled-aggregated,
    acled-api, ucdp-ged, ucdp-candidate, ucdp-api. ``resolve`` maps an actor name to a group id
    (a run passes its snapshot's resolver)."""
    if data_source not in EVENT_SOURCES:
        raise ValueError(
            f"unknown event source {data_source!r}; use one of: {', '.join(EVENT_SOURCES)}"
        )
    if data_source != "auto":
        frame = load(data_source, country=country, start=start, end=end, resolve=resolve)
        plain, hints = _plain_notes(frame, TITLES[data_source])
        return selection(data_source, frame, PassedOver(plain, {}, hints))
    # a file that cannot be read is passed over, never the end of the report; readers read that
    # it could not be read, the build's log which file and why
    unreadable = unreadable_acled_files()
    said = PassedOver(
        [UNREADABLE_NOTE] if unreadable else [], {}, [f"{p}; skipped." for p in unreadable]
    )
    for name in AUTO_ORDER:
        found = _try_source(name, said, country, start, end, resolve)
        if found is not None:
            return selection(name, found, said)
    curated = load("curated", country=country, start=start, end=end, resolve=resolve)
    return selection("curated", curated, said)


def _plain_notes(frame: pd.DataFrame, title: str) -> tuple[list[str], list[str]]:
    """The loader's notes on what it left out or collapsed, for readers: a note that names the
    file read names the dataset instead (``title``), and goes as it is to the build hints."""
    source = str(frame.attrs.get("source", ""))
    prefixes = [f"{p}: " for p in dict.fromkeys((source, config.display_path(source))) if source]
    plain, hints = [], []
    for note in frame.attrs.get("notes", []):
        prefix = next((p for p in prefixes if note.startswith(p)), None)
        if prefix is None:
            plain.append(note)
            continue
        plain.append(f"{title}: {note[len(prefix) :]}")
        hints.append(note)
    return plain, hints


#: What readers read of a file of ACLED's data that cannot be read (the build's log names it).
UNREADABLE_NOTE = (
    "ACLED's data: a file could not be read (damaged, or not in a layout ACLED publishes); "
    "it was skipped."
)


def _try_source(
    name: str,
    said: PassedOver,
    country: str,
    start: date | str | None,
    end: date | str | None,
    resolve: Resolve | None,
) -> pd.DataFrame | None:
    """The rows of the event source ``name`` for "auto", or None when it is absent, unreadable
    or holds nothing for the country and period; why not goes to ``said`` (its notes for
    readers, its build hints for the build's log)."""
    title = TITLES[name]
    try:
        exports = acled_folder().exports if name == "acled" else ()
        if exports:
            # the export that holds the country's rows, whatever the others beside it
            choice = choose_export(exports, canonical_country(country) or country)
            path = choice.chosen
            said.notes += [f"{title}: {note}." for note in choice.passed_over_plain]
            said.build_hints += [f"{title}: {note}." for note in choice.passed_over]
        else:
            path = locate(name)
        # a file tried and not used is not listed as read: its origin is kept only if used
        with origins.held() as tried:
            frame = load(name, path, country=country, start=start, end=end, resolve=resolve)
    except NoExportForCountry as exc:
        said.notes.append(
            f"{title}: the exports available to this edition hold no events for {country}; "
            "not used."
        )
        said.build_hints.append(f"{title}: {str(exc).split(': ', 1)[-1]}.")
        return None
    except DatasetMissingError:
        note = f"{title}: not available when this edition was built; {register.offered(name)}"
        said.notes.append(note)
        said.absent[name] = note
        said.build_hints.append(f"{title}: {HOW_TO_GET[name]}.")
        return None
    except EventDataError as exc:
        if not any(str(exc).split(": ", 1)[-1] in hint for hint in said.build_hints):
            said.notes.append(f"{title}: its file could not be read; skipped.")
            said.build_hints.append(f"{title}: {exc}; skipped.")
        return None
    if frame.attrs.get("product") == "demonstrations":
        # the report counts political violence: protests are not attacks
        said.notes.append(
            f"{title}: the file available is HDX's demonstrations product: it counts "
            "demonstrations, not political violence; HDX's political violence file would be "
            "needed."
        )
        said.build_hints.append(
            f"{title}: {path.name} is HDX's demonstrations product; put HDX's political "
            "violence file in data/raw/acled/."
        )
        return None
    if len(frame):
        origins.keep(tried)
        # what the reader left out or collapsed, naming the dataset, not the file
        plain, hints = _plain_notes(frame, title)
        said.notes += plain
        said.build_hints += hints
        if declaration_of(name, frame).event_rows and aggregated_files():
            said.notes.append(
                f"{TITLES['acled-aggregated']} is also available to this edition, but "
                f"event-level data ({title}) is used: it has single events and their actors, "
                "which counts per area and period lack."
            )
        return frame
    # what the file holds, read apart: a file not used is not recorded as read
    with origins.held():
        everything = load(name, path, resolve=resolve)
    covered = ", ".join(sorted(everything["country"].dropna().unique())[:6]) or "no country"
    publisher = register.entry(name)
    said.notes.append(
        f"{title}: the file available has no events for {country} in the period (it covers "
        f"{covered}); not used. The global file from {publisher.publisher} ({publisher.url}) "
        f"would cover {country}."
    )
    said.build_hints.append(
        f"{title}: {path.name} has no events for {country}; {HOW_TO_GET[name]} with the global "
        "file."
    )
    return None


def dataset_status(country: str = "Mali") -> pd.DataFrame:
    """Every dataset the attack report can use: present or missing, from where, how to get it
    (the boundaries, which are Mali's, only in a report on Mali)."""
    rows = []
    for name in (
        "curated",
        "acled",
        "acled-aggregated",
        "ucdp-ged",
        "ucdp-candidate",
        "ucdp-brd",
        "owid",
    ):
        try:
            # ACLED: the export of the country, whatever the other files beside it
            path = locate(name, country=country if name == "acled" else None)
            rows.append(_present(name, path))
        except NoExportForCountry as exc:
            rows.append(
                _missing(name)
                | {
                    "status": f"no export for {country}",
                    "how to get it": str(exc).split(": ", 1)[-1],
                }
            )
        except DatasetMissingError:
            rows.append(_missing(name))
        except EventDataError as exc:
            rows.append(_missing(name) | {"status": "cannot be read", "how to get it": str(exc)})
    for level in boundaries.LEVELS if country == "Mali" else ():
        name, path = boundaries.register_key(level), boundaries.locate(level)
        problem = boundaries.unreadable(path, name) if path else None
        if problem:
            rows.append(
                _present(name, path) | {"status": "cannot be read", "how to get it": problem}
            )
        else:
            rows.append(_present(name, path) if path else _missing(name))
    return pd.DataFrame(rows)


def coverage_table(
    frames: dict[str, pd.DataFrame], coverages: Mapping[str, Coverage] | None = None
) -> pd.DataFrame:
    """For each loaded frame: kind, rows, first and last year, deaths (best), bands and the
    last day of its data (``data through``: the dataset's own coverage, from ``coverages`` or
    the frame's ``attrs``, else its last row; where each dataset's coverage ends is said by
    ``coverage_sentences``); an aggregated table's unit is its area-period, and its rows are
    counted as the events they hold."""
    rows = []
    for name, frame in frames.items():
        through = _data_through(frame, (coverages or {}).get(name))
        if "period_start" in frame:
            rows.append(_aggregated_row(name, frame) | {"data through": through})
            continue
        if name != "ucdp-candidate" and "provisional" in frame and frame["provisional"].any():
            rows += _final_and_provisional_rows(name, frame)
            continue
        annual = "year" in frame and "date" not in frame
        years = frame["year"] if annual else pd.to_datetime(frame["date"]).dt.year
        has_band = frame["deaths_low"].notna().any() and frame["deaths_high"].notna().any()
        rows.append(
            {
                "dataset": TITLES.get(name, name),
                "unit": "government-versus-group pair and year"
                if name == "ucdp-brd"
                else "country-year"
                if annual
                else "event",
                "rows": len(frame),
                # text, so that a table does not print 2012 as "2,012"
                "first year": str(int(years.min())) if len(frame) else "",
                "last year": str(int(years.max())) if len(frame) else "",
                "deaths (best)": int(pd.to_numeric(frame["deaths_best"]).fillna(0).sum()),
                "low/high band": "yes" if has_band else "no",
                "data through": through,
            }
        )
    return pd.DataFrame(rows)


def _data_through(frame: pd.DataFrame, coverage: Coverage | None) -> str:
    """The last day of a dataset's data, in words: its coverage's last day (a whole year for
    an annual series), else its last row's."""
    coverage = coverage if coverage is not None else frame.attrs.get("coverage")
    if isinstance(coverage, Coverage) and coverage.last is not None:
        return human_date(coverage.last)
    if "date" in frame and len(frame):
        return human_date(pd.to_datetime(frame["date"]).max().date())
    if "year" in frame and len(frame):
        return human_date(date(int(frame["year"].max()), 12, 31))
    return ""


def _final_and_provisional_rows(name: str, frame: pd.DataFrame) -> list[dict]:
    """A UCDP GED release followed by candidate months: one row each, the candidate row
    naming its provisional months."""
    provisional = frame["provisional"].astype(bool)
    final = frame[~provisional]
    rows = coverage_table({name: final}).to_dict("records") if len(final) else []
    candidate = coverage_table({"ucdp-candidate": frame[provisional]})
    # the release's own span ends where the candidate months begin
    if rows:
        rows[-1]["data through"] = human_date(pd.to_datetime(final["date"]).max().date())
    months = ucdp_candidate.provisional_months(pd.to_datetime(frame["date"]), provisional)
    span = months[0] if len(months) == 1 else f"{months[0]} to {months[-1]}"
    candidate["dataset"] += f" (provisional: {span})"
    return rows + candidate.to_dict("records")


def _aggregated_row(name: str, frame: pd.DataFrame) -> dict:
    years = pd.to_datetime(frame["period_start"]).dt.year
    unit = "week" if frame.attrs.get("frequency") == "week" else "month"
    deaths = pd.to_numeric(frame["deaths_best"])
    product = frame.attrs.get("product", "")
    return {
        "dataset": TITLES.get(name, name) + (f": {product}" if product else ""),
        "unit": f"area-{unit} ({int(frame['events'].sum()):,} events)",
        "rows": len(frame),
        "first year": str(int(years.min())) if len(frame) else "",
        "last year": str(int(years.max())) if len(frame) else "",
        # a product without a Fatalities column (demonstrations) has no deaths, not zero
        "deaths (best)": int(deaths.sum()) if deaths.notna().any() else None,
        "low/high band": "no",
    }


def yearly_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Events and deaths per year of an aggregated table, with the periods each year holds
    (a sum of the file's own rows: it equals the file's totals)."""
    years = pd.to_datetime(frame["period_start"]).dt.year.rename("year")
    table = frame.groupby(years).agg(
        periods=("period_start", "nunique"),
        events=("events", "sum"),
        deaths_best=("deaths_best", lambda s: s.sum() if s.notna().any() else None),
    )
    table = table.reset_index()
    table["year"] = table["year"].astype(str)
    return table


def _present(name: str, path: Path) -> dict:
    sidecar = register.read_sidecar(path) if path.exists() else None
    where = _where(path)
    if sidecar:
        origin = sidecar.get("mirrored_from") or sidecar.get("url", "")
        where += f", fetched {str(sidecar.get('accessed', ''))[:10]} from {origin}"
    return {"key": name, "dataset": TITLES[name], "status": "present", "file": path.name,
            "where": where, "how to get it": ""}  # fmt: skip


def _missing(name: str) -> dict:
    return {"key": name, "dataset": TITLES[name], "status": "missing", "file": "", "where": "",
            "how to get it": HOW_TO_GET.get(name, "")}  # fmt: skip


#: The status of a dataset in readers' words (``dataset_status`` says it for the machine).
STATUS_WORDS = {
    "present": "available, not used",
    "missing": "not available when this edition was built",
    "cannot be read": "could not be read",
}


def status_for_readers(
    status: pd.DataFrame, read: Collection[str]
) -> tuple[pd.DataFrame, list[str]]:
    """``dataset_status`` for readers: each dataset, whether this edition read it (``read``:
    register keys), and where its publisher offers it; and, for whoever builds the report, what
    was wrong with each file present that could not be used (its build hints: a missing file's
    is the report's to give, where the report needs it). Which file was read, and from which
    folder, is the manifest's (its origins)."""
    rows, hints = [], []
    for row in status.to_dict("records"):
        words = "read" if row["key"] in read else STATUS_WORDS.get(row["status"], row["status"])
        rows.append(
            {
                "dataset": row["dataset"],
                "status": words,
                "where the publisher offers it": register.offered(
                    register.event_source(row["key"]).key
                ),
            }
        )
        if row["how to get it"] and row["status"] not in ("present", "missing"):
            hints.append(f"{row['dataset']}: {row['status']}: {row['how to get it']}")
    return pd.DataFrame(rows, columns=["dataset", "status", "where the publisher offers it"]), hints


def _where(path: Path) -> str:
    resolved = path.resolve()
    for label, root in (
        ("data/raw", config.RAW_DIR),
        ("../shared/data", config.SHARED_DATA_DIR),
        ("data/curated", config.CURATED_DIR),
    ):
        try:
            resolved.relative_to(Path(root).resolve())
            return label
        except ValueError:
            continue
    return str(path.parent)


def source_label(frame: pd.DataFrame) -> str:
    """A figure's source line for a loaded frame: the register's words, with the version the
    file name states ('UCDP GED 25.1 (ucdp.uu.se)')."""
    name = frame.attrs.get("dataset", "")
    if name not in register.REGISTER:
        return name
    record = register.event_source(name)
    return record.source_line(record.version_of(frame.attrs.get("source", "") or ""))
