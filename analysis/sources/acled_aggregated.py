"""ACLED's aggregated data, read as published (xlsx, or the same table saved as CSV).

Two layouts, recognised from their columns whatever the file is called:

* **Weekly regional files** (``<Region>_aggregated_data_up_to[_week_of]-YYYY-MM-DD.xlsx``):
  13 columns ``WEEK, REGION, COUNTRY, ADMIN1, EVENT_TYPE, SUB_EVENT_TYPE, EVENTS,
  FATALITIES, POPULATION_EXPOSURE, DISORDER_TYPE, ID, CENTROID_LATITUDE,
  CENTROID_LONGITUDE``. ``WEEK`` is the Saturday that starts a Saturday-to-Friday week.
  ``POPULATION_EXPOSURE`` is kept per row as given: people exposed in overlapping weeks
  and areas are partly the same people, so it is never summed.
* **HDX monthly files per country**: a terms-of-use sheet and a data sheet with
  ``Country, Admin1, Admin2, ISO3, Admin2 Pcode, Admin1 Pcode, Month, Year, Events,
  Fatalities`` (the month written as a word), in three products: political violence,
  civilian targeting and demonstrations (no ``Fatalities`` column). The product is read
  from the file: the missing Fatalities column, else the sheet names, else the file name,
  else the text of the other sheets.

A second header row of HXL tags (``#country``...) is skipped where present. Every problem of
a file (a missing column, a month that is not a month, a negative count, a period before 1997
or after today, a centroid off the globe, another country's rows in a country's file, one area
and period counted twice with different counts...) is collected and raised at once, each
naming file, sheet, row and column. Rows after the last day the file states it covers (HDX's
as-of day, the week a weekly file's name gives) are left out, and an area and period given
twice with the same counts is counted once: ``AggregatedFile.notes`` says how many of each.

Bounds (analysis.sources.limits): the file is read row by row and only the rows asked for are
kept, at most MALI_AGGREGATED_MAX_ROWS rows; a workbook is checked before openpyxl opens it (a
part growing more than MALI_XLSX_MAX_RATIO times, or parts above MALI_XLSX_MAX_MB once
decompressed, are refused), and a damaged cell is a sentence naming sheet and row. No ACLED
data is shipped with the project; tests use hand-written files.
"""

from __future__ import annotations

import csv
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from analysis.config import display_path
from analysis.core.countries import canonical_country, country_key
from analysis.core.text import first_invisible, without_invisible
from analysis.sources import limits
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import (
    EventDataError,
    check_complete,
    not_a_csv,
    shown_invisible,
    utf8_problem,
)

#: Why an aggregated file cannot give single events or actors, in a sentence's words.
_TOTALS_ONLY = {
    "event rows": "ACLED's aggregated data counts events per area and period only",
    "actors": "ACLED's aggregated data counts events per area and period and names no actor",
}
#: What ACLED's weekly regional files give: totals per region (ADMIN1), week and event type,
#: placed at the region's centroid; no single event, no actor, no cercle.
WEEKLY_DECLARATION = Declaration(
    "acled-aggregated",
    "ACLED's aggregated data",
    rows="area-week",
    actors=False,
    coordinates="area",
    admin_areas=("admin1",),
    why_not={
        **_TOTALS_ONLY,
        "admin2": "ACLED's weekly files count events per region (ADMIN1) only; HDX's monthly "
        "files and event-level data give cercles",
    },
)
#: What HDX's monthly files give: totals per cercle (Admin2, with P-codes) and month, of one
#: product (political violence...); no event type, no actor, no coordinates.
MONTHLY_DECLARATION = Declaration(
    "acled-aggregated",
    "ACLED's aggregated data",
    rows="area-month",
    event_types=False,
    actors=False,
    coordinates="none",
    why_not=_TOTALS_ONLY,
)


def declaration(frequency: str) -> Declaration:
    """What an aggregated table of this frequency ("week" or "month") gives."""
    return WEEKLY_DECLARATION if frequency == "week" else MONTHLY_DECLARATION


WEEKLY_COLUMNS: tuple[str, ...] = (
    "WEEK",
    "REGION",
    "COUNTRY",
    "ADMIN1",
    "EVENT_TYPE",
    "SUB_EVENT_TYPE",
    "EVENTS",
    "FATALITIES",
    "POPULATION_EXPOSURE",
    "DISORDER_TYPE",
    "ID",
    "CENTROID_LATITUDE",
    "CENTROID_LONGITUDE",
)
MONTHLY_COLUMNS: tuple[str, ...] = (
    "Country",
    "Admin1",
    "Admin2",
    "ISO3",
    "Admin2 Pcode",
    "Admin1 Pcode",
    "Month",
    "Year",
    "Events",
    "Fatalities",
)
#: The HDX products, by the words that name them in sheet names, file names and text.
PRODUCTS: dict[str, tuple[str, ...]] = {
    "political violence": ("political violence", "political_violence", "political-violence"),
    "civilian targeting": ("civilian targeting", "civilian_targeting", "civilian-targeting"),
    "demonstrations": ("demonstration",),
}
WEEKLY_PRODUCT = "all event types (weekly regional file)"
#: Columns of the canonical aggregated table, in order (one row per area, period and type).
AGGREGATED_COLUMNS: tuple[str, ...] = (
    "period_start",
    "period_end",
    "country",
    "admin1",
    "admin2",
    "admin1_pcode",
    "admin2_pcode",
    "event_type",
    "disorder_type",
    "events",
    "deaths_best",
    "population_exposure",
    "latitude",
    "longitude",
    "dataset",
)
#: Its text columns: country to disorder_type.
_TEXT_COLUMNS = AGGREGATED_COLUMNS[
    AGGREGATED_COLUMNS.index("country") : AGGREGATED_COLUMNS.index("events")
]
DATASET = "acled-aggregated"
MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
#: "as-of-25nov2024" (HDX file names) or "as of 2024-11-25": the day the extract stops.
_AS_OF = re.compile(
    r"as[-_ ]of[-_ ]?(?:(\d{1,2})[-_ ]?([a-z]{3})[a-z]*[-_ ]?(\d{4})|(\d{4}-\d{2}-\d{2}))",
    re.IGNORECASE,
)
#: "..._up_to-2024-01-19" (the last day) or "..._up_to_week_of-2024-01-13" (the Saturday that
#: starts the last week): the end a weekly regional file states in its name.
_UP_TO = re.compile(r"up[-_ ]to([-_ ]week[-_ ]of)?[-_ ]?(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
#: ACLED's first day of data (Africa, from 1997): an earlier period is a damaged cell.
FIRST_DAY = date(1997, 1, 1)
_MAX_LISTED = 20
_TEXT_CELLS = 400
#: Rows of a sheet that is not the data sheet read for its text (the terms of use).
_TEXT_ROWS = 200
#: Columns read of a header row (an aggregate has 10 or 13).
_HEADER_WIDTH = 64
#: Parts of a workbook smaller than this are not checked for their compression ratio.
_RATIO_FROM_BYTES = 1 << 20


@dataclass
class AggregatedFile:
    """One aggregated file read: the canonical rows (for the country asked, if any), its
    layout, product, the days it covers (whole file, any country), the countries in it, the
    day its extract stops (HDX's as-of) and notes on what was left out or collapsed."""

    frame: pd.DataFrame
    layout: str
    product: str
    span: tuple[date, date] | None
    countries: tuple[str, ...] = ()
    as_of: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def frequency(self) -> str:
        """'week' or 'month': the unit of the file's periods."""
        return "week" if self.layout == "weekly" else "month"


@dataclass
class _Sheet:
    """The data of a file: its header, where it is (sheet), the names of every sheet, the text
    of the others, and its data rows as (row or line number, values), read one at a time."""

    header: list[str]
    rows: Iterator[tuple[int, tuple]]
    sheet: str | None
    sheet_names: tuple[str, ...] = ()
    other_text: str = ""


class _Problems:
    """The problems of a file: the first _MAX_LISTED in words, and how many there are."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.count = 0

    def append(self, problem: str) -> None:
        self.count += 1
        if len(self.listed) < _MAX_LISTED:
            self.listed.append(problem)

    def __bool__(self) -> bool:
        return self.count > 0

    def joined(self) -> str:
        more = self.count - len(self.listed)
        tail = f"; and {more} more problem(s)" if more else ""
        noun = "problem" if self.count == 1 else "problems"
        return f"{self.count} {noun} in ACLED aggregated data: " + "; ".join(self.listed) + tail


def layout_of_header(header: list[str]) -> str | None:
    """'weekly', 'monthly' or None (an event export or something else), from a header row."""
    names = {str(h).strip().lower() for h in header if h is not None}
    if "event_id_cnty" in names:
        return None
    if {"week", "events"} <= names:
        return "weekly"
    if {"month", "year", "events"} <= names:
        return "monthly"
    return None


def layout_of(path: Path) -> str | None:
    """The layout of a file ('weekly', 'monthly'), or None when it is not an ACLED aggregate;
    reads the header only (xlsx: the first sheet whose first row is an aggregate's). A
    workbook that cannot be read raises EventDataError."""
    header = aggregate_header(path)
    return layout_of_header(header) if header is not None else None


def aggregate_header(path: Path) -> list[str] | None:
    """The header row of an ACLED aggregate (xlsx: of its first sheet that has one), or None
    when the file is not one; reads the header only. A file named .xlsx that cannot be read
    (damaged, cut short, a zip bomb) raises EventDataError naming what is wrong."""
    path = Path(path)
    if _is_xlsx(path):
        with _workbook(path, display_path(path)) as book:
            for sheet in book.worksheets:
                header = _first_row(sheet, display_path(path))
                names = [str(h).strip() for h in header if h is not None]
                if layout_of_header(names):
                    return names
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return None
    if not_a_csv(head, full_block=len(head) >= 64 * 1024):
        return None
    line = head.lstrip(b"\r\n").splitlines()[0].decode("utf-8-sig", errors="replace")
    names = [h.strip() for h in next(csv.reader([line]), [])]
    return names if layout_of_header(names) else None


def read_aggregated(path: Path, country: str | None = None) -> AggregatedFile:
    """Read an aggregated file as the canonical aggregated table (see the module docstring).

    With ``country``, a weekly regional file keeps that country's rows; a monthly country
    file holding another country's rows is refused, row by row. The file is read row by row,
    keeping the rows asked for only, and at most MALI_AGGREGATED_MAX_ROWS rows."""
    path = Path(path)
    source = display_path(path)
    opened = _read_xlsx(path, source) if _is_xlsx(path) else _read_csv(path, source)
    with opened as table:
        layout = layout_of_header(table.header)
        where = _where(source, table.sheet)
        if layout is None:
            raise EventDataError(
                f"{where(1, header=True)}: not an ACLED aggregate: the header has "
                f"{', '.join(str(h) for h in table.header[:12])}; expected ACLED's weekly "
                f"columns ({', '.join(WEEKLY_COLUMNS)}) or HDX's monthly ones "
                f"({', '.join(MONTHLY_COLUMNS)})"
            )
        expected = WEEKLY_COLUMNS if layout == "weekly" else MONTHLY_COLUMNS
        index = {str(h).strip().lower(): i for i, h in enumerate(table.header) if h is not None}
        optional = {"fatalities"} if layout == "monthly" else set()
        missing = [c for c in expected if c.lower() not in index and c.lower() not in optional]
        if missing:
            raise EventDataError(
                f"{where(1, header=True)}: missing column(s) {', '.join(missing)} of ACLED's "
                f"{layout} aggregate"
            )
        problems = _Problems()
        product = (
            WEEKLY_PRODUCT
            if layout == "weekly"
            else _product(path, table, "fatalities" in index, problems)
        )
        as_of = _as_of(path.name) or _as_of(table.other_text)
        stated = _stated_end(path.name) if layout == "weekly" else as_of
        rows = _Rows(layout, country, where, problems, stated, index)
        for number, values in table.rows:
            rows.add(number, values)
    if problems:
        raise EventDataError(problems.joined())
    frame = _frame(rows.kept, product)
    frame.attrs.update(layout=layout, product=product, source=str(path), dataset=DATASET)
    notes = rows.notes(source, stated, "from its name" if layout == "weekly" else "its as-of day")
    return AggregatedFile(frame, layout, product, rows.span(as_of), rows.countries(), as_of, notes)


def _cell_reader(index: dict[str, int], values: tuple) -> Callable[[str], object]:
    """A row's cell by column name (a short row's missing cells are None)."""

    def cell(name: str) -> object:
        position = index[name.lower()]
        return values[position] if position < len(values) else None

    return cell


def _frame(rows: list[tuple], product: str) -> pd.DataFrame:
    names = [c for c in AGGREGATED_COLUMNS if c != "dataset"]
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame(columns=names)
    frame["period_start"] = pd.to_datetime(frame["period_start"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame["events"] = frame["events"].astype("int64")
    frame["deaths_best"] = pd.to_numeric(frame["deaths_best"]).astype("Int64")
    for name in ("population_exposure", "latitude", "longitude"):
        frame[name] = pd.to_numeric(frame[name]).astype("float64")
    for name in _TEXT_COLUMNS:
        frame[name] = frame[name].astype("object")
    frame["dataset"] = DATASET
    return frame


# --- the rows -------------------------------------------------------------------------------


class _Rows:
    """The rows of a file, checked one at a time: the rows kept (of the country asked),
    every country seen, the span of the valid rows, and what was left out and why."""

    def __init__(
        self,
        layout: str,
        country: str | None,
        where,
        problems: _Problems,
        stated: date | None,
        index: dict[str, int],
    ) -> None:
        self.layout = layout
        self.index = index
        self.country = country
        self.wanted = _same_country(country) if country else None
        self.where = where
        self.problems = problems
        self.stated = stated
        self.limit = limits.AGGREGATED_ROWS.count()
        self.read = 0
        self.kept: list[tuple] = []
        self.seen: dict[str, None] = {}
        self.first: date | None = None
        self.last: date | None = None
        #: key of an area, period and type -> (row, counts) of the first row that had it
        self.keys: dict[tuple, tuple[int, tuple]] = {}
        self.repeated: list[tuple[int, int]] = []
        self.after: list[tuple[int, date]] = []
        self.invisible: list[tuple[int, str, str]] = []
        self.text: dict[str, str] = {}

    def add(self, number: int, values: tuple) -> None:
        """Check one data row and keep it when it is valid and of the country asked."""
        if _blank(values):
            return
        cell = _cell_reader(self.index, values)
        self.read += 1
        if self.read > self.limit:
            raise EventDataError(
                f"{self.where(number)}: more than {self.limit:,} data rows, the most read from "
                f"one ACLED aggregated file ({limits.AGGREGATED_ROWS.env}); "
                f"{limits.AGGREGATED_ROWS.raise_hint(self.limit)}"
            )
        before = self.problems.count
        row = (
            _weekly_row(number, cell, self.where, self.problems, self._label)
            if self.layout == "weekly"
            else _monthly_row(
                number, cell, self.where, self.problems, self._label, "fatalities" in self.index
            )
        )
        if self.problems.count > before:
            return
        if row["country"]:
            self.seen.setdefault(row["country"], None)
        if self.layout == "monthly" and self.wanted and not self.wanted(row["country"]):
            self.problems.append(
                f"{self.where(number, 'Country')}: {row['country']!r} in a file read for "
                f"{self.country} (an HDX file holds one country's rows)"
            )
            return
        if self.stated is not None and row["period_start"] > self.stated:
            self.after.append((number, row["period_start"]))
            return
        self.first = min(self.first or row["period_start"], row["period_start"])
        self.last = max(self.last or row["period_end"], row["period_end"])
        if self.wanted and not self.wanted(row["country"]):
            return
        if self._repeats(number, row):
            return
        self.kept.append(tuple(row[c] for c in _KEPT))

    def _label(self, number: int, column: str, value: object) -> str | None:
        """A label cell as text, its invisible control characters removed (and counted)."""
        text = _text(value)
        if text is None:
            return None
        cleaned = self.text.get(text)
        if cleaned is None:
            cleaned = self.text.setdefault(text, without_invisible(text))
        if cleaned != text:
            self.invisible.append((number, column, text))
        return cleaned

    def _repeats(self, number: int, row: dict) -> bool:
        """True when the row repeats an earlier row's area, period and type with the same
        counts (left out); a problem when the counts differ."""
        key = tuple(row[c] for c in _KEYS[self.layout])
        counts = (row["events"], row["deaths_best"], row["population_exposure"])
        earlier = self.keys.get(key)
        if earlier is None:
            self.keys[key] = (number, counts)
            return False
        if earlier[1] == counts:
            self.repeated.append((number, earlier[0]))
            return True
        unit = "week" if self.layout == "weekly" else "month"
        self.problems.append(
            f"{self.where(number, 'EVENTS' if self.layout == 'weekly' else 'Events')}: the "
            f"same area, {unit}{' and event type' if self.layout == 'weekly' else ''} as row "
            f"{earlier[0]} with other counts ({_counts(earlier[1])} there, {_counts(counts)} "
            "here): which is right cannot be told"
        )
        return False

    def span(self, as_of: date | None) -> tuple[date, date] | None:
        """First and last day of the valid rows (any country), cut at the stated end."""
        if self.first is None or self.last is None:
            return None
        last = self.last
        if self.layout == "monthly" and as_of is not None and self.first <= as_of < last:
            last = as_of
        return self.first, last

    def countries(self) -> tuple[str, ...]:
        """The countries of the file, in the order of their first row."""
        return tuple(self.seen)

    def notes(self, source: str, stated: date | None, stated_how: str) -> list[str]:
        """What was collapsed, left out or cleaned, in sentences (none when nothing was)."""
        notes = []
        unit = "week" if self.layout == "weekly" else "month"
        if self.repeated:
            row, first = self.repeated[0]
            notes.append(
                f"{source}: {len(self.repeated):,} row(s) repeat an earlier row's area, {unit} "
                f"and type with the same counts (e.g. row {row} repeats row {first}): each is "
                "counted once."
            )
        if self.after and stated is not None:
            row, day = self.after[0]
            notes.append(
                f"{source}: {len(self.after):,} row(s) are dated after {stated.isoformat()}, the "
                f"last day the file states it covers ({stated_how}), e.g. row {row} ({unit} of "
                f"{day.isoformat()}): left out, not counted."
            )
        if self.invisible:
            row, column, text = self.invisible[0]
            character = first_invisible(text) or " "
            notes.append(
                f"{source}: {len(self.invisible):,} label(s) held invisible control characters "
                f"(e.g. U+{ord(character):04X} in row {row}, column {column}, "
                f"{shown_invisible(text)}), which can reverse or hide the labels drawn next to "
                "them in a figure: removed."
            )
        return notes


def _counts(counts: tuple) -> str:
    events, deaths, _ = counts
    return f"{events} events" + (f", {deaths} deaths" if deaths is not None else "")


def _weekly_row(number: int, cell, where, problems: _Problems, label) -> dict:
    week = _week(cell("WEEK"), lambda p: problems.append(f"{where(number, 'WEEK')}: {p}"))
    if week is not None:
        _in_range(week, number, "WEEK", where, problems)
    events = _count(cell("EVENTS"), "EVENTS", number, where, problems)
    deaths = _count(cell("FATALITIES"), "FATALITIES", number, where, problems)
    exposure = _count(
        cell("POPULATION_EXPOSURE"),
        "POPULATION_EXPOSURE",
        number,
        where,
        problems,
        empty_ok=True,
        whole=False,
    )
    latitude = _coordinate(
        cell("CENTROID_LATITUDE"), "CENTROID_LATITUDE", 90, number, where, problems
    )
    longitude = _coordinate(
        cell("CENTROID_LONGITUDE"), "CENTROID_LONGITUDE", 180, number, where, problems
    )
    country = _text(cell("COUNTRY"))
    if not country:
        problems.append(f"{where(number, 'COUNTRY')}: is empty")
    return {
        "period_start": week,
        "period_end": week + timedelta(days=6) if week else None,
        "country": canonical_country(country) if country else None,
        "admin1": label(number, "ADMIN1", cell("ADMIN1")),
        "admin2": None,
        "admin1_pcode": None,
        "admin2_pcode": None,
        "event_type": label(number, "EVENT_TYPE", cell("EVENT_TYPE")),
        "sub_event_type": label(number, "SUB_EVENT_TYPE", cell("SUB_EVENT_TYPE")),
        "disorder_type": label(number, "DISORDER_TYPE", cell("DISORDER_TYPE")),
        "events": events,
        "deaths_best": deaths,
        "population_exposure": exposure,
        "latitude": latitude,
        "longitude": longitude,
    }


def _monthly_row(number: int, cell, where, problems: _Problems, label, has_deaths: bool) -> dict:
    month = _month(cell("Month"))
    if month is None:
        problems.append(
            f"{where(number, 'Month')}: {_shown(cell('Month'))} is not a month name "
            "(January to December)"
        )
    year = _whole(cell("Year"))
    today = date.today()
    if year is None or not FIRST_DAY.year <= year <= today.year:
        problems.append(
            f"{where(number, 'Year')}: {_shown(cell('Year'))} is not a year of ACLED's data "
            f"({FIRST_DAY.year} to {today.year})"
        )
        year = None
    events = _count(cell("Events"), "Events", number, where, problems)
    deaths = (
        _count(cell("Fatalities"), "Fatalities", number, where, problems) if has_deaths else None
    )
    country = _text(cell("Country"))
    if not country:
        problems.append(f"{where(number, 'Country')}: is empty")
    first = date(year, month, 1) if month and year else None
    if first is not None and first > today:
        problems.append(f"{where(number, 'Year')}: {first:%B %Y} is after today ({today})")
    return {
        "period_start": first,
        "period_end": _month_end(first) if first else None,
        "country": canonical_country(country) if country else None,
        "admin1": label(number, "Admin1", cell("Admin1")),
        "admin2": label(number, "Admin2", cell("Admin2")),
        "admin1_pcode": _text(cell("Admin1 Pcode")),
        "admin2_pcode": _text(cell("Admin2 Pcode")),
        "event_type": None,
        "sub_event_type": None,
        "disorder_type": None,
        "events": events,
        "deaths_best": deaths,
        "population_exposure": None,
        "latitude": None,
        "longitude": None,
    }


#: The columns kept of a row (the aggregated table's, without ``dataset``), and the columns
#: that say which area, period and type a row counts (two rows with the same are one count).
_KEPT = tuple(c for c in AGGREGATED_COLUMNS if c != "dataset")
_KEYS = {
    "weekly": ("period_start", "country", "admin1", "event_type", "sub_event_type",
               "disorder_type"),
    "monthly": ("period_start", "country", "admin1", "admin2", "admin1_pcode", "admin2_pcode"),
}  # fmt: skip


def _product(path: Path, table: _Sheet, has_fatalities: bool, problems: _Problems) -> str:
    """The HDX product: demonstrations have no Fatalities column; otherwise the sheet names,
    the file name, then the other sheets' text say which (a problem when none does)."""
    if not has_fatalities:
        return "demonstrations"
    for text in (" ".join(table.sheet_names), path.name, table.other_text):
        named = [p for p, words in PRODUCTS.items() if any(w in text.lower() for w in words)]
        named = [p for p in named if p != "demonstrations"]
        if len(named) == 1:
            return named[0]
    problems.append(
        f"{display_path(path)}: an HDX monthly file with Events and Fatalities, but neither its "
        "sheet names, its file name nor its text says whether it counts political violence or "
        "civilian targeting; keep HDX's file name (e.g. ..._political_violence_events_and_"
        "fatalities_by_month-year_as-of-...xlsx)"
    )
    return ""


# --- cells ------------------------------------------------------------------------------------


def _count(
    value: object,
    column: str,
    row: int,
    where,
    problems: _Problems,
    empty_ok: bool = False,
    whole: bool = True,
) -> float | int | None:
    if _text(value) is None:
        if not empty_ok:
            problems.append(f"{where(row, column)}: is empty")
        return None
    number = _whole(value) if whole else _float(value)
    if number is None:
        kind = "a whole number" if whole else "a number"
        problems.append(f"{where(row, column)}: {_shown(value)} is not {kind}")
        return None
    if number < 0:
        problems.append(f"{where(row, column)}: {_shown(value)} is negative")
        return None
    return number


def _coordinate(
    value: object, column: str, bound: int, row: int, where, problems: _Problems
) -> float | None:
    """A centroid's latitude (bound 90) or longitude (180); 999 is no place."""
    if _text(value) is None:
        return None
    number = _float(value)
    if number is None:
        problems.append(f"{where(row, column)}: {_shown(value)} is not a number")
    elif not -bound <= number <= bound:
        problems.append(f"{where(row, column)}: {_shown(value)} is outside -{bound}..{bound}")
        return None
    return number


def _in_range(day: date, row: int, column: str, where, problems: _Problems) -> None:
    """A period before ACLED's first day or after today is a damaged cell."""
    today = date.today()
    if day < FIRST_DAY:
        problems.append(
            f"{where(row, column)}: {day.isoformat()} is before {FIRST_DAY.isoformat()}, the "
            "first day of ACLED's data"
        )
    elif day > today:
        problems.append(f"{where(row, column)}: {day.isoformat()} is after today ({today})")


def _week(value: object, problem) -> date | None:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value)
        if text is None:
            problem("is empty")
            return None
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            problem(f"{_shown(value)} is not a date of the calendar (expected e.g. 2024-01-06)")
            return None
    if day.weekday() != 5:
        problem(
            f"{day.isoformat()} is a {day:%A}, not a Saturday (WEEK is the Saturday that "
            "starts ACLED's Saturday-to-Friday week)"
        )
        return None
    return day


def _month(value: object) -> int | None:
    text = _text(value)
    if text is None:
        return None
    if text.lower() in MONTHS:
        return MONTHS[text.lower()]
    return None


def _month_end(first: date) -> date:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _whole(value: object) -> int | None:
    number = _float(value)
    if number is None or number != int(number):
        return None
    return int(number)


def _float(value: object) -> float | None:
    """A finite number from a cell (an infinite or NaN cell of a damaged sheet is none)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text.replace(",", "")) if re.fullmatch(r"-?[\d,]*\.?\d+", text) else None
    except (ValueError, OverflowError):
        return None
    return number if number is not None and math.isfinite(number) else None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _shown(value: object) -> str:
    text = _text(value)
    return "an empty cell" if text is None else repr(text)


def _blank(values: tuple) -> bool:
    return all(_text(v) is None for v in values)


def _same_country(country: str):
    """Whether a row's (canonical) country is ``country``, given in the project's spelling."""
    wanted, key = country, country_key(country)
    return lambda name: (
        bool(name) and (canonical_country(name) == wanted or country_key(name) == key)
    )


def _as_of(text: str) -> date | None:
    match = _AS_OF.search(text or "")
    if not match:
        return None
    try:
        if match.group(4):
            return date.fromisoformat(match.group(4))
        month = MONTHS.get(match.group(2).lower())
        return date(int(match.group(3)), month, int(match.group(1))) if month else None
    except ValueError:
        return None


def _stated_end(name: str) -> date | None:
    """The last day a weekly file's name states it covers (week_of: that week's Friday)."""
    match = _UP_TO.search(name)
    if not match:
        return None
    try:
        day = date.fromisoformat(match.group(2))
    except ValueError:
        return None
    return day + timedelta(days=6) if match.group(1) else day


def _where(source: str, sheet: str | None):
    """A function (row, column) -> 'file, sheet 'Data', row 5, column Month' (xlsx) or
    'file: line 5, column Month' (CSV); rows are the ones a spreadsheet or editor shows."""

    def where(row: int, column: str | None = None, header: bool = False) -> str:
        place = f"{source}, sheet {sheet!r}, row {row}" if sheet else f"{source}: line {row}"
        if header:
            return place + " (the header)"
        return place + (f", column {column}" if column else "")

    return where


# --- files ------------------------------------------------------------------------------------


def _is_xlsx(path: Path) -> bool:
    """A workbook by its name (.xlsx, .xlsm), or by its zip signature whatever its name."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return True
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04" and path.suffix.lower() != ".csv"


def check_workbook_archive(path: Path, source: str) -> None:
    """Refuse a workbook before openpyxl expands it: not a zip, a damaged zip, a part that
    would grow more than MALI_XLSX_MAX_RATIO times (a zip bomb), or parts that would take
    more than MALI_XLSX_MAX_MB once decompressed. The sizes are the zip's own, which Python's
    zipfile holds a part to (it stops there and checks the CRC)."""
    with open(path, "rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            raise EventDataError(
                f"{source}: named like an xlsx workbook but not one (no zip signature): a "
                "damaged download, or another kind of file renamed; download it again"
            )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise EventDataError(
            f"{source}: not a readable xlsx workbook: its zip is damaged or cut short ({exc}); "
            "download it again"
        ) from None
    ratio = limits.XLSX_RATIO.value()
    for part in parts:
        grows = part.file_size / max(part.compress_size, 1)
        if part.file_size >= _RATIO_FROM_BYTES and grows > ratio:
            raise EventDataError(
                f"{source}: the workbook's part {part.filename} would grow {grows:,.0f} times "
                f"when decompressed ({part.compress_size:,} bytes to {part.file_size:,}), more "
                f"than the {ratio:g} times a spreadsheet's parts grow "
                f"({limits.XLSX_RATIO.env}): a zip bomb, or not a workbook saved by a "
                f"spreadsheet program; it was not opened ({limits.XLSX_RATIO.raise_hint(ratio)})"
            )
    total = sum(part.file_size for part in parts)
    most = limits.XLSX_MB.value()
    if total > most * 1e6:
        raise EventDataError(
            f"{source}: the workbook's parts would take {total:,} bytes once decompressed, "
            f"more than {most:g} MB ({limits.XLSX_MB.env}); it was not opened "
            f"({limits.XLSX_MB.raise_hint(most)}, in MB)"
        )


@contextmanager
def _workbook(path: Path, source: str) -> Iterator:
    """The workbook, read-only, once its archive passed check_workbook_archive."""
    check_workbook_archive(path, source)
    # openpyxl only for xlsx files (it is not needed to read CSVs)
    import openpyxl  # noqa: PLC0415 (xlsx files only; a CSV does not need it)

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise EventDataError(f"{source}: not a readable xlsx workbook ({_said(exc)})") from None
    try:
        yield book
    finally:
        book.close()


def _first_row(sheet, source: str) -> list:
    """A sheet's first row (at most _HEADER_WIDTH cells)."""
    rows = _sheet_rows(sheet, source, 1, _HEADER_WIDTH)
    return list(next(rows, (0, ()))[1])


def _sheet_rows(sheet, source: str, first: int, width: int) -> Iterator[tuple[int, tuple]]:
    """(row number, values) of a sheet from row ``first``, ``width`` cells each: whatever
    the file says its size is (a damaged dimension could hide rows or pad every row to 16,384
    columns); a damaged cell is a sentence naming the sheet and row."""
    sheet.reset_dimensions()
    rows = sheet.iter_rows(min_row=first, max_col=width, values_only=True)
    number = first - 1
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds on a damaged cell
            raise EventDataError(
                f"{source}, sheet {sheet.title!r}, row {number + 1} (or the next row with "
                f"data): a damaged cell ({_said(exc)}); the workbook cannot be read: download "
                "it again, or open and save it with a spreadsheet program"
            ) from None
        number += 1
        yield number, values


def _said(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@contextmanager
def _read_xlsx(path: Path, source: str) -> Iterator[_Sheet]:
    """The data sheet (the first whose first row is an aggregate's header), its rows read one
    at a time, with the names of every sheet and the text of the others (the terms of use may
    name the product)."""
    with _workbook(path, source) as book:
        names = tuple(book.sheetnames)
        data = None
        other: list[str] = []
        for sheet in book.worksheets:
            header = _first_row(sheet, source)
            if data is None and layout_of_header([h for h in header if h is not None]):
                data = (sheet, [str(h).strip() if h is not None else None for h in header])
                continue
            other.append(_sheet_text(sheet, source))
        if data is None:
            raise EventDataError(
                f"{source}: no sheet of {', '.join(repr(n) for n in names)} starts with the "
                f"header of an ACLED aggregate (weekly: {', '.join(WEEKLY_COLUMNS[:4])} ...; "
                f"monthly: {', '.join(MONTHLY_COLUMNS[:4])} ...)"
            )
        sheet, header = data
        yield _Sheet(
            header,
            _without_hxl(_sheet_rows(sheet, source, 2, len(header))),
            sheet.title,
            names,
            " ".join(other),
        )


def _sheet_text(sheet, source: str) -> str:
    """The text of a sheet's first cells (at most _TEXT_CELLS of _TEXT_ROWS rows)."""
    cells: list[str] = []
    for number, row in _sheet_rows(sheet, source, 1, _HEADER_WIDTH):
        cells.extend(str(c) for c in row if c is not None)
        if len(cells) > _TEXT_CELLS or number >= _TEXT_ROWS:
            break
    return " ".join(cells)


@contextmanager
def _read_csv(path: Path, source: str) -> Iterator[_Sheet]:
    """The CSV's header and its rows read one at a time (each with the line it starts on)."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    problem = not_a_csv(head, full_block=len(head) >= 64 * 1024)
    if problem:
        raise EventDataError(f"{source}: {problem} (expected ACLED aggregated data)")
    check_complete(path, source)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader, [])]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise EventDataError(_csv_problem(path, source, header=[], exc=exc)) from None
        yield _Sheet(header, _without_hxl(_csv_rows(reader, path, source, header)), None)


def _csv_rows(reader, path: Path, source: str, header: list[str]) -> Iterator[tuple[int, tuple]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            raise EventDataError(_csv_problem(path, source, header, exc, reader.line_num)) from None
        # the line a row starts on (a quoted value may hold line breaks)
        yield reader.line_num - sum(v.count("\n") for v in row), tuple(row)


def _csv_problem(path: Path, source: str, header: list[str], exc: Exception, line: int = 1) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return utf8_problem(source, lambda: open(path, "rb"), header)
    return f"{source}: line {line + 1}: not a readable CSV ({exc})"


def _without_hxl(rows: Iterator[tuple[int, tuple]]) -> Iterator[tuple[int, tuple]]:
    """The data rows without HDX's row of HXL tags (#country...) under the header."""
    first = next(rows, None)
    if first is not None and not _hxl(first[1]):
        yield first
    yield from rows


def _hxl(row: tuple) -> bool:
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)
