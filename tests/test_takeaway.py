"""Data to take away: a figure's or table's CSV (a plain table), its sources line and metadata
file, ACLED's rows withheld; the tooltips of the inline SVG, escaped, with ids unique per
page."""

from __future__ import annotations

import base64
import io
import json
import re
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from analysis.figures import style
from analysis.reports import hover, page
from analysis.reports.takeaway import datasets_named, sources_line, takeaway, to_frame

UCDP = "UCDP GED 25.1 (ucdp.uu.se)"


def test_csv_is_a_plain_table_and_its_sources_go_beside_it():
    frame = pd.DataFrame({"year": [2020, 2021], "deaths_best": [10, 25]})
    taken = takeaway(frame, UCDP)
    # The header on the first line, then the rows: read as it is by a plain read_csv.
    assert taken.csv == "year,deaths_best\n2020,10\n2021,25\n"
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(taken.csv)), frame)
    # Written out by hand from the register's UCDP GED entry.
    assert taken.sources_line == (
        "Sources: UCDP Georeferenced Event Dataset (GED) Global; licences: UCDP GED: "
        "CC BY 4.0 (Uppsala Conflict Data Program)"
    )
    assert (taken.columns, taken.rows) == (("year", "deaths_best"), 2)
    payload = taken.href().split(",", 1)[1]
    assert base64.b64decode(payload).decode("utf-8") == taken.csv


def test_sources_named_in_a_line_each_once_in_register_order():
    keys = [d.key for d in datasets_named(["OWID x; UCDP GED 24.1", "UCDP GED 25.1 (a)"])]
    assert keys == ["ucdp-ged"]
    keys = [d.key for d in datasets_named("Our World in Data from UCDP; ACLED API")]
    assert keys == ["owid", "acled-api"]  # 'ACLED API' is not also read as 'ACLED'
    # No name in the line: the datasets the run read.
    assert [d.key for d in datasets_named("", read=["curated", "nope"])] == ["curated"]
    assert sources_line([]) == "Sources: not stated; licences: not stated"
    # The version the run read, where it read one (by hand from the register's OWID entry).
    owid = datasets_named("Our World in Data from UCDP")
    assert sources_line(owid, {"owid": "2025-06"}).startswith(
        "Sources: Our World in Data: deaths in armed conflicts by where they occurred, "
        "version 2025-06; licences: "
    )


def test_acled_aggregates_carry_the_attribution_and_event_rows_are_withheld():
    monthly = pd.DataFrame({"month": ["2024-01", "2024-02"], "events": [3, 4]})
    taken = takeaway(monthly, "ACLED (acleddata.com)")
    assert taken.csv is not None and taken.csv.splitlines()[0] == "month,events"
    line = taken.sources_line
    assert "Armed Conflict Location & Event Data (ACLED), acleddata.com" in line
    assert "ACLED Terms of Use" in line
    rows = pd.DataFrame({"event_id_cnty": ["MLI1"], "latitude": [14.1], "deaths_best": [2]})
    withheld = takeaway(rows, "ACLED (acleddata.com)")
    assert withheld.csv is None and "ACLED" in withheld.withheld
    with pytest.raises(ValueError):
        withheld.href()
    # The same rows from an open dataset are exported.
    assert takeaway(rows, UCDP).csv is not None


def test_shapes_of_figure_data_become_one_table():
    series = pd.Series([1.5, 2.0], index=pd.Index([2020, 2021], name="year"), name="share")
    assert to_frame(series).to_dict("list") == {"year": [2020, 2021], "share": [1.5, 2.0]}
    parts = {
        "a": pd.DataFrame({"year": [2020], "v": [1]}),
        "b": pd.DataFrame({"year": [2021], "v": [2]}),
    }
    stacked = to_frame(parts)
    assert stacked.to_dict("list") == {"part": ["a", "b"], "year": [2020, 2021], "v": [1, 2]}
    # A list cell, and an array cell (a pyarrow list column's), as the values joined with '; ',
    # never numpy's "['Government of Mali' 'JNIM']".
    lists = to_frame(
        pd.DataFrame(
            {"groups": [["jnim", "isgs"], np.array(["Government of Mali", "JNIM"])], "n": [1, 2]}
        )
    )
    assert lists["groups"].tolist() == ["jnim; isgs", "Government of Mali; JNIM"]
    assert to_frame(object()) is None


def test_geometry_is_dropped():
    geopandas = pytest.importorskip("geopandas")
    from shapely.geometry import Point

    areas = geopandas.GeoDataFrame(
        {"admin1": ["Gao"], "events": [3]}, geometry=[Point(0, 15)], crs="EPSG:4326"
    )
    assert list(to_frame(areas).columns) == ["admin1", "events"]


class Tags(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _shown(monkeypatch):
    shown = []
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: shown.append(obj.data))
    return shown


def test_figure_has_titles_escaped_unique_ids_and_a_data_link(monkeypatch, tmp_path):
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path))
    shown = _shown(monkeypatch)
    page.reset_figure_numbers()
    for _ in range(2):
        fig, ax = style.new_figure()
        ax.bar([0, 1], [10, 2500], label="events")
        ax.set_xticks([0, 1], ["Gao <b>", "Mopti"])
        ax.set_title("Events")
        data = pd.DataFrame({"region": ["Gao <b>", "Mopti"], "events": [10, 2500]})
        page.figure(fig, "bars", "Per region.", source=UCDP, data=data)
    first, second = shown
    # One title per bar, label and value as computed by hand; the markup arrives as text.
    assert re.findall(r"<title>([^<]*)</title>", first) == [
        "events: Gao &lt;b&gt;: 10",
        "events: Mopti: 2,500",
    ]
    assert "<b>" not in first.split("<figcaption>")[0]
    ids = [a["id"] for text in shown for _, a in Tags(text).tags if "id" in a]
    assert len(ids) == len(set(ids))  # two figures with the same drawing share no id
    references = {
        a["xlink:href"][1:] for text in shown for _, a in Tags(text).tags if "xlink:href" in a
    }
    assert references and references <= set(ids)  # every reference still finds its target
    # The source in the caption, not in the image; the CSV link and the files for the workbook.
    assert "Source: UCDP GED 25.1" in first.split("<figcaption>")[1]
    assert 'download="bars.csv"' in first and 'download="bars-2.csv"' in second
    assert (tmp_path / "bars.csv").read_text(encoding="utf-8").splitlines()[0] == "region,events"
    contents = (tmp_path / page.CONTENTS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(contents) == 2
    # Beside the CSV: its metadata file (also linked from the page) and the licence line.
    about = json.loads((tmp_path / "bars.metadata.json").read_text(encoding="utf-8"))
    assert about["file"] == "bars.csv" and about["columns"] == ["region", "events"]
    assert about["rows"] == 2 and about["number"] == 1 and about["title"] == "Events"
    (ucdp,) = about["sources"]
    assert ucdp["licence"] == "CC BY 4.0 (Uppsala Conflict Data Program)"
    assert 'download="bars.metadata.json"' in first
    assert "Licences: UCDP GED: CC BY 4.0 (Uppsala Conflict Data Program)" in first


def test_table_link_matches_the_table(monkeypatch):
    shown = _shown(monkeypatch)
    frame = pd.DataFrame({"group": ["JNIM", "ISSP"], "events": [12, 7]})
    page.table(frame, "Events by group", slug="groups")
    (body,) = shown
    href, about = [a["href"] for tag, a in Tags(body).tags if tag == "a"]
    csv = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(csv)), frame)
    assert about.startswith("data:application/json;charset=utf-8;base64,")
    assert json.loads(base64.b64decode(about.split(",", 1)[1]))["columns"] == ["group", "events"]


def test_number_text():
    assert hover.number_text(1234) == "1,234"
    assert hover.number_text(12.345) == "12.3"
    assert hover.number_text(float("nan")) == "no data"  # no data is not zero


def test_show_block_serves_each_part_of_a_section(monkeypatch):
    """A section's parts on the page: a figure drawn with its data link, a table with its
    link, a missing part said plainly, a no-data part shown as such."""
    from analysis.figures import events as fe
    from analysis.reports.parts import Chart, NoData, Table

    shown = _shown(monkeypatch)
    page.reset_figure_numbers()
    wide = pd.DataFrame({"JNIM": [1, 2], "ISSP": [0, 3]}, index=pd.Index([2020, 2021], name="year"))
    blocks = [
        Chart("by-group", "Per year.", UCDP, wide, draw=fe.draw_split,
              options={"title": "Events by group", "ylabel": "Events"}),
        NoData("boundaries", "the 2015 boundaries would fill it"),
        Table(pd.DataFrame({"group": ["JNIM"], "events": [3]}), "Groups", slug="groups"),
        NoData("no UCDP actors", "UCDP's actor list would fill it"),
    ]  # fmt: skip
    # Nothing returned: a notebook cell ending with one echoes nothing.
    assert [page.show_block(block) for block in blocks] == [None] * 4
    figure, missing, table, nothing = shown
    href, _ = [a["href"] for t, a in Tags(figure).tags if t == "a"]
    csv = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    # The figure's data as drawn: the year index as a column, one column per group.
    assert csv.splitlines() == ["year,JNIM,ISSP", "2020,1,0", "2021,2,3"]
    assert "boundaries" in missing and "no-data" in missing
    assert 'download="table-groups.csv"' in table
    assert "no UCDP actors" in nothing and "data-link" not in nothing


def test_acled_event_points_are_a_picture_without_tooltips(monkeypatch):
    """A map of ACLED's events: no CSV, and no per-event tooltip or coordinate in the markup."""
    shown = _shown(monkeypatch)
    events = pd.DataFrame(  # invented rows in the canonical layout
        {"event_id_cnty": ["MLI1", "MLI2"], "latitude": [14.5, 16.3], "longitude": [-4.2, -0.05]}
    )
    fig, ax = style.new_figure()
    ax.scatter(events["longitude"], events["latitude"], label="battle")
    page.figure(fig, "points", "Events.", source="ACLED (acleddata.com)", data=events)
    (body,) = shown
    assert "<svg" not in body and '<img src="data:image/png;base64,' in body
    assert "not exported" in body and "data:text/csv" not in body
    # The same points from UCDP GED: inline SVG with a tooltip per point.
    fig, ax = style.new_figure()
    ax.scatter(events["longitude"], events["latitude"], label="battle")
    page.figure(fig, "points", "Events.", source=UCDP, data=events)
    assert len(re.findall(r"<title>battle: ", shown[1])) == 2


def test_heat_map_cells_and_marked_points_name_their_row(monkeypatch):
    shown = _shown(monkeypatch)
    fig, (left, right) = style.new_figure(ncols=2)
    left.pcolormesh([[1.0, 2.0], [3.0, float("nan")]])
    left.set_xticks([0.5, 1.5], ["R6", "R7"])
    left.set_yticks([0.5, 1.5], ["Gao", "Kidal"])
    right.plot([2015], [0], marker="o", linestyle="none")
    right.set_yticks([0], ["Gallup"])
    page.figure(fig, "heat", "Cells.")
    (body,) = shown
    # Row, column and value of each cell, by hand; the missing cell says so (not 0).
    titles = re.findall(r"<title>([^<]*)</title>", body)
    assert titles[:4] == ["Gao, R6: 1", "Gao, R7: 2", "Kidal, R6: 3", "Kidal, R7: no data"]
    assert titles[4] == "2015: Gallup"


def test_data_too_big_for_the_page_is_in_the_spreadsheet(monkeypatch, tmp_path):
    folder = tmp_path / "attack_trends"
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(folder))
    monkeypatch.setattr(page, "EMBED_LIMIT_BYTES", 100)
    shown = _shown(monkeypatch)
    frame = pd.DataFrame({"year": range(2000, 2030), "events": range(30)})
    page.table(frame, "Many rows", slug="many")
    (body,) = shown
    assert "data:text/csv" not in body
    assert "data: 30 rows, in the spreadsheet" in body and 'href="attack_trends.xlsx"' in body
    written = (folder / "table-many.csv").read_text(encoding="utf-8").splitlines()
    assert len(written) == 31  # header and 30 rows: all of it, for the workbook
