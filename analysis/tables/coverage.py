"""Which datasets a report can use, which it picked, and what each covers.

``select_events`` picks the event-level source of a report. With ``data_source="auto"`` it
takes, in order, an ACLED export in data/raw/acled, then a UCDP GED file that has events for
the country and period, then the curated chronology (always present), and records why each
better source was not used. ``dataset_status`` lists every dataset with where its file is
and how to get it when it is missing; ``coverage_table`` describes the loaded frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.sources import boundaries, register
from analysis.sources.event_frames import Resolve
from analysis.tables.events import DatasetMissingError, load, locate

#: Event sources a report may ask for; "auto" takes the best one present.
EVENT_SOURCES: tuple[str, ...] = ("auto", "curated", "acled", "acled-api", "ucdp-ged")
#: Preference order of "auto" (the curated chronology is the last resort).
AUTO_ORDER: tuple[str, ...] = ("acled", "ucdp-ged")
#: Datasets the attack report lists in its coverage table, in the register's words.
STATUS_KEYS: tuple[str, ...] = (
    "curated",
    "acled",
    "acled-api",
    "ucdp-ged",
    "ucdp-brd",
    "owid",
    "geoboundaries-adm1",
    "geoboundaries-adm2",
)
HOW_TO_GET: dict[str, str] = {k: register.entry(k).how_to_get for k in STATUS_KEYS}
TITLES: dict[str, str] = {k: register.entry(k).title for k in STATUS_KEYS}
# As an event source, the curated folder is its chronology (events.csv).
TITLES["curated"] = register.entry("curated-events").title


@dataclass
class EventSelection:
    """The event source a report uses, its events, and why better sources were not used."""

    dataset: str
    events: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def select_events(
    data_source: str,
    country: str,
    start: date | str | None,
    end: date | str | None,
    resolve: Resolve | None = None,
) -> EventSelection:
    """Load the requested event source, or with "auto" the best one present (see module doc).

    ``resolve`` maps an actor name to a group id (a run passes its snapshot's resolver)."""
    if data_source not in EVENT_SOURCES:
        raise ValueError(
            f"unknown event source {data_source!r}; use one of: {', '.join(EVENT_SOURCES)}"
        )
    if data_source != "auto":
        frame = load(data_source, country=country, start=start, end=end, resolve=resolve)
        return EventSelection(data_source, frame)
    notes = []
    for name in AUTO_ORDER:
        try:
            path = locate(name)
        except DatasetMissingError:
            notes.append(f"{TITLES[name]}: not on this machine; {HOW_TO_GET[name]}.")
            continue
        frame = load(name, path, country=country, start=start, end=end, resolve=resolve)
        if len(frame):
            return EventSelection(name, frame, notes)
        everything = load(name, path, resolve=resolve)
        covered = ", ".join(sorted(everything["country"].dropna().unique())[:6]) or "no country"
        notes.append(
            f"{TITLES[name]}: the file {path.name} has no events for {country} in the period "
            f"(it covers {covered}); for {country}, {HOW_TO_GET[name]} with the global file."
        )
    curated = load("curated", country=country, start=start, end=end, resolve=resolve)
    return EventSelection("curated", curated, notes)


def dataset_status() -> pd.DataFrame:
    """Every dataset the attack report can use: present or missing, from where, how to get it."""
    rows = []
    for name in ("curated", "acled", "ucdp-ged", "ucdp-brd", "owid"):
        try:
            path = locate(name)
            rows.append(_present(name, path))
        except DatasetMissingError:
            rows.append(_missing(name))
    for level in boundaries.LEVELS:
        name, path = boundaries.register_key(level), boundaries.locate(level)
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
    sidecar = register.read_sidecar(path) if path.exists() else None
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
    """A figure's source line for a loaded frame: the register's words, with the version the
    file name states ('UCDP GED 25.1 (ucdp.uu.se)')."""
    name = frame.attrs.get("dataset", "")
    # Events read from the curated folder come from its chronology, not from every table.
    name = "curated-events" if name == "curated" else name
    if name not in register.REGISTER:
        return name
    record = register.entry(name)
    return record.source_line(record.version_of(frame.attrs.get("source", "") or ""))
