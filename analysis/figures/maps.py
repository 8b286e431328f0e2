"""Maps of Mali: events and deaths per region (ADM1) or cercle (ADM2), and events as points.

Boundaries are read by analysis.sources.boundaries and counted per area by
analysis.analyses.areas; the functions here only draw, each on the ``ax`` it is given, and
return it. The source line is written once by the code that shows the figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.analyses.areas import NAME_COLUMN, AreaCounts
from analysis.figures import style

if TYPE_CHECKING:  # annotations only
    import geopandas as gpd

#: Areas smaller than this share of the map get no label on a choropleth.
LABEL_MIN_AREA_SHARE = 0.01
#: Outlines are drawn simplified to this many degrees (about 1 km, under a pixel of a
#: full-width map of Mali): the boundary files' detail made each map's SVG about 1 MB.
DRAW_TOLERANCE_DEG = 0.01


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


def draw_choropleth(
    ax: Axes,
    counts: AreaCounts,
    measure: str = "events",
    title: str = "",
    cmap: str = "OrRd",
) -> Axes:
    """Shade each area by events or deaths; areas with none are pale grey; names on regions."""
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
                legend_kwds={"label": label, "shrink": 0.7},
            )
        _area_tooltips(ax, filled, name, measure, label)
    if counts.level == "adm1":
        # name only the areas big enough to hold a label (Bamako's district is too small)
        sizes = areas.geometry.to_crs(areas.estimate_utm_crs()).area
        for (_, row), size in zip(areas.iterrows(), sizes, strict=True):
            if size < LABEL_MIN_AREA_SHARE * sizes.sum():
                continue
            point = row.geometry.representative_point()
            value = "not given" if pd.isna(row[measure]) else f"{int(row[measure]):,}"
            ax.annotate(
                f"{row['admin1']}\n{value}",
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
    return style.label_axes(ax, title, "Longitude (°E)", "Latitude (°N)")


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
) -> Axes:
    """Events as circles sized by deaths (area proportional), coloured by type, on the regions."""
    with _no_redraw(ax):
        _drawn(boundaries).boundary.plot(ax=ax, color="#8a8a8a", linewidth=0.5)
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
        style.hover_labels(ax.collections[-1], _point_labels(located[mask], category))
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
    return style.label_axes(ax, title, "Longitude (°E)", "Latitude (°N)")


def _point_labels(events: pd.DataFrame, category: object) -> list[str]:
    """'2019-03-23, Ogossagou (attack): 160 deaths' for each event of a scatter."""
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
        labels.append(f"{where} ({category}): {toll}")
    return labels


def choropleth_layout(counts: AreaCounts, titles: tuple[str, str]) -> tuple[Figure, list[Axes]]:
    """Events (left) and deaths (right) per area, side by side."""
    fig, axes = style.new_figure(height_in=3.6, ncols=2)
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
            0.99,
            0.01,
            f"{counts.unplaced_events:,} events could not be placed",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6.5,
            color="#555555",
        )
