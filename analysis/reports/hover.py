"""Values on hover without script: a ``<title>`` on each bar, point and map area of an inline SVG.

Before a figure's SVG is saved, ``label_artists`` gives each bar, marked line, scatter and area
collection a gid (matplotlib's SVG backend writes it as ``<g id=...>``) and the label and value
of each of its elements. ``inline_svg`` then adds the titles to the SVG (the browser shows them
as tooltips), prefixes every id so that several figures share a page, and returns the markup.
Titles are XML text, escaped by the serializer: nothing from the data becomes markup.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection, LineCollection, PolyCollection, QuadMesh
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from analysis.figures.colours import tags_of
from analysis.figures.style import HOVER_ATTRIBUTE

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
GID_PREFIX = "hover"
DATE_FORMATTERS = (mdates.AutoDateFormatter, mdates.ConciseDateFormatter, mdates.DateFormatter)
#: Drawn elements of a group that can each carry a title.
_SHAPES = {f"{{{SVG_NS}}}{tag}" for tag in ("use", "path", "rect", "circle", "polygon")}


def number_text(value: Any) -> str:
    """A value as a tooltip shows it: thousands separators, one decimal unless whole."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "no data"
    if math.isinf(number):
        return "−∞" if number < 0 else "∞"  # (int() of it would raise)
    if number == int(number):
        return f"{int(number):,}"
    return f"{number:,.1f}" if abs(number) >= 1 else f"{number:.3g}"


def _series(artist: Any) -> str:
    label = str(artist.get_label() or "")
    return "" if label.startswith("_") else label


def _position_text(ax: Axes, axis: str, value: float) -> str:
    """The category or coordinate at ``value``: a tick label there, a whole number, or the
    axis's own formatting (dates)."""
    formatter = (ax.xaxis if axis == "x" else ax.yaxis).get_major_formatter()
    if isinstance(formatter, DATE_FORMATTERS):
        return mdates.num2date(value).date().isoformat()
    text = _tick_label(ax, axis, value)
    if text:
        return text
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return (ax.format_xdata if axis == "x" else ax.format_ydata)(value)


_NUMERIC = re.compile(r"[−\-+]?[\d,.\s]+")


def _tick_label(ax: Axes, axis: str, value: float) -> str:
    """The label of the tick at ``value`` when it names a category: any label the figure set
    (a year '2020' on a bar at position 0), else one that is not a number's formatting."""
    fixed, ticks = _axis_ticks(ax, axis)
    for tick, text in ticks:
        if abs(tick - value) < 1e-6 and text and (fixed or not _NUMERIC.fullmatch(text)):
            return text
    return ""


#: (id of the axes, "x" or "y") -> _axis_ticks's answer, while label_artists runs (asking an
#: axis for its tick labels lays its ticks out again: once per axis, not once per bar).
_ticks_seen: dict[tuple[int, str], tuple[bool, list[tuple[float, str]]]] = {}


def _axis_ticks(ax: Axes, axis: str) -> tuple[bool, list[tuple[float, str]]]:
    """Whether the axis's labels were set by the drawing, and its (tick, label text) pairs."""
    key = (id(ax), axis)
    if key in _ticks_seen:
        return _ticks_seen[key]
    which = ax.xaxis if axis == "x" else ax.yaxis
    # Labels set by the drawing (set_xticks(positions, labels)) name what sits there, even
    # when they read as numbers; an automatic formatter's labels are the axis's scale.
    # (matplotlib keeps such labels in a FixedFormatter, or a FuncFormatter over a FixedLocator.)
    fixed = isinstance(which.get_major_formatter(), mticker.FixedFormatter) or (
        isinstance(which.get_major_locator(), mticker.FixedLocator)
        and isinstance(which.get_major_formatter(), mticker.FuncFormatter)
    )
    ticks = ax.get_xticks() if axis == "x" else ax.get_yticks()
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    pairs = [
        (float(tick), label.get_text().replace("\n", " "))
        for tick, label in zip(ticks, labels, strict=False)
    ]
    _ticks_seen[key] = (fixed, pairs)
    return fixed, pairs


def _value_text(ax: Axes, y: float) -> str:
    """A point's value, or the category its row stands for (a pollster on a timeline)."""
    return _tick_label(ax, "y", y) or number_text(y)


def _join(*parts: str) -> str:
    return ": ".join(p for p in parts if p)


def _bar_labels(ax: Axes, container: BarContainer) -> list[str]:
    series = _series(container)
    labels = []
    horizontal = container.orientation == "horizontal"
    for patch, value in zip(container.patches, container.datavalues, strict=False):
        if horizontal:
            where = _position_text(ax, "y", patch.get_y() + patch.get_height() / 2)
        else:
            where = _position_text(ax, "x", patch.get_x() + patch.get_width() / 2)
        labels.append(_join(series, where, number_text(value)))
    return labels


def _line_labels(ax: Axes, line: Line2D, series: str | None = None) -> list[str]:
    series = _series(line) if series is None else series
    xs, ys = line.get_xdata(orig=False), line.get_ydata(orig=False)
    labels = []
    for x, y in zip(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), strict=False):
        if np.isfinite(x) and np.isfinite(y):
            labels.append(_join(series, _position_text(ax, "x", x), _value_text(ax, y)))
    return labels


def _mesh_labels(ax: Axes, mesh: QuadMesh) -> list[str]:
    """'Gao, R7: 69.2' for each cell of a heat map, row by row (the order drawn)."""
    corners = mesh.get_coordinates()
    centres = (corners[:-1, :-1] + corners[1:, 1:]) / 2
    values = np.ma.filled(np.ma.asarray(mesh.get_array(), dtype=float), np.nan).reshape(
        centres.shape[:2]
    )
    labels = []
    for row in range(centres.shape[0]):
        for column in range(centres.shape[1]):
            x, y = centres[row, column]
            where = f"{_position_text(ax, 'y', y)}, {_position_text(ax, 'x', x)}"
            labels.append(_join(where, number_text(values[row, column])))
    return labels


def _collection_labels(ax: Axes, collection: Collection) -> list[str]:
    series = _series(collection)
    values = collection.get_array()
    offsets = collection.get_offsets()
    count = len(collection.get_paths()) if not len(offsets) or len(offsets) == 1 else len(offsets)
    labels = []
    for i in range(count):
        parts = [series]
        if len(offsets) > 1 and i < len(offsets):
            x, y = offsets[i]
            parts.append(f"{_position_text(ax, 'x', x)}, {_position_text(ax, 'y', y)}")
        if values is not None and i < len(values):
            parts.append(number_text(values[i]))
        labels.append(_join(*parts))
    return labels


def label_artists(fig: Figure) -> dict[str, list[str]]:
    """Give each bar, marked line, point collection and area collection of ``fig`` a gid, and
    return gid -> the labels of its elements (a list of one for a single shape). An artist
    coloured for a group or an event type (analysis.figures.colours.tag) has it at the end of
    its gid ('hover12-group-jnim'), so the page says whose colour each element is."""
    labelled: dict[str, list[str]] = {}
    _ticks_seen.clear()
    try:
        _label_axes(fig, labelled)
    finally:
        _ticks_seen.clear()
    return labelled


def _label_axes(fig: Figure, labelled: dict[str, list[str]]) -> None:
    """label_artists's work: fills ``labelled`` (gid -> labels) and sets the gids."""

    def mark(artist: Any, labels: Sequence[str], owner: Any = None) -> None:
        labels = [text for text in labels if text]
        if not labels:
            return
        tag = tags_of(owner if owner is not None else artist)
        gid = f"{GID_PREFIX}{len(labelled) + 1}" + (f"-{tag}" if tag else "")
        artist.set_gid(gid)
        labelled[gid] = list(labels)

    # The axes of colour scales (a colour bar's bands are a legend, not data).
    scales = {
        id(mappable.colorbar.ax)
        for ax in fig.axes
        for mappable in (*ax.collections, *ax.images)
        if getattr(mappable, "colorbar", None) is not None
    }
    for ax in fig.axes:
        if id(ax) in scales:
            continue
        # errorbar labels its container, not its line of points, and draws each cap as a
        # marked line whose value is a bound (the low end), not the figure: caps get no title.
        caps: set[int] = set()
        series_of: dict[int, str] = {}
        for container in ax.containers:
            if isinstance(container, ErrorbarContainer):
                points, cap_lines, _ = container.lines
                caps.update(id(cap) for cap in cap_lines)
                if points is not None:
                    series_of[id(points)] = _series(container)
        for container in ax.containers:
            if isinstance(container, BarContainer):
                given = getattr(container, HOVER_ATTRIBUTE, None)
                labels = given if given is not None else _bar_labels(ax, container)
                for patch, text in zip(container.patches, labels, strict=False):
                    mark(patch, [text], container)
        for line in ax.get_lines():
            if id(line) in caps:
                continue
            given = getattr(line, HOVER_ATTRIBUTE, None)
            if given is not None:
                mark(line, given)
                continue
            xs = np.asarray(line.get_xdata(orig=False), dtype=float)
            ys = np.asarray(line.get_ydata(orig=False), dtype=float)
            # Grid, reference and milestone lines are straight along one axis: no values; a
            # marked point (a survey on a timeline) has one.
            xs, ys = xs[np.isfinite(xs)], ys[np.isfinite(ys)]
            marked = line.get_marker() not in (None, "", "None", " ") and len(xs) >= 1
            if marked or (len(set(xs)) > 1 and len(set(ys)) > 1):
                mark(line, _line_labels(ax, line, series_of.get(id(line))))
        for collection in ax.collections:
            given = getattr(collection, HOVER_ATTRIBUTE, None)
            if given is not None:
                mark(collection, given)
            elif isinstance(collection, QuadMesh):
                if collection.get_array() is not None:
                    mark(collection, _mesh_labels(ax, collection))
            elif isinstance(collection, LineCollection) or (
                isinstance(collection, PolyCollection) and collection.get_array() is None
            ):
                continue  # error bars and bands: their values are the marked points'
            elif len(collection.get_offsets()) > 1 or collection.get_array() is not None:
                mark(collection, _collection_labels(ax, collection))
    return labelled


def _title(text: str) -> ET.Element:
    element = ET.Element(f"{{{SVG_NS}}}title")
    element.text = text
    return element


def _shapes(group: ET.Element) -> list[ET.Element]:
    """The drawn shapes of a group in document order, leaving out <defs>."""
    found: list[ET.Element] = []
    for child in group:
        if child.tag == f"{{{SVG_NS}}}defs":
            continue
        if child.tag in _SHAPES:
            found.append(child)
        else:
            found.extend(_shapes(child))
    return found


def add_titles(root: ET.Element, tooltips: Mapping[str, Sequence[str]]) -> int:
    """Add a <title> to each labelled shape (or to its group when the counts differ); returns
    how many titles were added."""
    added = 0
    for group in root.iter(f"{{{SVG_NS}}}g"):
        labels = tooltips.get(group.get("id", ""))
        if not labels:
            continue
        shapes = _shapes(group)
        markers = [shape for shape in shapes if shape.tag == f"{{{SVG_NS}}}use"]
        if len(markers) == len(labels):  # a line's markers, after the line itself
            shapes = markers
        if len(labels) > 1 and len(shapes) == len(labels):
            for shape, text in zip(shapes, labels, strict=True):
                shape.insert(0, _title(text))
                added += 1
        else:
            shown = labels if len(labels) <= 12 else [*labels[:6], "…", *labels[-5:]]
            group.insert(0, _title("\n".join(shown)))
            added += 1
    return added


_ID_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def prefix_ids(root: ET.Element, prefix: str) -> None:
    """Prefix every id and every reference to one (url(#...), href="#..."), so that ids stay
    unique when several SVGs share a page (matplotlib numbers them per figure)."""
    href_names = ("href", f"{{{XLINK_NS}}}href")
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", prefix + element.get("id"))
        for name, value in list(element.attrib.items()):
            if name in href_names and value.startswith("#"):
                element.set(name, "#" + prefix + value[1:])
            elif "url(#" in value:
                element.set(name, _ID_REFERENCE.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))


def inline_svg(
    svg: bytes,
    tooltips: Mapping[str, Sequence[str]],
    prefix: str,
    label: str,
    css_class: str = "",
    wider_than_drawn: bool = False,
) -> str | None:
    """The figure's SVG as markup for the page: titles added, ids prefixed, sized by CSS,
    labelled for screen readers; None when the SVG does not parse. ``css_class`` is added to
    its class; ``wider_than_drawn`` lets it grow past the width it was drawn at (a phone's
    drawing on a wider phone)."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return None
    # The Dublin Core block (date, generator) is bytes a reader never sees.
    for metadata in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(metadata)
    add_titles(root, tooltips)
    prefix_ids(root, prefix)
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", f"figure-svg {css_class}".strip())
    # CSS scales it to the column, never wider than drawn; the viewBox keeps its proportions.
    width = root.attrib.pop("width", "")
    root.attrib.pop("height", None)
    if re.fullmatch(r"[\d.]+pt", width) and not wider_than_drawn:
        root.set("style", f"max-width: {width}")
    text = ET.tostring(root, encoding="unicode")
    # A stray <script> cannot come from matplotlib; refuse rather than trust it.
    if "<script" in text.lower():
        return None
    return text
