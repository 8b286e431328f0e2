"""Executed notebook -> self-contained HTML report, through a swappable nbconvert template folder.

A template folder (default ``analysis/templates/report``) is an nbconvert template: ``conf.json``
plus ``index.html.j2`` and whatever it includes. The build passes the run's facts to it as
``resources.report`` (see ``to_html`` and the templates README). nbconvert's stock templates load
require.js and MathJax from a CDN; the project's template loads nothing, so reports open offline.

Before rendering, the report's front matter is taken out of the notebook (``front_matter``): the
title cell becomes the header, the key-findings outputs become the box at the top. After
rendering, the table of contents is built from the page's h2/h3 headings (``add_contents``).

The exporter is nbconvert's HTMLExporter without its BeautifulSoup pass over the whole page
(``report_exporter_class``): ``accessible_page`` gives images their alt text with a scan.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import html
import re
from collections.abc import Mapping
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.core.outputs import METADATA_KEY
from analysis.pipeline import provenance as report_sources
from analysis.pipeline.appendix import wrap_appendix

if TYPE_CHECKING:  # nbconvert is imported lazily: a no-change rebuild never needs it.
    from nbconvert import HTMLExporter
    from nbformat import NotebookNode

TEMPLATES_DIR: Path = Path(__file__).resolve().parent / "templates"
DEFAULT_TEMPLATE: Path = TEMPLATES_DIR / "report"
#: Cell tags a researcher can use to keep things out of the report.
REMOVE_CELL_TAGS = ("remove_cell",)
REMOVE_INPUT_TAGS = ("remove_input", "hide_input")
REMOVE_OUTPUT_TAGS = ("remove_output",)

_exporters: dict[tuple[str, bool], HTMLExporter] = {}


def template_hash(template_dir: Path = DEFAULT_TEMPLATE) -> str:
    """sha256 over a template folder's files, so a template change re-renders cached reports."""
    digest = hashlib.sha256()
    for path in sorted(p for p in template_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(template_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def check_template(template_dir: Path) -> None:
    """Refuse a folder that is not an nbconvert template, naming what is missing."""
    for required in ("conf.json", "index.html.j2"):
        if not (template_dir / required).is_file():
            raise FileNotFoundError(
                f"{template_dir}: not a report template (missing {required}); "
                f"see {DEFAULT_TEMPLATE} for the expected layout."
            )


def exporter(template_dir: Path = DEFAULT_TEMPLATE, with_code: bool = False) -> HTMLExporter:
    """The report exporter for the template folder, created once per process and reused."""
    key = (str(template_dir.resolve()), with_code)
    if key not in _exporters:
        _exporters[key] = build_exporter(template_dir, with_code)
    return _exporters[key]


def build_exporter(
    template_dir: Path = DEFAULT_TEMPLATE, with_code: bool = False, stock: bool = False
) -> HTMLExporter:
    """A new exporter for the template folder: the report's (``report_exporter_class``), or with
    ``stock`` nbconvert's own HTMLExporter with the same settings, to compare pages against."""
    # heavy dependency: imported only when this runs, so the command starts fast
    from nbconvert import HTMLExporter

    # heavy dependency: imported only when this runs, so the command starts fast
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter_class = HTMLExporter if stock else report_exporter_class()
    html_exporter = exporter_class(
        extra_template_basedirs=[str(template_dir.resolve().parent)],
        template_name=template_dir.name,
        exclude_input=not with_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        # Never pointed at a CDN, even if a template still calls the stock macros.
        mathjax_url="",
        require_js_url="",
    )
    html_exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags=set(REMOVE_CELL_TAGS),
            remove_input_tags=set(REMOVE_INPUT_TAGS),
            remove_all_outputs_tags=set(REMOVE_OUTPUT_TAGS),
        ),
        enabled=True,
    )
    return html_exporter


@functools.cache
def report_exporter_class() -> type[HTMLExporter]:
    """nbconvert's HTMLExporter, but the page is not parsed whole with BeautifulSoup to add
    image alt texts and cell tabindex: ``accessible_page`` does the same with a regex scan."""
    # heavy dependency: imported only when a report is rendered, so the command starts fast
    from nbconvert import HTMLExporter

    # heavy dependency, with nbconvert: the base class whose method renders the template
    # (HTMLExporter's adds the soup pass)
    from nbconvert.exporters.templateexporter import TemplateExporter

    # the filters HTMLExporter.from_notebook_node registers, imported with it (heavy)
    from nbconvert.filters.highlight import Highlight2HTML

    # the filters HTMLExporter.from_notebook_node registers, imported with it (heavy)
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(
            self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
        ) -> tuple[str, dict[str, Any]]:
            """HTMLExporter.from_notebook_node of nbconvert 7 up to the template's page, then
            ``accessible_page`` instead of its BeautifulSoup pass (0.2-0.8 s a report)."""
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight_code = self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
            )
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible_page(page, self.log), resources

    return ReportHTMLExporter


#: The alt text nbconvert gives an image that has none.
MISSING_ALT = "No description has been provided for this image"
# The grammar of Python's html.parser (which nbconvert's BeautifulSoup pass uses), so that the
# scan sees the tags that parser sees: comments, declarations, end tags, script/style bodies
# (text), and start tags, whose attributes are read as locatestarttagend_tolerant and
# attrfind_tolerant do; atomic, as a .match is: the scan never backtracks to end a tag elsewhere.
_ATTRIBUTES = r"""(?>(?:[\s/]*(?:(?<=['"\s/])[^\s/>][^\s/=>]*
    (?:\s*=+\s*(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?(?:\s|/(?!>))*)*)?\s*)"""
_NAME_END = r"(?![^\t\n\r\f />\x00])"
_MARKUP = re.compile(
    r"""<!--.*?--\s*>                         # a comment
    | <!\[CDATA\[.*?\]\s*\]\s*>               # a CDATA section
    | <[!?][^>]*>                             # a doctype, declaration or processing instruction
    | </[^>]*>                                # an end tag (html.parser ends it at the first >)
    | (?P<odd><[!?/])                         # one of those three never closed
    | <(?P<raw>script|style)"""  # script and style bodies are text, up to their end tag
    + _NAME_END
    + _ATTRIBUTES
    + r"""(?: >(?:.*?</\s*(?P=raw)\s*>|(?P<unclosed>.*)) | /> )
    | (?P<img><img"""
    + _NAME_END
    + r")"
    + _ATTRIBUTES
    + r"""(?P<img_end>/?>)?
    | <[a-zA-Z][^\t\n\r\f />\x00]*"""  # any other start tag: its attribute values are skipped
    + _ATTRIBUTES
    + r"(?P<tag_end>/?>)?",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)
_AFTER_NAME = re.compile(r"(?:\s|/(?!>))*")  # what html.parser's tagfind_tolerant skips
_ATTRIBUTE_NAME = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?(?:\s|/(?!>))*"""
)
#: An element of class jp-Notebook (nbconvert's lab page body; our template has none), or a
#: class attribute written with character references, which a plain search could miss.
_NOTEBOOK_CLASS = re.compile(r"(?<![^\s\"'=])jp-Notebook(?![^\s\"'>])", re.IGNORECASE)
_ENCODED_CLASS = re.compile(r"""\sclass\s*=\s*(?:"[^"]*&|'[^']*&|[^\s"'>]*&)""", re.IGNORECASE)


def _has_alt(tag: str) -> bool:
    """Whether an ``<img ...>`` start tag has an alt attribute, as html.parser reads it."""
    position = _AFTER_NAME.match(tag, len("<img")).end()
    while position < len(tag):
        attribute = _ATTRIBUTE_NAME.match(tag, position)
        if not attribute or attribute.end() == position:
            return False
        if attribute.group(1).lower() == "alt":
            return True
        position = attribute.end()
    return False


def accessible_page(page: str, log: Any = None) -> str:
    """Alt text on every image without one; tabindex on cells under ``.jp-Notebook``: what
    nbconvert's HTMLExporter does by parsing the page whole, done by a scan of its tags.

    The scan changes nothing else: the page is not re-serialised. For well-formed markup that
    is nbconvert's page tag for tag; where an output omits optional end tags (``<p>a<p>b``),
    BeautifulSoup would have written it out nested as html.parser read it, and here it stays as
    written (as a browser reads it). A page it cannot read as html.parser does (an unterminated
    tag or script) or that has a ``.jp-Notebook`` element gets nbconvert's own pass instead.
    """
    if _NOTEBOOK_CLASS.search(page) or _ENCODED_CLASS.search(page):
        return _soup_page(page, log)
    pieces: list[str] = []
    done = missing_alt = 0
    for markup in _MARKUP.finditer(page):
        odd, unclosed, img = markup.group("odd", "unclosed", "img")
        if odd is not None or unclosed is not None:  # markup html.parser reads in its own way
            return _soup_page(page, log)
        if img is None:
            start_tag = markup.group(0)[1:2].isalpha() and markup.group("raw") is None
            if start_tag and markup.group("tag_end") is None:  # a start tag with no end
                return _soup_page(page, log)
            continue
        if markup.group("img_end") is None:
            return _soup_page(page, log)
        if not _has_alt(markup.group(0)):
            name_end = markup.end("img")
            pieces.append(page[done:name_end])
            pieces.append(f' alt="{MISSING_ALT}"')
            done = name_end
            missing_alt += 1
    if missing_alt and log is not None:
        log.warning("Alternative text is missing on %s image(s).", missing_alt)
    pieces.append(page[done:])
    return "".join(pieces)


def _soup_page(page: str, log: Any = None) -> str:
    """nbconvert 7's HTMLExporter pass over the whole page, for pages the scan leaves to it."""
    # heavy dependency of nbconvert, only needed for the rare page the scan cannot handle
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, features="html.parser")
    missing_alt = 0
    for element in soup.select("img:not([alt])"):
        element.attrs["alt"] = MISSING_ALT
        missing_alt += 1
    if missing_alt and log is not None:
        log.warning("Alternative text is missing on %s image(s).", missing_alt)
    for element in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
        element.attrs["tabindex"] = "0"
    for element in soup.select(".jp-Notebook div.jp-OutputArea-output"):
        element.attrs["tabindex"] = "0"
    return str(soup)


def _front_output(nb: Mapping[str, Any]) -> dict[str, str] | None:
    """The title and lede a report computed for its parameters (an output whose metadata
    holds ``mali_reports.front``: ``{"title", "lede"}``, with ``start_date`` and ``end_date``
    when the report computed its period), or None."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            front = output.get("metadata", {}).get(METADATA_KEY, {}).get("front")
            if isinstance(front, dict) and front.get("title"):
                found = {"title": str(front["title"]), "lede": str(front.get("lede", ""))}
                if front.get("start_date") and front.get("end_date"):
                    found["period"] = {
                        "start_date": str(front["start_date"]),
                        "end_date": str(front["end_date"]),
                    }
                return found
    return None


def reported_period(nb: Mapping[str, Any]) -> dict[str, str] | None:
    """The period the report says it covers (``{"start_date", "end_date"}``), or None."""
    front = _front_output(nb)
    return front.get("period") if front else None


def notebook_title(nb: Mapping[str, Any], fallback: str) -> str:
    """The report title: the one the report computed for its parameters (``_front_output``),
    else the first ``# Heading`` of a Markdown cell, else the fallback."""
    front = _front_output(nb)
    if front:
        return front["title"]
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in (source if isinstance(source, str) else "".join(source)).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback


#: A code cell starting with this line checks a key figure for nbval: a test, not reader content.
NBVAL_CHECK = "# NBVAL_CHECK_OUTPUT"
#: Where the template wants the table of contents (replaced by ``add_contents``).
CONTENTS_MARK = "<!--mali-reports:contents-->"
SERIES_NAME = "Mali extremism reports"


def _source_text(cell: Mapping[str, Any]) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def front_matter(nb: NotebookNode, with_code: bool = False) -> dict[str, Any]:
    """Take the report's front matter out of a notebook (changed in place); return it.

    ``title`` and ``lede`` (Markdown) come from the first Markdown cell with a ``# Title`` line,
    which is removed, unless the report computed them for its parameters (an output with
    ``mali_reports.front`` metadata, removed too: a report about Burkina Faso is titled so); ``key_findings`` from the outputs of ``analysis.reports.page.key_findings``, which
    are removed so that the template shows them once, at the top. Cells that check a figure for
    nbval are removed too, unless the code is shown.
    """
    facts: dict[str, Any] = {"title": "", "lede": "", "key_findings": []}
    computed = _front_output(nb)
    kept = []
    for cell in nb.cells:
        text = _source_text(cell)
        if cell.get("cell_type") == "markdown" and not facts["title"]:
            lines = text.splitlines()
            heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
            if heading is not None:
                facts["title"] = lines[heading][2:].strip()
                facts["lede"] = "\n".join(lines[:heading] + lines[heading + 1 :]).strip()
                continue
        if cell.get("cell_type") == "code":
            if not with_code and text.lstrip().startswith(NBVAL_CHECK):
                continue
            outputs = []
            for output in cell.get("outputs", []):
                found = output.get("metadata", {}).get(METADATA_KEY, {}).get("key_findings")
                if output.get("metadata", {}).get(METADATA_KEY, {}).get("front"):
                    continue
                if found is None:
                    outputs.append(output)
                else:
                    facts["key_findings"].extend(str(sentence) for sentence in found)
            cell["outputs"] = outputs
        kept.append(cell)
    nb.cells = kept
    if computed:
        facts.update(computed)
    return facts


def period_text(parameters: Mapping[str, Any]) -> str:
    """The period covered in words, e.g. '1 January 2012 to 31 December 2025'; '' if unknown."""
    try:
        start = date.fromisoformat(str(parameters["start_date"]))
        end = date.fromisoformat(str(parameters["end_date"]))
    except (KeyError, ValueError):
        return ""
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def css_string(text: str) -> str:
    """Text as a CSS string literal (for @page margin boxes), safe inside a <style> element."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '"\\<>&\n\r' or ord(ch) < 32 else ch for ch in text
    )
    return f'"{escaped}"'


def to_html(
    nb: NotebookNode,
    facts: Mapping[str, Any],
    template_dir: Path = DEFAULT_TEMPLATE,
    with_code: bool = False,
    source_dir: Path | None = None,
) -> str:
    """Render an executed notebook to one self-contained HTML page.

    ``facts`` are the build's facts (run date, parameters, version, commit, status, the files
    the notebook read); ``source_dir`` is the notebook's folder, where images a Markdown cell
    links are found and embedded.
    """

    nb = copy.deepcopy(nb)
    front = front_matter(nb, with_code)
    title = facts.get("title") or front["title"] or facts.get("notebook", "report")
    report = {
        **dict(facts),
        **front,
        "title": title,
        "series": SERIES_NAME,
        # the period the report covers, else the one its parameters ask for
        "period_text": period_text(
            front.get("period")
            or {**facts.get("parameters", {}), **facts.get("parameters_resolved", {})}
        ),
        "css_title": css_string(title),
        **report_sources.report_data(facts.get("origins", [])),
    }
    metadata = {"name": title}
    if source_dir is not None:
        metadata["path"] = str(source_dir)
    resources = {"metadata": metadata, "report": report}
    body, _ = exporter(template_dir, with_code).from_notebook_node(nb, resources=resources)
    failed = facts.get("status") == "failed"
    return add_contents(wrap_appendix(break_long_words(body), opened=failed))


_TEXT_CELL = re.compile(r'(<td class="text">)([^<]*)(</td>)')
_LONG_TOKEN = re.compile(r"[^\s<>]{15,}")
# Quotes as html.escape writes them: written out in a cell, so that a token's length is the one
# it reads (al-Sahrawi's is 12 characters, not 17) and pages stay as they were when nbconvert's
# BeautifulSoup pass re-serialised them so.
_QUOTE_REFERENCE = re.compile(r"&(?:#x27|#39|quot|#34);")
_QUOTES = {"&#x27;": "'", "&#39;": "'", "&quot;": '"', "&#34;": '"'}
#: Cells this short never wrap (a date must not break at its hyphen).
_SHORT = 12
_BREAK_AFTER = re.compile(r"(?<=[_/.\-])(?=[^\s])")


def break_long_words(page: str) -> str:
    """Let long tokens in table cells (file names, URLs, ids) wrap after _ / . - (``<wbr>``).

    Tables then keep whole words whole (no 'organisati-on') yet fit the page: cells give the
    browser break points instead of being allowed to break anywhere. Short cells with a hyphen
    (dates) are marked ``short`` so that they never wrap.
    """

    def cell(match: re.Match[str]) -> str:
        text = _QUOTE_REFERENCE.sub(lambda quote: _QUOTES[quote.group(0)], match.group(2))
        if len(html.unescape(text)) <= _SHORT and "-" in text:  # 2019-11-01, al-Qaeda, 2012-07
            return f'<td class="text short">{text}</td>'
        text = _LONG_TOKEN.sub(lambda token: _BREAK_AFTER.sub("<wbr>", token.group(0)), text)
        return match.group(1) + text + match.group(3)

    return _TEXT_CELL.sub(cell, page)


_HEADING = re.compile(r"<h([23])((?:\s[^>]*)?)>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
# quoted or not (BeautifulSoup used to quote every value; the page is no longer re-serialised)
_ID = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_ANCHOR_LINK = re.compile(r"<a\s[^>]*class=\"anchor-link\"[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-") or "section"


def add_contents(page: str) -> str:
    """Replace CONTENTS_MARK with a linked table of contents of the page's h2 and h3 headings.

    Every heading gets a unique id (headings nbconvert could not parse have none; two equal
    headings would share one), so that every entry lands on its own heading.
    """
    if CONTENTS_MARK not in page:
        return page
    taken = {html.unescape(a or b or c) for a, b, c in _ID.findall(page)}
    used: set[str] = set()
    entries: list[tuple[int, str, str]] = []

    def number(match: re.Match[str]) -> str:
        level, attributes, inner = int(match.group(1)), match.group(2), match.group(3)
        if "no-contents" in attributes:
            return match.group(0)
        text = " ".join(html.unescape(_TAG.sub("", _ANCHOR_LINK.sub("", inner))).split())
        found = _ID.search(attributes)
        current = (
            html.unescape(found.group(1) or found.group(2) or found.group(3) or "") if found else ""
        )
        anchor = current or _slug(text)
        if anchor in used or (not current and anchor in taken):
            base, n = anchor, 2
            while f"{base}-{n}" in used or f"{base}-{n}" in taken:
                n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        entries.append((level, anchor, text))
        if anchor == current:
            return match.group(0)
        quoted = html.escape(anchor, quote=True)
        attributes = _ID.sub("", attributes) + f' id="{quoted}"'
        inner = _ANCHOR_LINK.sub(f'<a class="anchor-link" href="#{quoted}">\u00b6</a>', inner)
        return f"<h{level}{attributes}>{inner}</h{level}>"

    page = _HEADING.sub(number, page)
    if not entries:
        return page.replace(CONTENTS_MARK, "")
    items, open_sub = [], False
    for level, anchor, text in entries:
        link = f'<a href="#{html.escape(anchor, quote=True)}">{html.escape(text)}</a>'
        if level == 3 and items:
            if not open_sub:
                items[-1] = items[-1].removesuffix("</li>") + "<ol>"
                open_sub = True
            items.append(f"<li>{link}</li>")
            continue
        if open_sub:
            items.append("</ol></li>")
            open_sub = False
        items.append(f"<li>{link}</li>")
    if open_sub:
        items.append("</ol></li>")
    nav = (
        '<nav class="contents" aria-labelledby="contents-title">'
        '<h2 id="contents-title" class="no-contents">Contents</h2>'
        f"<ol>{''.join(items)}</ol></nav>"
    )
    return page.replace(CONTENTS_MARK, nav, 1)


# Attributes through which a page loads something (as opposed to <a href>, which only links).
_LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background", "formaction", "action"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.IGNORECASE)
_LOCAL = ("data:", "#", "about:")


class _ReferenceCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self.links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        for name, value in values.items():
            if name == "srcset":  # "a.png 1x, b.png 2x"
                self.loads.extend(part.strip().split(" ")[0] for part in value.split(","))
            elif name in _LOADING_ATTRIBUTES:
                self.loads.append(value)
            elif name == "href" and tag in ("link", "base", "image", "use"):
                self.loads.append(value)
            elif name == "href":
                self.links.append(value)
            elif name == "style":
                self.loads.extend(a or b for a, b in _CSS_URL.findall(value))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.loads.extend(a or b for a, b in _CSS_URL.findall(data))


def _is_remote(url: str) -> bool:
    url = url.strip().lower()
    return (
        bool(url)
        and not url.startswith(_LOCAL)
        and (url.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:")) or ":" not in url)
    )


def external_references(page: str) -> dict[str, list[str]]:
    """What a page would fetch from outside itself, and which of its links leave the page.

    ``loads``: scripts, stylesheets, images, fonts, frames... given by URL rather than inlined
    (any URL that is not ``data:`` or a fragment, including relative files). ``links``: ``<a href>``
    to http(s) or protocol-relative URLs, which a reader may follow but which load nothing.
    """
    collector = _ReferenceCollector()
    collector.feed(page)
    collector.close()
    loads = [url for url in collector.loads if _is_remote(url)]
    links = [
        url for url in collector.links if url.strip().lower().startswith(("http:", "https:", "//"))
    ]
    return {"loads": loads, "links": links}
