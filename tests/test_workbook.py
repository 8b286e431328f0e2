"""The run's spreadsheet per report: a sheet per figure and table, in page order, with its
sources, and a sources sheet with licences; ACLED event rows stay out."""

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
    assert book.sheetnames == [SOURCES_SHEET, "Fig 1 deaths", "Tab 1 groups", "Tab 3 groups-2"]
    figure = [list(row) for row in book["Fig 1 deaths"].iter_rows(values_only=True)]
    assert figure[0] == ["Deaths per year", None]  # rows padded to the widest
    assert figure[1][0].startswith("Sources: UCDP Georeferenced Event Dataset")
    # Header and rows as drawn; the year without data stays empty, not 0.
    assert figure[2:] == [["year", "deaths_best"], [2020, 10], [2021, 12], [2022, None]]
    table = [list(row) for row in book["Tab 1 groups"].iter_rows(values_only=True)]
    assert "Armed Conflict Location & Event Data (ACLED)" in table[1][0]
    assert table[2:] == [["group", "events"], ["JNIM", 5], ["ISSP", 3]]
    sources = [list(row) for row in book[SOURCES_SHEET].iter_rows(values_only=True)]
    header = sources[1]
    assert header[:4] == ["dataset", "version read", "publisher", "licence"]
    by_dataset = {row[0]: row for row in sources[2:]}
    ucdp = by_dataset["UCDP Georeferenced Event Dataset (GED) Global"]
    assert ucdp[1] == "25.1" and "25.1" in ucdp[4] and "unknown" not in ucdp[4]
    assert ucdp[3] == "CC BY 4.0 (Uppsala Conflict Data Program)" and ucdp[6] == "Fig 1 deaths"
    assert "Deadliest events: not exported" in by_dataset
    assert "MLI1" not in str([list(s.iter_rows(values_only=True)) for s in book.worksheets])


def test_no_data_no_workbook(tmp_path):
    assert not write_workbook(tmp_path, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_sheet_names_fit_excel():
    taken: set[str] = set()
    long = {"kind": "table", "number": 12, "slug": "table-" + "a/b" * 20}
    first = sheet_name(long, taken)
    second = sheet_name(long, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert "/" not in first


def test_a_cell_run_twice_is_listed_once(figures_dir):
    slugs = [entry["slug"] for entry in contents(figures_dir)]
    assert len(slugs) == len(set(slugs)) == 4


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
