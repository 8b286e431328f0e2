"""The curated chronology (data/curated/events.csv) -> canonical source table.

The curated table already uses the harmonised event types and group ids: ``perpetrators``
becomes both ``actors`` and ``group_ids``; ``target`` keeps its list; an event targets
civilians when ``civilians`` is among its targets or it is violence against civilians.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from analysis.curated.tables import load_events
from analysis.sources.declaration import Declaration
from analysis.sources.event_frames import STRING_LIST

#: What the curated chronology gives: single events with type, perpetrators, coordinates,
#: region and cercle, but a selection of major incidents, not every attack.
DECLARATION = Declaration(
    "curated",
    "the curated chronology",
    census=False,
    selection="major incidents chosen from the sources",
)


def read_curated(path: Path | None = None) -> pa.Table:
    """Read and validate events.csv (``path`` is the CSV or its folder; default data/curated)."""
    folder = None
    if path is not None:
        path = Path(path)
        folder = path if path.is_dir() else path.parent
    return normalise(load_events(folder))


def normalise(events: pd.DataFrame) -> pa.Table:
    """Map the validated curated frame to the canonical source columns."""

    def as_list(value: object) -> list[str]:
        return list(value) if isinstance(value, list | tuple) else []

    def optional(column: str) -> list:
        return [None if pd.isna(v) else v for v in events[column]]

    perpetrators = [as_list(v) for v in events["perpetrators"]]
    targets = [as_list(v) for v in events["target"]]
    civilian = [
        "civilians" in t or e in ("violence against civilians", "kidnapping/hostage-taking")
        for t, e in zip(targets, events["event_type"], strict=True)
    ]
    return pa.table(
        {
            "event_id": pa.array(list(events["event_id"]), pa.string()),
            "date": pa.array([d.date() for d in events["date"]], pa.date32()),
            "date_precision": pa.array(list(events["date_precision"]), pa.string()),
            "country": pa.array(list(events["country"]), pa.string()),
            "admin1": pa.array(optional("admin1"), pa.string()),
            "admin2": pa.array(optional("admin2"), pa.string()),
            "location": pa.array(optional("location"), pa.string()),
            "latitude": pa.array(optional("latitude"), pa.float64()),
            "longitude": pa.array(optional("longitude"), pa.float64()),
            "actors": pa.array(perpetrators, STRING_LIST),
            "event_type": pa.array(list(events["event_type"]), pa.string()),
            "event_type_original": pa.array(list(events["event_type"]), pa.string()),
            "civilian_targeted": pa.array(civilian, pa.bool_()),
            "target": pa.array(targets, STRING_LIST),
            "deaths_best": pa.array(optional("deaths_best"), pa.int64()),
            "deaths_low": pa.array(optional("deaths_low"), pa.int64()),
            "deaths_high": pa.array(optional("deaths_high"), pa.int64()),
            "description": pa.array(list(events["description"]), pa.string()),
        }
    )
