"""Executed notebook -> self-contained HTML report, through a swappable nbconvert template folder.

A template folder (default ``analysis/pipeline/templates/report``) is an nbconvert template:
``conf.json`` plus ``index.html.j2`` and whatever it includes. The page is nbconvert's own
HTMLExporter with that template; the build passes the run's facts to it as
``resources.report`` (see ``to_html`` and the templates README). nbconvert's stock templates
load require.js and MathJax from a CDN; the project's template loads nothing, so reports open
offline.

Before rendering, the report's front matter is taken out of the notebook (``front_matter``): the
title cell becomes the header, the key-findings outputs become the box at the top. The contents
list and the appendix are drawn by the template from the notebook's headings
(``analysis.pipeline.outline``). The curated sources the report cites (numbered by
``analysis.reports.page`` as it showed them) make its References section, and the publisher,
licence and contact (``analysis.core.publisher``) its imprint.
"""

from __future__ import annotations

import copy
import hashlib
import html
import re
from collections.abc import Mapping
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.core import dates
from analysis.core.outputs import METADATA_KEY
from analysis.core.publisher import imprint
from analysis.pipeline import provenance as report_sources
from analysis.pipeline.outline import outline_preprocessor
from analysis.reports.references import Reference, id_pattern, merged, only_citations, split_cited

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


def build_exporter(template_dir: Path = DEFAULT_TEMPLATE, with_code: bool = False) -> HTMLExporter:
    """A new exporter for the template folder: nbconvert's HTMLExporter, with the cells tagged
    out removed and then the notebook's outline read (contents and appendix, outline.py)."""
    # heavy dependency: imported only when this runs, so the command starts fast
    from nbconvert import HTMLExporter  # noqa: PLC0415 (heavy: loaded when used)

    # heavy dependency: imported only when this runs, so the command starts fast
    from nbconvert.preprocessors import TagRemovePreprocessor  # noqa: PLC0415 (heavy: loaded when used)

    html_exporter = HTMLExporter(
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
    # after the tag removal: a heading removed from the page is not in its contents
    html_exporter.register_preprocessor(outline_preprocessor, enabled=True)
    return html_exporter


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
    facts: dict[str, Any] = {"title": "", "lede": "", "key_findings": [], "data_through": ""}
    recency = data_through(nb)
    if recency:
        facts["data_through"] = dates.human_date(date.fromisoformat(recency))
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


def cited_references(nb: Mapping[str, Any]) -> list[Reference]:
    """The curated sources the report cites, each once, by number: from the outputs whose
    metadata lists ``mali_reports.references`` (tables, prose, key findings)."""
    records: list[Mapping[str, Any]] = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            facts = output.get("metadata", {}).get(METADATA_KEY, {})
            records.extend(facts.get("references", []) if isinstance(facts, Mapping) else [])
    return merged(records)


def linked_text(text: str, references: list[Reference]) -> str:
    """Text as HTML (escaped), each cited source id as its numbered reference link; a text
    that only lists ids shows the links."""
    by_id = {r.source_id: r for r in references}
    pieces = split_cited(text, id_pattern(by_id))

    def link(source_id: str) -> str:
        reference = by_id[source_id]
        return (
            f'<a class="ref" href="#{reference.anchor}" title="{html.escape(source_id)}">'
            f"[{reference.number}]</a>"
        )

    if only_citations(pieces):
        return " ".join(link(p[0]) for p in pieces if isinstance(p, tuple))
    return "".join(link(p[0]) if isinstance(p, tuple) else html.escape(p) for p in pieces)


def contact_href(contact: str) -> str:
    """The link of a contact: a URL as it is, an e-mail address as mailto:, else ''."""
    if re.match(r"https?://", contact):
        return contact
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", contact):
        return f"mailto:{contact}"
    return ""


def imprint_data() -> dict[str, str]:
    """The publisher, licence and contact (analysis.core.publisher), with the contact's link."""
    found = imprint()
    return {**found, "contact_href": contact_href(found["contact"])}


def period_text(parameters: Mapping[str, Any]) -> str:
    """The period covered in words, e.g. '1 January 2012 to 31 December 2025'; '' if unknown."""
    try:
        start = date.fromisoformat(str(parameters["start_date"]))
        end = date.fromisoformat(str(parameters["end_date"]))
    except (KeyError, ValueError):
        return ""
    return dates.period_text(start, end)


def data_through(nb: NotebookNode) -> str | None:
    """The newest date the report's figures rest on (ISO), as analysis.reports.page recorded
    it with the key findings; None when the report gives none."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = output.get("metadata", {}).get(METADATA_KEY, {}).get("data_through")
            if found:
                return str(found)
    return None


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
    references = cited_references(nb)
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
        "references": [r.as_json() for r in references],
        "key_findings_html": [linked_text(s, references) for s in front["key_findings"]],
        "imprint": imprint_data(),
    }
    metadata = {"name": title}
    if source_dir is not None:
        metadata["path"] = str(source_dir)
    resources = {"metadata": metadata, "report": report}
    page, _ = exporter(template_dir, with_code).from_notebook_node(nb, resources=resources)
    return page


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
