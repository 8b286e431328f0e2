"""The numbers readers quote: hover titles equal the plotted values, each CSV equals the table
shown, the spreadsheet's sheets equal the CSVs, and text from data never becomes markup or a
live formula. Every expected value below is written out by hand from the small input."""

from __future__ import annotations

import base64
import io
import re

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from analysis.figures import style
from analysis.reports import page
from analysis.reports.takeaway import takeaway

UCDP = "UCDP GED 25.1 (ucdp.uu.se)"


def _shown(monkeypatch):
    shown = []
    monkeypatch.setattr(page, "display", lambda obj, metadata=None: shown.append(obj.data))
    return shown


def _titles(body: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", body)


def _csv_of(body: str) -> str:
    (href,) = re.findall(r'href="(data:text/csv[^"]+)"', body)
    return base64.b64decode(href.split(",", 1)[1]).decode("utf-8")


def test_stacked_and_horizontal_bars_title_each_segment_with_its_own_value(monkeypatch):
    shown = _shown(monkeypatch)
    page.reset_figure_numbers()
    fig, (stacked, across) = style.new_figure(ncols=2)
    jnim, isgs = [4, 10], [6, 1]
    stacked.bar([0, 1], jnim, label="JNIM")
    stacked.bar([0, 1], isgs, bottom=jnim, label="ISGS")
    stacked.set_xticks([0, 1], ["2020", "2021"])
    across.barh([0, 1], [1234.5, 0.25])
    across.set_yticks([0, 1], ["Gao", "Mopti"])
    page.figure(fig, "bars", "Bars.")
    (body,) = shown
    # Each segment its own height (not the stack's top: ISGS 2020 is 6, not 10).
    assert _titles(body) == [
        "JNIM: 2020: 4",
        "JNIM: 2021: 10",
        "ISGS: 2020: 6",
        "ISGS: 2021: 1",
        "Gao: 1,234.5",
        "Mopti: 0.25",
    ]


def test_line_points_title_their_values_and_a_gap_is_no_point(monkeypatch):
    shown = _shown(monkeypatch)
    fig, ax = style.new_figure()
    ax.plot([2019, 2020, 2021, 2022], [3.0, float("nan"), 7.5, 12.0], marker="o", label="deaths")
    page.figure(fig, "line", "Line.")
    (body,) = shown
    # 2020 has no data: no point and no title, never a 0.
    assert _titles(body) == ["deaths: 2019: 3", "deaths: 2021: 7.5", "deaths: 2022: 12"]


def test_map_areas_title_each_area_with_its_count(monkeypatch):
    geopandas = pytest.importorskip("geopandas")
    from shapely.geometry import box

    from analysis.analyses.areas import AreaCounts
    from analysis.core.regions import REGIONAL_CAPITALS
    from analysis.figures.maps import draw_choropleth

    shown = _shown(monkeypatch)
    areas = geopandas.GeoDataFrame(  # three invented square regions
        {"admin1": ["Gao", "Kidal", "Mopti"], "events": [12, 0, 1500], "deaths_best": [3, 0, 20]},
        geometry=[box(0, 14, 1, 15), box(1, 14, 2, 15), box(2, 14, 3, 15)],
        crs="EPSG:4326",
    )
    counts = AreaCounts("adm1", areas, pd.DataFrame())
    fig, ax = style.new_figure()
    draw_choropleth(ax, counts, "events")
    page.figure(fig, "map", "Map.", source=UCDP, data=counts)
    (body,) = shown
    # The empty area drawn first (pale grey), then the shaded ones, each with its own count;
    # the capitals drawn on every map are titled with their names, the outline not at all.
    titles = _titles(body)
    areas_titled = sorted(t for t in titles if " events" in t)
    assert areas_titled == ["Gao: 12 events", "Kidal: 0 events", "Mopti: 1,500 events"]
    assert sorted(set(titles) - set(areas_titled)) == sorted(
        f"{town} ({'capital' if region == 'Bamako' else 'regional capital'})"
        for region, (town, *_rest) in REGIONAL_CAPITALS.items()
    )
    csv = _csv_of(body)
    assert csv.splitlines() == [
        "admin1,events,deaths_best",
        "Gao,12,3",
        "Kidal,0,0",
        "Mopti,1500,20",
    ]


def test_table_csv_equals_the_table_shown_and_no_data_stays_empty(monkeypatch):
    shown = _shown(monkeypatch)
    frame = pd.DataFrame(
        {
            "year": [2020, 2021, 2022],
            "deaths_best": [10.0, float("nan"), 0.0],
            "group": ["JNIM", None, "ISGS"],
        }
    )
    page.table(frame, "Deaths", slug="deaths", source=UCDP)
    (body,) = shown
    lines = _csv_of(body).splitlines()
    # 2021 has no figure: an empty cell in the CSV (the table shows an en dash), never 0;
    # 2022's real 0 stays 0.
    assert lines == ["year,deaths_best,group", "2020,10.0,JNIM", "2021,,", "2022,0.0,ISGS"]
    assert '<td class="num">–</td>' in body
    back = pd.read_csv(io.StringIO(_csv_of(body)))
    pd.testing.assert_frame_equal(back, frame.astype({"group": object}), check_dtype=False)


def test_formula_like_text_never_becomes_a_formula_in_the_csv():
    frame = pd.DataFrame(
        {"actor": ["=1+1", "@SUM(A1)", "+CMD", "-2+3", "JNIM"], "events": [1, -2, 3, 4, 5]}
    )
    csv = takeaway(frame, UCDP).csv
    # Text a spreadsheet would evaluate starts with an apostrophe (OWASP's advice); the
    # negative number stays a number.
    assert csv.splitlines()[1:] == [
        "'=1+1,1",
        "'@SUM(A1),-2",
        "'+CMD,3",
        "'-2+3,4",
        "JNIM,5",
    ]


def test_workbook_sheets_hold_the_csvs_values_and_no_formula(monkeypatch, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from analysis.pipeline.workbook import write_workbook

    folder = tmp_path / "attack_trends"
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(folder))
    _shown(monkeypatch)
    page.reset_figure_numbers()
    frame = pd.DataFrame(
        {
            "actor": ["=1+1", "@SUM(A1)", "Katiba\nMacina", "NA"],
            "code": ["007", "ML01", "x", "y"],
            "deaths_best": [1.5, float("nan"), 0.0, 4.0],
        }
    )
    page.table(frame, '=HYPERLINK("http://x")', slug="actors", source=UCDP)
    target = tmp_path / "attack_trends.xlsx"
    assert write_workbook(folder, target, "Attack trends")
    book = openpyxl.load_workbook(target)
    # The sheet named by the table's number and caption (its characters Excel allows).
    sheet = book['Table 1 =HYPERLINK("http x")']
    # No cell is a formula: the title from a caption and the text from data are text.
    for name in book.sheetnames:
        assert all(c.data_type != "f" for row in book[name].iter_rows() for c in row), name
    contents = [list(row) for row in book["contents"].iter_rows(values_only=True)]
    assert contents[1][3] == '=HYPERLINK("http://x")'
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    csv = (folder / "table-actors.csv").read_text(encoding="utf-8")
    from_csv = pd.read_csv(io.StringIO(csv), keep_default_na=False, dtype=str)
    # The sheet's rows are the CSV's values, cell for cell ('007' keeps its zeros, 'NA' is a
    # name, the missing death figure an empty cell, never 0), without the CSV's guard
    # apostrophe: the sheet holds '=1+1' as text (issue 27), the CSV writes "'=1+1".
    assert rows[0] == list(from_csv.columns)
    assert from_csv["actor"].tolist()[:2] == ["'=1+1", "'@SUM(A1)"]
    expected = [
        ["=1+1", "007", 1.5],
        ["@SUM(A1)", "ML01", None],
        ["Katiba\nMacina", "x", 0],
        ["NA", "y", 4],
    ]
    assert rows[1:] == expected


def test_a_report_table_csv_names_its_own_source_not_every_dataset_read(monkeypatch):
    from analysis.core import origins
    from analysis.reports.parts import Table

    shown = _shown(monkeypatch)
    origins.start_log()
    # The run read OWID too; the table is from UCDP GED only.
    origins.record_api("owid", "https://example.invalid/owid", {})
    frame = pd.DataFrame({"year": [2020], "deaths (best)": [10]})
    page.show_block(Table(frame, "Deaths", {}, UCDP, slug="deaths"))
    (line,) = re.findall(r'<span class="data-sources">([^<]*)</span>', shown[0])
    # By hand from the register's UCDP GED entry: that dataset alone.
    assert line == (
        "Sources: UCDP Georeferenced Event Dataset (GED) Global; licences: UCDP GED: "
        "CC BY 4.0 (Uppsala Conflict Data Program)"
    )
    # Without a source of its own, a table names every dataset the run read.
    page.table(frame, "Deaths", slug="unsourced")
    (line,) = re.findall(r'<span class="data-sources">([^<]*)</span>', shown[1])
    assert "Our World in Data" in line
    origins.start_log()  # a fresh log: no later test sees this run's OWID


def test_yes_no_columns_read_as_the_table_shows_them(monkeypatch):
    shown = _shown(monkeypatch)
    frame = pd.DataFrame({"group": ["JNIM", "ISGS"], "comparable": [True, False]})
    page.table(frame, "Comparable", slug="comparable")
    (body,) = shown
    # The page shows yes/no (page.format_number); the CSV says the same.
    assert '<td class="num">yes</td>' in body
    assert _csv_of(body).splitlines() == ["group,comparable", "JNIM,yes", "ISGS,no"]


def test_a_control_character_in_the_data_does_not_stop_the_spreadsheet(monkeypatch, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from analysis.pipeline.workbook import write_workbook

    folder = tmp_path / "attack_trends"
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(folder))
    _shown(monkeypatch)
    page.reset_figure_numbers()
    frame = pd.DataFrame({"place": ["Gao\x0bcity", "Mopti"], "events": [3, 4]})
    page.table(frame, "Places\x01", slug="places", source=UCDP)
    target = tmp_path / "attack_trends.xlsx"
    assert write_workbook(folder, target, "Attack trends")
    book = openpyxl.load_workbook(target)
    rows = list(book["Table 1 Places"].iter_rows(values_only=True))
    # Excel cannot hold the control characters in cells: they are left out, the rest kept.
    assert book["contents"]["D2"].value == "Places"
    assert [list(r) for r in rows[1:]] == [["Gaocity", 3], ["Mopti", 4]]


def test_the_sheet_keeps_the_csv_header_as_written(tmp_path):
    from analysis.pipeline.workbook import read_takeaway_csv

    path = tmp_path / "t.csv"
    # Two columns with one name (a flattened two-level header can give that): kept as written.
    path.write_text("share,share,note\n1,2,a\n", encoding="utf-8")
    assert read_takeaway_csv(path) == [["share", "share", "note"], [1, 2, "a"]]


def test_every_source_has_its_licence_and_a_shared_licence_is_named_once():
    from analysis.reports.takeaway import datasets_named, sources_line

    line = sources_line(
        datasets_named("UCDP GED 25.1; Our World in Data from UCDP; UCDP Battle-Related Deaths")
    )
    # By hand from the register: GED and BRD share UCDP's licence, OWID has its own.
    assert line.endswith(
        "licences: UCDP GED, UCDP Battle-Related Deaths: CC BY 4.0 (Uppsala Conflict Data Program); "
        "Our World in Data from UCDP: CC BY 4.0 (Our World in Data; underlying UCDP data "
        "CC BY 4.0)"
    )


def test_number_text_of_an_infinite_ratio_does_not_stop_the_report():
    from analysis.reports.hover import number_text

    assert (number_text(float("inf")), number_text(float("-inf"))) == ("∞", "−∞")
    assert number_text(-0.5) == "-0.5" and number_text(-1234.56) == "-1,234.6"


def test_a_day_shows_as_a_day_in_the_table_and_its_csv():
    # A date column holds days: the page and the CSV both say 2020-01-01, never with midnight.
    frame = pd.DataFrame({"date": pd.to_datetime(["2020-01-01", "2021-06-30"]), "events": [3, 4]})
    shown = page.table_html(frame)
    assert '<td class="text short">2020-01-01</td>' in shown  # short: it never wraps
    assert "00:00:00" not in shown


def test_error_bars_title_their_points_with_the_series_and_caps_get_no_title(monkeypatch):
    shown = _shown(monkeypatch)
    fig, ax = style.new_figure()
    # errorbar puts the label on its container, not on the line of points; its caps are
    # marked lines too ('_' markers) whose y is a bound (55, 65...), not a value.
    ax.errorbar(
        [2019, 2021],
        [60.0, 70.0],
        yerr=[[5.0, 4.0], [5.0, 6.0]],
        fmt="-o",
        capsize=2,
        label="Trust the army",
    )
    page.figure(fig, "errorbars", "Error bars.")
    (body,) = shown
    # By hand: two points, 60 in 2019 and 70 in 2021; no title for the bounds 55, 65, 66, 76.
    assert _titles(body) == ["Trust the army: 2019: 60", "Trust the army: 2021: 70"]


def test_national_and_north_points_are_titled_with_their_real_fieldwork_not_the_dodge(
    monkeypatch,
):
    from analysis.figures import opinion
    from analysis.reports.opinion_captions import national_and_north

    shown = _shown(monkeypatch)
    rounds = {
        "round": [6, 7],
        "suppressed": [False, False],
        "fieldwork_start": ["2014-12-01", "2017-02-08"],
        "fieldwork_end": ["2014-12-14", "2017-02-24"],
        "short": "Trust the army",
        "note": "",
    }
    national = pd.DataFrame(
        {
            **rounds,
            "group": "All respondents",
            "share": [82.1, 81.8],
            "low": [79.6, 79.3],
            "high": [84.3, 84.0],
        }
    )
    north = pd.DataFrame(
        {
            **rounds,
            "group": "North",
            "share": [80.3, 63.1],
            "low": [71.8, 51.9],
            "high": [86.7, 73.0],
        }
    )
    fig, ax = style.new_figure()
    opinion.draw_national_vs_north(ax, national_and_north(national, north))
    page.figure(fig, "north", "North.")
    (body,) = shown
    # The points are drawn 20 days either side of each round so their bars do not overlap;
    # the titles name the round and its real fieldwork (not 2014-11-17 or 2017-03-08), the
    # share and its interval, all from the frames above.
    assert _titles(body) == [
        "National, round 6 (fieldwork 1 December 2014 to 14 December 2014): 82.1% (79.6–84.3)",
        "National, round 7 (fieldwork 8 February 2017 to 24 February 2017): 81.8% (79.3–84.0)",
        "North, round 6 (fieldwork 1 December 2014 to 14 December 2014): 80.3% (71.8–86.7)",
        "North, round 7 (fieldwork 8 February 2017 to 24 February 2017): 63.1% (51.9–73.0)",
    ]


def test_a_csv_names_the_curated_table_its_source_line_names_not_every_dataset_read():
    from analysis.reports.takeaway import datasets_named

    read = ["curated", "afrobarometer", "ucdp-brd", "ucdp-actor"]

    def keys(source: str) -> list[str]:
        return [d.key for d in datasets_named(source, read)]

    # By hand, from each figure's own source line as readers see it: the sharia bars are
    # published toplines (the curated tables) only, never Afrobarometer; the timeline is both;
    # the groups per year come from the curated groups and lineage, not UCDP.
    assert keys(
        "Source: Gallup, Pew Research Center (published toplines, compiled in the curated "
        "tables of this project)."
    ) == ["curated"]
    assert keys(
        "Source: published toplines, compiled in the curated tables of this project and "
        "Afrobarometer Mali, respondent-level data."
    ) == ["curated", "afrobarometer"]
    assert keys(
        "curated tables of this project: groups and lineage (each row cites its sources)"
    ) == ["curated"]
    # A line naming a curated table by its file still names the curated tables.
    assert keys("Source: Gallup (published toplines, curated in polls.csv).") == ["curated"]
    # A line that names nothing still falls back to what the run read.
    assert keys("Source: a table.") == ["curated", "ucdp-brd", "ucdp-actor", "afrobarometer"]


def test_a_published_point_beside_the_microdata_line_names_its_question_and_pollster(
    monkeypatch,
):
    from analysis.figures import opinion
    from analysis.reports.opinion_captions import published_points

    shown = _shown(monkeypatch)
    estimates = pd.DataFrame(
        {
            "breakdown": "none",
            "question_id": "trust-army",
            "short": "Trust the army",
            "positive_label": "somewhat or a lot",
            "round": [6, 7],
            "share": [82.1, 81.8],
            "low": [79.6, 79.3],
            "high": [84.3, 84.0],
            "suppressed": False,
            "fieldwork_start": ["2014-12-01", "2017-02-08"],
            "fieldwork_end": ["2014-12-14", "2017-02-24"],
        }
    )
    published = pd.DataFrame(
        {
            "question_id": ["trust-army"],
            "response": ["Somewhat or a lot"],
            "when": [pd.Timestamp("2020-03-31")],
            "share": [82.0],
            "pollster": ["Afrobarometer (GREAT)"],
            "interval_note": [""],
        }
    )
    fig, ax = style.new_figure()
    opinion.draw_trends(ax, estimates, published_points(estimates, published))
    page.figure(fig, "trends", "Trends.")
    (body,) = shown
    # By hand: the two microdata points (midpoints 2014-12-07, 2017-02-16) and the published
    # 82% of 2020, which said only '2020-03-31: 82' (no question, no pollster).
    assert sorted(_titles(body)) == [
        "Trust the army (somewhat or a lot), published by Afrobarometer (GREAT), 2020-03-31: 82%",
        "Trust the army (somewhat or a lot): 2014-12-07: 82.1",
        "Trust the army (somewhat or a lot): 2017-02-16: 81.8",
    ]
