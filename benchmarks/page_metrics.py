"""Page metrics of built reports, measured in a real browser (Debian's Chromium via Playwright,
offline): main-body words, tables wider than their column, horizontal scroll, file size, and
the size of the text inside figures as drawn on screen.

    .venv/bin/python benchmarks/page_metrics.py reports/2026-11-27/*.html [--width 1280]

At 390 px (``PHONE``) a page reads in one column when no two blocks sit side by side and no
text or figure runs past the window (a table may scroll inside its own box).

The main body is everything before ``<section class="appendix">`` (the whole body when a page
has none); text drawn inside figures (SVG labels and tooltips) is not counted. A table is wider
than its column when it overflows the box that holds it (a scrolling wrapper, or the page's
column). tests/test_browser.py uses the same functions.

Figure text is measured on the inline SVG of every figure shown at the window's width (the
appendix's sections opened first): the on-screen size of each ``<text>`` is its font size
times the SVG's scale to the screen (``getScreenCTM``), in CSS pixels; a figure shown as an
image has no text to measure and is counted apart.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

#: Measures the page as laid out; returns plain values (see PageMetrics).
MEASURE_JS = r"""() => {
  const appendix = document.querySelector('section.appendix');
  const inMain = (node) => !appendix ||
    (appendix.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || parent.closest('svg, style, script, template')) return NodeFilter.FILTER_REJECT;
      return inMain(node) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    }
  });
  let words = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    words += n.textContent.split(/\s+/).filter(w => /[\p{L}\p{N}]/u.test(w)).length;
  }
  const column = document.querySelector('main') || document.querySelector('.page') || document.body;
  const columnRight = column.getBoundingClientRect().right;
  const wide = [];
  for (const table of document.querySelectorAll('table')) {
    let box = table.parentElement;
    while (box && box !== column && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
    box = box || column;
    const rect = table.getBoundingClientRect();
    const overflows = box.scrollWidth > box.clientWidth + 1 || rect.right > columnRight + 1 ||
                      table.scrollWidth > table.clientWidth + 1;
    if (overflows && rect.width > 0) {
      const caption = table.querySelector('caption');
      wide.push({caption: caption ? caption.textContent.trim().slice(0, 80) : '(no caption)',
                 width: Math.round(rect.width), column: Math.round(box.clientWidth),
                 in_main: Boolean(inMain(table))});
    }
  }
  const scroller = document.scrollingElement;
  const shown = (selector) => Array.from(document.querySelectorAll(selector))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const blocks = shown(
    'main p, main figure, main table, main h2, main h3, main ul, nav.contents, .key-findings');
  let sideBySide = 0;
  for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) {
    const a = blocks[i], b = blocks[j];
    const rows = a.top < b.bottom - 1 && b.top < a.bottom - 1;
    const apart = a.right <= b.left + 1 || b.right <= a.left + 1;
    if (rows && apart) sideBySide++;
  }
  // Text and figures must fit the window; a table may scroll inside its own box on a phone.
  const offscreen = shown('main p, main h2, main h3, main figure, main figure svg, main figure img')
    .filter(r => r.left < -1 || r.right > window.innerWidth + 1).length;
  return {words, wide_tables: wide, scroll_width: scroller.scrollWidth,
          client_width: scroller.clientWidth, side_by_side: sideBySide, offscreen};
}"""

#: Every figure and table, with its data link and what the table shows.
ITEMS_JS = r"""() => {
  const link = (box) => {
    const note = box ? box.querySelector(':scope > .data-link') : null;
    const a = note ? note.querySelector('a[download]') : null;
    const kept = note && (note.classList.contains('withheld') || note.classList.contains('in-workbook'));
    return {href: a ? a.getAttribute('href') : null, download: a ? a.getAttribute('download') : null,
            withheld: kept ? note.textContent.trim() : null};
  };
  const items = [];
  document.querySelectorAll('figure.report-figure').forEach((figure, i) => {
    const svg = figure.querySelector('svg');
    items.push({kind: 'figure', index: i, caption: (figure.querySelector('figcaption') || {}).textContent || '',
                svg: Boolean(svg), img: Boolean(figure.querySelector('img')),
                titles: svg ? svg.querySelectorAll('title').length : 0, ...link(figure)});
  });
  document.querySelectorAll('table.report-table').forEach((table, i) => {
    const block = table.closest('.report-table-block');
    items.push({kind: 'table', index: i, caption: (table.querySelector('caption') || {}).textContent || '',
                columns: Array.from(table.querySelectorAll('thead th')).map(th => th.textContent.trim()),
                rows: table.querySelectorAll('tbody tr').length, ...link(block)});
  });
  return items;
}"""


#: The numbered references of a page: each link to one (``#ref-N``), each entry of the
#: References section with the URLs it links, and the text a reader reads (the brief, the key
#: findings and the appendix, a word cut by ``<wbr>`` read whole; not the entries' own ids,
#: figures' drawn text or scripts).
CITATIONS_JS = r"""() => {
  const links = Array.from(document.querySelectorAll('a[href^="#ref-"]'))
    .map(a => ({href: a.getAttribute('href'), text: a.textContent.trim()}));
  const entries = Array.from(document.querySelectorAll('li[id^="ref-"]')).map(li => ({
    anchor: li.id,
    source_id: ((li.querySelector('.ref-id') || {}).textContent || '').replace(/[()]/g, '').trim(),
    urls: Array.from(li.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
  }));
  const parts = [];
  for (const root of document.querySelectorAll('main, .key-findings')) {
    // A copy without the break points of long words (<wbr>), so that an id cut by them reads
    // whole, and without what a reader does not read as text.
    const copy = root.cloneNode(true);
    copy.querySelectorAll('wbr, svg, style, script, .ref-id').forEach(e => e.remove());
    copy.normalize();
    const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.textContent);
  }
  return {links, entries, text: parts.join(' ')};
}"""

#: What a notebook echoed instead of showing: its cells' returned values (a lone "1" under a
#: figure) and paragraphs that are only a number.
ECHOES_JS = r"""() => {
  const results = Array.from(document.querySelectorAll('main .jp-OutputArea-executeResult'))
    .map(e => e.textContent.trim()).filter(t => t);
  const lone = Array.from(document.querySelectorAll('main p, main pre'))
    .map(e => e.textContent.trim()).filter(t => /^[-+]?[\d.,]+$/.test(t));
  return {results: Array.from(new Set(results)), lone_numbers: lone};
}"""


def citations(page: Any, sources: dict[str, str]) -> dict[str, Any]:
    """How a page cites the curated sources (``sources``: id -> URL, '' when none): the ids
    cited (linked, or left as bare text), those with a URL, those whose entry links it, the
    bare ids, and the links that reach no entry."""
    found = page.evaluate(CITATIONS_JS)
    return citation_counts(found, sources)


def citation_counts(found: dict[str, Any], sources: dict[str, str]) -> dict[str, Any]:
    """The counts of ``citations`` from what CITATIONS_JS found (see there)."""
    entries = {e["anchor"]: e for e in found["entries"]}
    linked_ids = {entries[h[1:]]["source_id"] for h in (a["href"] for a in found["links"])
                  if h.startswith("#") and h[1:] in entries}  # fmt: skip
    dangling = sorted({a["href"] for a in found["links"]} - {f"#{a}" for a in entries})
    words = set(re.split(r"[\s,;:()\[\]]+", found["text"]))
    bare = sorted(i for i in sources if i in words or f"{i}." in words)
    cited = linked_ids | set(bare)
    with_url = {i for i in cited if sources.get(i)}
    by_id = {e["source_id"]: e for e in entries.values()}
    linked = {i for i in with_url if i in by_id and sources[i] in by_id[i]["urls"]}
    return {
        "cited": len(cited),
        "cited_with_url": len(with_url),
        "linked": len(linked),
        "bare_ids": bare,
        "dangling_links": dangling,
        "entries": len(entries),
    }


def echoes(page: Any) -> dict[str, list[str]]:
    """What the page echoed (see ECHOES_JS)."""
    return page.evaluate(ECHOES_JS)


#: The on-screen font size (CSS px) of every text drawn in a figure shown at this width: the
#: text's computed font size in the SVG's units times the SVG's scale to the screen.
FIGURE_TEXT_JS = r"""() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const figures = [];
  document.querySelectorAll('figure.report-figure').forEach((figure, index) => {
    const shown = Array.from(figure.querySelectorAll('svg.figure-svg, img'))
      .filter(e => e.getBoundingClientRect().width > 0);
    const svg = shown.find(e => e.tagName.toLowerCase() === 'svg');
    const sizes = [];
    if (svg) {
      svg.querySelectorAll('text').forEach(text => {
        if (!text.textContent.trim()) return;
        const m = text.getScreenCTM();
        if (!m) return;
        const scale = Math.hypot(m.a, m.b);
        sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
      });
    }
    figures.push({index, svg: Boolean(svg), image: !svg && shown.length > 0,
                  width: shown.length ? shown[0].getBoundingClientRect().width : 0, sizes});
  });
  return figures;
}"""


#: The colour of every figure element tagged with what it is coloured for: the page's SVG ids
#: end in '-group-jnim', '-type-battle'... (analysis.figures.colours.tag). Both drawings of a
#: figure (desktop and phone) are read, shown or not; a hatched bar's colour is its pattern's.
FIGURE_COLOURS_JS = r"""() => {
  const tagged = /-hover\d+-(group|type|country|affiliation)-(.+)$/;
  const colourOf = (shape) => {
    const style = getComputedStyle(shape);
    let fill = style.fill;
    if (fill.startsWith('url(')) {
      const id = fill.slice(fill.indexOf('#') + 1).replace(/["')]/g, '');
      const rect = document.getElementById(id) && document.getElementById(id).querySelector('rect');
      fill = rect ? getComputedStyle(rect).fill : 'none';
    }
    return (fill === 'none' || fill === 'rgba(0, 0, 0, 0)') ? style.stroke : fill;
  };
  const found = [];
  document.querySelectorAll('figure.report-figure').forEach((figure, index) => {
    figure.querySelectorAll('svg.figure-svg g[id]').forEach(group => {
      const match = group.id.match(tagged);
      if (!match) return;
      const shape = Array.from(group.querySelectorAll('path, use, rect, circle, polygon'))
        .find(e => !e.closest('defs'));
      if (shape) found.push({figure: index, kind: match[1], key: match[2], colour: colourOf(shape)});
    });
  });
  return found;
}"""

#: Each figure's milestone key (its numbers) and the numbers written in its shown drawing.
MILESTONE_KEYS_JS = r"""() => Array.from(document.querySelectorAll('figure.report-figure'))
  .map((figure, index) => {
    const key = Array.from(figure.querySelectorAll('ol.milestone-key li b')).map(b => b.textContent);
    const svg = Array.from(figure.querySelectorAll('svg.figure-svg'))
      .find(e => e.getBoundingClientRect().width > 0);
    const drawn = svg ? Array.from(svg.querySelectorAll('text'))
      .map(t => t.textContent.trim()).filter(t => /^\d+$/.test(t)) : [];
    return {index, key, drawn};
  }).filter(f => f.key.length)"""


@dataclass
class FigureText:
    """The on-screen sizes (CSS px) of the text in a page's figures at one window width."""

    width: int
    sizes: list[float]
    figures: int
    measured: int
    per_figure: list[dict[str, Any]] = field(default_factory=list)

    @property
    def smallest(self) -> float:
        """The smallest text, in px (0 when no text was measured)."""
        return min(self.sizes, default=0.0)

    @property
    def median(self) -> float:
        """The median text size, in px (0 when no text was measured)."""
        ordered = sorted(self.sizes)
        if not ordered:
            return 0.0
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    def line(self) -> str:
        """One line for the terminal."""
        return (
            f"figure text at {self.width} px: min {self.smallest:.1f} px, median "
            f"{self.median:.1f} px ({len(self.sizes):,} texts in {self.measured} of "
            f"{self.figures} figures)"
        )


@dataclass
class PageMetrics:
    """What one page measures at one width, and what it did while loading."""

    path: Path
    width: int
    words: int
    wide_tables: list[dict[str, Any]]
    horizontal_scroll: bool
    side_by_side: int
    offscreen: int
    bytes: int
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for the terminal."""
        return (
            f"{self.path.name}: {self.words:,} main-body words; "
            f"{len(self.wide_tables)} tables wider than their column; horizontal scroll "
            f"{'yes' if self.horizontal_scroll else 'no'} at {self.width} px; "
            f"{self.bytes / 1024 / 1024:.2f} MB"
        )


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with the build's PDF arguments (no network services)."""
    # imported here: the analysis package is needed only when the script runs
    from analysis.pipeline.pdf import CHROMIUM_ARGS  # noqa: PLC0415 (see above)

    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


@contextmanager
def open_page(browser: Any, path: Path, viewport: dict[str, int]) -> Iterator[tuple[Any, Any]]:
    """The file opened offline at ``viewport``; yields (page, log) where log collects console
    errors and every request that leaves the file (none reaches the network)."""
    url = path.resolve().as_uri()
    context = browser.new_context(viewport=viewport, offline=True)
    page = context.new_page()
    log: dict[str, list[str]] = {"errors": [], "outside": []}

    def inside(request_url: str) -> bool:
        return request_url.split("#")[0] == url or request_url.startswith("data:")

    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: log["errors"].append(str(error)))
    page.on("request", lambda r: None if inside(r.url) else log["outside"].append(r.url))
    page.route(
        "**/*", lambda route: route.continue_() if inside(route.request.url) else route.abort()
    )
    try:
        page.goto(url, wait_until="load")
        yield page, log
    finally:
        context.close()


def measure(page: Any, path: Path, log: dict[str, list[str]]) -> PageMetrics:
    """The metrics of a page already open (see MEASURE_JS)."""
    found = page.evaluate(MEASURE_JS)
    return PageMetrics(
        path=path,
        width=page.viewport_size["width"],
        words=found["words"],
        wide_tables=found["wide_tables"],
        horizontal_scroll=found["scroll_width"] > found["client_width"],
        side_by_side=found["side_by_side"],
        offscreen=found["offscreen"],
        bytes=path.stat().st_size,
        console_errors=list(log["errors"]),
        outside_requests=list(log["outside"]),
    )


def items(page: Any) -> list[dict[str, Any]]:
    """Every figure and table of the page with its data link (see ITEMS_JS)."""
    return page.evaluate(ITEMS_JS)


def figure_text(page: Any) -> FigureText:
    """The on-screen text sizes of the figures of a page already open (see FIGURE_TEXT_JS)."""
    found = page.evaluate(FIGURE_TEXT_JS)
    sizes = [size for figure in found for size in figure["sizes"]]
    return FigureText(
        width=page.viewport_size["width"],
        sizes=sizes,
        figures=len(found),
        measured=sum(1 for figure in found if figure["sizes"]),
        per_figure=found,
    )


def figure_colours(page: Any) -> list[dict[str, Any]]:
    """The colour (CSS rgb) of every tagged figure element of a page already open, with its
    figure's index and what it is coloured for (see FIGURE_COLOURS_JS)."""
    return page.evaluate(FIGURE_COLOURS_JS)


def milestone_keys(page: Any) -> list[dict[str, Any]]:
    """The figures with a milestone key: the key's numbers and the numbers drawn in the
    figure's shown drawing (see MILESTONE_KEYS_JS)."""
    return page.evaluate(MILESTONE_KEYS_JS)


def page_metrics(browser: Any, path: Path, viewport: dict[str, int] = DESKTOP) -> PageMetrics:
    """Open ``path`` at ``viewport`` and measure it."""
    with open_page(browser, path, viewport) as (page, log):
        return measure(page, path, log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="HTML files of built reports")
    parser.add_argument("--width", type=int, default=DESKTOP["width"], help="viewport width (px)")
    args = parser.parse_args(argv)
    missing = [str(path) for path in args.files if not path.is_file()]
    if missing:
        print(f"not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 2
    # imported here: playwright is a test dependency, loaded only to measure
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (see above)

    viewport = {**DESKTOP, "width": args.width}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for path in args.files:
                with open_page(browser, path, viewport) as (page, log):
                    metrics = measure(page, path, log)
                    text = figure_text(page)
                print(metrics.line())
                print(f"  {text.line()}")
                for table in metrics.wide_tables:
                    where = "main body" if table["in_main"] else "appendix"
                    print(
                        f"  wide table ({where}): {table['caption']!r}, "
                        f"{table['width']} px in {table['column']} px"
                    )
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
