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
a file (a missing column, a month that is not a month, a negative count, another country's
rows in a country's file...) is collected and raised at once, each naming file, sheet, row
and column. No ACLED data is shipped with the project; tests use hand-written files.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from analysis.config import display_path
from analysis.core.countries import canonical_country, country_key
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import EventDataError, not_a_csv

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
_MAX_LISTED = 20
_TEXT_CELLS = 400


@dataclass
class AggregatedFile:
    """One aggregated file read: the canonical rows (for the country asked, if any), its
    layout, product, the days it covers (whole file, any country), and the countries in it."""

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
class _Table:
    """A header and its data rows, with where they are (sheet and physical row numbers)."""

    header: list[str]
    rows: list[tuple]
    first_row: int
    sheet: str | None
    sheet_names: tuple[str, ...] = ()
    other_text: str = ""
    #: physical row (xlsx) or line (CSV) of each data row, when they are not consecutive
    numbers: list[int] | None = None

    def number(self, offset: int) -> int:
        """The row or line number a reader sees for the data row at ``offset``."""
        return self.numbers[offset] if self.numbers else self.first_row + offset

    def cells(self, index: dict[str, int]) -> Iterator[tuple[int, Callable[[str], object]]]:
        """Each data row that is not blank: its row number, and its cell by column name
        (``index``: lower-case column name -> position; a short row's missing cells are None)."""
        for offset, values in enumerate(self.rows):
            if _blank(values):
                continue

            def cell(name: str, values: tuple = values) -> object:
                position = index[name.lower()]
                return values[position] if position < len(values) else None

            yield self.number(offset), cell


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
    reads the header only (xlsx: the first sheet whose first row is an aggregate's)."""
    header = aggregate_header(path)
    return layout_of_header(header) if header is not None else None


def aggregate_header(path: Path) -> list[str] | None:
    """The header row of an ACLED aggregate (xlsx: of its first sheet that has one), or None
    when the file is not one; reads the header only."""
    path = Path(path)
    try:
        if _is_xlsx(path):
            for _, header in _xlsx_headers(path):
                names = [str(h).strip() for h in header if h is not None]
                if layout_of_header(names):
                    return names
            return None
        with open(path, "rb") as handle:
            head = handle.read(64 * 1024)
        if not_a_csv(head, full_block=len(head) >= 64 * 1024):
            return None
        line = head.lstrip(b"\r\n").splitlines()[0].decode("utf-8-sig", errors="replace")
        names = [h.strip() for h in next(csv.reader([line]))]
        return names if layout_of_header(names) else None
    except (OSError, ValueError, KeyError, IndexError, StopIteration):
        return None


def read_aggregated(path: Path, country: str | None = None) -> AggregatedFile:
    """Read an aggregated file as the canonical aggregated table (see the module docstring).

    With ``country``, a weekly regional file keeps that country's rows; a monthly country
    file holding another country's rows is refused, row by row."""
    path = Path(path)
    source = display_path(path)
    table = _read_xlsx(path, source) if _is_xlsx(path) else _read_csv(path, source)
    layout = layout_of_header(table.header)
    where = _where(source, table.sheet)
    if layout is None:
        raise EventDataError(
            f"{where(1, header=True)}: not an ACLED aggregate: the "
            f"header has {', '.join(str(h) for h in table.header[:12])}; expected ACLED's weekly "
            f"columns ({', '.join(WEEKLY_COLUMNS)}) or HDX's monthly ones "
            f"({', '.join(MONTHLY_COLUMNS)})"
        )
    expected = WEEKLY_COLUMNS if layout == "weekly" else MONTHLY_COLUMNS
    index = {str(h).strip().lower(): i for i, h in enumerate(table.header) if h is not None}
    optional = {"fatalities"} if layout == "monthly" else set()
    missing = [c for c in expected if c.lower() not in index and c.lower() not in optional]
    problems: list[str] = []
    if missing:
        problems.append(
            f"{where(1, header=True)}: missing column(s) {', '.join(missing)} of ACLED's {layout} aggregate"
        )
        raise EventDataError(_joined(problems))
    product = (
        WEEKLY_PRODUCT
        if layout == "weekly"
        else _product(path, table, "fatalities" in index, problems)
    )
    rows = (
        _weekly_rows(table, index, where, problems)
        if layout == "weekly"
        else _monthly_rows(table, index, where, problems)
    )
    countries = tuple(dict.fromkeys(r["country"] for r in rows if r["country"]))
    if country and layout == "monthly":
        wanted = _same_country(country)
        for row in rows:
            if row["country"] and not wanted(row["country"]):
                problems.append(
                    f"{where(row['_row'], 'Country')}: {row['country']!r} in a file read for "
                    f"{country} (an HDX file holds one country's rows)"
                )
    if problems:
        raise EventDataError(_joined(problems))
    as_of = _as_of(path.name) or _as_of(table.other_text)
    span = _span(rows, layout, as_of)
    if country:
        wanted = _same_country(country)
        rows = [r for r in rows if r["country"] and wanted(r["country"])]
    frame = _frame(rows, product)
    frame.attrs.update(layout=layout, product=product, source=str(path), dataset=DATASET)
    return AggregatedFile(frame, layout, product, span, countries, as_of)


def _frame(rows: list[dict], product: str) -> pd.DataFrame:
    data = {c: [r.get(c) for r in rows] for c in AGGREGATED_COLUMNS if c != "dataset"}
    frame = pd.DataFrame(data, columns=[c for c in AGGREGATED_COLUMNS if c != "dataset"])
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


# --- the two layouts --------------------------------------------------------------------------


def _weekly_rows(table: _Table, index: dict[str, int], where, problems: list[str]) -> list[dict]:
    rows = []
    for number, cell in table.cells(index):
        week = _week(cell("WEEK"), lambda p, n=number: problems.append(f"{where(n, 'WEEK')}: {p}"))
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
        latitude = _number(cell("CENTROID_LATITUDE"), "CENTROID_LATITUDE", number, where, problems)
        longitude = _number(
            cell("CENTROID_LONGITUDE"), "CENTROID_LONGITUDE", number, where, problems
        )
        country = _text(cell("COUNTRY"))
        if not country:
            problems.append(f"{where(number, 'COUNTRY')}: is empty")
        rows.append(
            {
                "_row": number,
                "period_start": week,
                "period_end": week + timedelta(days=6) if week else None,
                "country": canonical_country(country) if country else None,
                "admin1": _text(cell("ADMIN1")),
                "admin2": None,
                "admin1_pcode": None,
                "admin2_pcode": None,
                "event_type": _text(cell("EVENT_TYPE")),
                "disorder_type": _text(cell("DISORDER_TYPE")),
                "events": events,
                "deaths_best": deaths,
                "population_exposure": exposure,
                "latitude": latitude,
                "longitude": longitude,
            }
        )
    return rows


def _monthly_rows(table: _Table, index: dict[str, int], where, problems: list[str]) -> list[dict]:
    rows = []
    has_deaths = "fatalities" in index
    for number, cell in table.cells(index):
        month = _month(cell("Month"))
        if month is None:
            problems.append(
                f"{where(number, 'Month')}: {_shown(cell('Month'))} is not a month name "
                "(January to December)"
            )
        year = _whole(cell("Year"))
        if year is None or not 1900 <= year <= 2100:
            problems.append(f"{where(number, 'Year')}: {_shown(cell('Year'))} is not a year")
            year = None
        events = _count(cell("Events"), "Events", number, where, problems)
        deaths = (
            _count(cell("Fatalities"), "Fatalities", number, where, problems)
            if has_deaths
            else None
        )
        country = _text(cell("Country"))
        if not country:
            problems.append(f"{where(number, 'Country')}: is empty")
        first = date(year, month, 1) if month and year else None
        rows.append(
            {
                "_row": number,
                "period_start": first,
                "period_end": _month_end(first) if first else None,
                "country": canonical_country(country) if country else None,
                "admin1": _text(cell("Admin1")),
                "admin2": _text(cell("Admin2")),
                "admin1_pcode": _text(cell("Admin1 Pcode")),
                "admin2_pcode": _text(cell("Admin2 Pcode")),
                "event_type": None,
                "disorder_type": None,
                "events": events,
                "deaths_best": deaths,
                "population_exposure": None,
                "latitude": None,
                "longitude": None,
            }
        )
    return rows


def _product(path: Path, table: _Table, has_fatalities: bool, problems: list[str]) -> str:
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


def _span(rows: list[dict], layout: str, as_of: date | None) -> tuple[date, date] | None:
    """First and last day the file covers (any country): its first to its last period, cut
    at the day the extract stops when the file states it."""
    starts = [r["period_start"] for r in rows if r["period_start"]]
    ends = [r["period_end"] for r in rows if r["period_end"]]
    if not starts:
        return None
    first, last = min(starts), max(ends)
    if layout == "monthly" and as_of is not None and first <= as_of < last:
        last = as_of
    return first, last


# --- cells ------------------------------------------------------------------------------------


def _count(
    value: object,
    column: str,
    row: int,
    where,
    problems: list[str],
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


def _number(value: object, column: str, row: int, where, problems: list[str]) -> float | None:
    if _text(value) is None:
        return None
    number = _float(value)
    if number is None:
        problems.append(f"{where(row, column)}: {_shown(value)} is not a number")
    return number


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
            problem(f"{_shown(value)} is not a date (expected e.g. 2024-01-06)")
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
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text.replace(",", "")) if re.fullmatch(r"-?[\d,]*\.?\d+", text) else None
    except ValueError:
        return None


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
    return lambda name: canonical_country(name) == wanted or country_key(name) == key


def _as_of(text: str) -> date | None:
    match = _AS_OF.search(text or "")
    if not match:
        return None
    if match.group(4):
        return date.fromisoformat(match.group(4))
    month = MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


def _where(source: str, sheet: str | None):
    """A function (row, column) -> 'file, sheet 'Data', row 5, column Month' (xlsx) or
    'file: line 5, column Month' (CSV); rows are the ones a spreadsheet or editor shows."""

    def where(row: int, column: str | None = None, header: bool = False) -> str:
        place = f"{source}, sheet {sheet!r}, row {row}" if sheet else f"{source}: line {row}"
        if header:
            return place + " (the header)"
        return place + (f", column {column}" if column else "")

    return where


def _joined(problems: list[str]) -> str:
    listed = problems[:_MAX_LISTED]
    more = len(problems) - len(listed)
    tail = f"; and {more} more problem(s)" if more else ""
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} in ACLED aggregated data: " + "; ".join(listed) + tail


# --- files ------------------------------------------------------------------------------------


def _is_xlsx(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04" and path.suffix.lower() in (".xlsx", ".xlsm")


def _xlsx_headers(path: Path) -> Iterator[tuple[str, list]]:
    # openpyxl only for xlsx files (it is not needed to read CSVs)
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(max_row=1, values_only=True):
                yield sheet.title, list(row)
    finally:
        book.close()


def _read_xlsx(path: Path, source: str) -> _Table:
    """The data sheet (the first whose first row is an aggregate's header), with the names of
    every sheet and the text of the others (the terms of use may name the product)."""
    # openpyxl only for xlsx files (it is not needed to read CSVs)
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise EventDataError(f"{source}: not a readable xlsx workbook ({exc})") from None
    try:
        names = tuple(book.sheetnames)
        data: _Table | None = None
        other: list[str] = []
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = list(next(rows, ()))
            if data is None and layout_of_header([h for h in header if h is not None]):
                body = [tuple(r) for r in rows]
                first_row = 2
                if body and _hxl(body[0]):
                    body, first_row = body[1:], 3
                header = [str(h).strip() if h is not None else None for h in header]
                data = _Table(header, body, first_row, sheet.title, names)
                continue
            cells = [str(c) for c in header if c is not None]
            for row in rows:
                cells.extend(str(c) for c in row if c is not None)
                if len(cells) > _TEXT_CELLS:
                    break
            other.append(" ".join(cells))
    finally:
        book.close()
    if data is None:
        raise EventDataError(
            f"{source}: no sheet of {', '.join(repr(n) for n in names)} starts with the header "
            f"of an ACLED aggregate (weekly: {', '.join(WEEKLY_COLUMNS[:4])} ...; monthly: "
            f"{', '.join(MONTHLY_COLUMNS[:4])} ...)"
        )
    data.other_text = " ".join(other)
    return data


def _read_csv(path: Path, source: str) -> _Table:
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    problem = not_a_csv(head, full_block=len(head) >= 64 * 1024)
    if problem:
        raise EventDataError(f"{source}: {problem} (expected ACLED aggregated data)")
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            body, lines = [], []
            for row in reader:
                body.append(tuple(row))
                # the line a row starts on (a quoted value may hold line breaks)
                lines.append(reader.line_num - sum(v.count("\n") for v in row))
    except UnicodeDecodeError as exc:
        raise EventDataError(
            f"{source}: byte {exc.start + 1} of the file is not UTF-8; save it as UTF-8"
        ) from None
    first_row = 2
    if body and _hxl(body[0]):
        body, lines, first_row = body[1:], lines[1:], 3
    return _Table(header, body, first_row, None, numbers=lines)


def _hxl(row: tuple) -> bool:
    cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
    return bool(cells) and all(c.startswith("#") for c in cells)
