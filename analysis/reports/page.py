"""What notebooks show: escaped prose, key findings, numbered figures and readable tables.

Everything that comes from a data file is HTML-escaped here before it reaches the report, so a
group name or an event description can never inject markup into shared HTML. A curated source
cited by its id in a table, a paragraph or a key finding is shown as its number (``[3]``),
linked to its entry in the report's References section (analysis.reports.references). The
helpers show and return nothing, so a cell that ends with one echoes nothing.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, Markdown, display
from matplotlib.figure import Figure

from analysis.core import origins
from analysis.core.dates import data_through_text
from analysis.core.outputs import CONTENTS_FILE, FIGURES_DIR_ENV, METADATA_KEY, REFERENCES_FILE
from analysis.figures import style
from analysis.figures.milestones import KeyEntry, milestone_key
from analysis.figures.style import join_sources, new_figure
from analysis.reports import hover, numbering
from analysis.reports.parts import Block, Chart, NoData, Report, Table, Text
from analysis.reports.references import Reference, only_citations
from analysis.reports.render import FORMATS, render, save_figure_files
from analysis.reports.takeaway import (
    Takeaway,
    is_list_cell,
    list_text,
    metadata,
    metadata_href,
    metadata_json,
    takeaway,
)

#: A CSV larger than this is not embedded in the page; the run's spreadsheet holds it.
EMBED_LIMIT_BYTES = 750_000
#: Inline SVG is used while it is at most this many times the size of the PNG.
INLINE_SVG_FACTOR = 3.0
#: The classes of a figure's two drawings; the report's CSS shows the one that fits the window.
DESKTOP_CLASS = f"figure-{style.DESKTOP.name}"
PHONE_CLASS = f"figure-{style.PHONE.name}"

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def esc(value: Any) -> str:
    """Text from data, made safe for HTML and Markdown (markup shows as text)."""
    # Quotes are left as they are: prose is never an attribute, and the entity '&#x27;' would
    # have its '#' escaped below and show literally ("Jama&#x27;at").
    text = html.escape(str(value), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", text)


def _record_reference(reference: Reference) -> None:
    """List a newly numbered reference in the figures folder (REFERENCES_FILE), for the
    build's spreadsheet."""
    folder = _figures_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / REFERENCES_FILE).open("a", encoding="utf-8") as listed:
        listed.write(json.dumps(reference.as_json(), ensure_ascii=False) + "\n")


def cited(
    text: str, plain: Callable[[str], str], link: Callable[[Reference], str]
) -> tuple[str, list[Reference]]:
    """The text with each curated source id it cites shown by ``link`` (its numbered
    reference) and the rest by ``plain``; and the references it cites. A text that only lists
    ids ('a, b; c') becomes the links, separated by spaces."""
    bibliography = numbering.current().bibliography
    pieces = bibliography.split(text)
    references = []
    for piece in pieces:
        if isinstance(piece, tuple):
            reference, first = bibliography.cite(piece[0])
            references.append(reference)
            if first:
                _record_reference(reference)
    if not references:
        return plain(text), []
    numbers = iter(references)
    if only_citations(pieces):
        return " ".join(link(r) for r in references), references
    shown = "".join(link(next(numbers)) if isinstance(p, tuple) else plain(p) for p in pieces)
    return shown, references


def reference_link(reference: Reference) -> str:
    """The HTML link of a citation: '[3]' to the entry #ref-3."""
    return (
        f'<a class="ref" href="#{reference.anchor}" title="{html.escape(reference.source_id)}">'
        f"[{reference.number}]</a>"
    )


def _markdown_link(reference: Reference) -> str:
    return f"[\\[{reference.number}\\]](#{reference.anchor})"


def _references_metadata(references: Sequence[Reference]) -> list[dict[str, Any]]:
    """The references an output cites, once each, for the page's References section."""
    unique = {r.number: r for r in references}
    return [unique[n].as_json() for n in sorted(unique)]


def md(template: str, **values: Any) -> None:
    """Show Markdown prose; ``{name}`` fields are filled with escaped values (a curated
    source id in the prose or in them as its numbered reference)."""
    # an id the prose itself names ("The claim (defenceweb-2019) ...") is a reference too
    template, references = cited(template, lambda text: text, _markdown_link)
    filled = {}
    for key, value in values.items():
        filled[key], found = cited(str(value), esc, _markdown_link)
        references += found
    facts = {"references": _references_metadata(references)} if references else {}
    display(
        Markdown(template.format(**filled)),
        metadata={METADATA_KEY: facts} if facts else None,
    )


def key_findings(sentences: Sequence[str], data_through: date | None = None) -> None:
    """The 'Key findings' box at the top of a report: 3-6 sentences computed from the data,
    and, given the newest date they rest on, how recent the data is."""
    references: list[Reference] = []
    shown = []
    for sentence in sentences:
        text, found = cited(sentence, html.escape, reference_link)
        shown.append(text)
        references += found
    items = "".join(f"<li>{text}</li>" for text in shown)
    recency = (
        f'<p class="data-through">{html.escape(data_through_text(data_through))}</p>'
        if data_through is not None
        else ""
    )
    body = f'<div class="key-findings"><h2>Key findings</h2>{recency}<ul>{items}</ul></div>'
    facts: dict[str, Any] = {"key_findings": list(sentences)}
    if references:
        facts["references"] = _references_metadata(references)
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


def no_data(what: str, how_to_get: str = "", build_hint: str = "") -> None:
    """Say plainly that a section has no data, and how to get it; a section never vanishes.

    ``build_hint`` (a command or folder for whoever builds the report) goes to standard error:
    the build keeps it in the notebook and the manifest's warnings, and the page leaves it out.
    """
    hint = f" {html.escape(how_to_get)}" if how_to_get else ""
    if build_hint:
        print(build_hint, file=sys.stderr)
    display(
        HTML(f'<div class="no-data"><strong>No data:</strong> {html.escape(what)}.{hint}</div>'),
        metadata={METADATA_KEY: {"no_data": what}},
    )


def reset_figure_numbers(sources: pd.DataFrame | None = None) -> None:
    """Start figure, table and reference numbers again at 1, citing from ``sources`` (a
    sources.csv table; opening a run does this with the run's)."""
    numbering.start(sources)


def _encode(rendered: dict[str, bytes]) -> tuple[str, bytes]:
    """The smaller of the figure's SVG and PNG renderings (or the one made), as (mime type,
    bytes)."""
    svg, png = rendered.get("svg"), rendered.get("png")
    if svg is not None and (png is None or len(svg) <= len(png)):
        return "image/svg+xml", svg
    return "image/png", png


def _figures_dir() -> Path | None:
    """The folder the build gave for this notebook's figures and data, if any."""
    folder = os.environ.get(FIGURES_DIR_ENV)
    return Path(folder) if folder else None


def _write_atomic(path: Path, text: str) -> None:
    """Write a file through a temporary file and a rename (a reader never sees half of it)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _take_away(
    kind: str, number: int, slug: str, title: str, taken: Takeaway, about: dict[str, Any]
) -> None:
    """Record a figure's or table's take-away data (_record_takeaway) under its number."""
    entry = {
        "kind": kind,
        "number": number,
        "slug": slug,
        "title": title,
        "file": f"{slug}.csv",
        "withheld": taken.withheld,
        "sources": [d.key for d in taken.sources],
        "sources_line": taken.sources_line,
    }
    _record_takeaway(entry, taken.csv, about, taken.cells)


def _record_takeaway(
    entry: dict[str, Any], csv: str | None, about: dict[str, Any], cells: str | None = None
) -> None:
    """Save a figure's or table's CSV, its metadata file (``<slug>.metadata.json``) and its
    typed cells (Takeaway.cells) into the figures folder and list it in CONTENTS_FILE, for the
    build's spreadsheet (analysis.pipeline.workbook)."""
    folder = _figures_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    if csv is not None:
        _write_atomic(folder / entry["file"], csv)
    _write_atomic(folder / f"{entry['slug']}.metadata.json", metadata_json(about))
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


def data_link(
    taken: Takeaway, slug: str, about: Mapping[str, Any] | None = None, named: bool = False
) -> str:
    """The 'data (CSV)' link of a figure or table (a ``data:`` URL, no script), or a note
    saying why its rows are withheld; beside it, its metadata file (``about``) and the line
    of its sources and licences (only the licences where the caption ``named`` the sources)."""
    beside = ""
    if about is not None:
        name = html.escape(f"{slug}.metadata.json", quote=True)
        beside = (
            f' · <a href="{metadata_href(about)}" download="{name}" type="application/json" '
            'class="metadata">sources and licences (JSON)</a>'
        )
    line = taken.sources_line
    if named:
        line = "Licences: " + line.partition("; licences: ")[2]
    note = f' <span class="data-sources">{html.escape(line)}</span>'
    if taken.csv is None:
        return (
            f'<p class="data-link withheld">Data not exported: {html.escape(taken.withheld)}.'
            f"{beside}{note}</p>"
        )
    name = html.escape(f"{slug}.csv", quote=True)
    folder = _figures_dir()
    if folder is not None and len(taken.csv) > EMBED_LIMIT_BYTES:
        # Too big to carry in the page (every event of a long period): the run's spreadsheet
        # and the figures folder hold it.
        book = html.escape(f"{folder.name}.xlsx", quote=True)
        return (
            f'<p class="data-link in-workbook">data: {taken.rows:,} rows, in the spreadsheet '
            f'<a href="{book}">{book}</a> and in figures/{html.escape(folder.name)}/{name}'
            f"{beside}{note}</p>"
        )
    return (
        f'<p class="data-link"><a href="{taken.href()}" download="{name}" type="text/csv">'
        f"data (CSV)</a>{beside}{note}</p>"
    )


#: A drawing of a figure: the figure itself, or a function that draws it (then drawn once per
#: rendition: for the desktop column and for a phone's).
Drawing = Figure | Callable[[], Figure]


def _drawn(drawing: Drawing) -> Iterator[tuple[str, Figure]]:
    """The figure in each rendition it is drawn for: a given Figure once (as drawn), a function
    once per style.RENDITIONS, each drawn and yielded inside its rendition (text sizes)."""
    if isinstance(drawing, Figure):
        yield "", drawing
        return
    for chosen in style.RENDITIONS:
        with style.rendition(chosen):
            yield chosen.name, drawing()


def _image(
    rendered: dict[str, bytes],
    tooltips: dict[str, list[str]] | None,
    prefix: str,
    alt: str,
    css_class: str,
) -> str:
    """One rendition's markup: inline SVG with its tooltips where that stays small, else the
    smaller file (the PNG where the figure's rows may not be put in the page's markup)."""
    svg, png = rendered.get("svg"), rendered.get("png")
    image = (
        None
        if tooltips is None or svg is None
        else hover.inline_svg(svg, tooltips, prefix, alt, css_class, css_class == PHONE_CLASS)
    )
    if image is None or (png is not None and len(svg) > INLINE_SVG_FACTOR * len(png)):
        mime, payload_bytes = (
            ("image/png", rendered["png"]) if tooltips is None else _encode(rendered)
        )
        payload = base64.b64encode(payload_bytes).decode("ascii")
        shown = f' class="{css_class}"' if css_class else ""
        image = (
            f'<img{shown} src="data:{mime};base64,{payload}" alt="{html.escape(alt, quote=True)}"/>'
        )
    return image


def key_html(key: Sequence[KeyEntry]) -> str:
    """The milestones numbered on a figure as a list under it: '1 Coup (22 March 2012)'."""
    if not key:
        return ""
    items = "".join(
        f'<li><b style="color:{html.escape(entry.colour, quote=True)}">{entry.number}</b> '
        f"{html.escape(entry.text)}</li>"
        for entry in key
    )
    return f'<ol class="milestone-key" aria-label="Milestones numbered on the figure">{items}</ol>'


def figure(
    fig: Drawing,
    slug: str,
    caption: str,
    source: str | Sequence[str] | None = None,
    data: Any = None,
) -> None:
    """Show a numbered figure (``id="figure-N"``), its caption, its source and a link to its
    data with its metadata file and licences; returns nothing, so a cell that ends with it
    echoes nothing.

    ``fig`` is the figure, or a function that draws it: then it is drawn for the desktop
    column and for a phone's, and the page shows the one that fits the window (the report's
    CSS); the desktop drawing is saved in the figures folder. Milestones numbered on it are
    listed under it. ``source`` (one line, or one per panel) is named once, in the caption, not
    in the image. ``data`` (what the figure was drawn from) becomes the 'data (CSV)' link and a
    sheet of the run's spreadsheet. The figure is inline SVG where that stays small, with a
    tooltip (``<title>``) on each bar, point and area; else a PNG. Texts are shown literally.
    """
    numbers = numbering.current()
    number = numbers.next_figure()
    source_text = join_sources(source).removeprefix("Source: ") if source else ""
    taken = None if data is None else takeaway(data, source_text, *_run_reads())
    # Event rows that may not be passed on (ACLED) are not put in the page's markup either.
    restricted = taken is not None and taken.rows_restricted
    images, title, key = [], slug, []
    # the first rendition (the desktop's, saved in the figures folder) in both formats; the
    # others only in the one the page shows of the first (an inline SVG, or a PNG)
    formats = FORMATS
    for name, drawn in _drawn(fig):
        if not images:
            title, key = _figure_title(drawn, slug), milestone_key(drawn)
        tooltips: dict[str, list[str]] | None = None if restricted else {}
        rendered = render(
            drawn,
            annotate=None
            if tooltips is None
            else lambda f, t=tooltips: t.update(hover.label_artists(f)),
            formats=formats,
        )
        if not images:
            save_figure_files(drawn, slug, rendered=rendered)
        plt.close(drawn)
        alt = f"Figure {number}. {title}. {caption}"
        prefix = f"f{number}{name[:1] if name != style.DESKTOP.name else ''}-"
        css_class = f"figure-{name}" if name else ""  # DESKTOP_CLASS, PHONE_CLASS
        images.append(_image(rendered, tooltips, prefix, alt, css_class))
        formats = ("png",) if images[0].startswith("<img") else ("svg",)
    facts: dict[str, Any] = {"number": number, "slug": slug, "title": title}
    link = ""
    if taken is not None:
        file_slug = numbers.unique_slug("figure", slug)
        about = metadata(taken, title, "figure", number, f"{file_slug}.csv")
        link = data_link(taken, file_slug, about, named=bool(source_text))
        facts["data"] = f"{file_slug}.csv" if taken.csv is not None else None
        _take_away("figure", number, file_slug, title, taken, about)
    body = (
        f'<figure class="report-figure" id="figure-{number}">{"".join(images)}{key_html(key)}'
        f"<figcaption><strong>Figure {number}.</strong> {html.escape(title)}. "
        f"{html.escape(caption)}"
        f"{f' <span class=source>Source: {html.escape(source_text)}</span>' if source_text else ''}"
        f"</figcaption>{link}</figure>"
    )
    display(HTML(body), metadata={METADATA_KEY: {"figure": facts}})


def _figure_title(fig: Figure, slug: str) -> str:
    """The figure's title: its suptitle, else its first axes title, else its slug."""
    # The style puts titles on the left (axes.titlelocation), where get_title() does not look.
    titles = [
        t for ax in fig.axes for loc in ("left", "center", "right") if (t := ax.get_title(loc))
    ]
    # a title wrapped to the figure's width is one line in the caption
    return " ".join((fig.get_suptitle() or (titles[0] if titles else slug)).split())


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


#: A word this long in a table cell (a file name, a URL, an id) may wrap after _ / . or -.
LONG_WORD = 15
#: A cell this short with a hyphen never wraps (a date must not break at its hyphen).
SHORT_CELL = 12
_BREAK_AFTER = re.compile(r"(?<=[_/.\-])(?=\S)")


def cell_text(text: str) -> tuple[str, str]:
    """A text cell's class and escaped content: long words get break points (``<wbr>``) after
    _ / . -, so tables keep whole words whole (no 'organisati-on') yet fit the page; a short
    cell with a hyphen (2019-11-01, al-Qaeda) is 'text short', which never wraps."""
    if len(text) <= SHORT_CELL and "-" in text:
        return "text short", html.escape(text, quote=False)
    shown = []
    for word in re.split(r"(\s+)", text):
        parts = _BREAK_AFTER.split(word) if len(word) >= LONG_WORD else [word]
        shown.append("<wbr>".join(html.escape(part, quote=False) for part in parts))
    return "text", "".join(shown)


def table_html(
    frame: pd.DataFrame,
    caption: str = "",
    decimals: dict[str, int] | None = None,
    number: int | None = None,
) -> str:
    """A reader's table ('Table N.' before its caption, given N): escaped cells, numbers
    right-aligned with thousands separators, a cell of several values (list, tuple, set,
    array) as the values joined with '; ', a curated source id as its numbered reference."""
    return _table_markup(frame, caption, decimals, number)[0]


def _text_cell(value: Any) -> tuple[str, list[Reference]]:
    """A text cell's markup (see cell_text), its cited source ids as numbered references."""
    if is_list_cell(value):  # the event table's actors, group_ids, target
        value = list_text(value)
    elif value is None or (not isinstance(value, str) and pd.isna(value)):
        value = "–"
    elif isinstance(value, pd.Timestamp) and value == value.normalize():
        # A day shows as a day (2020-01-01), as in the CSV, not with midnight.
        value = value.date().isoformat()
    text = str(value)
    shown, references = cited(text, lambda piece: cell_text(piece)[1], reference_link)
    kind = "text" if references else cell_text(text)[0]
    return f'<td class="{kind}">{shown}</td>', references


def _table_markup(
    frame: pd.DataFrame,
    caption: str = "",
    decimals: Mapping[str, int] | None = None,
    number: int | None = None,
) -> tuple[str, list[Reference]]:
    """The table's markup (table_html) and the references its cells cite."""
    decimals = decimals or {}
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f'<th class="{"num" if c in numeric else "text"}">{html.escape(str(c))}</th>'
        for c in frame.columns
    )
    rows = []
    references: list[Reference] = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            if column in numeric:
                text = format_number(value, decimals.get(column, 0))
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            else:
                cell, found = _text_cell(value)
                cells.append(cell)
                references += found
        rows.append(f"<tr>{''.join(cells)}</tr>")
    label = f"<strong>Table {number}.</strong> " if number is not None else ""
    cap = f"<caption>{label}{html.escape(caption)}</caption>" if caption or label else ""
    markup = (
        f'<table class="report-table">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return markup, references


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
        no_data(caption or "this table has no rows for the chosen country, period and groups")
        return
    numbers = numbering.current()
    number = numbers.next_table()
    file_slug = numbers.unique_slug("table", f"table-{slug or caption[:40] or number}")
    shown, references = _table_markup(frame, caption, decimals, number)
    cites = _references_metadata(references)
    # The CSV holds what the table shows: its columns, not the frame's index.
    taken = takeaway(frame.reset_index(drop=True), source, *_run_reads())
    title = caption or file_slug
    about = metadata(taken, title, "table", number, f"{file_slug}.csv", cites)
    _take_away("table", number, file_slug, title, taken, about)
    facts: dict[str, Any] = {"table": {"number": number, "slug": file_slug, "caption": caption}}
    if cites:
        facts["references"] = cites
    link = data_link(taken, file_slug, about)
    display(
        HTML(f'<div class="report-table-block">{shown}{link}</div>'),
        metadata={METADATA_KEY: facts},
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
        no_data(block.what, block.how_to_get, block.build_hint)
    elif isinstance(block, Chart):
        figure(
            lambda: draw_chart(block), block.slug, block.caption, source=block.source,
            data=block.data,
        )  # fmt: skip
    elif isinstance(block, Table):
        table(block.frame, block.caption, block.decimals, slug=block.slug, source=block.source)
    else:
        raise TypeError(f"not a block of a report section: {block!r}")


def show(report: Report, key: str) -> None:
    """Put the report's section ``key`` on the page: its prose, figures, tables and no-data
    notes, in order, each figure and table with its data link; the section's build hints go
    to standard error (the build's log), as a no-data note's do."""
    shown = report.sections[key]
    for hint in shown.build_hints:
        print(hint, file=sys.stderr)
    for block in shown.blocks:
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
