"""The report's outline, read from the notebook before export: its contents and its appendix.

A notebook's ``##`` and ``###`` headings (Markdown cells, or Markdown a code cell shows:
``page.md("### Asked: ...")``) are its sections; its appendix comes last, under a Markdown
heading ``## Appendix``, with one ``### <title>`` per section. ``outline_preprocessor`` (an
nbconvert preprocessor, run after the cells tagged out are removed) leaves them in
``resources["outline"]``, and the report template (templates/report/index.html.j2) draws from
it the contents list, each entry linked to its heading's id (nbconvert's: 'Data-coverage'), and
the appendix: ``<section class="appendix">`` with each ``###`` section a
``<details class="appendix-section">`` whose summary is its heading, closed on screen, open in a
failed report (its traceback may be in any section) and in the PDF (pipeline/pdf.py opens them
before printing).

Two things are done here, on the notebook, because a template renders cells but cannot cut one
in two nor change the markup nbconvert makes of a cell's Markdown: a heading gets a cell of its
own (the text or outputs around it go to cells before and after), so that every section starts
at a cell and a section's summary holds its heading only; and a heading whose id is taken (two
'## Timeline', or a heading nbconvert could not give an id) is written as the markup nbconvert
makes of a heading, with the next free id ('Timeline-2'), so that each entry lands on its own.
"""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nbformat and nbconvert are imported when a page is rendered, not before
    from nbformat import NotebookNode

APPENDIX_TITLE = "Appendix"
#: A Markdown heading of level 2 or 3 on one line (ATX: '## Title', optionally closed by '#'s).
_HEADING = re.compile(r"^ {0,3}(#{2,3})[ \t]+(\S.*?)(?:[ \t]+#+)?[ \t]*$")
#: The opening or closing line of a fenced code block, where '## x' is code, not a heading.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def pieces(source: str) -> list[str]:
    """A Markdown cell's source cut before and after each level-2 or 3 heading line (outside
    fenced code); blank pieces are dropped."""
    found: list[list[str]] = [[]]
    fence = ""
    for line in source.splitlines():
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
        elif marker:
            fence = marker.group(1)
        elif _HEADING.match(line):
            found += [[line], []]
            continue
        found[-1].append(line)
    return ["\n".join(lines).strip("\n") for lines in found if "".join(lines).strip()]


class _RenderedHeading(HTMLParser):
    """The id nbconvert gives a rendered heading, and its words without the anchor link (¶)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.id = ""
        self.words: list[str] = []
        self.in_anchor = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("h2", "h3") and not self.id:
            self.id = values.get("id") or ""
        classes = (values.get("class") or "").split()
        self.in_anchor = self.in_anchor or (tag == "a" and "anchor-link" in classes)

    def handle_endtag(self, tag: str) -> None:
        self.in_anchor = self.in_anchor and tag != "a"

    def handle_data(self, data: str) -> None:
        if not self.in_anchor:
            self.words.append(data)


def _markdown(output: NotebookNode) -> str | None:
    """The Markdown an output shows (``page.md``'s), or None."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    text = output.get("data", {}).get("text/markdown")
    return text if isinstance(text, str) else None


def heading(cell: NotebookNode) -> tuple[int, str, str] | None:
    """(level, words, id) of a cell that is one ``##`` or ``###`` heading: a Markdown cell, or a
    code cell whose one output is Markdown. It is rendered as the page renders it (nbconvert's
    Markdown filter), then read: its words, and the id nbconvert gave it ('' if none)."""
    if cell.get("cell_type") == "markdown":
        text = cell.get("source", "")
    elif cell.get("cell_type") == "code" and len(cell.get("outputs", [])) == 1:
        text = _markdown(cell.outputs[0]) or ""
    else:
        return None
    match = _HEADING.match(text.strip("\n"))
    if match is None or "\n" in text.strip("\n"):
        return None
    # heavy dependency: imported when a page is rendered (the page's own Markdown filter)
    from nbconvert.filters import markdown2html_mistune  # noqa: PLC0415 (heavy: loaded when used)

    reader = _RenderedHeading()
    reader.feed(markdown2html_mistune(match.group(0)))
    reader.close()
    return len(match.group(1)), " ".join("".join(reader.words).split()), reader.id


def _write_heading(cell: NotebookNode, level: int, words: str, anchor: str) -> None:
    """Write a heading cell as the markup nbconvert makes of a heading, with id ``anchor``."""
    quoted = html.escape(anchor, quote=True)
    markup = (
        f'<h{level} id="{quoted}">{html.escape(words)}'
        f'<a class="anchor-link" href="#{quoted}">\u00b6</a></h{level}>'
    )
    if cell.get("cell_type") == "markdown":
        cell["source"] = markup
    else:
        cell.outputs[0]["data"]["text/markdown"] = markup


def _output_groups(outputs: list[NotebookNode]) -> list[list[NotebookNode]] | None:
    """A code cell's outputs cut before and after each Markdown heading they show (a Markdown
    output is cut at its headings first); None when they show none."""
    groups: list[list[NotebookNode]] = [[]]
    cut = False
    for output in outputs:
        parts = pieces(_markdown(output) or "")
        if not any(_HEADING.match(part) for part in parts):
            groups[-1].append(output)
            continue
        cut = True
        for part in parts:
            shown = copy.deepcopy(output)
            shown["data"]["text/markdown"] = part
            if _HEADING.match(part):
                groups += [[shown], []]
            else:
                groups[-1].append(shown)
    return [group for group in groups if group] if cut else None


def _cut(cell: NotebookNode) -> list[NotebookNode]:
    """A cell as the cells it becomes when each heading it shows gets a cell of its own (ids
    are set by split_at_headings). A code cell keeps its source in its first piece, which
    holds no heading; the others hide theirs as nbconvert's tag removal does (a code cell's
    output headings are usually its first outputs)."""
    if cell.get("cell_type") == "markdown":
        parts = pieces(cell.get("source", ""))
        if len(parts) <= 1:
            return [cell]
        made = [copy.deepcopy(cell) for _ in parts]
        for piece, part in zip(made, parts, strict=True):
            piece["source"] = part
        return made
    groups = _output_groups(cell.get("outputs", [])) if cell.get("cell_type") == "code" else None
    if groups is None:
        return [cell]
    made = [copy.deepcopy(cell) for _ in range(len(groups) + 1)]
    made[0]["outputs"] = []
    for piece, group in zip(made[1:], groups, strict=True):
        piece["outputs"] = group
        piece.metadata["transient"] = {"remove_source": True}
    return made


def split_at_headings(nb: NotebookNode) -> None:
    """Give each level-2 or 3 heading, of a Markdown cell or a Markdown output, a cell of its
    own (changes ``nb`` in place). A cut cell's pieces keep its metadata and attachments; the
    first keeps its id, the others get '<id>-2', '<id>-3'... (unused ids); a cell without an id
    is given one."""
    taken = {cell.get("id") for cell in nb.cells}
    cells = []
    for number, cell in enumerate(nb.cells):
        base = cell.get("id") or _unused(f"cell-{number}", taken)
        for index, piece in enumerate(_cut(cell)):
            piece["id"] = base if index == 0 else _unused(f"{base}-{index + 1}", taken)
            cells.append(piece)
    nb.cells = cells


def _unused(wanted: str, taken: set[Any]) -> str:
    """``wanted``, or it with '-2', '-3'... when a cell already has that id; marked taken."""
    candidate, number = wanted, 1
    while candidate in taken:
        number += 1
        candidate = f"{wanted}-{number}"
    taken.add(candidate)
    return candidate


#: Ids the report template gives its own headings (Key findings, the footer's sections).
TEMPLATE_IDS = frozenset(
    {"key-findings", "what-changed", "contents-title", "data-sources", "how-to-cite"}
)


def outline(nb: NotebookNode) -> dict[str, Any]:
    """The notebook's contents (``[{text, anchor, children}]``, each ``###`` under the ``##``
    before it; ``anchor`` is the heading's id), the id of its ``## Appendix`` cell (or None) and
    the appendix's sections, the ``###`` cells after it (cell id -> {text, anchor}, in order).
    A body heading whose id is taken or missing is rewritten with a free one (_write_heading);
    the template writes the sections' headings itself."""
    contents: list[dict[str, Any]] = []
    appendix, sections = None, {}
    used = set(TEMPLATE_IDS)
    for cell in nb.cells:
        found = heading(cell)
        if found is None:
            continue
        level, text, anchor = found
        in_appendix = level == 3 and appendix is not None
        if not anchor or anchor in used:
            anchor = _unused(anchor or "-".join(text.split()) or "section", used)
            if not in_appendix:
                _write_heading(cell, level, text, anchor)
        used.add(anchor)
        entry = {"text": text, "anchor": anchor, "children": []}
        if level == 3 and contents:
            contents[-1]["children"].append(entry)
        else:
            contents.append(entry)
        if level == 2 and appendix is None and text.casefold() == APPENDIX_TITLE.casefold():
            appendix = cell.id
        elif in_appendix:
            sections[cell.id] = {"text": text, "anchor": anchor}
    return {"contents": contents, "appendix": appendix, "sections": sections}


def outline_preprocessor(
    nb: NotebookNode, resources: dict[str, Any]
) -> tuple[NotebookNode, dict[str, Any]]:
    """An nbconvert preprocessor (a function of the notebook and the resources): each heading
    in a cell of its own, and the notebook's outline in ``resources["outline"]``."""
    split_at_headings(nb)
    resources["outline"] = outline(nb)
    return nb, resources
