"""One spreadsheet per report and run, ``reports/D/<report>.xlsx``: a sheet per figure and
table, in the order of the page, and a "sources" sheet with each dataset's licence and citation.

It is assembled from what ``analysis.reports.page`` left in the report's figures folder
while the notebook ran: one CSV per figure and table (a comment line naming the sources, then a
header row) and ``takeaway.jsonl`` listing them. Rows withheld from a CSV (ACLED's events) are
withheld here too: the sources sheet says so.
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

from analysis.core.outputs import CONTENTS_FILE, NUMBER_TEXT
from analysis.sources.register import REGISTER

SOURCES_SHEET = "sources"
#: Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


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


def sheet_name(entry: Mapping[str, Any], taken: set[str]) -> str:
    """'Fig 3 events-by-group' or 'Tab 2 table-types', cut to Excel's 31 characters, unique."""
    kind = "Fig" if entry["kind"] == "figure" else "Tab"
    slug = str(entry["slug"]).removeprefix("table-")
    base = _BAD_SHEET_CHARACTERS.sub("-", f"{kind} {entry['number']} {slug}")[:SHEET_NAME_MAX]
    name, n = base, 1
    while name.lower() in taken or name.lower() == SOURCES_SHEET:
        n += 1
        name = f"{base[: SHEET_NAME_MAX - len(str(n)) - 1]}~{n}"
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


def read_takeaway_csv(path: Path) -> tuple[str, list[list[Any]]]:
    """A take-away CSV as (its comment line, its header row and rows as written, each data
    cell as cell_value reads it)."""
    text = path.read_text(encoding="utf-8")
    comment, _, body = text.partition("\n")
    header, *rows = csv.reader(io.StringIO(body))
    return comment.lstrip("# ").strip(), [header, *([cell_value(c) for c in r] for r in rows)]


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
    """The sources sheet: a header row, then one row per dataset the sheets use (a cell a
    dataset has no value for is None)."""
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
            {
                "dataset": dataset.title,
                "version read": version or None,
                "publisher": dataset.publisher,
                "licence": dataset.licence,
                # a citation with a version the run did not read says 'unknown', never a guess
                "citation": dataset.cite(version),
                "url": dataset.url,
                "sheets": ", ".join(dict.fromkeys(where)),
            }
        )
    withheld = [
        {"dataset": f"{e['title']}: not exported", "licence": e["withheld"]}
        for e in entries
        if e.get("withheld")
    ]
    records = rows + withheld
    header = list(dict.fromkeys(key for record in records for key in record))
    return [header] + [[record.get(key) for key in header] for record in records]


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
    from openpyxl import Workbook

    entries = contents(figures_dir)
    exported = [e for e in entries if not e.get("withheld") and (figures_dir / e["file"]).is_file()]
    if not entries:
        return False
    book = Workbook()
    sources_sheet = book.active
    sources_sheet.title = SOURCES_SHEET
    taken: set[str] = set()
    sheets: dict[str, str] = {}
    for entry in exported:
        comment, rows = read_takeaway_csv(figures_dir / entry["file"])
        if entry.get("cells") and (figures_dir / Path(entry["cells"]).name).is_file():
            rows = read_cells(figures_dir / Path(entry["cells"]).name)
        name = sheet_name(entry, taken)
        sheets[f"{entry['kind']}:{entry['slug']}"] = name
        sheet = book.create_sheet(name)
        _append_text(sheet, [entry["title"]])
        _append_text(sheet, [comment])
        for row in rows:
            _append_text(sheet, row)
        sheet.freeze_panes = "A4"  # title, sources and header stay in view
    _append_text(sources_sheet, [f"{title or target.stem}: sources and licences of every sheet"])
    for row in _sources_rows(entries, sheets, versions or {}):
        _append_text(sources_sheet, row)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    book.save(temporary)
    temporary.replace(target)
    return True


def _append_text(sheet: Any, values: list[Any]) -> None:
    """Append a row whose text stays text: openpyxl makes any string starting with '=' a
    live formula, and a caption or a name from data must never run in a reader's Excel."""
    # imported here as in write_workbook: only a build that writes a spreadsheet loads openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Excel cannot hold control characters (openpyxl refuses them): they are left out.
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
