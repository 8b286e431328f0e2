"""The run's spreadsheet per report: a sheet per figure and table, in page order, each a plain
table named by its number and title; sheets saying what the book is (about), what each sheet
is with its sources and licences (contents), the datasets (sources) and the cited sources
(references); ACLED event rows stay out."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.figures import style
from analysis.pipeline.workbook import (
    SOURCES_SHEET,
    contents,
    cut_at_word,
    sheet_name,
    versions_read,
    write_workbook,
)
from analysis.reports import page


@pytest.fixture
def figures_dir(monkeypatch, tmp_path):
    """A report's figures folder as a build leaves it: a figure, two tables, a withheld one."""
    folder = tmp_path / "figures" / "attack_trends"
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(folder))
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: None)
    page.reset_figure_numbers()
    fig, ax = style.new_figure()
    ax.bar([2020, 2021], [10, 12])
    ax.set_title("Deaths per year")
    yearly = pd.DataFrame({"year": [2020, 2021, 2022], "deaths_best": [10, 12, None]})
    page.figure(fig, "deaths", "Deaths.", source="UCDP GED 25.1 (ucdp.uu.se)", data=yearly)
    groups = pd.DataFrame({"group": ["JNIM", "ISSP"], "events": [5, 3]})
    page.table(groups, "Events by group", slug="groups", source="ACLED (acleddata.com)")
    rows = pd.DataFrame({"event_id_cnty": ["MLI1"], "deaths_best": [4]})  # invented
    page.table(rows, "Deadliest events", slug="deadliest", source="ACLED (acleddata.com)")
    page.table(groups, "Events by group", slug="groups", source="ACLED (acleddata.com)")
    return folder


def test_workbook_has_a_sheet_per_figure_and_table_and_the_sources(figures_dir, tmp_path):
    target = tmp_path / "attack_trends.xlsx"
    versions = versions_read([{"dataset": "ucdp-ged", "version": "25.1"}, {"dataset": "curated"}])
    assert versions == {"ucdp-ged": "25.1"}
    assert write_workbook(figures_dir, target, "Attack trends", versions)
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file
    book = load_workbook(target)
    # page order; the second table named 'groups' has its own sheet; the withheld one none
    # page order, each sheet named by its number and title on the page; the second table
    # 'Events by group' has a sheet of its own; the withheld one none
    assert book.sheetnames == [
        "about",
        "contents",
        "Figure 1 Deaths per year",
        "Table 1 Events by group",
        "Table 3 Events by group",
        SOURCES_SHEET,
        "references",
    ]
    figure = [list(row) for row in book["Figure 1 Deaths per year"].iter_rows(values_only=True)]
    # A plain table: the header on the first row, the rows as drawn; the year without data
    # stays empty, not 0.
    assert figure == [["year", "deaths_best"], [2020, 10], [2021, 12], [2022, None]]
    table = [list(row) for row in book["Table 1 Events by group"].iter_rows(values_only=True)]
    assert table == [["group", "events"], ["JNIM", 5], ["ISSP", 3]]
    # The contents sheet: each figure and table with its sources and licences, in page order.
    listed = [list(row) for row in book["contents"].iter_rows(values_only=True)]
    assert listed[0] == [
        "sheet", "figure or table", "number", "title", "sources and licences", "csv"
    ]  # fmt: skip
    assert [row[:4] for row in listed[1:]] == [
        ["Figure 1 Deaths per year", "figure", 1, "Deaths per year"],
        ["Table 1 Events by group", "table", 1, "Events by group"],
        ["not exported: ACLED's event rows are not redistributed (its terms)", "table", 2,
         "Deadliest events"],
        ["Table 3 Events by group", "table", 3, "Events by group"],
    ]  # fmt: skip
    assert listed[1][4].startswith("Sources: UCDP Georeferenced Event Dataset (GED) Global")
    assert "Armed Conflict Location & Event Data (ACLED)" in listed[2][4]
    assert listed[1][5] == "deaths.csv" and listed[3][5] is None
    sources = [list(row) for row in book[SOURCES_SHEET].iter_rows(values_only=True)]
    assert sources[0][:4] == ["dataset", "version read", "publisher", "licence"]
    by_dataset = {row[0]: row for row in sources[1:]}
    ucdp = by_dataset["UCDP Georeferenced Event Dataset (GED) Global"]
    assert ucdp[1] == "25.1" and "25.1" in ucdp[4] and "unknown" not in ucdp[4]
    assert ucdp[3] == "CC BY 4.0 (Uppsala Conflict Data Program)"
    assert ucdp[6] == "Figure 1 Deaths per year"
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["report"] == "Attack trends"
    assert about["published by"] == "The Mali extremism reports contributors"
    assert "MLI1" not in str([list(s.iter_rows(values_only=True)) for s in book.worksheets])


def test_no_data_no_workbook(tmp_path):
    assert not write_workbook(tmp_path, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_sheet_names_fit_excel_cut_at_a_word_and_stay_unique():
    taken: set[str] = set()
    long = {"kind": "table", "number": 12, "title": "Deaths per year by country (OWID from UCDP)"}
    # 31 characters at most, cut after a whole word (never 'countr'), by hand.
    assert sheet_name(long, taken) == "Table 12 Deaths per year by"
    assert sheet_name(long, taken) == "Table 12 Deaths per year by (2)"  # 31 characters
    assert sheet_name({"kind": "figure", "number": 3, "title": "Events: a/b?"}, taken) == (
        "Figure 3 Events a b"
    )
    # A first word too long to fit is left out rather than cut; no name is empty.
    assert sheet_name({"kind": "table", "number": 1, "title": "x" * 40}, taken) == "Table 1"
    assert sheet_name({"kind": "table", "number": 2, "title": ""}, taken) == "Table 2"
    assert all(len(name) <= 31 for name in taken)
    # The sheets that say what the book is keep their names.
    assert sheet_name({"kind": "table", "number": 4, "title": ""}, {"table 4"}) == "Table 4 (2)"


def test_cut_at_word():
    assert cut_at_word("Events and deaths by region", 16) == "Events and"
    assert cut_at_word("Events, deaths", 8) == "Events"  # no trailing comma
    assert cut_at_word("short", 31) == "short"
    assert cut_at_word("Unbreakable", 5) == "Unbre"


def test_a_cell_run_twice_is_listed_once(figures_dir):
    slugs = [entry["slug"] for entry in contents(figures_dir)]
    assert len(slugs) == len(set(slugs)) == 4


def test_a_report_re_run_from_its_first_cell_numbers_from_1(monkeypatch, tmp_path):
    """Opening a run starts the figure and table numbers again, as re-running a notebook's
    first cell in JupyterLab does (Figure 17 after one re-run, before)."""
    from analysis.reports.context import open_run

    shown = []
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: shown.append(obj.data))
    groups = pd.DataFrame({"group": ["JNIM"], "events": [5]})
    for _ in range(2):
        open_run("2020-01-01", "2020-12-31")
        fig, ax = style.new_figure()
        ax.bar([0], [1])
        page.figure(fig, "bars", "Bars.")
        page.table(groups, "Events by group")
    first, _, again, table = shown
    assert "<strong>Figure 1.</strong>" in first and "<strong>Figure 1.</strong>" in again
    assert "<strong>Table 1.</strong> Events by group" in table
    assert 'download="table-events-by-group.csv"' in table  # not '-2': the slugs restart too


def test_index_front_page_shows_key_figure_findings_changes_and_links(tmp_path):
    """reports/index.html opens with the newest run's reports: run date, findings, what
    changed, the key figure as a small embedded picture, links to HTML, PDF and spreadsheet."""
    from PIL import Image

    from analysis.pipeline import index

    run = tmp_path / "2025-11-24"
    (run / "figures" / "attacks").mkdir(parents=True)
    Image.new("RGB", (1200, 600), "white").save(run / "figures" / "attacks" / "trend.png")
    manifest = {
        "run_date": "2025-11-24",
        "notebooks": [
            {
                "name": "attacks",
                "title": "Attack trends <i>",
                "status": "ok",
                "files": ["attacks.html", "attacks.pdf", "attacks.xlsx"],
                "key_findings": ["Deaths rose."],
                "figures": [{"number": 1, "slug": "trend", "title": "Deaths <b> per year"}],
                "changes": {
                    "summary": "Since the run of 2025-11-17: 1 changed.",
                    "changed": [],
                    "gone": [],
                },
            }
        ],
    }
    page = index.runs_index_html([manifest], newest_dir=run)
    front = page[page.index('<section class="front"') : page.index('<h2 id="runs">')]
    assert '<a href="2025-11-24/attacks.xlsx">spreadsheet</a>' in front
    assert '<a href="2025-11-24/attacks.pdf">PDF</a>' in front and "Run of 2025-11-24" in front
    assert "Deaths rose." in front and "Since the run of 2025-11-17: 1 changed." in front
    assert 'alt="Key figure: Deaths &lt;b&gt; per year"' in front
    (src,) = [s for s in front.split('"') if s.startswith("data:image/png;base64,")]
    thumb = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    assert thumb.size == (360, 180)  # 1200 x 600 scaled to the thumbnail width
    assert "<i>" not in page
    # Without the run's folder (or for a run index without it) there is no picture.
    assert "data:image" not in index.run_index_html(manifest)
    assert "data:image" in index.run_index_html(manifest, run_dir=run)
