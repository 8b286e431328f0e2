"""Shared HTML is safe, and a notebook dropped into the notebooks folder becomes a report.

Markup is put into curated fixture tables (a group name, an event description, a poll question);
a fixture notebook copied into a fresh notebooks folder shows them through analysis.reports.page
(prose, key findings, figure title and caption, tables, a heading); the real build turns it
into a report. The markup must arrive as text, never as elements, in the report and the indexes.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from analysis.config import PROJECT_ROOT
from analysis.pipeline.command import EXIT_OK, BuildOptions, build

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOK = FIXTURES / "report_notebooks" / "curated_view.ipynb"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
RUN_DATE = "2024-02-01"
#: the report is built, with kernels (`make test-fast` leaves this module out)
pytestmark = pytest.mark.slow


def poison_curated(target: Path) -> Path:
    """tests/fixtures/curated_min with markup in a group name, an event and a poll question."""
    shutil.copytree(FIXTURES / "curated_min", target)
    replacements = {
        "groups.csv": (
            "al-Qaeda in the Islamic Maghreb,",
            f"al-Qaeda in the Islamic Maghreb {SCRIPT},",
        ),
        "events.csv": (
            "An army post was attacked.",
            f"An army post {IMG} was attacked.",
        ),
        "polls.csv": (
            "Are you satisfied with MINUSMA?",
            f"Are you satisfied with MINUSMA? {SCRIPT}",
        ),
    }
    for name, (old, new) in replacements.items():
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return target


class Page(HTMLParser):
    """Elements and text of a page, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.chunks: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("safety")
    curated = poison_curated(root / "curated")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    # "Adding a notebook": copy it into the notebooks folder, nothing else.
    shutil.copy2(NOTEBOOK, notebooks / NOTEBOOK.name)
    options = BuildOptions(
        out=root / "reports",
        run_date=RUN_DATE,
        jobs=1,
        notebooks_dir=notebooks,
        input_dirs=(curated,),
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MALI_CURATED_DIR", str(curated))
        status = build(options, out, err)
    assert status == EXIT_OK, err.getvalue()
    return {"root": root, "curated": curated, "notebooks": notebooks, "reports": root / "reports"}


def test_markup_from_data_is_text_in_the_report(site):
    page_text = (site["reports"] / RUN_DATE / "curated_view.html").read_text(encoding="utf-8")
    page = Page(page_text)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags
    for tag, attributes in page.tags:
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
        if tag == "img":
            assert attributes["src"].startswith("data:image/"), attributes["src"][:40]
    # Each payload is shown, as text, wherever the data reached the page.
    text = page.text
    assert text.count(SCRIPT) >= 5, text.count(
        SCRIPT
    )  # findings x2, prose, table caption, tables...
    assert IMG in text
    for fragment in (
        f"among them al-Qaeda in the Islamic Maghreb {SCRIPT}.",  # key findings
        f"The group al-Qaeda in the Islamic Maghreb {SCRIPT} is one of",  # Markdown prose
        f"Deaths in events of al-Qaeda in the Islamic Maghreb {SCRIPT}",  # figure title
        f"The deadliest event: An army post {IMG} was attacked.",  # figure caption
        f"Answers to: Are you satisfied with MINUSMA? {SCRIPT}",  # table caption
        f"Asked: Are you satisfied with MINUSMA? {SCRIPT}",  # a heading, and its contents entry
    ):
        assert fragment in text, fragment
    # The figure (inline SVG) is labelled with its title and caption, escaped in the attribute.
    (label,) = [a["aria-label"] for t, a in page.tags if t == "svg"]
    assert SCRIPT in label and IMG in label
    assert html.escape(SCRIPT) in page_text  # escaped in the source, not merely stripped
    # Its hover titles name the bars' series (a group name with markup): text, never elements.
    titles = re.findall(r"<title>([^<]*)</title>", page_text.split("<svg", 1)[1])
    assert titles and all(html.escape(SCRIPT) in t for t in titles), titles[:2]
    assert "<script" not in page_text.split("<svg", 1)[1].split("</svg>")[0]
    # Its data link: a data: URL with a download name, the CSV carrying the markup as text.
    # Beside each, its metadata file (sources and licences, JSON).
    links = [a for t, a in page.tags if t == "a" and a.get("href", "").startswith("data:text/csv")]
    assert len(links) == 4 and all(a["download"].endswith(".csv") for a in links)
    about = [a for t, a in page.tags if t == "a" and a.get("href", "").startswith("data:app")]
    assert [a["download"] for a in about] == [
        a["download"].removesuffix(".csv") + ".metadata.json" for a in links
    ]
    csv = base64.b64decode(links[0]["href"].split(",", 1)[1]).decode("utf-8")
    # A plain table (its header first), the markup as text (the group name)
    assert csv.startswith("group_id,name,affiliation\n") and SCRIPT in csv


def test_contents_links_reach_headings_even_with_markup_in_them(site):
    page = Page((site["reports"] / RUN_DATE / "curated_view.html").read_text(encoding="utf-8"))
    ids = {attributes["id"] for _, attributes in page.tags if "id" in attributes}
    hrefs = []
    in_nav = False
    for tag, attributes in page.tags:
        in_nav = in_nav or (tag == "nav" and "contents" in attributes.get("class", ""))
        if in_nav and tag == "a" and attributes.get("href", "").startswith("#"):
            hrefs.append(attributes["href"][1:])
        if in_nav and tag == "main":
            break
    # key findings, 3 sections, 1 subsection, sources, citation, publisher
    assert len(hrefs) == 8
    assert all(href in ids for href in hrefs), set(hrefs) - ids
    # The heading made from a poll question, and its entry in the contents, both as text.
    assert page.text.count(f"Asked: Are you satisfied with MINUSMA? {SCRIPT}") == 2


def test_indexes_show_the_findings_as_text(site):
    for index in (site["reports"] / RUN_DATE / "index.html", site["reports"] / "index.html"):
        page = Page(index.read_text(encoding="utf-8"))
        assert "script" not in [tag for tag, _ in page.tags]
        assert f"The deadliest curated event: An army post {IMG} was attacked." in page.text
        assert "Curated data on display" in page.text  # the new notebook is listed
    manifest = json.loads(
        (site["reports"] / RUN_DATE / "manifest.json").read_text(encoding="utf-8")
    )
    (entry,) = manifest["notebooks"]
    assert entry["name"] == "curated_view" and entry["status"] == "ok"
    assert entry["key_findings"][2] == f"Pollsters asked: Are you satisfied with MINUSMA? {SCRIPT}"


def test_nbval_runs_a_new_notebook_too(site):
    """`make test` runs nbval on notebooks/: a dropped-in notebook is executed by it as well."""
    done = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--nbval-lax", "--nbval-current-env", str(site["notebooks"]),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MALI_CURATED_DIR": str(site["curated"])},
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "passed" in done.stdout and "failed" not in done.stdout


def test_a_rerendered_report_keeps_its_data_section(site):
    """A later run that reuses the executed notebook (only the date changed) still names its data."""
    options = BuildOptions(
        out=site["reports"],
        run_date="2024-02-08",
        jobs=1,
        notebooks_dir=site["notebooks"],
        input_dirs=(site["curated"],),
    )
    out, err = io.StringIO(), io.StringIO()
    assert build(options, out, err) == EXIT_OK, err.getvalue()
    manifest = json.loads(
        (site["reports"] / "2024-02-08" / "manifest.json").read_text(encoding="utf-8")
    )
    assert manifest["notebooks"][0]["reused_from"] == RUN_DATE, manifest["notebooks"][0][
        "executed_because"
    ]
    pages = [
        Page((site["reports"] / day / "curated_view.html").read_text(encoding="utf-8"))
        for day in (RUN_DATE, "2024-02-08")
    ]
    for page in pages:
        data = page.text.split("Data", 1)[1].split("Key findings", 1)[0]
        # The snapshot records each curated file it read; the header names the tables.
        assert "Curated tables of this project" in data
        for table in ("events", "groups", "polls"):
            assert table in data
    assert "Report built 2024-02-08" in pages[1].text
