"""Which datasets a report can use, which it picked, and what each covers.

``select_events`` picks the event-level source of a report. With ``data_source="auto"`` it
takes, in order, an ACLED export in data/raw/acled, then a UCDP GED file that has events for
the country and period, then the curated chronology (always present), and records why each
better source was not used. ``dataset_status`` lists every dataset with where its file is
and how to get it when it is missing; ``coverage_table`` describes the loaded frames.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.sources import register as open_data
from analysis.tables.events import DatasetMissingError, load, locate

#: Event sources a report may ask for; "auto" takes the best one present.
EVENT_SOURCES: tuple[str, ...] = ("auto", "curated", "acled", "acled-api", "ucdp-ged")
#: Preference order of "auto" (the curated chronology is the last resort).
AUTO_ORDER: tuple[str, ...] = ("acled", "ucdp-ged")
HOW_TO_GET: dict[str, str] = {
    "acled": (
        "ACLED needs a free account: put an export from https://acleddata.com/data-export-tool/ "
        "in data/raw/acled/, or set ACLED_USERNAME and ACLED_PASSWORD and use "
        "data_source='acled-api'"
    ),
    "ucdp-ged": "run `make data` (or `python -m analysis data fetch ucdp-ged`)",
    "ucdp-brd": "run `make data` (or `python -m analysis data fetch ucdp-brd`)",
    "owid": "run `make data` (or `python -m analysis data fetch owid-deaths`)",
    "geoboundaries-adm1": "run `make data` (or `python -m analysis data fetch geoboundaries-adm1`)",
    "geoboundaries-adm2": "run `make data` (or `python -m analysis data fetch geoboundaries-adm2`)",
}
TITLES: dict[str, str] = {
    "curated": "Curated chronology of major incidents (data/curated/events.csv)",
    "acled": "ACLED events (export)",
    "acled-api": "ACLED events (API)",
    "ucdp-ged": "UCDP Georeferenced Event Dataset",
    "ucdp-brd": "UCDP Battle-Related Deaths (dyad-years)",
    "owid": "Our World in Data, conflict deaths by country (from UCDP)",
    "geoboundaries-adm1": "Mali regions (ADM1 boundaries)",
    "geoboundaries-adm2": "Mali cercles (ADM2 boundaries)",
}


@dataclass
class EventSelection:
    """The event source a report uses, its events, and why better sources were not used."""

    dataset: str
    events: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def select_events(
    data_source: str, country: str, start: date | str | None, end: date | str | None
) -> EventSelection:
    """Load the requested event source, or with "auto" the best one present (see module doc)."""
    if data_source not in EVENT_SOURCES:
        raise ValueError(
            f"unknown event source {data_source!r}; use one of: {', '.join(EVENT_SOURCES)}"
        )
    if data_source != "auto":
        frame = load(data_source, country=country, start=start, end=end)
        return EventSelection(data_source, frame)
    notes = []
    for name in AUTO_ORDER:
        try:
            path = locate(name)
        except DatasetMissingError:
            notes.append(f"{TITLES[name]}: not on this machine; {HOW_TO_GET[name]}.")
            continue
        frame = load(name, path, country=country, start=start, end=end)
        if len(frame):
            return EventSelection(name, frame, notes)
        everything = load(name, path)
        covered = ", ".join(sorted(everything["country"].dropna().unique())[:6]) or "no country"
        notes.append(
            f"{TITLES[name]}: the file {path.name} has no events for {country} in the period "
            f"(it covers {covered}); for {country}, {HOW_TO_GET[name]} with the global file."
        )
    return EventSelection("curated", load("curated", country=country, start=start, end=end), notes)


def dataset_status() -> pd.DataFrame:
    """Every dataset the attack report can use: present or missing, from where, how to get it."""
    rows = []
    for name in ("curated", "acled", "ucdp-ged", "ucdp-brd", "owid"):
        try:
            path = locate(name)
            rows.append(_present(name, path))
        except DatasetMissingError:
            rows.append(_missing(name))
    for name in ("geoboundaries-adm1", "geoboundaries-adm2"):
        path = open_data.raw_file(name) or open_data.shared_file(name)
        rows.append(_present(name, path) if path else _missing(name))
    return pd.DataFrame(rows)


def coverage_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """For each loaded frame: kind, rows, first and last year, deaths (best) and bands."""
    rows = []
    for name, frame in frames.items():
        annual = "year" in frame and "date" not in frame
        years = frame["year"] if annual else pd.to_datetime(frame["date"]).dt.year
        has_band = frame["deaths_low"].notna().any() and frame["deaths_high"].notna().any()
        rows.append(
            {
                "dataset": TITLES.get(name, name),
                "unit": "dyad-year"
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
            }
        )
    return pd.DataFrame(rows)


def _present(name: str, path: Path) -> dict:
    sidecar = open_data.read_sidecar(path) if path.exists() else None
    where = _where(path)
    if sidecar:
        origin = sidecar.get("mirrored_from") or sidecar.get("url", "")
        where += f", fetched {str(sidecar.get('accessed', ''))[:10]} from {origin}"
    return {"dataset": TITLES[name], "status": "present", "file": path.name, "where": where,
            "how to get it": ""}  # fmt: skip


def _missing(name: str) -> dict:
    return {"dataset": TITLES[name], "status": "missing", "file": "", "where": "",
            "how to get it": HOW_TO_GET.get(name, "")}  # fmt: skip


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
    """A source line for figures: the dataset's publisher and version, from the file name."""
    name = frame.attrs.get("dataset", "")
    path = Path(frame.attrs.get("source", "") or "")
    version = re.search(r"v?(\d{2})[._](\d)", path.name)
    suffix = f" {version.group(1)}.{version.group(2)}" if version else ""
    return {
        "curated": "curated chronology of major incidents (data/curated/events.csv)",
        "acled": "ACLED (acleddata.com)",
        "acled-api": "ACLED API (acleddata.com)",
        "ucdp-ged": f"UCDP GED{suffix} (ucdp.uu.se)",
        "ucdp-brd": f"UCDP Battle-Related Deaths{suffix} (ucdp.uu.se)",
        "owid": "Our World in Data from UCDP (ourworldindata.org)",
    }.get(name, name)
