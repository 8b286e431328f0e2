"""What notebooks show: escaped prose, key findings, numbered figures and readable tables.

Everything that comes from a data file is HTML-escaped here before it reaches the report, so a
group name or an event description can never inject markup into shared HTML.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure

from analysis.figures.style import add_source, join_sources, literal_text, source_line

#: Metadata key under which outputs carry machine-readable facts for the build (index pages).
METADATA_KEY = "mali_reports"
#: The build sets this to the folder where figures are saved as SVG and PNG for reuse.
FIGURES_DIR_ENV = "MALI_FIGURES_DIR"

_figure_counter = {"n": 0}
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
    _figure_counter["n"] = 0


#: Resolution of the one PNG rendering: written to the figures folder (for reuse in papers)
#: and, when smaller than the SVG, embedded in the page.
PNG_DPI = 200
FORMATS = ("svg", "png")


def render(fig: Figure) -> dict[str, bytes]:
    """The figure rendered once per format, cropped to its drawn area ('tight', padded).

    The tight box is measured once, by one layout pass that paints nothing (it runs the
    figure's layout engine, if any), and both renderings are cut to it with the layout left
    as it is: ``savefig(bbox_inches="tight")``, or any layout engine set on the figure (even
    the one tight_layout leaves), would run that pass again inside each savefig.
    """
    literal_text(fig)
    measure = RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)
    with measure._draw_disabled():
        fig.draw(measure)
    box = fig.get_tightbbox(measure).padded(plt.rcParams["savefig.pad_inches"])
    engine = fig.get_layout_engine()
    fig.set_layout_engine(None)
    rendered = {}
    try:
        for fmt in FORMATS:
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, bbox_inches=box, dpi=PNG_DPI)
            rendered[fmt] = buffer.getvalue()
    finally:
        fig.set_layout_engine(engine)
    return rendered


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


def figure(fig: Figure, slug: str, caption: str, source: str | Sequence[str] | None = None) -> int:
    """Show a numbered figure with caption and source line, embedded in the page; returns N.

    ``source`` (one line, or one per panel) is written once under the whole figure, so panels
    with different sources keep both. The title comes from the axes; the caption says in words
    what the figure shows. The image carries them as alt text.
    """
    literal_text(fig)
    if source:
        add_source(fig, join_sources(source))
        literal_text(fig)
    _figure_counter["n"] += 1
    number = _figure_counter["n"]
    # The style puts titles on the left (axes.titlelocation), where get_title() does not look.
    titles = [
        t for ax in fig.axes for loc in ("left", "center", "right") if (t := ax.get_title(loc))
    ]
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    title = suptitle or (titles[0] if titles else slug)
    source = source_line(fig) or ""
    rendered = render(fig)
    save_figure_files(fig, slug, rendered=rendered)
    mime, data = _encode(rendered)
    plt.close(fig)
    alt = html.escape(f"Figure {number}. {title}. {caption}", quote=True)
    payload = base64.b64encode(data).decode("ascii")
    body = (
        f'<figure class="report-figure" id="figure-{number}">'
        f'<img src="data:{mime};base64,{payload}" alt="{alt}"/>'
        f"<figcaption><strong>Figure {number}.</strong> {html.escape(title)}. "
        f"{html.escape(caption)}"
        f"{f' <span class=source>{html.escape(source)}</span>' if source else ''}"
        "</figcaption></figure>"
    )
    display(
        HTML(body),
        metadata={METADATA_KEY: {"figure": {"number": number, "slug": slug, "title": title}}},
    )
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
                cells.append(f'<td class="text">{html.escape(str(value))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (
        f'<table class="report-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def table(frame: pd.DataFrame, caption: str = "", decimals: dict[str, int] | None = None) -> None:
    """Show a DataFrame as a reader's table (see table_html); says so when it is empty."""
    if frame.empty:
        no_data(caption or "this table has no rows for the chosen parameters")
        return
    display(HTML(table_html(frame, caption, decimals)))
