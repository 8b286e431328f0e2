"""What notebooks show: escaped prose, key findings, numbered figures and readable tables.

Everything that comes from a data file is HTML-escaped here before it reaches the report, so a
group name or an event description can never inject markup into shared HTML.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from datetime import date
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display
from matplotlib.figure import Figure

from analysis.core import origins
from analysis.core.dates import data_through_text
from analysis.core.outputs import CONTENTS_FILE, FIGURES_DIR_ENV, METADATA_KEY
from analysis.figures.style import SOURCE_RECT, join_sources, new_figure
from analysis.reports import hover
from analysis.reports.parts import Block, Chart, NoData, Report, Table, Text
from analysis.reports.render import render, save_figure_files
from analysis.reports.takeaway import Takeaway, takeaway

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


def md(template: str, **values: Any) -> None:
    """Show Markdown prose; ``{name}`` fields are filled with escaped values."""
    display(Markdown(template.format(**{k: esc(v) for k, v in values.items()})))


def key_findings(sentences: Sequence[str], data_through: date | None = None) -> None:
    """The 'Key findings' box at the top of a report: 3-6 sentences computed from the data,
    and, given the newest date they rest on, how recent the data is."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    recency = (
        f'<p class="data-through">{html.escape(data_through_text(data_through))}</p>'
        if data_through is not None
        else ""
    )
    body = f'<div class="key-findings"><h2>Key findings</h2>{recency}<ul>{items}</ul></div>'
    facts: dict[str, Any] = {"key_findings": list(sentences)}
    if data_through is not None:
        facts["data_through"] = data_through.isoformat()
    folder = _figures_dir()
    if folder is not None:  # in a build: the run writes <report>.xlsx beside the page
        book = html.escape(f"{folder.name}.xlsx", quote=True)
        body += (
            '<p class="takeaway-note">Each figure and table has a <em>data (CSV)</em> link to its '
            f'numbers; all of them, with sources and licences, in one spreadsheet: <a href="{book}"'
            f' class="workbook">{book}</a>.</p>'
        )
    display(HTML(body), metadata={METADATA_KEY: facts})


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


def _encode(rendered: dict[str, bytes]) -> tuple[str, bytes]:
    """The smaller of the figure's SVG and PNG renderings, as (mime type, bytes)."""
    svg, png = rendered["svg"], rendered["png"]
    return ("image/svg+xml", svg) if len(svg) <= len(png) else ("image/png", png)


def _figures_dir() -> Path | None:
    """The folder the build gave for this notebook's figures and data, if any."""
    folder = os.environ.get(FIGURES_DIR_ENV)
    return Path(folder) if folder else None


def _write_atomic(path: Path, text: str) -> None:
    """Write a file through a temporary file and a rename (a reader never sees half of it)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _record_takeaway(entry: dict[str, Any], csv: str | None, cells: str | None = None) -> None:
    """Save a figure's or table's CSV (and its typed cells, Takeaway.cells) into the figures
    folder and list it in CONTENTS_FILE, for the build's spreadsheet (pipeline.workbook)."""
    folder = _figures_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    if csv is not None:
        _write_atomic(folder / entry["file"], csv)
    if csv is not None and cells is not None:
        entry = {**entry, "cells": entry["file"].removesuffix(".csv") + ".cells.json"}
        _write_atomic(folder / entry["cells"], cells)
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
            taken.cells,
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
        taken.cells,
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


def draw_chart(chart: Chart) -> Figure:
    """The chart drawn on a new figure (its layout's, or one axes ``chart.height`` tall)."""
    if chart.layout is not None:
        fig, _ = chart.layout(*chart.arguments, **chart.options)
        return fig
    fig, ax = new_figure(height_in=chart.height)
    chart.draw(ax, *chart.arguments, **chart.options)
    return fig


def show_block(block: Block) -> None:
    """Put one block of a section on the page."""
    if isinstance(block, Text):
        md(block.template, **block.values)
    elif isinstance(block, NoData):
        no_data(block.what, block.how_to_get)
    elif isinstance(block, Chart):
        figure(draw_chart(block), block.slug, block.caption, source=block.source, data=block.data)
    elif isinstance(block, Table):
        table(block.frame, block.caption, block.decimals, slug=block.slug, source=block.source)
    else:
        raise TypeError(f"not a block of a report section: {block!r}")


def show(report: Report, key: str) -> None:
    """Put the report's section ``key`` on the page: its prose, figures, tables and no-data
    notes, in order, each figure and table with its data link."""
    for block in report.sections[key].blocks:
        show_block(block)


def front(report: Report) -> None:
    """What a report's first cell shows: its title and lede where they follow the parameters
    (with the facts of its front-page card), then the key findings."""
    if report.title:
        display(
            Markdown(f"# {report.title}\n\n{report.lede or ''}".rstrip()),
            metadata={METADATA_KEY: {"front": dict(report.front)}},
        )
    key_findings(report.key_findings, report.data_through)
