"""What notebooks show: escaped prose, key findings, numbered figures and readable tables.

Everything that comes from a data file is HTML-escaped here before it reaches the report, so a
group name or an event description can never inject markup into shared HTML.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown, display
from matplotlib import cbook
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.transforms import Bbox
from PIL import Image, PngImagePlugin

from analysis.core import origins
from analysis.figures.style import SOURCE_RECT, join_sources, literal_text, new_figure
from analysis.reports import hover
from analysis.reports.takeaway import CONTENTS_FILE, Takeaway, takeaway

#: Metadata key under which outputs carry machine-readable facts for the build (index pages).
METADATA_KEY = "mali_reports"
#: The build sets this to the folder where figures are saved as SVG and PNG for reuse.
FIGURES_DIR_ENV = "MALI_FIGURES_DIR"

#: A CSV larger than this is not embedded in the page; the run's spreadsheet holds it.
EMBED_LIMIT_BYTES = 750_000
#: Inline SVG is used while it is at most this many times the size of the PNG.
INLINE_SVG_FACTOR = 3.0

_figure_counter: dict[str, Any] = {"n": 0}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def esc(value: Any) -> str:
    """Text from data, made safe for HTML and Markdown (markup shows as text)."""
    # Quotes are left as they are: prose is never an attribute, and the entity '&#x27;' would
    # have its '#' escaped below and show literally ("Jama&#x27;at").
    text = html.escape(str(value), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md(template: str, **values: Any) -> Markdown:
    """Show Markdown prose; ``{name}`` fields are filled with escaped values."""
    text = template.format(**{k: esc(v) for k, v in values.items()})
    display(Markdown(text))
    return Markdown(text)


def key_findings(sentences: Sequence[str]) -> None:
    """The 'Key findings' box at the top of a report: 3-6 sentences computed from the data."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    body = f'<div class="key-findings"><h2>Key findings</h2><ul>{items}</ul></div>'
    folder = _figures_dir()
    if folder is not None:  # in a build: the run writes <report>.xlsx beside the page
        book = html.escape(f"{folder.name}.xlsx", quote=True)
        body += (
            '<p class="takeaway-note">Each figure and table has a <em>data (CSV)</em> link to its '
            f'numbers; all of them, with sources and licences, in one spreadsheet: <a href="{book}"'
            f' class="workbook">{book}</a>.</p>'
        )
    display(HTML(body), metadata={METADATA_KEY: {"key_findings": list(sentences)}})


def no_data(what: str, how_to_get: str = "") -> None:
    """Say plainly that a section has no data, and how to get it; a section never vanishes."""
    hint = f" {html.escape(how_to_get)}" if how_to_get else ""
    display(
        HTML(f'<div class="no-data"><strong>No data:</strong> {html.escape(what)}.{hint}</div>'),
        metadata={METADATA_KEY: {"no_data": what}},
    )


def reset_figure_numbers() -> None:
    """Start figure numbering again at 1 (each report numbers its own figures)."""
    _figure_counter.clear()
    _figure_counter["n"] = 0


#: Resolution of the one PNG rendering: written to the figures folder (for reuse in papers)
#: and, when smaller than the SVG, embedded in the page.
PNG_DPI = 200
FORMATS = ("svg", "png")


def render(
    fig: Figure,
    annotate: Callable[[Figure], Any] | None = None,
    layout: Callable[[Figure], Any] | None = None,
) -> dict[str, bytes]:
    """The figure rendered once per format, cropped to its drawn area ('tight', padded, on
    whole pixels: the PNG is then the one a savefig to that box gives, pixel for pixel).

    ``layout(fig)`` (a tight_layout) runs at PNG_DPI, on the Agg renderer the figure is then
    drawn with, so text is measured once. The tight box is measured on it before the draw
    (after it, for a figure whose layout engine places the axes at draw time). The PNG is one
    Agg draw of the whole figure cut to the box, or, for a figure that reaches past its edge,
    one savefig to the box. ``annotate(fig)`` runs next (tick labels are set), then the SVG is
    drawn to the same box with the layout left as it is: ``savefig(bbox_inches="tight")``, or a
    layout engine left on the figure, would lay it out and draw it once more inside savefig.
    """
    literal_text(fig)
    # Private matplotlib helpers, as savefig itself uses them: the dpi and 'saving' state are
    # set for the draw and restored after, and no window is resized.
    with (
        cbook._setattr_cm(fig.canvas, manager=None),
        cbook._setattr_cm(fig, dpi=PNG_DPI),
        cbook._setattr_cm(fig.canvas, _is_saving=True),
    ):
        if layout is not None:
            layout(fig)
        engine = fig.get_layout_engine()
        if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
            # its layout engine places the axes when the figure is drawn: draw, then measure
            renderer = _draw_agg(fig)
            drawn = fig.get_tightbbox(renderer)
        else:
            # measured before the draw, on the renderer it draws with: a figure that reaches
            # past its edge is then drawn once, to its box, not once more
            measured = _agg_renderer(fig)
            drawn = fig.get_tightbbox(measured)
            renderer = _draw_agg(fig, measured) if _inside(fig, drawn) else None
        box = on_pixels(drawn.padded(plt.rcParams["savefig.pad_inches"]))
        png = _cropped_png(fig, renderer, drawn, box) if renderer is not None else None
    if annotate is not None:
        annotate(fig)
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    rendered = {}
    try:
        for fmt in FORMATS:
            if fmt == "png" and png is not None:
                rendered[fmt] = png
                continue
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, bbox_inches=box, dpi=PNG_DPI)
            rendered[fmt] = buffer.getvalue()
    finally:
        fig.set_layout_engine(engine)
    return rendered


def on_pixels(box: Bbox) -> Bbox:
    """``box`` (inches) widened to whole pixels at PNG_DPI: cutting it from a whole-figure draw
    then gives the pixels of a draw to the box (no sub-pixel shift)."""
    return Bbox.from_extents(
        math.floor(box.x0 * PNG_DPI) / PNG_DPI,
        math.floor(box.y0 * PNG_DPI) / PNG_DPI,
        math.ceil(box.x1 * PNG_DPI) / PNG_DPI,
        math.ceil(box.y1 * PNG_DPI) / PNG_DPI,
    )


def _whole_pixels(size: float) -> int:
    """A size in pixels as matplotlib's canvases count it (FigureCanvasBase.get_width_height):
    truncated, but a hair under a whole number (a box on whole pixels) is that number."""
    return int(size + 1e-8)


def _agg_renderer(fig: Figure) -> RendererAgg:
    """The Agg renderer _draw_agg will draw the figure with (text measured on it is kept)."""
    if isinstance(fig.canvas, FigureCanvasAgg):
        return fig.canvas.get_renderer()
    width, height = fig.bbox.size
    return RendererAgg(_whole_pixels(width), _whole_pixels(height), fig.dpi)


def _inside(fig: Figure, drawn: Any) -> bool:
    """Whether the drawn box (inches) lies within the figure."""
    width, height = fig.get_size_inches()
    return drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= width and drawn.y1 <= height


def _draw_agg(fig: Figure, renderer: RendererAgg | None = None) -> RendererAgg:
    """Draw the whole figure with Agg at its current dpi, on ``renderer`` if given (from
    _agg_renderer); returns the renderer drawn on."""
    if isinstance(fig.canvas, FigureCanvasAgg):
        # the canvas's own renderer (the one _agg_renderer gives, and its layout engine uses)
        fig.canvas.draw()
        return fig.canvas.get_renderer()
    renderer = renderer or _agg_renderer(fig)
    fig.draw(renderer)
    return renderer


def _cropped_png(fig: Figure, renderer: RendererAgg, drawn: Any, box: Any) -> bytes | None:
    """The PNG of ``box`` (inches; ``drawn`` padded) cut from the renderer's pixels, the
    padding past the figure's edge in its face colour; None when something drawn reaches
    past the edge (only a draw to the box shows it)."""
    if not _inside(fig, drawn):
        return None
    # the size savefig gives a draw to the box; rows count from the top
    columns, rows = _whole_pixels(box.width * PNG_DPI), _whole_pixels(box.height * PNG_DPI)
    left = round(box.x0 * PNG_DPI)
    top = renderer.height - rows - round(box.y0 * PNG_DPI)
    drawn_pixels = np.asarray(renderer.buffer_rgba())
    face = matplotlib.colors.to_rgba(fig.get_facecolor())
    if face[3] not in (0.0, 1.0):  # a half-transparent face: only a draw blends it the same
        return None
    # Agg starts from transparent white, which a transparent face leaves as it is
    background = np.round(np.array(face) * 255) if face[3] else np.array([255, 255, 255, 0])
    pixels = np.empty((rows, columns, 4), dtype=np.uint8)
    pixels[...] = background.astype(np.uint8)
    inside_rows = slice(max(top, 0), min(top + rows, renderer.height))
    inside_columns = slice(max(left, 0), min(left + columns, renderer.width))
    pixels[
        inside_rows.start - top : inside_rows.stop - top,
        inside_columns.start - left : inside_columns.stop - left,
    ] = drawn_pixels[inside_rows, inside_columns]
    if (pixels[..., 3] == 255).all():  # opaque (the usual figure): RGB is a quarter less to pack
        pixels = np.ascontiguousarray(pixels[..., :3])
    info = PngImagePlugin.PngInfo()
    info.add_text(
        "Software", f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/"
    )
    buffer = io.BytesIO()
    # zlib level 3 instead of PIL's 6: a third less time, for these flat-coloured charts a few
    # per cent larger (all reports' figures: 2.64 MB as RGB at 3, 2.80 MB as RGBA at 6)
    Image.fromarray(pixels).save(
        buffer, format="png", pnginfo=info, dpi=(PNG_DPI, PNG_DPI), compress_level=3
    )
    return buffer.getvalue()


def _encode(rendered: dict[str, bytes]) -> tuple[str, bytes]:
    """The smaller of the figure's SVG and PNG renderings, as (mime type, bytes)."""
    svg, png = rendered["svg"], rendered["png"]
    return ("image/svg+xml", svg) if len(svg) <= len(png) else ("image/png", png)


def save_figure_files(
    fig: Figure,
    slug: str,
    folder: Path | None = None,
    rendered: dict[str, bytes] | None = None,
) -> list[Path]:
    """Save a figure as SVG and PNG (for reuse in papers) when a figures folder is set; the
    bytes are those of ``rendered`` (the page's renderings) when given."""
    target = folder or (
        Path(os.environ[FIGURES_DIR_ENV]) if os.environ.get(FIGURES_DIR_ENV) else None
    )
    if target is None:
        return []
    target.mkdir(parents=True, exist_ok=True)
    rendered = rendered or render(fig)
    paths = []
    for fmt in FORMATS:
        path = target / f"{slug}.{fmt}"
        path.write_bytes(rendered[fmt])
        paths.append(path)
    return paths


def _figures_dir() -> Path | None:
    """The folder the build gave for this notebook's figures and data, if any."""
    folder = os.environ.get(FIGURES_DIR_ENV)
    return Path(folder) if folder else None


def _write_atomic(path: Path, text: str) -> None:
    """Write a file through a temporary file and a rename (a reader never sees half of it)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _record_takeaway(entry: dict[str, Any], csv: str | None) -> None:
    """Save a figure's or table's CSV into the figures folder and list it in CONTENTS_FILE,
    for the build's spreadsheet (analysis.pipeline.workbook)."""
    folder = _figures_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    if csv is not None:
        _write_atomic(folder / entry["file"], csv)
    with (folder / CONTENTS_FILE).open("a", encoding="utf-8") as contents:
        contents.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _run_reads() -> tuple[list[str], dict[str, str]]:
    """The datasets this run has read so far, and the version(s) read of each."""
    log = origins.current_log()
    versions: dict[str, list[str]] = {}
    for origin in log:
        if origin.version:
            versions.setdefault(origin.dataset, []).append(origin.version)
    return log.datasets(), {k: "; ".join(dict.fromkeys(v)) for k, v in versions.items()}


def data_link(taken: Takeaway, slug: str) -> str:
    """The 'data (CSV)' link of a figure or table (a ``data:`` URL, no script), or a note
    saying why its rows are withheld."""
    if taken.csv is None:
        return (
            f'<p class="data-link withheld">Data not exported: {html.escape(taken.withheld)}.</p>'
        )
    name = html.escape(f"{slug}.csv", quote=True)
    folder = _figures_dir()
    if folder is not None and len(taken.csv) > EMBED_LIMIT_BYTES:
        # Too big to carry in the page (every event of a long period): the run's spreadsheet
        # and the figures folder hold it.
        book = html.escape(f"{folder.name}.xlsx", quote=True)
        rows = taken.csv.count("\n") - 2
        return (
            f'<p class="data-link in-workbook">data: {rows:,} rows, in the spreadsheet '
            f'<a href="{book}">{book}</a> and in figures/{html.escape(folder.name)}/{name}</p>'
        )
    return (
        f'<p class="data-link"><a href="{taken.href()}" download="{name}" type="text/csv">'
        "data (CSV)</a></p>"
    )


def _unique_slug(kind: str, slug: str) -> str:
    """The slug, made unique on the page (a second table with the same name gets '-2')."""
    base = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or kind
    seen = _figure_counter.setdefault("slugs", set())
    candidate, n = base, 1
    while (kind, candidate) in seen:
        n += 1
        candidate = f"{base}-{n}"
    seen.add((kind, candidate))
    return candidate


def figure(
    fig: Figure,
    slug: str,
    caption: str,
    source: str | Sequence[str] | None = None,
    data: Any = None,
) -> int:
    """Show a numbered figure, its caption, its source and a link to its data; returns N.

    ``source`` (one line, or one per panel) is named once, in the caption, not in the image.
    ``data`` (what the figure was drawn from) becomes the 'data (CSV)' link and a sheet of the
    run's spreadsheet. The figure is inline SVG where that stays small, with a tooltip
    (``<title>``) on each bar, point and area; else a PNG. Texts are shown literally (render).
    """
    _figure_counter["n"] += 1
    number = _figure_counter["n"]
    # The style puts titles on the left (axes.titlelocation), where get_title() does not look.
    titles = [
        t for ax in fig.axes for loc in ("left", "center", "right") if (t := ax.get_title(loc))
    ]
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    title = suptitle or (titles[0] if titles else slug)
    source_text = join_sources(source).removeprefix("Source: ") if source else ""
    # The layout the figures are drawn in (style.SOURCE_RECT), made by render at the PNG's
    # resolution: layouts that place labels after their last layout pass (the lineage
    # timeline) keep their places.
    layout = (lambda f: f.tight_layout(rect=SOURCE_RECT)) if source_text else None
    taken = None if data is None else takeaway(data, source_text, *_run_reads())
    # Event rows that may not be passed on (ACLED) are not put in the page's markup either.
    restricted = taken is not None and taken.rows_restricted
    tooltips: dict[str, list[str]] = {}
    rendered = render(
        fig,
        annotate=None if restricted else lambda f: tooltips.update(hover.label_artists(f)),
        layout=layout,
    )
    save_figure_files(fig, slug, rendered=rendered)
    plt.close(fig)
    alt = f"Figure {number}. {title}. {caption}"
    image = None if restricted else hover.inline_svg(rendered["svg"], tooltips, f"f{number}-", alt)
    if image is None or len(rendered["svg"]) > INLINE_SVG_FACTOR * len(rendered["png"]):
        mime, payload_bytes = ("image/png", rendered["png"]) if restricted else _encode(rendered)
        payload = base64.b64encode(payload_bytes).decode("ascii")
        image = f'<img src="data:{mime};base64,{payload}" alt="{html.escape(alt, quote=True)}"/>'
    facts: dict[str, Any] = {"number": number, "slug": slug, "title": title}
    link = ""
    if taken is not None:
        file_slug = _unique_slug("figure", slug)
        link = data_link(taken, file_slug)
        facts["data"] = f"{file_slug}.csv" if taken.csv is not None else None
        _record_takeaway(
            {"kind": "figure", "number": number, "slug": file_slug, "title": title,
             "file": f"{file_slug}.csv", "withheld": taken.withheld,
             "sources": [d.key for d in taken.sources]},
            taken.csv,
        )  # fmt: skip
    body = (
        f'<figure class="report-figure" id="figure-{number}">{image}'
        f"<figcaption><strong>Figure {number}.</strong> {html.escape(title)}. "
        f"{html.escape(caption)}"
        f"{f' <span class=source>Source: {html.escape(source_text)}</span>' if source_text else ''}"
        f"</figcaption>{link}</figure>"
    )
    display(HTML(body), metadata={METADATA_KEY: {"figure": facts}})
    return number


def format_number(value: Any, decimals: int = 0) -> str:
    """Thousands separators, fixed decimals, and an en dash for missing values."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) or hasattr(value, "__float__"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if decimals == 0 and number == int(number):
            return f"{int(number):,}"
        return f"{number:,.{decimals or 1}f}"
    return str(value)


def table_html(
    frame: pd.DataFrame, caption: str = "", decimals: dict[str, int] | None = None
) -> str:
    """A reader's table: escaped cells, numbers right-aligned with thousands separators."""
    decimals = decimals or {}
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f'<th class="{"num" if c in numeric else "text"}">{html.escape(str(c))}</th>'
        for c in frame.columns
    )
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            if column in numeric:
                text = format_number(value, decimals.get(column, 0))
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            else:
                if isinstance(value, list | tuple):
                    value = ", ".join(str(v) for v in value)
                elif value is None or (not isinstance(value, str) and pd.isna(value)):
                    value = "–"
                elif isinstance(value, pd.Timestamp) and value == value.normalize():
                    # A day shows as a day (2020-01-01), as in the CSV, not with midnight.
                    value = value.date().isoformat()
                cells.append(f'<td class="text">{html.escape(str(value))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="report-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def table(
    frame: pd.DataFrame,
    caption: str = "",
    decimals: Mapping[str, int] | None = None,
    slug: str | None = None,
    source: str | Sequence[str] | None = None,
) -> None:
    """Show a DataFrame as a reader's table (see table_html) with a link to its rows as CSV;
    says so when it is empty. ``source`` names its datasets (default: those the run read)."""
    if frame.empty:
        no_data(caption or "this table has no rows for the chosen parameters")
        return
    _figure_counter["tables"] = _figure_counter.get("tables", 0) + 1
    file_slug = _unique_slug("table", f"table-{slug or caption[:40] or _figure_counter['tables']}")
    # The CSV holds what the table shows: its columns, not the frame's index.
    taken = takeaway(frame.reset_index(drop=True), source, *_run_reads())
    _record_takeaway(
        {"kind": "table", "number": _figure_counter["tables"], "slug": file_slug,
         "title": caption or file_slug, "file": f"{file_slug}.csv", "withheld": taken.withheld,
         "sources": [d.key for d in taken.sources]},
        taken.csv,
    )  # fmt: skip
    shown = table_html(frame, caption, dict(decimals or {}))
    display(
        HTML(f'<div class="report-table-block">{shown}{data_link(taken, file_slug)}</div>'),
        metadata={METADATA_KEY: {"table": {"slug": file_slug, "caption": caption}}},
    )


def _figure_spec(report: Any, slug: str) -> Any:
    """The report's figure ``slug``: from its ``figures`` mapping, or its ``charts()``."""
    figures = getattr(report, "figures", None)
    if isinstance(figures, Mapping):
        return figures.get(slug)
    charts = getattr(report, "charts", None)
    if callable(charts):
        return next((c for c in charts() if c.slug == slug), None)
    return None


def show_figure(
    report: Any,
    slug: str,
    draw: Callable[..., Any] | None = None,
    height: float = 3.6,
    layout: Callable[..., tuple[Figure, Any]] | None = None,
) -> int | None:
    """Draw and show the report's figure ``slug`` with its data link (on new axes with
    ``draw``, or with a ``layout`` of panels), or say what it is missing; returns N.

    ``report`` has ``figures`` (slug -> FigureData, as attack trends) and ``missing``, or
    ``charts()`` (as public opinion)."""
    spec = _figure_spec(report, slug)
    if spec is None:
        missing = getattr(report, "missing", {}) or {}
        if slug in missing:
            no_data(*missing[slug])
        return None
    options = dict(getattr(spec, "options", {}) or {})
    title = getattr(spec, "title", None)
    if isinstance(getattr(spec, "layout", None), str):
        # A chart of the public-opinion report: its data are its draw function's arguments;
        # ``layout`` is fo.layout (kind, rows), or fo.poll_series_layout for a "series" chart.
        if spec.layout == "series":
            fig, _ = (layout or draw)(*spec.data, **options)
        else:
            fig, ax = layout(spec.layout, spec.rows) if layout else new_figure(height_in=height)
            (draw or spec.draw)(ax, *spec.data, **options)
    elif layout:
        fig, _ = layout(spec.data, title, **options)
    else:
        fig, ax = new_figure(height_in=height)
        draw(ax, spec.data, title=title, **options)
    return figure(fig, slug, spec.caption, source=spec.source, data=spec.data)


def show_table(report: Any, name: Any) -> None:
    """Show the report's table ``name`` (or a table/no-data part given itself) with its data
    link, or say what is missing."""
    part = name
    if isinstance(name, str):
        tables = getattr(report, "tables", {}) or {}
        missing = getattr(report, "missing", {}) or {}
        if name in tables:
            part = tables[name]
        elif name in missing:
            no_data(*missing[name])
            return
        else:
            return
    if part is None:
        return
    if hasattr(part, "what"):  # a part that says a section has no data
        no_data(part.what, getattr(part, "how_to_get", ""))
        return
    table(
        part.frame,
        part.caption,
        getattr(part, "decimals", None),
        slug=name if isinstance(name, str) else None,
        source=getattr(part, "source", None),
    )
