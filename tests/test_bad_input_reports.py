"""Valid data and valid parameters that used to crash the reports (issue 17, case 5).

Each report is built on a small curated folder and every figure drawn as its notebook draws it
(page.figure, saved as SVG and PNG): text from data must show literally in the SVG (a '$' is
a dollar sign, never mathematics), and a section without data must say so with its reason
(page.no_data), never fail. Parameters a report cannot use stop with one sentence naming the
parameter.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

import geopandas as gpd
import matplotlib
import pandas as pd
import pytest
from shapely.geometry import box

from analysis import config
from analysis.analyses.areas import AreaCounts
from analysis.core.relative_dates import RUN_DATE_ENV
from analysis.figures import groups as fg
from analysis.figures import maps, style
from analysis.reports import attack_sections, page
from analysis.reports import group_evolution as ge
from analysis.reports import public_opinion as po
from analysis.reports.context import open_run
from analysis.reports.params import KNOWN_COUNTRIES, ParameterError, check_parameters
from analysis.reports.parts import Chart, NoData, Report
from tests import attack_report

matplotlib.use("Agg")

FIXTURES = Path(__file__).parent / "fixtures"
CURATED = FIXTURES / "curated_min"
LINEAGE = FIXTURES / "lineage"
RAW = FIXTURES / "attack_trends" / "raw"
#: A name matplotlib would read as mathematics with an unclosed superscript, and one it would
#: silently turn into italic 'B' between A and C.
DOLLAR_NAME, DOLLAR_ACRONYM = "Group $x^", "A$B$C"


# --- helpers --------------------------------------------------------------------------------


def edit_csv(path: Path, key: str, value: str, **cells: str) -> None:
    """Set cells of the row whose ``key`` column is ``value`` (the file stays valid CSV)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    found = [r for r in rows if r[key] == value]
    assert found, f"{value} not in {path.name}"
    for row in found:
        row.update(cells)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def dollar_milestones(curated: Path) -> None:
    """Both milestones moved into 2020-2021 (inside the OWID, BRD and poll years) and labelled
    with dollar signs."""
    edit_csv(
        curated / "milestones.csv",
        "milestone_id",
        "serval",
        label=DOLLAR_NAME,
        date="2020-01-11",
        end_date="2020-07-31",
    )
    edit_csv(
        curated / "milestones.csv",
        "milestone_id",
        "state-of-emergency-2015",
        label="$x^$",
        date="2021-06",
    )


def curated_copy(tmp_path: Path, base: Path = CURATED) -> Path:
    folder = tmp_path / "curated"
    shutil.copytree(base, folder)
    return folder


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """The hand-made OWID and BRD files; no ../shared; figures saved to tmp_path/figures;
    what the report displays collected as (object, metadata)."""
    monkeypatch.setattr(config, "RAW_DIR", RAW)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)
    monkeypatch.setenv(page.FIGURES_DIR_ENV, str(tmp_path / "figures"))
    shown: list[tuple[object, dict]] = []
    monkeypatch.setattr(
        page, "display", lambda obj, metadata=None: shown.append((obj, metadata or {}))
    )
    page.reset_figure_numbers()
    return shown


def svg_texts(path: Path) -> list[str]:
    """Every text of an SVG saved with svg.fonttype 'none' (text kept as text)."""
    root = ElementTree.parse(path).getroot()
    return [
        "".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text") or el.tag == "text"
    ]


def milestone_keys(shown, slug: str) -> str:
    """The milestone key listed under the figure ``slug`` on the page (its HTML)."""
    (body,) = [
        obj.data
        for obj, m in shown
        if m.get(page.METADATA_KEY, {}).get("figure", {}).get("slug") == slug
    ]
    if '<ol class="milestone-key"' not in body:
        return ""
    return body[body.index('<ol class="milestone-key"') : body.index("</ol>")]


def no_data_notes(shown) -> list[str]:
    return [
        m[page.METADATA_KEY]["no_data"]
        for _, m in shown
        if "no_data" in m.get(page.METADATA_KEY, {})
    ]


def figure_slugs(shown) -> list[str]:
    return [
        m[page.METADATA_KEY]["figure"]["slug"]
        for _, m in shown
        if "figure" in m.get(page.METADATA_KEY, {})
    ]


def show_attack_trends(report: attack_report.Built, only: tuple[str, ...] | None = None) -> None:
    """The attack-trends notebook's sections, shown as page.show shows them (the figures of
    ``only``, when given, and every other block); a section without data says why."""
    for part in report.report.sections.values():
        for block in part.blocks:
            if isinstance(block, Chart) and only is not None and block.slug not in only:
                continue
            page.show_block(block)


def build_attack_trends(curated: Path = CURATED, **given) -> attack_report.Built:
    return attack_report.build(curated, **given)


# --- case 1: '$' in names, acronyms and labels is shown literally ---------------------------


def test_dollar_in_acronym_and_milestone_label_shows_literally_in_attack_trends(machine, tmp_path):
    curated = curated_copy(tmp_path)
    edit_csv(curated / "groups.csv", "group_id", "aqim", acronym=DOLLAR_ACRONYM)
    dollar_milestones(curated)
    # the chronology stands in for a census here: a selection draws no events by group
    report = attack_report.as_census(build_attack_trends(curated, data_source="curated"))
    show_attack_trends(report, only=("events-by-group", "national-trend-ucdp"))
    figures = tmp_path / "figures"
    # AQIM's Bamako attack: the events-by-group legend names the group by its acronym
    assert DOLLAR_ACRONYM in svg_texts(figures / "events-by-group.svg")
    # the milestones are numbered on the figure and listed, literally, under it
    key = milestone_keys(machine, "national-trend-ucdp")
    assert DOLLAR_NAME in key and "$x^$" in key
    assert (figures / "national-trend-ucdp.png").stat().st_size > 0


def test_dollar_in_group_names_shows_literally_in_the_lineage_timeline(machine, tmp_path):
    curated = curated_copy(tmp_path, LINEAGE)
    groups = pd.read_csv(curated / "groups.csv", dtype=str)
    first, second = groups["group_id"].iloc[1], groups["group_id"].iloc[2]
    edit_csv(curated / "groups.csv", "group_id", first, name=DOLLAR_NAME, acronym="")
    edit_csv(curated / "groups.csv", "group_id", second, acronym=DOLLAR_ACRONYM)
    milestone = pd.read_csv(curated / "milestones.csv", dtype=str)["milestone_id"].iloc[0]
    edit_csv(curated / "milestones.csv", "milestone_id", milestone, label="$x^$ and $y")
    ctx = open_run("2000-01-01", "2017-12-31", curated)
    report = ge.build(ctx, ge.check(ctx, "2000-01-01", "2017-12-31"))
    page.show(report, "lineage")
    page.show(report, "overview")
    assert figure_slugs(machine) == ["lineage-timeline", "active-groups-per-year"]
    texts = " | ".join(svg_texts(tmp_path / "figures" / "lineage-timeline.svg"))
    assert DOLLAR_NAME in texts and DOLLAR_ACRONYM in texts
    assert "$x^$ and $y" in milestone_keys(machine, "lineage-timeline")
    assert "Armed groups active each year" in " ".join(
        svg_texts(tmp_path / "figures" / "active-groups-per-year.svg")
    )


def test_dollar_in_dyad_labels_shows_literally_in_battle_deaths(machine, tmp_path):
    dyads = pd.DataFrame(
        {
            "year": [2013, 2014, 2013],
            "dyad_label": [f"Mali – {DOLLAR_NAME}", f"Mali – {DOLLAR_NAME}", "Mali – $x^$"],
            "affiliation": ["al-Qaeda", "al-Qaeda", "none"],
            "deaths_best": [100, 50, 30],
            "deaths_low": [90, 40, 25],
            "deaths_high": [120, 60, 35],
            "battle_countries": [1, 2, 1],
        }
    )
    fig, ax = style.new_figure()
    fg.draw_battle_deaths(ax, dyads)
    page.figure(fig, "battle-deaths", "caption", "UCDP")
    texts = svg_texts(tmp_path / "figures" / "battle-deaths.svg")
    assert f"Mali – {DOLLAR_NAME}" in texts and "Mali – $x^$" in texts


def test_dollar_in_region_names_shows_literally_on_the_map(machine, tmp_path):
    areas = gpd.GeoDataFrame(
        {
            "admin1": [DOLLAR_ACRONYM, "$x^$"],
            "events": [3, 0],
            "deaths_best": [10, 0],
        },
        geometry=[box(-5, 12, -3, 14), box(-3, 14, 0, 16)],
        crs="EPSG:4326",
    )
    counts = AreaCounts(level="adm1", areas=areas, unmatched=pd.DataFrame(), notes=[])
    fig, _ = maps.choropleth_layout(counts, ("Events by $region$", "Deaths by region"))
    page.figure(fig, "map", "caption", "boundaries")
    texts = svg_texts(tmp_path / "figures" / "map.svg")
    # regions without a capital in the table are named with their figure inside them
    assert {f"{DOLLAR_ACRONYM} 3", "$x^$ 0", "Events by $region$"} <= set(texts)


def opinion_polls(folder: Path) -> None:
    """Two waves of a question whose wording and pollster hold dollar signs."""
    header = (FIXTURES / "opinion" / "polls_sample.csv").read_text(encoding="utf-8").splitlines()[0]
    rows = [
        "w-2019,Pollster $A$,2019-04-01,2019-04-30,,national,face-to-face,1000,,true,"
        "minusma-cost,Is $x^ too much to pay?,yes,40,false,cep-mali,",
        "w-2021,Pollster $A$,2021-04-01,2021-04-30,,national,face-to-face,1000,,true,"
        "minusma-cost,Is $x^ too much to pay?,yes,55,false,cep-mali,",
    ]
    (folder / "polls.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def show_opinion(report: Report) -> None:
    for name in po.SECTIONS:
        for block in report[name].blocks:
            if isinstance(block, NoData | Chart):
                page.show_block(block)


def test_dollar_in_poll_question_and_pollster_shows_literally(machine, tmp_path):
    curated = curated_copy(tmp_path)
    opinion_polls(curated)
    dollar_milestones(curated)
    ctx = open_run("2012-01-01", "2025-12-31", curated)
    report = po.build(ctx, po.check(ctx, "2012-01-01", "2025-12-31", data_source="curated"))
    show_opinion(report)
    slugs = figure_slugs(machine)
    assert "opinion-survey-timeline" in slugs
    timeline = " | ".join(svg_texts(tmp_path / "figures" / "opinion-survey-timeline.svg"))
    assert "Pollster $A$" in timeline
    series = [s for s in slugs if s != "opinion-survey-timeline"]
    assert series, slugs
    drawn = " | ".join(t for s in series for t in svg_texts(tmp_path / "figures" / f"{s}.svg"))
    assert "Is $x^ too much to pay?" in drawn
    # milestone labels in the keys under the series
    keys = " | ".join(milestone_keys(machine, s) for s in series)
    assert DOLLAR_NAME in keys and "$x^$" in keys


# --- case 2: no events in the period, a header-only events table ----------------------------


def test_period_without_events_or_ucdp_years_says_so_in_each_section(machine):
    # curated events are in 2015 and 2019; OWID has 2019-2021 and BRD 2021-2023
    report = attack_report.as_census(
        build_attack_trends(start_date="2016-01-01", end_date="2016-12-31")
    )
    show_attack_trends(report)
    notes = no_data_notes(machine)
    assert "events for Mali in the period" in notes
    assert "UCDP-based national series (OWID, BRD) for Mali in the period" in notes
    assert "an annual death series (OWID) for Mali in the period" in notes
    assert figure_slugs(machine) == []
    assert report.report.checks["headline"][0] == "OWID Mali deaths: no year in the period"
    assert report.report.key_findings[0] == (
        "The UCDP-based national series (OWID) has no year for Mali in the period."
    )
    # from the chronology as it is, a selection: each event part says what would fill it
    selection = build_attack_trends(start_date="2016-01-01", end_date="2016-12-31")
    assert selection.missing["types"].how_to_get == attack_sections.FILL_WITH_CENSUS


def test_header_only_event_file_reports_no_events(machine, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "ucdp-ged").mkdir()
    header = (FIXTURES / "events" / "ged_v25_1.csv").read_text(encoding="utf-8").splitlines()[0]
    (raw / "ucdp-ged" / "GEDEvent_v25_1.csv").write_text(header + "\n", encoding="utf-8")
    monkeypatch.setattr(config, "RAW_DIR", raw)
    report = build_attack_trends(data_source="ucdp-ged")
    show_attack_trends(report, only=("change-points-events", "national-trend-events"))
    assert len(report.inputs.events) == 0
    assert report.missing["change-points-events"].what == "events for Mali in the period"
    assert "change-points-events" not in figure_slugs(machine)
    assert no_data_notes(machine).count("events for Mali in the period") >= 3
    assert report.report.key_findings[2] == (
        "The claim (defenceweb-2019: \u201cTerrorist cells have proliferated throughout the "
        "country as the threat\u2019s epicenter has moved from northern Mali to the center and "
        "the south\u201d) cannot be tested: the UCDP GED 25.1 (ucdp.uu.se) has no events in the "
        "period."
    )


def test_header_only_curated_events_is_named_not_a_key_error(tmp_path):
    curated = curated_copy(tmp_path)
    header = (curated / "events.csv").read_text(encoding="utf-8").splitlines()[0]
    (curated / "events.csv").write_text(header + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"events\.csv: has a header row but no data rows"):
        open_run("2012-01-01", "2025-12-31", curated)


def test_header_only_owid_file_reports_no_years(machine, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    owid = next((raw / "owid-deaths").glob("*.csv"))
    owid.write_text(owid.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    monkeypatch.setattr(config, "RAW_DIR", raw)
    report = build_attack_trends()
    show_attack_trends(report, only=("national-trend-ucdp",))
    assert report.report.checks["headline"][0] == "OWID Mali deaths: no year in the period"
    assert "the Sahel series (OWID) for Mali, Burkina Faso, Niger in the period" in no_data_notes(
        machine
    )
    # BRD still has years: the national figure is drawn from it alone
    assert "national-trend-ucdp" in figure_slugs(machine)


# --- case 3: dates the report cannot hold ---------------------------------------------------


@pytest.mark.parametrize(
    "given, message",
    [
        (
            {"end_date": "9999-12-31"},
            r"^end_date 9999-12-31 is after the end of this year \(\d{4}-12-31\); choose a date "
            r"up to it\.$",
        ),
        (
            {"start_date": "0001-01-01"},
            r"^start_date must be in 1990 or later, not 0001-01-01\.$",
        ),
        (
            {"start_date": "2020-01-01", "end_date": "2019-01-01"},
            r"^end_date 2019-01-01 is before start_date 2020-01-01; swap them or correct one\.$",
        ),
    ],
)
def test_dates_out_of_range_stop_with_one_sentence(machine, given, message):
    with pytest.raises(ParameterError, match=message):
        attack_report.checked(CURATED, **given)


def test_end_of_this_year_is_accepted_and_next_year_refused(machine):
    last = date(date.today().year, 12, 31)
    assert check_parameters("2012-01-01", last).end_date == last
    with pytest.raises(ParameterError, match=f"^end_date {last + timedelta(days=1)} is after"):
        check_parameters("2012-01-01", last + timedelta(days=1))
    with pytest.raises(ParameterError, match="^start_date 3000-01-01 is after the end of this"):
        check_parameters("3000-01-01", "3000-12-31")


def test_a_period_beyond_pandas_dates_is_named_not_out_of_bounds():
    with pytest.raises(ValueError, match=r"^the period's end 9999-12-31 is outside the dates"):
        open_run("2012-01-01", "9999-12-31", CURATED)
    with pytest.raises(ValueError, match=r"^the period's start 0001-01-01 is outside the dates"):
        open_run("0001-01-01", "2012-01-01", CURATED)


# --- more of the same kind ------------------------------------------------------------------


def test_focus_group_without_events_says_so_instead_of_an_empty_chart(machine):
    # neither curated event is JNIM's; BRD keeps JNIM's 180 battle deaths
    report = attack_report.as_census(
        build_attack_trends(focus_groups=["JNIM"], data_source="curated")
    )
    show_attack_trends(report, only=("change-points-events",))
    assert "change-points-events" not in report.charts
    assert report.missing["change-points-events"].what == "events for Mali in the period"
    # not "0 events are too few"
    assert not any("shows no change point" in text for text in report.texts("change-points"))
    assert "events for Mali in the period" in no_data_notes(machine)
    assert "change-points-events" not in figure_slugs(machine)


def test_milestone_kind_matching_nothing_leaves_the_timeline_section_saying_so(machine):
    report = build_attack_trends(milestone_kinds=["coup"], data_source="curated")
    show_attack_trends(report, only=("national-trend-ucdp",))
    assert report.inputs.milestones.empty
    assert "milestones of the chosen kinds in the period" in no_data_notes(machine)
    assert figure_slugs(machine) == ["national-trend-ucdp"]


def test_group_with_no_relations_draws_a_one_lane_timeline(machine, tmp_path):
    ctx = open_run("2012-01-01", "2017-12-31", LINEAGE)
    params = ge.check(ctx, "2012-01-01", "2017-12-31", focus_groups=["Dan Na Ambassagou"])
    (timeline,) = ge.build(ctx, params)["lineage"].charts()
    data, order, _ = timeline.args
    assert order == ("dan-na-ambassagou",)
    assert data.arrows == []
    page.show_block(timeline)
    assert "Dan Na Ambassagou" in svg_texts(tmp_path / "figures" / "lineage-timeline.svg")


def test_markup_in_a_group_name_is_text_in_the_figure_and_its_caption(machine, tmp_path):
    curated = curated_copy(tmp_path)
    edit_csv(curated / "groups.csv", "group_id", "aqim", acronym="<b>AQ</b>&$1$")
    report = attack_report.as_census(build_attack_trends(curated, data_source="curated"))
    show_attack_trends(report, only=("events-by-group",))
    assert "<b>AQ</b>&$1$" in svg_texts(tmp_path / "figures" / "events-by-group.svg")
    body = next(o.data for o, m in machine if "figure" in m.get(page.METADATA_KEY, {}))
    assert "<b>" not in body


# --- issue 27: parameters the build passes on ------------------------------------------------


def test_an_unknown_sahel_country_is_named_in_one_sentence(machine):
    """Before, sahel_countries was not checked: a misspelt country drew an empty line."""
    with pytest.raises(ParameterError) as raised:
        attack_report.checked(CURATED, sahel_countries=["Mali", "Nigerr"])
    assert str(raised.value) == (
        "Unknown country 'Nigerr' in sahel_countries (did you mean 'Niger'?); use any of: "
        + ", ".join(KNOWN_COUNTRIES)
        + "."
    )
    with pytest.raises(ParameterError, match=r"^sahel_countries must be a list of country names"):
        attack_report.checked(CURATED, sahel_countries=5)
    _, checked = attack_report.checked(CURATED, sahel_countries="Mali, Niger, Ivory Coast, Mali")
    assert checked.sahel_countries == ("Mali", "Niger", "Côte d'Ivoire")


def test_a_relative_date_before_year_one_is_a_parameter_error(machine, monkeypatch):
    monkeypatch.setenv(RUN_DATE_ENV, "0001-01-01")
    with pytest.raises(ParameterError) as raised:
        check_parameters("-1d", "today")
    assert str(raised.value) == (
        "Parameter start_date: -1d from the run date 0001-01-01 falls before 0001-01-01, the "
        "first day a date can hold."
    )
