"""Maps of Mali: events and deaths per region (ADM1) or cercle (ADM2), and events as points.

Boundaries are read by analysis.sources.boundaries and counted per area by
analysis.analyses.areas; the functions here only draw, each on the ``ax`` it is given, and
return it. The source line is written once by the code that shows the figure.

Every map is one a reader recognises: Mali's outline, Bamako and the regional capitals named
(analysis.core.regions.REGIONAL_CAPITALS, each with its source), the neighbouring countries
named just past the border in their direction (no boundaries file of theirs is used: their
outlines are not drawn), and no coordinate axes. On the map of events, an event without
coordinates is drawn at its cercle's or region's centre as a hollow circle, and the map says
how many were placed so.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.analyses.areas import (
    AT_CERCLE_CENTRE,
    AT_COORDINATES,
    AT_REGION_CENTRE,
    NAME_COLUMN,
    AreaCounts,
    place_events,
)
from analysis.core.regions import CAPITAL, REGIONAL_CAPITALS
from analysis.figures import colours, style

if TYPE_CHECKING:  # annotations only
    import geopandas as gpd

#: Outlines are drawn simplified to this many degrees (about 1 km, under a pixel of a
#: full-width map of Mali): the boundary files' detail made each map's SVG about 1 MB.
DRAW_TOLERANCE_DEG = 0.01
#: Mali's neighbours and the compass bearing (degrees) in which each lies as seen from Mali's
#: centre (Wikipedia's "Mali": Algeria to the north-east, Niger to the east, Burkina Faso to
#: the south-east, Côte d'Ivoire to the south, Guinea to the south-west, Senegal to the west,
#: Mauritania to the north-west); each name is written just past the border on that bearing.
NEIGHBOURS: dict[str, float] = {
    "Algeria": 45,
    "Niger": 100,
    "Burkina Faso": 160,
    "Côte d'Ivoire": 200,
    "Guinea": 225,
    "Senegal": 250,
    "Mauritania": 315,
}
#: Where each capital's name sits by its dot (offset in points, alignment), chosen so that
#: the names of the towns close together in the south (Bamako, Koulikoro, Ségou, Mopti) and
#: of Tombouctou and Gao do not overlap.
NAME_PLACES: dict[str, tuple[float, float, str, str]] = {
    "Bamako": (-5, 0, "right", "center"),
    "Koulikoro": (3, -3, "left", "top"),
    "Ségou": (-4, 1, "right", "bottom"),
    "Mopti": (0, 4, "center", "bottom"),
    "Sikasso": (4, 0, "left", "center"),
    "Kayes": (4, 2, "left", "bottom"),
    "Tombouctou": (-4, 0, "right", "center"),
    "Gao": (4, 0, "left", "center"),
    "Kidal": (4, 0, "left", "center"),
}
#: How far past the border (degrees) a neighbour's name starts.
NEIGHBOUR_GAP_DEG = 0.5
#: Margin around Mali's outline (share of its extent), where the neighbours are named.
MAP_MARGIN = 0.07
#: Height of a full-width map (inches at the desktop column), and of each map of a pair.
POINTS_MAP_HEIGHT_IN = 7.0
PAIR_MAP_HEIGHT_IN = 3.9


def _drawn(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The areas with outlines simplified for drawing (shared borders stay shared)."""
    return areas.assign(geometry=areas.geometry.simplify(DRAW_TOLERANCE_DEG))


@contextmanager
def _no_redraw(ax: Axes) -> Iterator[None]:
    """geopandas ends each plot with ``canvas.draw_idle()``, which for a figure not in a window
    is a whole draw of the figure at once (three per map: its layers); the report draws each
    figure once, when it is shown, so these draws are skipped."""
    canvas = ax.get_figure().canvas
    canvas.draw_idle = lambda *args, **kwargs: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        del canvas.draw_idle  # the class's method again


def _outline(areas: gpd.GeoDataFrame):
    """Mali's outline: the union of its areas' shapes."""
    return areas.geometry.union_all()


def draw_frame(
    ax: Axes,
    areas: gpd.GeoDataFrame,
    title: str = "",
    values: dict[str, str] | None = None,
) -> Axes:
    """What every map has: Mali's outline over its areas' borders, the capitals named (with
    their region's figure from ``values``, region -> text), the neighbours named past the
    border, no coordinate axes, the extent of Mali and a margin."""
    outline = _outline(areas).simplify(DRAW_TOLERANCE_DEG)
    for polygon in getattr(outline, "geoms", [outline]):
        xs, ys = polygon.exterior.xy
        (line,) = ax.plot(xs, ys, color="#333333", linewidth=0.9, zorder=4)
        style.hover_labels(line, [])  # a border, no values: no tooltip
    west, south, east, north = outline.bounds
    pad_x, pad_y = (east - west) * MAP_MARGIN, (north - south) * MAP_MARGIN
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - pad_y, north + pad_y)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_xlabel("")  # geopandas names the axes (longitude, latitude): no axes are shown
    ax.set_ylabel("")
    _draw_capitals(ax, values)
    _name_neighbours(ax, outline)
    if title:
        ax.set_title(style.wrap(title, style.TITLE_CHARS))
    return ax


def _draw_capitals(ax: Axes, values: dict[str, str] | None = None) -> None:
    """Bamako (a star) and the regional capitals (dots), each named; ``values`` (region ->
    text) adds the region's figure after its capital's name ('Gao: 39')."""
    for region, (town, latitude, longitude, _source) in REGIONAL_CAPITALS.items():
        capital = region == CAPITAL
        (dot,) = ax.plot(
            longitude,
            latitude,
            marker="*" if capital else "o",
            markersize=7 if capital else 3.2,
            color="#111111",
            markeredgecolor="white",
            markeredgewidth=0.5,
            linestyle="none",
            zorder=6,
        )
        style.hover_labels(dot, [f"{town} ({'capital' if capital else 'regional capital'})"])
        shown = town + (f" {values[region]}" if values and region in values else "")
        dx, dy, ha, va = NAME_PLACES.get(town, (4, 0, "left", "center"))
        ax.annotate(
            shown,
            (longitude, latitude),
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=style.size("small"),
            fontweight="bold" if capital or values else "normal",
            color="#111111",
            zorder=7,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.65, "pad": 0.4},
        )


def _name_neighbours(ax: Axes, outline) -> None:
    """Each neighbour's name just past Mali's border on its bearing from Mali's centre."""
    from shapely.geometry import LineString  # noqa: PLC0415 (shapely comes with geopandas)

    centre = outline.centroid
    reach = 40.0  # degrees: far past any border
    for name, bearing in NEIGHBOURS.items():
        dx, dy = math.sin(math.radians(bearing)), math.cos(math.radians(bearing))
        ray = LineString([(centre.x, centre.y), (centre.x + reach * dx, centre.y + reach * dy)])
        crossing = ray.intersection(outline.boundary)
        points = getattr(crossing, "geoms", [crossing])
        farthest = max(points, key=lambda p: centre.distance(p), default=None)
        if farthest is None or farthest.is_empty:
            continue
        x = farthest.x + NEIGHBOUR_GAP_DEG * dx
        y = farthest.y + NEIGHBOUR_GAP_DEG * dy
        ax.annotate(
            name.upper(),
            (x, y),
            ha="left" if dx > 0.3 else "right" if dx < -0.3 else "center",
            va="bottom" if dy > 0.3 else "top" if dy < -0.3 else "center",
            fontsize=style.size("small"),
            fontstyle="italic",
            color="#7a7a7a",
            annotation_clip=False,
            zorder=3,
        )


def draw_choropleth(
    ax: Axes,
    counts: AreaCounts,
    measure: str = "events",
    title: str = "",
    cmap: str = "OrRd",
) -> Axes:
    """Shade each area by events or deaths; areas with none are pale grey, those whose events
    give no death figure hatched; each region's figure written on it (Bamako's by its name)."""
    areas = counts.areas
    label = "Events" if measure == "events" else "Deaths (best estimate)"
    name = NAME_COLUMN[counts.level]
    drawn = _drawn(areas)
    known = drawn[measure].notna()
    empty = drawn[known & (drawn[measure] == 0)]
    filled = drawn[known & (drawn[measure] > 0)]
    unknown = drawn[~known]  # events there, none with a death figure: not 0
    if not empty.empty:
        with _no_redraw(ax):
            empty.plot(ax=ax, color="#f2f2f2", edgecolor="#9a9a9a", linewidth=0.4)
        _area_tooltips(ax, empty, name, measure, label)
    if not unknown.empty:
        with _no_redraw(ax):
            unknown.plot(ax=ax, color="white", edgecolor="#9a9a9a", linewidth=0.4, hatch="////")
        shown = unknown[unknown.geometry.notna() & ~unknown.geometry.is_empty]
        style.hover_labels(
            ax.collections[-1],
            [
                f"{area}: no death figure given ({events:,} event{'s' if events != 1 else ''})"
                for area, events in zip(shown[name], shown["events"], strict=True)
            ],
        )
    if not filled.empty:
        with _no_redraw(ax):
            filled.plot(
                ax=ax,
                column=measure,
                cmap=cmap,
                edgecolor="#5a5a5a",
                linewidth=0.4,
                legend=True,
                legend_kwds={
                    "label": label,
                    "orientation": "horizontal",
                    "shrink": 0.6,
                    "pad": 0.02,
                    "aspect": 25,
                },
            )
        _area_tooltips(ax, filled, name, measure, label)
    # each region's figure by its capital's name (Bamako's district is too small to hold one)
    values = (
        {
            str(row["admin1"]): "–" if pd.isna(row[measure]) else f"{int(row[measure]):,}"
            for _, row in areas.iterrows()
        }
        if counts.level == "adm1"
        else None
    )
    draw_frame(ax, areas, title, values)
    if values:
        _other_regions(ax, areas, values)
    _note_unplaced(ax, counts)
    return ax


def _other_regions(ax: Axes, areas: gpd.GeoDataFrame, values: dict[str, str]) -> None:
    """A region without a capital in the table (a region of another frame, such as Ménaka's)
    is named with its figure inside it."""
    for _, row in areas.iterrows():
        region = str(row["admin1"])
        if region in REGIONAL_CAPITALS or row.geometry is None or row.geometry.is_empty:
            continue
        point = row.geometry.representative_point()
        ax.annotate(
            f"{region} {values[region]}",
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=style.size("small"),
            fontweight="bold",
            color="#111111",
            zorder=7,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.65, "pad": 0.4},
        )


def _area_tooltips(ax: Axes, areas: gpd.GeoDataFrame, name: str, measure: str, label: str) -> None:
    """'Gao: 1,234 events' on each area just drawn (geopandas draws one shape per row with a
    geometry, in order)."""
    shown = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    style.hover_labels(
        ax.collections[-1],
        [
            f"{area}: {int(value):,} {label.lower()}"
            for area, value in zip(shown[name], shown[measure], strict=True)
        ],
    )


def draw_event_points(
    ax: Axes,
    events: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    title: str = "",
    colour_by: str = "event_type",
    cercles: gpd.GeoDataFrame | None = None,
) -> Axes:
    """Events as circles sized by deaths (area proportional), coloured by type, on the regions.

    An event without coordinates is drawn at the centre of its cercle (``cercles`` given) or
    region as a hollow circle (analysis.analyses.areas.place_events); the map says how many.
    """
    with _no_redraw(ax):
        _drawn(boundaries).boundary.plot(ax=ax, color="#b0b0b0", linewidth=0.5)
    placed = place_events(events, boundaries, cercles)
    shown = placed[placed["placed_at"].notna()]
    deaths = pd.to_numeric(shown["deaths_best"], errors="coerce").fillna(0)
    # the largest drawn first, so a small circle is never hidden under a large one
    shown = shown.assign(_deaths=deaths.to_numpy()).sort_values("_deaths", ascending=False)
    categories = list(dict.fromkeys(shown[colour_by].fillna("unknown")))
    kind = "type" if colour_by == "event_type" else None
    for category in categories:
        part = shown[shown[colour_by].fillna("unknown") == category]
        colour = (
            colours.event_type_colour(category)
            if kind
            else style.PALETTE[categories.index(category) % len(style.PALETTE)]
        )
        for where, hollow in ((AT_COORDINATES, False), (None, True)):
            rows = (
                part[part["placed_at"] == where]
                if where
                else part[part["placed_at"] != AT_COORDINATES]
            )
            if rows.empty:
                continue
            points = ax.scatter(
                rows["map_longitude"],
                rows["map_latitude"],
                s=point_sizes(rows["_deaths"]),
                facecolor="none" if hollow else colour,
                edgecolor=colour if hollow else "white",
                alpha=0.9 if hollow else 0.6,
                linewidth=1.1 if hollow else 0.3,
                label=str(category) if not hollow else None,
                zorder=5,
            )
            if kind:
                colours.tag(points, kind, category)
            style.hover_labels(points, _point_labels(rows, category))
    draw_frame(ax, boundaries, title)
    _points_key(ax, categories, kind, shown)
    _note_placement(ax, placed)
    return ax


def _points_key(ax: Axes, categories: list, kind: str | None, shown: pd.DataFrame) -> None:
    """The key under the map: each type's colour, three sizes, and the hollow circle."""
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markersize=6,
            alpha=0.7,
            label=str(category),
            color=colours.event_type_colour(category)
            if kind
            else style.PALETTE[k % len(style.PALETTE)],
        )  # fmt: skip
        for k, category in enumerate(categories)
    ]
    for deaths_shown in (1, 10, 100):
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                color="#999999",
                alpha=0.6,
                markersize=math.sqrt(point_sizes(pd.Series([deaths_shown]))[0]),
                label=f"{deaths_shown} death{'s' if deaths_shown > 1 else ''}",
            )  # fmt: skip
        )
    if (shown["placed_at"] != AT_COORDINATES).any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markersize=6,
                markerfacecolor="none",
                color="#555555",
                label="no coordinates:\nat its cercle's or region's centre",
            )  # fmt: skip
        )
    style.legend_below(ax, handles, ncols=2 if style.current().narrow else 3)


def _note_placement(ax: Axes, placed: pd.DataFrame) -> None:
    """Say how many events are drawn at an area's centre, and how many could not be drawn."""
    at_cercle = int((placed["placed_at"] == AT_CERCLE_CENTRE).sum())
    at_region = int((placed["placed_at"] == AT_REGION_CENTRE).sum())
    nowhere = int(placed["placed_at"].isna().sum())
    notes = [
        f"{count:,} {'event' if count == 1 else 'events'} {what}"
        for count, what in (
            (at_cercle, f"placed at {'its' if at_cercle == 1 else 'their'} cercle's centre"),
            (at_region, f"placed at {'its' if at_region == 1 else 'their'} region's centre"),
            (nowhere, "with no place not shown"),
        )
        if count
    ]
    if notes:
        # in the map's bottom right corner, south of Niger and east of Burkina Faso: no Mali
        ax.text(
            1.0,
            0.0,
            style.wrap(";\n".join(notes), 44),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=style.size("small"),
            color="#444444",
        )


def _point_labels(events: pd.DataFrame, category: object) -> list[str]:
    """'2019-03-23, Ogossagou (attack): 160 deaths' for each event of a scatter; an event drawn
    at an area's centre says so."""
    labels = []
    for _, event in events.iterrows():
        when = pd.Timestamp(event["date"]).date().isoformat() if pd.notna(event.get("date")) else ""
        place = event.get("location") if pd.notna(event.get("location")) else event.get("admin1")
        deaths = pd.to_numeric(event.get("deaths_best"), errors="coerce")
        toll = (
            f"{int(deaths):,} death{'' if deaths == 1 else 's'}"
            if pd.notna(deaths)
            else "deaths not given"
        )
        where = ", ".join(str(p) for p in (when, place) if p is not None and pd.notna(p) and p)
        centre = event.get("placed_at")
        drawn_at = (
            f" [no coordinates: drawn at the {centre}]"
            if centre not in (None, AT_COORDINATES)
            else ""
        )
        labels.append(f"{where} ({category}): {toll}{drawn_at}")
    return labels


def points_layout(
    events: pd.DataFrame,
    title: str,
    boundaries: gpd.GeoDataFrame,
    cercles: gpd.GeoDataFrame | None = None,
    colour_by: str = "event_type",
) -> tuple[Figure, Axes]:
    """The map of events (draw_event_points) as wide as the column and as tall as Mali."""
    fig, ax = style.new_figure(
        height_in=POINTS_MAP_HEIGHT_IN * (0.8 if style.current().narrow else 1.0)
    )
    draw_event_points(ax, events, boundaries, title, colour_by=colour_by, cercles=cercles)
    return fig, ax


def choropleth_layout(counts: AreaCounts, titles: tuple[str, str]) -> tuple[Figure, list[Axes]]:
    """Events and deaths per area: side by side on a desktop column, one under the other on a
    phone's."""
    narrow = style.current().narrow
    fig, axes = style.new_figure(
        height_in=PAIR_MAP_HEIGHT_IN * (2.1 if narrow else 1.0),
        nrows=2 if narrow else 1,
        ncols=1 if narrow else 2,
    )
    draw_choropleth(axes[0], counts, "events", titles[0])
    draw_choropleth(axes[1], counts, "deaths_best", titles[1])
    return fig, list(axes)


def point_sizes(deaths: pd.Series) -> np.ndarray:
    """Marker areas in points²: 4 for an event without deaths, plus 1.5 per death, so that a
    circle's area (not its radius) grows with the deaths."""
    return 4.0 + 1.5 * np.asarray(deaths, dtype=float)


def _note_unplaced(ax: Axes, counts: AreaCounts) -> None:
    if counts.unplaced_events:
        ax.text(
            0.0,
            1.0,
            f"{counts.unplaced_events:,} event{'s' if counts.unplaced_events != 1 else ''} "
            "could not be placed",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=style.size("small"),
            color="#555555",
        )
