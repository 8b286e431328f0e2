"""The report page's parts, without a kernel: front matter, contents, tables, data sources, indexes."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis import config
from analysis.core.origins import Origin
from analysis.pipeline import html as report_html
from analysis.pipeline import index as report_index
from analysis.pipeline import provenance as report_sources
from analysis.sources import register
from analysis.sources.register import version_from_name

SCRIPT = "<script>alert(1)</script>"


def findings_output(sentences: list[str]) -> nbformat.NotebookNode:
    return new_output(
        "display_data",
        data={"text/html": "<div class='key-findings'>...</div>", "text/plain": "<HTML>"},
        metadata={"mali_reports": {"key_findings": sentences}},
    )


def test_front_matter_takes_title_lede_and_findings_out_of_the_notebook():
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Attack trends\n\nWhat changed, and when."),
            new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            new_code_cell("show()", outputs=[findings_output(["One.", "Two."])]),
            new_code_cell(
                "# NBVAL_CHECK_OUTPUT\nprint(7)", outputs=[new_output("stream", text="7")]
            ),
            new_markdown_cell("## Section\n\nText."),
        ]
    )
    facts = report_html.front_matter(nb)
    assert facts == {
        "title": "Attack trends",
        "lede": "What changed, and when.",
        "key_findings": ["One.", "Two."],
        "data_through": "",
    }
    assert [c.source.splitlines()[0] for c in nb.cells] == ["x = 1", "show()", "## Section"]
    assert nb.cells[1].outputs == []  # the box is drawn by the template, once

    with_code = new_notebook(cells=[new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(7)")])
    report_html.front_matter(with_code, with_code=True)
    assert len(with_code.cells) == 1  # shown when the code is shown


def _page_facts(page: str) -> dict:
    """The contents entries of a page as (text, the text of the heading its link lands on),
    the ids used more than once, and each appendix section as (summary, open, its text)."""
    soup = BeautifulSoup(page, "html.parser")
    entries = []
    for link in soup.select("nav.contents a"):
        target = soup.find(id=link["href"][1:])
        found = (
            target if target is None or target.name in ("h2", "h3") else target.find(["h2", "h3"])
        )
        landed = " ".join(found.get_text().replace("\u00b6", "").split()) if found else None
        entries.append((link.get_text(), landed))
    ids = [element["id"] for element in soup.find_all(id=True)]
    appendix = soup.select_one("main section.appendix")
    sections = [
        (" ".join(d.summary.get_text().replace("\u00b6", "").split()), d.has_attr("open"),
         " ".join(d.get_text(" ").replace("\u00b6", "").split()))
        for d in (appendix.select("details.appendix-section") if appendix else [])
    ]  # fmt: skip
    return {
        "entries": entries,
        "repeated_ids": sorted({i for i in ids if ids.count(i) > 1}),
        "sections": sections,
        "appendix": appendix,
    }


def test_contents_link_each_heading_of_the_notebook():
    """Every ## and ### heading (of a Markdown cell, wherever it sits in the cell, or shown by a
    code cell) is in the contents, under its ##, linked to an element that opens with it; a
    heading in fenced code, a cell tagged out and the '# Title' are not."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Attack trends\n\nThe lede."),
            new_code_cell("show()", outputs=[findings_output(["One."])]),
            new_markdown_cell("Intro.\n\n## Data coverage\n\nText.\n\n### Sub & *part*"),
            new_markdown_cell("```\n## not a heading\n```"),
            new_markdown_cell("## Hidden", metadata={"tags": ["remove_cell"]}),
            new_markdown_cell("## Timeline"),
            new_code_cell(
                "page.md(...)",
                outputs=[
                    new_output("display_data", data={"text/markdown": "## Asked: &lt;b&gt;"}),
                    new_output("display_data", data={"text/html": "<p>after</p>"}),
                ],
            ),
            new_markdown_cell("## Timeline"),
        ]
    )
    page = report_html.to_html(nb, {"parameters": {}})
    facts = _page_facts(page)
    texts = [
        "Key findings",
        "Data coverage",
        "Sub & part",
        "Timeline",
        "Asked: <b>",
        "Timeline",
        "Data sources and licences",
        "How to cite this report",
        "Publisher and licence",
    ]
    assert facts["entries"] == [(text, text) for text in texts]
    assert re.search(
        r'Data coverage</a><ol><li><a href="#[^"]+">Sub &amp; part</a></li></ol>', page
    )
    assert "Hidden" not in page and "<b>" not in page and "not a heading" in page
    # nbconvert's heading ids, and the next free one for the second Timeline (written as
    # nbconvert writes a heading: the same words and anchor link)
    assert facts["repeated_ids"] == []
    assert [link["href"] for link in BeautifulSoup(page, "html.parser").select("nav a")][1:6] == [
        "#Data-coverage",
        "#Sub-&-part",
        "#Timeline",
        "#Asked:-%3Cb%3E",
        "#Timeline-2",
    ]
    assert (
        '<h2 id="Timeline-2">Timeline<a class="anchor-link" href="#Timeline-2">¶</a></h2>' in page
    )
    assert facts["appendix"] is None and facts["sections"] == []
    # the cut cells keep their text in order, and the code cell's outputs stay after its heading
    body = page[page.index("<main") :]
    assert body.index("Intro.") < body.index("Data coverage") < body.index("Text.")
    assert body.index("Asked: &lt;b&gt;") < body.index("<p>after</p>")


def test_code_cells_are_shown_only_with_code():
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Section"),
            new_code_cell(
                "total = 41 + 1\nprint(total)",
                outputs=[new_output("stream", name="stdout", text="42\n")],
            ),
        ]
    )
    without = report_html.to_html(nb, {"parameters": {}})
    with_code = report_html.to_html(nb, {"parameters": {}}, with_code=True)
    for page in (without, with_code):
        assert re.search(r"<pre>\s*42\s*</pre>", page)
    soups = [BeautifulSoup(page, "html.parser") for page in (without, with_code)]
    assert "41" not in soups[0].main.get_text() and not soups[0].select(".jp-InputArea-editor")
    assert "total = 41 + 1" in soups[1].main.get_text()


def test_long_table_words_get_break_points_and_dates_never_wrap():
    from analysis.reports import page

    frame = pd.DataFrame(
        {
            "file": ["mli_adm1_regions.geojson file"],
            "date": ["2019-11-01"],
            "said": ["</script>alert(1)</script>"],
            "name": ['Jama\'at_Nusrat_al "x"'],
            "short": ["Nusrat_Jama'at"],
            "deaths": [1200],
        }
    )
    assert "<tr>" + "".join(
        [
            '<td class="text">mli_<wbr>adm1_<wbr>regions.<wbr>geojson file</td>',
            '<td class="text short">2019-11-01</td>',
            '<td class="text">&lt;/<wbr>script&gt;alert(1)&lt;/<wbr>script&gt;</td>',
            # a quote reads as one character: 17 here (breaks), 14 in the next cell (none)
            '<td class="text">Jama\'at_<wbr>Nusrat_<wbr>al "x"</td>',
            '<td class="text">Nusrat_Jama\'at</td>',
            '<td class="num">1,200</td>',
        ]
    ) + "</tr>" in page.table_html(frame)


def test_period_and_css_string():
    assert report_html.period_text({"start_date": "2012-01-01", "end_date": "2025-12-31"}) == (
        "1 January 2012 to 31 December 2025"
    )
    assert report_html.period_text({"start_date": "soon"}) == ""
    assert report_html.css_string('A "b" </style>') == '"A \\22 b\\22  \\3c /style\\3e "'


def touch(path: Path, text: str = "x\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _origin(key: str, path: Path, **extra) -> Origin:
    """The origin a reader records for a file (version read from its name, as the readers do)."""
    record = register.REGISTER.get(key)
    version = record.version_of(path) if record else ""
    return Origin(key, "file", config.display_path(path), version=version, **extra)


def test_vintages_name_each_dataset_and_version(tmp_path, monkeypatch):
    curated = tmp_path / "curated"
    monkeypatch.setattr(config, "CURATED_DIR", curated)
    touch(curated / "sources.csv", "source_id,title\na,A\nb,B\n")
    shared = tmp_path / "shared"
    owid = touch(shared / "owid" / "deaths-in-armed-conflicts-based-on-where-they-occurred.csv")
    touch(shared / "owid" / "PROVENANCE.md", "| source commit | abc (2025-03-06) |\n")
    read = [
        _origin("curated", touch(curated / "events.csv")),
        _origin("curated", touch(curated / "groups.csv")),
        _origin("ucdp-brd", touch(shared / "ucdp_brd_v24_1" / "BattleDeaths_v24_1.csv")),
        _origin("ucdp-ged", touch(shared / "raw" / "ucdp-ged" / "ged251-csv.zip")),
        _origin("afrobarometer", touch(shared / "afrobarometer_mali" / "mli_r7_data_eng.sav")),
        _origin(
            "afrobarometer", touch(shared / "afrobarometer_mali" / "mli_r5_data_july_2015.sav")
        ),
        _origin("afrobarometer", touch(shared / "afrobarometer_mali" / "mli_r6_data_2015_eng.sav")),
        _origin("owid", owid),
        _origin("my-survey", touch(tmp_path / "mine.csv")),
    ]
    found = {v.source.key: v for v in report_sources.vintages(read)}
    assert list(found) == [
        "curated",
        "ucdp-ged",
        "ucdp-brd",
        "owid",
        "afrobarometer",
        "my-survey",
    ]
    assert found["ucdp-brd"].versions == ["version 24.1"]
    assert found["ucdp-ged"].versions == ["version 25.1"]
    assert found["afrobarometer"].versions == ["rounds 5–7"]
    assert found["owid"].versions == ["snapshot of 2025-03-06"]
    assert found["curated"].versions[0].startswith("events, groups; as of ")
    # The manifest form of the origins gives the same page data.
    data = report_sources.report_data([o.to_json() for o in read])
    licences = {s["name"]: s["licence"] for s in data["sources"]}
    assert licences["UCDP Battle-Related Deaths Dataset"].startswith("CC BY 4.0")
    # Readers see UCDP's name without '(dyadic)'; the citation keeps the file's full name.
    (brd,) = [s for s in data["sources"] if s["name"] == "UCDP Battle-Related Deaths Dataset"]
    assert "UCDP Battle-Related Deaths Dataset (dyadic), version 24.1" in brd["citation"]
    assert "research use" in licences["Afrobarometer survey data, Mali"]
    curated_entry = data["sources"][0]
    assert curated_entry["citation"] == (
        "Compiled by hand from published sources; every row names its sources, and the "
        "project's bibliography gives each source's title, publisher, date and link (the "
        "References section lists those this report cites). The bibliography lists 2 sources."
    )
    assert "my-survey" not in licences  # no licence to state for a dataset the register lacks
    assert {"name": "my-survey", "version": found["my-survey"].versions[0]} in data["vintages"]


def test_sidecar_version_api_answer_and_rounds_wording(tmp_path):
    acled = touch(tmp_path / "acled" / "export.csv")
    touch(
        tmp_path / "acled" / "export.csv.json",
        json.dumps({"accessed": "2025-10-02T10:00:00+00:00"}),
    )
    (vintage,) = report_sources.vintages([_origin("acled", acled)])
    assert vintage.source.key == "acled" and vintage.versions == ["downloaded 2025-10-02"]
    api = Origin(
        "acled-api", "api", "http://127.0.0.1:1/api/acled/read", answered_at="2026-11-27T05:00:00"
    )
    (vintage,) = report_sources.vintages([api])
    assert vintage.versions == ["API answer of 2026-11-27"]
    assert report_sources._join_rounds(["round 4", "round 7"]) == ["rounds 4 and 7"]
    assert version_from_name("UcdpPrioConflict_v24_1.csv") == "24.1"
    assert version_from_name("ucdp-actor-221.csv") == "22.1"


def manifest(date: str, findings: dict[str, list[str]], **extra) -> dict:
    notebooks = [
        {
            "name": name,
            "title": name.title(),
            "status": "ok",
            "files": [f"{name}.html", f"{name}.ipynb", f"{name}.pdf"],
            "duration_seconds": 1.5,
            "parameters": {
                "country": "Mali",
                "start_date": "2012-01-01",
                "end_date": "2025-12-31",
                "focus_groups": [],
            },
            "key_findings": sentences,
            "warnings": [],
            "reused_from": None,
        }
        for name, sentences in findings.items()
    ]
    return {
        "run_date": date,
        "finished_at": f"{date}T05:30:00+00:00",
        "notebooks": notebooks,
        **extra,
    }


def test_index_marks_findings_new_since_the_previous_run():
    older = manifest(
        "2025-11-17", {"attacks": ["Deaths rose.", "JNIM leads."], "polls": ["Trust fell."]}
    )
    newer = manifest(
        "2025-11-24", {"attacks": ["Deaths rose.", f"JNIM leads {SCRIPT}."], "groups": ["New."]}
    )
    summary = report_index.run_summary(newer, older)
    assert summary["parameters_text"] == "Mali, 2012-01-01 to 2025-12-31, all groups"
    assert summary["finished_at"] == "2025-11-24 05:30 UTC"
    attacks, groups = summary["reports"]
    assert [f["new"] for f in attacks["findings"]] == [False, True]
    assert attacks["pdf"] == "attacks.pdf"
    # A report the previous run did not have: nothing to compare with, nothing marked.
    assert groups["findings"] == [{"text": "New.", "new": False}] and not groups["compared"]

    page = report_index.runs_index_html([newer, older])
    assert SCRIPT not in page and html.escape(SCRIPT) in page
    assert page.count('class="new-mark"') == 2  # one in the legend, one finding
    assert '<a href="2025-11-24/attacks.pdf">PDF</a>' in page
    run_page = report_index.run_index_html(newer, previous=older)
    assert "<title>Mali extremism reports: reports of 2025-11-24</title>" in run_page
    assert 'href="../2025-11-17/index.html"' in run_page and SCRIPT not in run_page


def test_differing_parameters_are_shown_per_report():
    run = manifest("2025-11-24", {"a": ["x"], "b": ["y"]})
    run["notebooks"][1]["parameters_text"] = "Mali, 2015-01-01 to 2020-12-31, JNIM"
    summary = report_index.run_summary(run)
    assert summary["parameters_text"] == ""
    assert [r["parameters_text"] for r in summary["reports"]] == [
        "Mali, 2012-01-01 to 2025-12-31, all groups",
        "Mali, 2015-01-01 to 2020-12-31, JNIM",
    ]


def test_pdf_without_chromium_is_a_usage_error(monkeypatch, tmp_path):
    from analysis.pipeline.command import EXIT_USAGE, BuildOptions, build

    monkeypatch.setenv("MALI_CHROMIUM", str(tmp_path / "no-chromium"))
    options = BuildOptions(
        out=tmp_path / "reports",
        pdf=True,
        notebooks_dir=Path(__file__).parent / "fixtures" / "notebooks",
        only=["rows"],
    )
    err = io.StringIO()
    assert build(options, io.StringIO(), err) == EXIT_USAGE
    assert "--pdf needs Chromium: install it with `apt-get install chromium`" in err.getvalue()
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_appendix_sections_are_details_after_the_brief():
    """`## Appendix` and its `###` sections (Markdown cells, or a heading a code cell shows)
    become <section class="appendix"> with one closed <details> each, after the main body; the
    contents list them under Appendix and land on them."""
    table = {"text/html": "<table><caption>Full wordings</caption><tr><td>Q1</td></tr></table>"}
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Report\n\nA brief."),
            new_markdown_cell("## Findings\n\nShort text."),
            new_markdown_cell("## Appendix\n\nWhat the brief leaves out."),
            new_markdown_cell("### Findings\n\nThe findings in full."),
            new_code_cell("show()", outputs=[new_output("display_data", data=table)]),
            new_code_cell(
                "show()",
                outputs=[
                    new_output("display_data", data={"text/markdown": "### Method notes"}),
                    new_output("display_data", data={"text/markdown": "PELT, 2 ln(n)."}),
                ],
            ),
        ]
    )
    page = report_html.to_html(nb, {"parameters": {}})
    facts = _page_facts(page)
    body = page.split('<section class="appendix">')[0]
    assert "Short text." in body and "Full wordings" not in body and "PELT" not in body
    assert facts["sections"] == [
        ("Findings", False, "Findings The findings in full. Full wordings Q1"),
        ("Method notes", False, "Method notes PELT, 2 ln(n)."),
    ]
    intro = [p.get_text() for p in facts["appendix"].find_all("p") if not p.find_parent("details")]
    assert intro == ["What the brief leaves out."]  # before the sections, not in one
    assert facts["appendix"].find_next_sibling() is None  # the appendix ends the body
    assert facts["entries"][:5] == [
        ("Findings", "Findings"),
        ("Appendix", "Appendix"),
        ("Findings", "Findings"),
        ("Method notes", "Method notes"),
        ("Data sources and licences", "Data sources and licences"),
    ]
    # the appendix's "Findings" is its own heading, not the brief's: no id is used twice
    assert facts["repeated_ids"] == []


def test_page_without_appendix_heading_has_no_appendix():
    nb = new_notebook(
        cells=[new_markdown_cell("## Method"), new_markdown_cell("### Notes\n\nText.")]
    )
    facts = _page_facts(report_html.to_html(nb, {"parameters": {}}))
    assert facts["appendix"] is None and facts["sections"] == []
    assert facts["entries"][0:2] == [("Method", "Method"), ("Notes", "Notes")]


@pytest.mark.browser
@pytest.mark.slow
def test_pdf_prints_the_closed_appendix_in_full(tmp_path):
    """A closed <details> holding 300 lines prints on several A4 pages, not as one summary."""
    from analysis.pipeline import pdf

    if pdf.find_chromium() is None:
        pytest.skip("no Chromium (apt-get install chromium); the PDF is not tested here")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    lines = "".join(f"<p>Appendix line {n}.</p>" for n in range(300))
    page = tmp_path / "closed.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head><body>"
        f"<p>Brief.</p><details><summary>Method notes</summary>{lines}</details></body></html>",
        encoding="utf-8",
    )
    assert pdf.write_pdfs([page]) == {}
    printed = page.with_suffix(".pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", printed))
    # 300 paragraphs at A4 (about 30 a page) need several pages; closed, it would be one.
    assert pages >= 4, pages


def test_a_failed_report_shows_its_appendix_open():
    """A report that failed shows its traceback wherever it stopped, so its sections are open."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Appendix"),
            new_markdown_cell("### Method notes"),
            new_code_cell("1/0", outputs=[new_output("stream", text="ZeroDivisionError")]),
            new_markdown_cell("### Milestones in full"),
        ]
    )
    failed = _page_facts(report_html.to_html(nb, {"parameters": {}, "status": "failed"}))
    assert [(title, opened) for title, opened, _ in failed["sections"]] == [
        ("Method notes", True),
        ("Milestones in full", True),
    ]
    assert "ZeroDivisionError" in failed["sections"][0][2]
    done = _page_facts(report_html.to_html(nb, {"parameters": {}, "status": "ok"}))
    assert [opened for _, opened, _ in done["sections"]] == [False, False]


def test_the_page_header_box_and_manifest_say_how_recent_the_data_is():
    dated = new_output(
        "display_data",
        data={"text/html": "<div class='key-findings'>...</div>", "text/plain": "<HTML>"},
        metadata={"mali_reports": {"key_findings": ["One."], "data_through": "2023-12-31"}},
    )
    nb = new_notebook(
        cells=[new_markdown_cell("# Attack trends"), new_code_cell("show()", outputs=[dated])]
    )
    assert report_html.data_through(nb) == "2023-12-31"
    page = report_html.to_html(nb, {"parameters": {}})
    soup = BeautifulSoup(page, "html.parser")
    assert soup.select_one("div.data-through dd").get_text() == "31 December 2023"
    assert soup.select_one("section.key-findings p.data-through").get_text() == (
        "Data through 31 December 2023."
    )
    undated = new_notebook(cells=[new_code_cell("show()", outputs=[findings_output(["One."])])])
    assert report_html.data_through(undated) is None
    assert "data-through" not in report_html.to_html(undated, {"parameters": {}})
    summary = report_index.run_summary(
        {"run_date": "2026-12-08", "notebooks": [{"name": "a", "data_through": "2025-06-30"}]}
    )
    assert summary["reports"][0]["data_through"] == "30 June 2025"
