"""Maps of Mali: events and deaths per region (ADM1) and cercle (ADM2), and events as points.

Boundaries come from geoBoundaries (``data/raw/geoboundaries-adm1``/``-adm2``, properties
``shapeName``...) or the OCHA/DNCT files of ../shared/data (``adm1``, ``adm2``); both are the
2015 frame of 8 regions, the Bamako district and 50 cercles. Event names are matched to
them through analysis.core.regions: on a 2015 map, Ménaka's events count in Gao and Taoudénit's in
Tombouctou, and the cercles created in 2016 in Ménaka go to the cercle of Ménaka.

Every event whose name does not match an area is reported, never dropped: ``count_by_area``
places it by its coordinates when it has some, and lists the name in ``unmatched`` with how
many events were placed that way and how many could not be placed at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.core import regions
from analysis.figures import style
from analysis.sources import register as open_data

LEVELS = ("adm1", "adm2")
#: Areas smaller than this share of the map get no label on a choropleth.
LABEL_MIN_AREA_SHARE = 0.01
NAME_COLUMN = {"adm1": "admin1", "adm2": "admin2"}


def load_boundaries(level: str = "adm1", path: Path | None = None) -> gpd.GeoDataFrame:
    """Mali's regions (adm1) or cercles (adm2) with harmonised names: admin1, [admin2], geometry."""
    if level not in LEVELS:
        raise ValueError(f"level must be adm1 or adm2, not {level!r}")
    name = f"geoboundaries-{level}"
    path = path or open_data.raw_file(name) or open_data.shared_file(name)
    if path is None:
        spec = open_data.dataset(name)
        raise FileNotFoundError(
            f"no {level.upper()} boundaries for Mali in {spec.raw_dir()}; get them with "
            f"`python -m analysis data fetch {name}` (or `make data`)"
        )
    raw = gpd.read_file(path)
    if raw.crs is None:
        raw = raw.set_crs("EPSG:4326")
    raw = raw.to_crs("EPSG:4326")
    if level == "adm1":
        names = _property(raw, ("adm1", "shapeName", "ADM1_FR", "admin1Name_fr"), path)
        frame = gpd.GeoDataFrame(
            {"admin1": names.map(regions.harmonise_admin1)}, geometry=raw.geometry
        )
    else:
        cercles = _property(raw, ("adm2", "shapeName", "ADM2_FR", "admin2Name_fr"), path)
        cercles = cercles.map(regions.harmonise_admin2)
        if "adm1" in raw.columns:
            parents = raw["adm1"].map(regions.harmonise_admin1)
        else:
            parents = cercles.map(regions.CERCLES_2015.get)
        frame = gpd.GeoDataFrame({"admin1": parents, "admin2": cercles}, geometry=raw.geometry)
    frame.attrs["source"] = str(path)
    return frame


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
    """Events and deaths per region or cercle of the boundaries (Mali's events only)."""
    column = NAME_COLUMN[level]
    mali = events[events["country"] == "Mali"]
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
    matched = keys.isin(known)
    notes = _merge_notes(original, keys, matched, level)

    by_point = _place_by_coordinates(mali[~matched], boundaries, column)
    area = keys.where(matched)
    area.loc[by_point.index] = by_point
    deaths = pd.to_numeric(mali["deaths_best"], errors="coerce").fillna(0)
    totals = pd.DataFrame({"area": area, "deaths_best": deaths}).dropna(subset=["area"])
    counted = totals.groupby("area").agg(
        events=("deaths_best", "size"), deaths_best=("deaths_best", "sum")
    )
    areas = boundaries.copy()
    areas["events"] = areas[column].map(counted["events"]).fillna(0).astype(int)
    areas["deaths_best"] = areas[column].map(counted["deaths_best"]).fillna(0).astype(int)

    unmatched_rows = pd.DataFrame(
        {
            "name": original[~matched].fillna("(no name)").astype(str),
            "placed": area[~matched].notna(),
        }
    )
    if unmatched_rows.empty:
        unmatched = pd.DataFrame(columns=["name", "events", "placed_by_coordinates", "unplaced"])
    else:
        unmatched = (
            unmatched_rows.groupby("name")
            .agg(events=("placed", "size"), placed_by_coordinates=("placed", "sum"))
            .reset_index()
        )
        unmatched["unplaced"] = unmatched["events"] - unmatched["placed_by_coordinates"]
        unmatched = unmatched.sort_values(["events", "name"], ascending=[False, True])
        unmatched = unmatched.reset_index(drop=True)
    return AreaCounts(level=level, areas=areas, unmatched=unmatched, notes=notes)


def plot_choropleth(
    ax: Axes,
    counts: AreaCounts,
    measure: str = "events",
    title: str = "",
    source: str = "",
    cmap: str = "OrRd",
) -> Figure:
    """Shade each area by events or deaths; areas with none are pale grey; names on regions."""
    areas = counts.areas
    label = "Events" if measure == "events" else "Deaths (best estimate)"
    empty = areas[areas[measure] == 0]
    filled = areas[areas[measure] > 0]
    if not empty.empty:
        empty.plot(ax=ax, color="#f2f2f2", edgecolor="#9a9a9a", linewidth=0.4)
    if not filled.empty:
        filled.plot(
            ax=ax,
            column=measure,
            cmap=cmap,
            edgecolor="#5a5a5a",
            linewidth=0.4,
            legend=True,
            legend_kwds={"label": label, "shrink": 0.7},
        )
    if counts.level == "adm1":
        # name only the areas big enough to hold a label (Bamako's district is too small)
        sizes = areas.geometry.to_crs(areas.estimate_utm_crs()).area
        for (_, row), size in zip(areas.iterrows(), sizes, strict=True):
            if size < LABEL_MIN_AREA_SHARE * sizes.sum():
                continue
            point = row.geometry.representative_point()
            ax.annotate(
                f"{row['admin1']}\n{int(row[measure]):,}",
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=5.5,
                color="#222222",
                # A white halo keeps the label legible on the darkest fill.
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.6, "pad": 0.6},
            )
    _note_unplaced(ax, counts)
    ax.set_aspect("equal")
    ax.grid(False)
    return style.finish(ax, title, "Longitude (°E)", "Latitude (°N)", source)


def plot_event_points(
    ax: Axes,
    events: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    title: str = "",
    source: str = "",
    colour_by: str = "event_type",
) -> Figure:
    """Events as circles sized by deaths (area proportional), coloured by type, on the regions."""
    boundaries.boundary.plot(ax=ax, color="#8a8a8a", linewidth=0.5)
    mali = events[events["country"] == "Mali"]
    located = mali[mali["latitude"].notna() & mali["longitude"].notna()]
    deaths = pd.to_numeric(located["deaths_best"], errors="coerce").fillna(0)
    sizes = point_sizes(deaths)
    categories = list(pd.unique(located[colour_by].fillna("unknown")))
    for i, category in enumerate(categories):
        mask = (located[colour_by].fillna("unknown") == category).to_numpy()
        ax.scatter(
            located["longitude"][mask],
            located["latitude"][mask],
            s=sizes[mask],
            color=style.PALETTE[i % len(style.PALETTE)],
            alpha=0.55,
            edgecolor="white",
            linewidth=0.3,
            label=str(category),
        )
    for deaths_shown in (1, 10, 100):
        ax.scatter(
            [],
            [],
            s=point_sizes(pd.Series([deaths_shown]))[0],
            color="#999999",
            alpha=0.5,
            label=f"{deaths_shown} death{'s' if deaths_shown > 1 else ''}",
        )
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=6.5, frameon=False)
    without = len(mali) - len(located)
    if without:
        ax.text(
            0.99,
            0.01,
            f"{without:,} events without coordinates not shown",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6.5,
            color="#555555",
        )
    ax.set_aspect("equal")
    ax.grid(False)
    return style.finish(ax, title, "Longitude (°E)", "Latitude (°N)", source)


def point_sizes(deaths: pd.Series) -> np.ndarray:
    """Marker areas in points²: 4 for an event without deaths, plus 1.5 per death, so that a
    circle's area (not its radius) grows with the deaths."""
    return 4.0 + 1.5 * np.asarray(deaths, dtype=float)


def _property(raw: gpd.GeoDataFrame, candidates: tuple[str, ...], path: Path) -> pd.Series:
    for name in candidates:
        if name in raw.columns:
            return raw[name]
    raise ValueError(
        f"{path}: no name property among {', '.join(candidates)} (has: {', '.join(raw.columns)})"
    )


def _place_by_coordinates(
    events: pd.DataFrame, boundaries: gpd.GeoDataFrame, column: str
) -> pd.Series:
    located = events[events["latitude"].notna() & events["longitude"].notna()]
    if located.empty:
        return pd.Series(dtype="object")
    points = gpd.GeoDataFrame(
        index=located.index,
        geometry=gpd.points_from_xy(located["longitude"], located["latitude"]),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(points, boundaries[[column, "geometry"]], how="inner", predicate="within")
    joined = joined[~joined.index.duplicated()]
    return joined[column]


def _merge_notes(original: pd.Series, keys: pd.Series, matched: pd.Series, level: str) -> list[str]:
    """Say which names were counted under another unit of the 2015 frame."""
    notes = []
    pairs = pd.DataFrame({"name": original, "key": keys})[matched]
    harmonise = regions.harmonise_admin1 if level == "adm1" else regions.harmonise_admin2
    for (name, key), group in pairs.groupby(["name", "key"]):
        if harmonise(name) != key:
            count = len(group)
            noun = "event" if count == 1 else "events"
            notes.append(f"{count:,} {noun} in {name} counted in {key} (2015 boundaries)")
    return notes


def _note_unplaced(ax: Axes, counts: AreaCounts) -> None:
    if counts.unplaced_events:
        ax.text(
            0.99,
            0.01,
            f"{counts.unplaced_events:,} events could not be placed",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6.5,
            color="#555555",
        )
