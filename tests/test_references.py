"""Sources anyone can follow and output shown once (issue 24), on hand-made inputs: a curated
source id is shown as a numbered reference linked to the report's References section and the
spreadsheet's references sheet; the publisher, licence and contact are set once and shown on
every report and the front page; display helpers return nothing; the front page states each
report's findings once; each figure's CSV holds that figure's own rows."""

from __future__ import annotations

import io
import json
import re
import tomllib

import matplotlib

matplotlib.use("Agg")

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.config import PROJECT_ROOT
from analysis.core import publisher
from analysis.core.outputs import METADATA_KEY, REFERENCES_FILE
from analysis.figures import style
from analysis.pipeline import html as report_html
from analysis.pipeline import index
from analysis.reports import numbering, page
from analysis.reports.numbering import bibliography, published_text
from analysis.reports.references import id_pattern, only_citations, split_cited
from analysis.reports.takeaway import to_frame

#: A hand-made bibliography: ids as sources.csv writes them, one without a URL, one a prefix
#: of another.
SOURCES = pd.DataFrame(
    {
        "source_id": ["cep-mali", "cep-mali-2", "un-qde159-jnim", "ucdp-actor-22.1"],
        "title": ["Mali profile", "Mali profile, update", "JNIM listing", "UCDP actors"],
        "publisher": ["CEP", "CEP", "UN Security Council", "UCDP"],
        "published": pd.to_datetime(["2019-01-01", "2020-09-01", "2018-10-04", None]),
        "published_precision": ["year", "month", "day", None],
        "url": ["https://example.org/cep", "", "https://example.org/un", "https://example.org/u"],
    }
)


@pytest.fixture
def shown(monkeypatch):
    """What the page shows (HTML or Markdown bodies) and the metadata of each output."""
    bodies: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        page, "display", lambda obj, metadata=None: bodies.append((obj.data, metadata or {}))
    )
    page.reset_figure_numbers(SOURCES)
    yield bodies
    numbering.start()


def test_ids_are_found_as_whole_words_longest_first():
    pattern = id_pattern(SOURCES["source_id"])
    text = "cep-mali-2, cep-mali; ucdp-actor-22.1. Not xcep-mali nor cep-mali-3"
    assert split_cited(text, pattern) == [
        ("cep-mali-2",),
        ", ",
        ("cep-mali",),
        "; ",
        ("ucdp-actor-22.1",),  # the sentence's full stop is not part of the id
        ". Not xcep-mali nor cep-mali-3",
    ]
    assert only_citations(split_cited("cep-mali, un-qde159-jnim | cep-mali-2", pattern))
    assert not only_citations(split_cited("1,000 (cep-mali)", pattern))
    assert not only_citations(split_cited("", pattern))
    assert id_pattern([]) is None and split_cited("cep-mali", None) == ["cep-mali"]


def test_sources_are_numbered_in_the_order_first_cited_with_their_entry():
    cited_from = bibliography(SOURCES)
    first, new = cited_from.cite("un-qde159-jnim")
    assert (first.number, new) == (1, True)
    assert cited_from.cite("cep-mali")[0].number == 2
    again, new = cited_from.cite("un-qde159-jnim")
    assert (again.number, new) == (1, False)
    assert [r.source_id for r in cited_from.cited()] == ["un-qde159-jnim", "cep-mali"]
    # The entry: title, publisher, the date at its precision, the URL; #ref-N its anchor.
    assert first.title == "JNIM listing" and first.publisher == "UN Security Council"
    assert first.published == "4 October 2018" and first.url == "https://example.org/un"
    assert first.anchor == "ref-1"
    assert published_text(pd.Timestamp("2020-09-01"), "month") == "September 2020"
    assert published_text(pd.NaT) == "" and published_text("2012-09") == "2012-09"


def test_a_table_shows_its_cited_sources_as_numbered_links(shown, tmp_path, monkeypatch):
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    frame = pd.DataFrame(
        {
            "group": ["JNIM", "AQIM"],
            "strength": ["1,000 (un-qde159-jnim)", "–"],
            "Sources": ["un-qde159-jnim, cep-mali", "cep-mali-2"],
        }
    )
    page.table(frame, "Groups", slug="groups")
    ((body, facts),) = shown
    # A list of ids becomes the links, separated by spaces; an id in text its link in place.
    assert (
        '<td class="text"><a class="ref" href="#ref-1" title="un-qde159-jnim">[1]</a> '
        '<a class="ref" href="#ref-2" title="cep-mali">[2]</a></td>'
    ) in body
    assert '1,000 (<a class="ref" href="#ref-1" title="un-qde159-jnim">[1]</a>)' in body
    assert '<a class="ref" href="#ref-3" title="cep-mali-2">[3]</a>' in body
    assert "<strong>Table 1.</strong> Groups" in body
    assert [r["source_id"] for r in facts[METADATA_KEY]["references"]] == [
        "un-qde159-jnim",
        "cep-mali",
        "cep-mali-2",
    ]
    # The CSV keeps the ids (what the data files name); its metadata file the entries.
    csv = (tmp_path / "table-groups.csv").read_text(encoding="utf-8")
    assert pd.read_csv(io.StringIO(csv))["Sources"].tolist() == list(frame["Sources"])
    about = json.loads((tmp_path / "table-groups.metadata.json").read_text(encoding="utf-8"))
    assert [r["number"] for r in about["cited sources"]] == [1, 2, 3]
    # Each source listed once, as first numbered, for the spreadsheet's references sheet.
    listed = (tmp_path / REFERENCES_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source_id"] for line in listed] == [
        "un-qde159-jnim",
        "cep-mali",
        "cep-mali-2",
    ]


def test_prose_and_key_findings_link_their_sources(shown):
    page.key_findings(["JNIM was formed in 2017 (sources: un-qde159-jnim, cep-mali)."])
    page.md("{text}", text="MUJAO merged into al-Mourabitoun (sources: cep-mali).")
    (findings, facts), (prose, prose_facts) = shown
    assert (
        '(sources: <a class="ref" href="#ref-1" title="un-qde159-jnim">[1]</a>, '
        '<a class="ref" href="#ref-2" title="cep-mali">[2]</a>).'
    ) in findings
    # The sentence itself stays as written for the manifest and the front page.
    assert facts[METADATA_KEY]["key_findings"] == [
        "JNIM was formed in 2017 (sources: un-qde159-jnim, cep-mali)."
    ]
    assert prose == "MUJAO merged into al-Mourabitoun (sources: [\\[2\\]](#ref-2))."
    assert [r["number"] for r in prose_facts[METADATA_KEY]["references"]] == [2]


def test_without_a_bibliography_ids_stay_text(shown):
    page.reset_figure_numbers()
    page.table(pd.DataFrame({"Sources": ["cep-mali"]}), "Sources")
    ((body, facts),) = shown
    assert '<td class="text short">cep-mali</td>' in body and "references" not in facts.get(
        METADATA_KEY, {}
    )


def test_display_helpers_return_nothing(shown):
    """A notebook cell ending with a helper echoes nothing (a lone '1' under a figure)."""

    from analysis.reports.parts import Chart, Report, Section, Table, Text

    frame = pd.DataFrame({"year": [2020], "events": [3]})

    def draw(ax, data):
        ax.bar(data["year"], data["events"])

    chart = Chart("bars", "Bars.", "Source: made up", frame, draw=draw)
    report = Report(
        "hand",
        ("One finding.",),
        {"s": Section("s", (Text("x {v}", {"v": 1}), Table(frame, "T"), chart))},
        title="Hand",
    )
    fig, _ = style.new_figure()
    returned = [
        page.md("{v}", v=1),
        page.key_findings(["One."]),
        page.no_data("nothing"),
        page.table(frame, "T"),
        page.figure(fig, "f", "F."),
        page.show(report, "s"),
        page.front(report),
    ]
    assert returned == [None] * len(returned)
    # Figures and tables numbered in page order.
    captions = re.findall(r"<strong>(Figure|Table) (\d+)\.</strong>", "".join(b for b, _ in shown))
    assert captions == [("Table", "1"), ("Figure", "1"), ("Table", "2"), ("Figure", "2")]


def _notebook(references: list[dict]) -> nbformat.NotebookNode:
    """A built notebook, by hand: key findings citing one source, a table citing two."""
    finding = "JNIM was formed in 2017 (sources: un-qde159-jnim)."
    return new_notebook(
        cells=[
            new_markdown_cell("# Hand report"),
            new_code_cell(
                "",
                outputs=[
                    new_output(
                        "display_data",
                        data={"text/html": "<div>findings</div>"},
                        metadata={
                            METADATA_KEY: {
                                "key_findings": [finding],
                                "references": references[:1],
                            }
                        },
                    )
                ],
            ),
            new_markdown_cell("## Groups"),
            new_code_cell(
                "",
                outputs=[
                    new_output(
                        "display_data",
                        data={"text/html": '<table><tr><td><a href="#ref-2">[2]</a></td></tr>'},
                        metadata={METADATA_KEY: {"references": references}},
                    )
                ],
            ),
        ]
    )


def test_the_page_lists_its_references_and_its_publisher(monkeypatch):
    cited_from = bibliography(SOURCES)
    references = [cited_from.cite(i)[0].as_json() for i in ("un-qde159-jnim", "cep-mali-2")]
    page_html = report_html.to_html(_notebook(references), {"parameters": {}})
    section = page_html[page_html.index('<h2 id="references">') :]
    section = section[: section.index("</section>")]
    # Each entry once, in order, with its anchor, title, publisher, date and URL as a link;
    # the source without a URL is listed without a link.
    entries = re.findall(r'<li id="(ref-\d+)"', section)
    assert entries == ["ref-1", "ref-2"]
    assert (
        "<cite>JNIM listing</cite>. UN Security Council, 4 October 2018. "
        '<a href="https://example.org/un">https://example.org/un</a>'
    ) in section
    assert "<cite>Mali profile, update</cite>. CEP, September 2020. <span" in section
    # The key finding in the box at the top links its source too.
    box = page_html[page_html.index('<h2 id="key-findings">') :]
    assert '(sources: <a class="ref" href="#ref-1" title="un-qde159-jnim">[1]</a>).' in box
    assert '<li><a href="#references">References</a></li>' in page_html
    # The publisher and licence, set once; the contact only when one is set.
    assert f"Published by {publisher.PUBLISHER}." in page_html
    assert "Contact:" not in page_html
    monkeypatch.setattr(publisher, "CONTACT", "reports@example.org")
    with_contact = report_html.to_html(_notebook(references), {"parameters": {}})
    assert 'Contact: <a href="mailto:reports@example.org">reports@example.org</a>' in with_contact


def test_contact_links():
    assert report_html.contact_href("https://example.org/issues") == "https://example.org/issues"
    assert report_html.contact_href("a@b.org") == "mailto:a@b.org"
    assert report_html.contact_href("call us") == ""


def test_publisher_and_licence_are_what_the_repository_states():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert publisher.LICENCE == project["project"]["license"]
    licence = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith(f"{publisher.LICENCE} License")
    holder = re.search(r"Copyright \(c\) \d{4} (.+)", licence).group(1).strip()
    assert publisher.PUBLISHER == holder
    # The repository states no contact address nor repository URL: none is invented.
    urls = project["project"].get("urls", {})
    assert publisher.CONTACT == (urls.get("Issues") or urls.get("Repository") or "")


def _manifest(run_date: str, finding: str) -> dict:
    return {
        "run_date": run_date,
        "notebooks": [
            {
                "name": "attacks",
                "title": "Attack trends",
                "status": "ok",
                "files": ["attacks.html"],
                "key_findings": [finding],
            }
        ],
    }


def test_the_front_page_states_each_finding_once(tmp_path):
    newest = _manifest("2025-11-24", "Deaths rose in 2025.")
    older = _manifest("2025-11-17", "Deaths fell in 2024.")
    front = index.runs_index_html([newest, older], newest_dir=tmp_path / "2025-11-24")
    # The newest run's finding under Latest reports only; the older run's under Every run.
    assert front.count("Deaths rose in 2025.") == 1
    assert front.index("Deaths rose in 2025.") < front.index('<h2 id="runs">')
    assert front.count("Deaths fell in 2024.") == 1
    assert 'Key findings and what changed: <a href="#latest">Latest reports</a>' in front
    # Without a front section (no folder of the newest run), every run lists its findings.
    plain = index.runs_index_html([newest, older])
    assert plain.count("Deaths rose in 2025.") == 1 and "#latest" not in plain
    for shown_page in (front, index.run_index_html(newest)):
        assert f"Published by {publisher.PUBLISHER}." in shown_page


def test_the_spreadsheet_lists_the_cited_sources(shown, tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    from analysis.pipeline.workbook import write_workbook

    folder = tmp_path / "group_evolution"
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(folder))
    page.key_findings(["Formed in 2017 (sources: ucdp-actor-22.1)."])
    page.table(pd.DataFrame({"Sources": ["cep-mali, ucdp-actor-22.1"]}), "Relations")
    target = tmp_path / "group_evolution.xlsx"
    assert write_workbook(folder, target, "Groups")
    rows = list(openpyxl.load_workbook(target)["references"].iter_rows(values_only=True))
    assert rows == [
        ("number", "source id", "title", "publisher", "date", "url"),
        (1, "ucdp-actor-22.1", "UCDP actors", "UCDP", None, "https://example.org/u"),
        (2, "cep-mali", "Mali profile", "CEP", "2019", "https://example.org/cep"),
    ]


def test_each_poll_figure_has_its_own_rows():
    """Public opinion's sharia bars and response series each download the rows they draw,
    not the whole poll table (both did: the same 79 rows, the same bytes)."""
    from analysis.reports import opinion_charts as charts

    toplines = pd.DataFrame(
        {
            "question_id": ["sharia-reject-gallup", "sharia-official-law-pew", "minusma-work"]
            + ["minusma-work", "trust-army"],
            "when": pd.to_datetime(["2012-06-01", "2013-04-30", "2019-01-01", None, "2020-01-01"]),
            "share": [51, 63, 40, 45, 70],
        }
    )
    sharia = charts.polls_drawn(toplines, ["sharia-reject-gallup", "sharia-official-law-pew"])
    assert sharia["share"].tolist() == [51, 63]
    # A series over time draws its dated figures only.
    series = charts.polls_drawn(toplines, ["minusma-work"], dated=True)
    assert series["share"].tolist() == [40]
    assert to_frame(sharia).to_csv() != to_frame(series).to_csv()
