"""Executed notebook -> self-contained HTML report, through a swappable nbconvert template folder.

A template folder (default ``analysis/templates/report``) is an nbconvert template: ``conf.json``
plus ``index.html.j2`` and whatever it includes. The build passes the run's facts to it as
``resources.report`` (see ``report_facts``). nbconvert's stock templates load require.js and
MathJax from a CDN; the project's template loads nothing, so reports open offline.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    """An HTMLExporter for the template folder, created once per process and reused."""
    key = (str(template_dir.resolve()), with_code)
    if key not in _exporters:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

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
        _exporters[key] = html_exporter
    return _exporters[key]


def notebook_title(nb: Mapping[str, Any], fallback: str) -> str:
    """The report title: the first ``# Heading`` of a Markdown cell, else the fallback."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in (source if isinstance(source, str) else "".join(source)).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return fallback


def to_html(
    nb: NotebookNode,
    facts: Mapping[str, Any],
    template_dir: Path = DEFAULT_TEMPLATE,
    with_code: bool = False,
    source_dir: Path | None = None,
) -> str:
    """Render an executed notebook to one self-contained HTML page.

    ``source_dir`` is the notebook's folder, where images a Markdown cell links are found and
    embedded.
    """
    metadata = {"name": facts.get("title") or facts.get("notebook", "report")}
    if source_dir is not None:
        metadata["path"] = str(source_dir)
    resources = {"metadata": metadata, "report": dict(facts)}
    body, _ = exporter(template_dir, with_code).from_notebook_node(nb, resources=resources)
    return body


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
