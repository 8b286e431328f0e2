"""The numbers behind a figure or table, as a CSV a reader can take away.

Each CSV is a plain table: its header on the first line, then its rows, so that any
spreadsheet program or ``pandas.read_csv`` opens it as it is. Its sources and their licences
(from the dataset register) go beside it: a line on the page, the spreadsheet's contents sheet,
and a metadata file (``<slug>.metadata.json``, as Our World in Data publishes with each chart).
Data derived from ACLED carries ACLED's attribution, and ACLED's event rows never leave the
project: only aggregates are exported.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

# CONTENTS_FILE and NUMBER_TEXT are named from here by the page module and the tests
from analysis.core.outputs import CONTENTS_FILE, NUMBER_TEXT  # noqa: F401
from analysis.core.publisher import imprint
from analysis.sources.register import REGISTER, Dataset

#: Datasets whose rows may not be redistributed (ACLED's terms of use).
NOT_REDISTRIBUTED: frozenset[str] = frozenset({"acled", "acled-api"})
#: Columns that only a table of single events has: such a table from ACLED is never exported.
EVENT_ROW_COLUMNS: frozenset[str] = frozenset(
    {"event_id", "event_id_cnty", "latitude", "longitude", "notes", "description", "what happened"}
)
ROWS_RESTRICTED = "ACLED's event rows are not redistributed (its terms)"
ACLED_ATTRIBUTION = "Armed Conflict Location & Event Data (ACLED), acleddata.com"


@dataclass(frozen=True)
class Takeaway:
    """A figure's or table's CSV, or the reason it is withheld (``csv`` is then None); its
    sources with the version read of each ('' where none is known)."""

    csv: str | None
    sources: tuple[Dataset, ...]
    withheld: str = ""
    versions: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: int = 0
    #: the same table as JSON of typed values, without the CSV's guard apostrophes (cells):
    #: what the build's spreadsheet writes, so text stays text and numbers stay exact
    cells: str | None = None

    def read(self) -> list[tuple[Dataset, str]]:
        """Each source with the version read of it ('' where none is known)."""
        versions = list(self.versions) + [""] * (len(self.sources) - len(self.versions))
        return list(zip(self.sources, versions, strict=False))

    @property
    def sources_line(self) -> str:
        """'Sources: A, version 25.1; B; licences: A, B: their licence' (sources_line)."""
        return sources_line(self.sources, {d.key: v for d, v in self.read() if v})

    @property
    def rows_restricted(self) -> bool:
        """True when the data are event rows whose licence forbids passing them on: the page
        then shows the figure as a picture, without per-event tooltips or coordinates."""
        return self.withheld == ROWS_RESTRICTED

    def href(self) -> str:
        """The CSV as a base64 ``data:`` URL for a link's href (shorter than percent-encoding)."""
        if self.csv is None:
            raise ValueError(f"no CSV to link: {self.withheld}")
        payload = base64.b64encode(self.csv.encode("utf-8")).decode("ascii")
        return f"data:text/csv;charset=utf-8;base64,{payload}"


#: The curated tables' files, as figure source lines name them (the chronology, events.csv,
#: is a dataset of its own and named by its short name).
CURATED_FILES = ("polls.csv", "groups.csv", "lineage.csv", "milestones.csv", "sources.csv")


def datasets_named(source: str | Sequence[str] | None, read: Iterable[str] = ()) -> list[Dataset]:
    """The register's datasets a source line names (by their short names), else those in
    ``read`` (the run's origins), in the register's order, each once."""
    text = " ".join([source] if isinstance(source, str) else list(source or ()))
    found: dict[str, Dataset] = {}
    # Longest names first, so that 'ACLED API' is not also read as 'ACLED'.
    for dataset in sorted(REGISTER.values(), key=lambda d: -len(d.short)):
        if dataset.short and dataset.short in text:
            found[dataset.key] = dataset
            text = text.replace(dataset.short, " ")
    # A line naming a curated table by its file ('polls.csv') names the curated tables: the
    # fallback below named every dataset read (Afrobarometer on the Gallup/Pew bars' CSV).
    if any(name in text for name in CURATED_FILES):
        found["curated"] = REGISTER["curated"]
    if not found:
        found = {key: REGISTER[key] for key in read if key in REGISTER}
    return sorted(found.values(), key=lambda d: d.order)


def version_read(dataset: Dataset, versions: Mapping[str, str] | None) -> str:
    """The version(s) of the dataset the run read ('' when none is known)."""
    return (versions or {}).get(dataset.key) or (versions or {}).get(dataset.read_as) or ""


def sources_line(sources: Sequence[Dataset], versions: Mapping[str, str] | None = None) -> str:
    """'Sources: A, version 25.1; B; licences: A, B: their licence; C: another' (ACLED with
    its attribution; a version only where the run read one; datasets sharing a licence named
    together before it)."""
    names: list[str] = []
    by_licence: dict[str, list[str]] = {}
    for dataset in sources:
        name = ACLED_ATTRIBUTION if dataset.key in NOT_REDISTRIBUTED else dataset.title
        version = version_read(dataset, versions)
        if version:
            name = f"{name}, version {version}"
        if name not in names:
            names.append(name)
        shorts = by_licence.setdefault(dataset.licence, [])
        if dataset.short not in shorts:
            shorts.append(dataset.short)
    if not names:
        return "Sources: not stated; licences: not stated"
    licences = [f"{', '.join(shorts)}: {licence}" for licence, shorts in by_licence.items()]
    # One line: a newline in a title would cut it where it is shown.
    line = f"Sources: {'; '.join(names)}; licences: {'; '.join(licences)}"
    return re.sub(r"\s+", " ", line)


#: First characters with which a spreadsheet reads a cell as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: How the values of a list cell are joined in a CSV and on the page ("Government of Mali; JNIM").
LIST_SEPARATOR = "; "


def is_list_cell(value: Any) -> bool:
    """Whether a table cell holds several values: a list, tuple, set or array (a pyarrow list
    column's cells come out of a row as arrays), not text or a mapping."""
    return pd.api.types.is_list_like(value) and not isinstance(value, Mapping)


def list_text(value: Any) -> str:
    """A list cell as text, its values joined with '; ' (never numpy's "['a' 'b']")."""
    return LIST_SEPARATOR.join(str(v) for v in value)


def inert_text(value: Any) -> Any:
    """Text a spreadsheet would run as a formula ('=1+1', '@SUM(A1)') with an apostrophe in
    front, as OWASP advises for CSV files; numbers and other values unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not NUMBER_TEXT.fullmatch(value)
    ):
        return "'" + value
    return value


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame a CSV can hold: no geometry, flat column names, the index as columns when named."""
    frame = frame.copy()
    for column in list(frame.columns):
        if str(getattr(frame[column], "dtype", "")) == "geometry":
            frame = frame.drop(columns=column)
    frame = pd.DataFrame(frame)  # a GeoDataFrame without geometry is a plain frame
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" ".join(str(p) for p in parts if str(p)) for parts in frame.columns]
    index_named = any(name is not None for name in frame.index.names)
    if index_named or not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            frame[column] = values.map({True: "yes", False: "no"})  # as the page's tables say
        elif not (
            pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)
        ):
            # text, or lists (object or pyarrow list columns: the event table's group_ids), as
            # the page's tables show them (the CSV guards formulas: _inert)
            frame[column] = values.map(lambda v: list_text(v) if is_list_cell(v) else v)
    return frame


def _inert(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as its CSV holds it: text from data never a formula (inert_text)."""
    frame = frame.copy()
    frame.columns = [inert_text(c) for c in frame.columns]
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            frame[column] = values.map(inert_text)
    return frame


#: Integers beyond this are not exact in a spreadsheet (a double): they are kept as text.
EXACT_INTEGER = 2**53


def _cell(value: Any, text: str) -> Any:
    """One cell as the spreadsheet gets it: None where the CSV is empty, a number where the
    table holds one (exactly: integers beyond EXACT_INTEGER and inf are their CSV text),
    else the text as the CSV writes it, without a guard (an id '1e400' stays text)."""
    if text == "":
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return text
    if isinstance(value, int | np.integer):
        return int(value) if abs(int(value)) <= EXACT_INTEGER else text
    number = float(value)
    return number if math.isfinite(number) else text


def cells_json(frame: pd.DataFrame) -> str:
    """The table as JSON, ``{"header": [...], "rows": [[...], ...]}``, each cell typed
    (_cell): the values behind the CSV, which guards text and writes every value as text."""
    header, *rows = csv.reader(io.StringIO(frame.to_csv(index=False, lineterminator="\n")))
    values = frame.itertuples(index=False, name=None)
    typed = [
        [_cell(v, t) for v, t in zip(row, texts, strict=True)]
        for row, texts in zip(values, rows, strict=True)
    ]
    return json.dumps({"header": header, "rows": typed}, ensure_ascii=False, allow_nan=False)


def to_frame(data: Any) -> pd.DataFrame | None:
    """One table from the shapes a figure's data takes: a DataFrame (or GeoDataFrame, without
    its geometry), a Series, a mapping of them (stacked, with a 'part' column), a tuple of
    them (the parts a draw function takes); None when nothing in it is tabular."""
    if isinstance(data, pd.DataFrame):
        return _flat(data)
    if isinstance(data, pd.Series):
        name = data.name if data.name is not None else "value"
        return _flat(data.rename(name).to_frame())
    if hasattr(data, "_asdict") and not isinstance(data, Mapping):  # a NamedTuple of frames
        data = data._asdict()
    elif dataclasses.is_dataclass(data) and not isinstance(data, type):
        # A result object (area counts, a timeline): the table it draws is its first frame;
        # the others (names matched to no area...) are tables of their own in the report.
        frames = [getattr(data, f.name) for f in dataclasses.fields(data)]
        first = next((f for f in frames if isinstance(f, pd.DataFrame | pd.Series)), None)
        return to_frame(first) if first is not None else None
    if isinstance(data, Mapping):
        parts = [(str(k), to_frame(v)) for k, v in data.items()]
    elif isinstance(data, list | tuple):
        parts = [(str(i + 1), to_frame(v)) for i, v in enumerate(data)]
    else:
        return None
    parts = [(k, f) for k, f in parts if f is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0][1]
    stacked = [f.assign(part=k)[["part", *f.columns]] for k, f in parts]
    return pd.concat(stacked, ignore_index=True, sort=False)


def takeaway(
    data: Any,
    source: str | Sequence[str] | None,
    read: Iterable[str] = (),
    versions: Mapping[str, str] | None = None,
) -> Takeaway:
    """The CSV of ``data`` (header first), or why there is none (ACLED event rows, nothing
    tabular); ``read`` and ``versions`` are the run's datasets and versions read."""
    sources = tuple(datasets_named(source, read))
    read_versions = tuple(version_read(d, versions) for d in sources)
    frame = to_frame(data)
    if frame is None:
        return Takeaway(None, sources, "no table of numbers behind this figure", read_versions)
    from_acled = any(d.key in NOT_REDISTRIBUTED for d in sources)
    if from_acled and EVENT_ROW_COLUMNS & set(frame.columns):
        return Takeaway(None, sources, ROWS_RESTRICTED, read_versions)
    body = _inert(frame).to_csv(index=False, lineterminator="\n")
    columns = tuple(map(str, frame.columns))
    return Takeaway(body, sources, "", read_versions, columns, len(frame), cells_json(frame))


def metadata(
    taken: Takeaway,
    title: str,
    kind: str,
    number: int,
    file: str,
    cited: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """What a figure's or table's CSV is, as its ``<slug>.metadata.json`` says it: the title,
    the file, its columns and rows, each source with its licence and citation, the curated
    sources its rows cite (``cited``: references), and who publishes it under which licence."""
    return {
        "title": title,
        "kind": kind,
        "number": number,
        "file": file if taken.csv is not None else None,
        "withheld": taken.withheld or None,
        "columns": list(taken.columns),
        "rows": taken.rows,
        "sources_line": taken.sources_line,
        "sources": [
            {
                "dataset": ACLED_ATTRIBUTION if d.key in NOT_REDISTRIBUTED else d.title,
                "version read": version or None,
                "publisher": d.publisher,
                "licence": d.licence,
                "citation": d.cite(version),
                "url": d.url,
            }
            for d, version in taken.read()
        ],
        "cited sources": [dict(c) for c in cited],
        "published by": imprint(),
    }


def metadata_json(record: Mapping[str, Any]) -> str:
    """A metadata record as the file holds it (indented UTF-8 JSON)."""
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def metadata_href(record: Mapping[str, Any]) -> str:
    """A metadata record as a base64 ``data:`` URL for a link's href."""
    payload = base64.b64encode(metadata_json(record).encode("utf-8")).decode("ascii")
    return f"data:application/json;charset=utf-8;base64,{payload}"
