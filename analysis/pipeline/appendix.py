"""The report's appendix: sections a reader opens, after the brief, printed in full in the PDF.

A notebook puts its appendix last, under a Markdown heading ``## Appendix``, with one
``### <title>`` per section. After rendering, ``wrap_appendix`` puts everything from that heading
to the end of the report body in ``<section class="appendix">`` and each ``###`` section in
``<details class="appendix-section"><summary>...</summary>...</details>``, the heading itself in
the summary (so the table of contents still lands on it). The page's cells are whole ``<div>``
elements, so a section is a run of whole cells and the markup stays balanced. Page metrics count
the main body as everything before ``<section class="appendix">``.
"""

from __future__ import annotations

import re

APPENDIX_TITLE = "Appendix"
SECTION_CLASS = "appendix"
DETAILS_CLASS = "appendix-section"

_MAIN = re.compile(r'(<main class="report-body">)(.*)(</main>)', re.DOTALL)
_DIV = re.compile(r"<div\b[^>]*>|</div\s*>", re.IGNORECASE)
_APPENDIX_H2 = re.compile(
    r"<h2\b[^>]*>\s*" + APPENDIX_TITLE + r"\s*(?:<a\b[^>]*>[^<]*</a>)?\s*</h2\s*>", re.IGNORECASE
)
_H3 = re.compile(r"<h3\b[^>]*>.*?</h3\s*>", re.IGNORECASE | re.DOTALL)


def top_level_blocks(body: str) -> list[str]:
    """The report body cut into its top-level ``<div>`` elements (the cells), in order.

    Text between two cells (whitespace) stays with the cell before it; text before the first
    cell is a block of its own. Joined again, the blocks give back ``body`` unchanged.
    """
    blocks: list[str] = []
    depth, start = 0, 0
    for tag in _DIV.finditer(body):
        if tag.group(0).startswith("</"):
            depth -= 1
            if depth == 0:
                blocks.append(body[start : tag.end()])
                start = tag.end()
        else:
            if depth == 0 and body[start : tag.start()].strip():
                blocks.append(body[start : tag.start()])
                start = tag.start()
            elif depth == 0 and blocks:
                blocks[-1] += body[start : tag.start()]
                start = tag.start()
            depth += 1
    if start < len(body):
        if blocks and not body[start:].strip():
            blocks[-1] += body[start:]
        else:
            blocks.append(body[start:])
    return blocks


def _details(blocks: list[str], opened: bool = False) -> str:
    """One appendix section: its first block's ``<h3>`` as the summary, the rest inside."""
    heading = _H3.search(blocks[0])
    assert heading is not None  # a section starts at a block with an h3 (see wrap_appendix)
    first = blocks[0][: heading.start()] + blocks[0][heading.end() :]
    inside = "".join([first, *blocks[1:]])
    return (
        f'<details class="{DETAILS_CLASS}"{" open" if opened else ""}>'
        f"<summary>{heading.group(0)}</summary>"
        f"{inside}</details>\n"
    )


def wrap_appendix(page: str, opened: bool = False) -> str:
    """Wrap the body's ``## Appendix`` part in ``<section class="appendix">`` and each of its
    ``###`` sections in ``<details>`` (open when ``opened``: a failed report shows its traceback
    wherever it stopped); a page without that heading is returned unchanged."""
    main = _MAIN.search(page)
    if main is None:
        return page
    blocks = top_level_blocks(main.group(2))
    start = next((i for i, block in enumerate(blocks) if _APPENDIX_H2.search(block)), None)
    if start is None:
        return page
    intro: list[str] = [blocks[start]]
    sections: list[list[str]] = []
    for block in blocks[start + 1 :]:
        if _H3.search(block):
            sections.append([block])
        elif sections:
            sections[-1].append(block)
        else:
            intro.append(block)
    appendix = (
        f'<section class="{SECTION_CLASS}">\n'
        + "".join(intro)
        + "".join(_details(section, opened) for section in sections)
        + "</section>\n"
    )
    body = "".join(blocks[:start]) + appendix
    return page[: main.start(2)] + body + page[main.end(2) :]
