"""One spreadsheet per report and run, ``reports/D/<report>.xlsx``: a sheet per figure and
table, in the order of the page, each a plain table (its header on the first row) named by its
number and title ("Table 3 Deadliest events"); then the sheets that say what they are: "about"
(the report, its publisher and licence), "contents" (each sheet's title, sources and licences,
and its CSV), "sources" (each dataset's licence and citation) and "references" (the curated
sources the report cites, by number).

It is assembled from what ``analysis.reports.page`` left in the report's figures folder
while the notebook ran: one CSV per figure and table (a plain table), ``takeaway.jsonl``
listing them with their sources, and ``references.jsonl`` listing the cited sources. Rows
withheld from a CSV (ACLED's events) are withheld here too: the contents sheet says so.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from analysis.core.outputs import CONTENTS_FILE, NUMBER_TEXT, REFERENCES_FILE
from analysis.core.publisher import imprint
from analysis.sources.register import REGISTER

ABOUT_SHEET = "about"
CONTENTS_SHEET = "contents"
SOURCES_SHEET = "sources"
REFERENCES_SHEET = "references"
#: The sheets that describe the others; no figure's or table's sheet takes their names.
OWN_SHEETS = (ABOUT_SHEET, CONTENTS_SHEET, SOURCES_SHEET, REFERENCES_SHEET)
#: Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
#: Control characters, which no sheet name (nor cell) can hold.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def contents(figures_dir: Path) -> list[dict[str, Any]]:
    """The figures and tables a report showed, in page order, each once (the last record of a
    slug wins: a cell run twice writes it twice)."""
    path = figures_dir / CONTENTS_FILE
    if not path.is_file():
        return []
    entries: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            entries[f"{entry['kind']}:{entry['slug']}"] = entry
    return list(entries.values())


def cited(figures_dir: Path) -> list[dict[str, Any]]:
    """The curated sources the report cited (REFERENCES_FILE), each number once, in order."""
    path = figures_dir / REFERENCES_FILE
    if not path.is_file():
        return []
    found: dict[int, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            found[int(record["number"])] = record
    return [found[n] for n in sorted(found)]


def cut_at_word(text: str, limit: int) -> str:
    """The text cut to at most ``limit`` characters at a word boundary (never mid-word, unless
    its first word alone is longer), without a trailing separator."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    shorter = cut.rsplit(" ", 1)[0] if " " in cut else text[:limit]
    return shorter.rstrip(" ,;:-–(").strip() or text[:limit]


def sheet_name(entry: Mapping[str, Any], taken: set[str]) -> str:
    """'Figure 3 Events by group' or 'Table 2 Event types': the number as the page gives it,
    then the title cut at a word within Excel's 31 characters; unique in the book."""
    kind = "Figure" if entry["kind"] == "figure" else "Table"
    label = f"{kind} {entry['number']}"
    title = str(entry.get("title") or "")
    title = _BAD_SHEET_CHARACTERS.sub(" ", _CONTROL_CHARACTERS.sub("", title))
    # Excel refuses a name ending with an apostrophe
    base = cut_at_word(f"{label} {title}", SHEET_NAME_MAX).rstrip("'") if title else label
    name, n = base, 1
    while name.lower() in taken or name.lower() in OWN_SHEETS:
        n += 1
        suffix = f" ({n})"
        name = cut_at_word(base, SHEET_NAME_MAX - len(suffix)) + suffix
    taken.add(name.lower())
    return name


#: Integers beyond this are not exact in a spreadsheet (a double): they are kept as text.
EXACT_INTEGER = 2**53


def cell_value(text: str) -> Any:
    """A CSV cell as the sheet holds it, for a figures folder without typed cells (see
    read_cells): empty for no data (never 0), a number where the CSV wrote one that a sheet
    holds exactly, else the text as written ('007' keeps its zeros, 'NA' is a name, '1e400'
    and a 25-digit id stay text)."""
    if text == "":
        return None
    if NUMBER_TEXT.fullmatch(text) and not _LEADING_ZERO.match(text):
        if re.fullmatch(r"[-+]?\d+", text):
            return int(text) if abs(int(text)) <= EXACT_INTEGER else text
        number = float(text)
        return number if math.isfinite(number) else text
    return text


_LEADING_ZERO = re.compile(r"[-+]?0\d")


def read_takeaway_csv(path: Path) -> list[list[Any]]:
    """A take-away CSV as its header row and rows as written, each data cell as cell_value
    reads it."""
    header, *rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
    return [header, *([cell_value(c) for c in r] for r in rows)]


def read_cells(path: Path) -> list[list[Any]]:
    """The header row and rows of a figure's or table's typed cells (Takeaway.cells): text
    as the table held it (no CSV guard apostrophe), numbers as numbers; an integer a sheet
    cannot hold exactly or a number that is not finite becomes its text."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [list(data["header"]), *([_exact(cell) for cell in row] for row in data["rows"])]


def _exact(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and abs(value) > EXACT_INTEGER:
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def versions_read(origins: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Dataset -> the version(s) the run read, from the manifest's origins ('24.1; 25.1')."""
    found: dict[str, list[str]] = {}
    for origin in origins:
        if origin.get("version"):
            found.setdefault(str(origin["dataset"]), []).append(str(origin["version"]))
    return {key: "; ".join(dict.fromkeys(values)) for key, values in found.items()}


def _sources_rows(
    entries: list[dict[str, Any]], sheets: Mapping[str, str], versions: Mapping[str, str]
) -> list[list[Any]]:
    """The sources sheet: a header row, then one row per dataset the figures and tables use,
    with the sheets that use it."""
    rows = []
    used: dict[str, list[str]] = {}
    for entry in entries:
        where = sheets.get(f"{entry['kind']}:{entry['slug']}")
        for key in entry.get("sources", []):
            used.setdefault(key, []).append(where or f"{entry['title']} (not exported)")
    for key, where in used.items():
        dataset = REGISTER.get(key)
        if dataset is None:
            continue
        version = versions.get(key) or versions.get(dataset.read_as, "")
        rows.append(
            [
                dataset.title,
                version or None,
                dataset.publisher,
                dataset.licence,
                # a citation with a version the run did not read says 'unknown', never a guess
                dataset.cite(version),
                dataset.url,
                ", ".join(dict.fromkeys(where)),
            ]
        )
    header = ["dataset", "version read", "publisher", "licence", "citation", "url", "sheets"]
    return [header, *rows]


def _contents_rows(entries: list[dict[str, Any]], sheets: Mapping[str, str]) -> list[list[Any]]:
    """The contents sheet: each figure and table in page order, its sheet, its sources and
    licences, its CSV in the figures folder, and why its rows are withheld where they are."""
    header = ["sheet", "figure or table", "number", "title", "sources and licences", "csv"]
    rows = []
    for entry in entries:
        sheet = sheets.get(f"{entry['kind']}:{entry['slug']}")
        rows.append(
            [
                sheet or f"not exported: {entry.get('withheld') or 'no file'}",
                entry["kind"],
                entry["number"],
                entry["title"],
                entry.get("sources_line") or None,
                entry["file"] if sheet else None,
            ]
        )
    return [header, *rows]


def _about_rows(title: str) -> list[list[Any]]:
    """The about sheet: the report, who publishes it under which licence, how to reach them."""
    published = imprint()
    rows = [
        ["report", title],
        ["published by", published["publisher"]],
        ["licence", published["licence_text"]],
    ]
    if published["contact"]:
        rows.append(["contact", published["contact"]])
    rows.append(
        [
            "sheets",
            "One sheet per figure and table, named by its number on the page, its header on "
            "the first row; 'contents' lists them with their sources and licences, 'sources' "
            "the datasets, 'references' the sources the curated tables cite, by their numbers "
            "in the report.",
        ]
    )
    return [["about", "value"], *rows]


def _references_rows(references: list[dict[str, Any]]) -> list[list[Any]]:
    """The references sheet: each cited source by its number in the report."""
    header = ["number", "source id", "title", "publisher", "date", "url"]
    fields = ("number", "source_id", "title", "publisher", "published", "url")
    return [header, *([r.get(f) or None for f in fields] for r in references)]


def write_workbook(
    figures_dir: Path,
    target: Path,
    title: str = "",
    versions: Mapping[str, str] | None = None,
) -> bool:
    """Write the report's spreadsheet from its figures folder, through a temporary file and a
    rename; ``versions`` (versions_read of the run's origins) fill in the citations. False
    (nothing written) when the report left no take-away data."""
    # imported here: only a build that executed a report with data writes a spreadsheet
    from openpyxl import Workbook  # noqa: PLC0415 (only when used: see above)

    entries = contents(figures_dir)
    exported = [e for e in entries if not e.get("withheld") and (figures_dir / e["file"]).is_file()]
    if not entries:
        return False
    book = Workbook()
    about = book.active
    about.title = ABOUT_SHEET
    listing = book.create_sheet(CONTENTS_SHEET)
    taken: set[str] = set()
    sheets: dict[str, str] = {}
    for entry in exported:
        rows = read_takeaway_csv(figures_dir / entry["file"])
        if entry.get("cells") and (figures_dir / Path(entry["cells"]).name).is_file():
            rows = read_cells(figures_dir / Path(entry["cells"]).name)
        name = sheet_name(entry, taken)
        sheets[f"{entry['kind']}:{entry['slug']}"] = name
        sheet = book.create_sheet(name)
        for row in rows:
            _append_text(sheet, row)
        sheet.freeze_panes = "A2"  # the header stays in view
    for sheet, rows in (
        (about, _about_rows(title or target.stem)),
        (listing, _contents_rows(entries, sheets)),
        (book.create_sheet(SOURCES_SHEET), _sources_rows(entries, sheets, versions or {})),
        (book.create_sheet(REFERENCES_SHEET), _references_rows(cited(figures_dir))),
    ):
        for row in rows:
            _append_text(sheet, row)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    book.save(temporary)
    temporary.replace(target)
    return True


def _append_text(sheet: Any, values: list[Any]) -> None:
    """Append a row whose text stays text: openpyxl makes any string starting with '=' a
    live formula, and a caption or a name from data must never run in a reader's Excel."""
    # imported here as in write_workbook: only a build that writes a spreadsheet loads openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 (only when used: see above)

    # Excel cannot hold control characters (openpyxl refuses them): they are left out.
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
