"""Events and deaths per region (ADM1) or cercle (ADM2) of Mali's boundaries.

Event names are matched to the boundaries through analysis.core.regions: on a 2015 map,
Ménaka's events count in Gao and Taoudénit's in Tombouctou, and the cercles created in 2016 in
Ménaka go to the cercle of Ménaka.

Every event whose name does not match an area is reported, never dropped: ``count_by_area``
places it by its coordinates when it has some, and lists the name in ``unmatched`` with how
many events were placed that way and how many could not be placed at all.

**P-codes first.** A table that carries P-codes (``admin1_pcode``/``admin2_pcode``: HDX's ACLED
files) is joined to boundaries that carry them by code; names are compared only for the rows
whose code matches no area (a code of the 2016 frame, such as Ménaka's, on the 2015 map). A
code whose area has another name than the row's is counted by its code and said in the notes.

**Aggregated tables** (a column ``events``: one row per area and period) count their
``events`` and ``deaths_best``, not their rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from analysis.core import regions

if TYPE_CHECKING:  # annotations only; geopandas is imported where points are placed
    import geopandas as gpd

NAME_COLUMN = {"adm1": "admin1", "adm2": "admin2"}
PCODE_COLUMN = {"adm1": "admin1_pcode", "adm2": "admin2_pcode"}


@dataclass
class AreaCounts:
    """Events and deaths per area, and every event name that matched no area."""

    level: str
    areas: gpd.GeoDataFrame
    unmatched: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def unplaced_events(self) -> int:
        """Events that could be placed neither by name nor by coordinates."""
        return int(self.unmatched["unplaced"].sum()) if not self.unmatched.empty else 0


def count_by_area(
    events: pd.DataFrame, boundaries: gpd.GeoDataFrame, level: str = "adm1"
) -> AreaCounts:
    """Events and deaths per region or cercle of the boundaries (Mali's rows only): by P-code
    where both sides have one, else by name, else by coordinates (see the module docstring)."""
    column = NAME_COLUMN[level]
    mali = events[events["country"] == "Mali"]
    # an aggregated table counts its events column; an event table counts its rows
    weights = (
        pd.to_numeric(mali["events"]).astype("int64")
        if "events" in mali
        else pd.Series(1, index=mali.index, dtype="int64")
    )
    by_code, code_notes = _by_pcode(mali, boundaries, level, weights)
    known = set(boundaries[column].dropna())
    frame_2015 = "Ménaka" not in set(boundaries["admin1"].dropna())
    original = mali[column] if column in mali else pd.Series(None, index=mali.index)
    if level == "adm1":
        admin2 = mali["admin2"] if "admin2" in mali else pd.Series(None, index=mali.index)
        convert = regions.region_2015 if frame_2015 else regions.region_2016
        keys = [convert(a1, a2) for a1, a2 in zip(original, admin2, strict=True)]
    else:
        convert2 = regions.cercle_2015 if frame_2015 else regions.harmonise_admin2
        keys = [convert2(a2) for a2 in original]
    keys = pd.Series(keys, index=mali.index, dtype="object")
    keys.loc[by_code.index] = by_code
    matched = keys.isin(known)
    by_name = matched & ~keys.index.isin(by_code.index)
    notes = code_notes + _merge_notes(original, keys, by_name, level, weights)
    if len(by_code) and by_name.any():
        count = int(weights[by_name].sum())
        notes.append(
            f"{count:,} {'event' if count == 1 else 'events'} whose P-code matches no area "
            "matched by name"
        )

    by_point = _place_by_coordinates(mali[~matched], boundaries, column)
    area = keys.where(matched)
    area.loc[by_point.index] = by_point
    deaths = pd.to_numeric(mali["deaths_best"], errors="coerce")
    totals = pd.DataFrame({"area": area, "events": weights, "deaths_best": deaths})
    grouped = totals.dropna(subset=["area"]).groupby("area")
    counted = pd.DataFrame(
        {
            "events": grouped["events"].sum(),
            # an area whose events all lack a death figure has unknown deaths, not 0
            "deaths_best": grouped["deaths_best"].sum(min_count=1),
        }
    )
    areas = boundaries.copy()
    areas["events"] = areas[column].map(counted["events"]).fillna(0).astype(int)
    deaths_by_area = areas[column].map(counted["deaths_best"])
    areas["deaths_best"] = deaths_by_area.where(areas["events"] > 0, 0).round().astype("Int64")

    unmatched_rows = pd.DataFrame(
        {
            "name": original[~matched].fillna("(no name)").astype(str),
            "events": weights[~matched],
            "placed": weights[~matched].where(area[~matched].notna(), 0),
        }
    )
    if unmatched_rows.empty:
        unmatched = pd.DataFrame(columns=["name", "events", "placed_by_coordinates", "unplaced"])
    else:
        unmatched = (
            unmatched_rows.groupby("name")
            .agg(events=("events", "sum"), placed_by_coordinates=("placed", "sum"))
            .reset_index()
        )
        unmatched["unplaced"] = unmatched["events"] - unmatched["placed_by_coordinates"]
        unmatched = unmatched.sort_values(["events", "name"], ascending=[False, True])
        unmatched = unmatched.reset_index(drop=True)
    return AreaCounts(level=level, areas=areas, unmatched=unmatched, notes=notes)


def _place_by_coordinates(
    events: pd.DataFrame, boundaries: gpd.GeoDataFrame, column: str
) -> pd.Series:
    located = events[events["latitude"].notna() & events["longitude"].notna()]
    if located.empty:
        return pd.Series(dtype="object")
    # heavy (geopandas, shapely): paid only by a report that places events on a map
    import geopandas as gpd  # noqa: PLC0415 (heavy: see above)

    points = gpd.GeoDataFrame(
        index=located.index,
        geometry=gpd.points_from_xy(located["longitude"], located["latitude"]),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, boundaries[[column, "geometry"]], how="inner", predicate="within")
    joined = joined[~joined.index.duplicated()]
    return joined[column]


def _by_pcode(
    rows: pd.DataFrame, boundaries: gpd.GeoDataFrame, level: str, weights: pd.Series
) -> tuple[pd.Series, list[str]]:
    """The area name of each row whose P-code is an area's code, and notes on codes whose
    area is named otherwise than the row."""
    code_column, column = PCODE_COLUMN[level], NAME_COLUMN[level]
    if code_column not in rows or code_column not in boundaries:
        return pd.Series(dtype="object"), []
    names = boundaries.dropna(subset=[code_column]).set_index(code_column)[column]
    names = names[~names.index.duplicated()]
    codes = rows[code_column].map(lambda c: str(c).strip().upper() if isinstance(c, str) else None)
    found = codes.map(names).dropna()
    notes = []
    harmonise = regions.harmonise_admin1 if level == "adm1" else regions.harmonise_admin2
    given = rows.loc[found.index, column] if column in rows else pd.Series(dtype="object")
    differ = pd.DataFrame({"code": codes[found.index], "name": given, "area": found})
    differ = differ[differ["name"].map(harmonise) != differ["area"]].dropna(subset=["name"])
    for (code, name, area), group in differ.groupby(["code", "name", "area"]):
        count = int(weights[group.index].sum())
        notes.append(
            f"{count:,} {'event' if count == 1 else 'events'} named {name} counted in {area} "
            f"by their P-code {code}"
        )
    return found.astype("object"), notes


def _merge_notes(
    original: pd.Series,
    keys: pd.Series,
    matched: pd.Series,
    level: str,
    weights: pd.Series | None = None,
) -> list[str]:
    """Say which names were counted under another unit of the 2015 frame."""
    notes = []
    pairs = pd.DataFrame({"name": original, "key": keys})[matched]
    harmonise = regions.harmonise_admin1 if level == "adm1" else regions.harmonise_admin2
    for (name, key), group in pairs.groupby(["name", "key"]):
        if harmonise(name) != key:
            count = len(group) if weights is None else int(weights[group.index].sum())
            noun = "event" if count == 1 else "events"
            notes.append(f"{count:,} {noun} in {name} counted in {key} (2015 boundaries)")
    return notes


#: Where the map of events draws an event (``place_events``'s ``placed_at``).
AT_COORDINATES = "coordinates"
AT_CERCLE_CENTRE = "cercle centre"
AT_REGION_CENTRE = "region centre"


def area_centres(boundaries: gpd.GeoDataFrame, level: str) -> pd.DataFrame:
    """Each area's centre (longitude, latitude) by name: the centroid of its shape, computed in
    a metric projection, or its representative point where the centroid falls outside it."""
    column = NAME_COLUMN[level]
    areas = boundaries.dropna(subset=[column])
    areas = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    metric = areas.to_crs(areas.estimate_utm_crs())
    centroids = metric.geometry.centroid
    inside = centroids.within(metric.geometry)
    centres = centroids.where(inside, metric.geometry.representative_point())
    points = centres.set_crs(metric.crs, allow_override=True).to_crs(areas.crs or "EPSG:4326")
    frame = pd.DataFrame(
        {"longitude": points.x.to_numpy(), "latitude": points.y.to_numpy()},
        index=areas[column].to_numpy(),
    )
    return frame[~frame.index.duplicated()]


def place_events(
    events: pd.DataFrame, regions_map: gpd.GeoDataFrame, cercles_map: gpd.GeoDataFrame | None = None
) -> pd.DataFrame:
    """Mali's events with where a map draws each: ``map_longitude``, ``map_latitude`` and
    ``placed_at``: its own coordinates; else the centre of its cercle (by name, in the
    boundaries' frame); else the centre of its region; else nowhere (None, no position)."""
    mali = events[events["country"] == "Mali"].copy()
    frame_2015 = "Ménaka" not in set(regions_map["admin1"].dropna())
    empty = pd.Series(None, index=mali.index, dtype="object")
    admin1 = mali["admin1"] if "admin1" in mali else empty
    admin2 = mali["admin2"] if "admin2" in mali else empty
    located = mali["latitude"].notna() & mali["longitude"].notna()
    longitude = mali["longitude"].astype(float).where(located)
    latitude = mali["latitude"].astype(float).where(located)
    placed = pd.Series(
        [AT_COORDINATES if known else None for known in located], index=mali.index, dtype="object"
    )
    steps = []
    if cercles_map is not None and len(cercles_map):
        convert2 = regions.cercle_2015 if frame_2015 else regions.harmonise_admin2
        steps.append((area_centres(cercles_map, "adm2"), admin2.map(convert2), AT_CERCLE_CENTRE))
    convert = regions.region_2015 if frame_2015 else regions.region_2016
    region_names = pd.Series(
        [convert(a1, a2) for a1, a2 in zip(admin1, admin2, strict=True)], index=mali.index
    )
    steps.append((area_centres(regions_map, "adm1"), region_names, AT_REGION_CENTRE))
    for centres, names, where in steps:
        todo = placed.isna() & names.isin(centres.index)
        chosen = names[todo]
        longitude[todo] = centres.loc[chosen, "longitude"].to_numpy()
        latitude[todo] = centres.loc[chosen, "latitude"].to_numpy()
        placed[todo] = where
    return mali.assign(map_longitude=longitude, map_latitude=latitude, placed_at=placed)
