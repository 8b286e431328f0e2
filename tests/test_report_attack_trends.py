"""The attack-trends report object: its parameters, findings, verdicts and tables, computed on
hand-made inputs (tests/fixtures/attack_trends, tests/fixtures/curated_min) and tiny frames.
Every expected number is worked out by hand in a comment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.analyses import geoshift
from analysis.analyses.changepoints import ChangePoint
from analysis.analyses.geoshift import ShiftVerdict
from analysis.analyses.milestones import milestones_in
from analysis.reports import attack_sections, attack_tables, attack_trends
from analysis.reports import attack_sentences as say
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.params import ParameterError
from tests import attack_report

FIXTURES = Path(__file__).parent / "fixtures"
RAW = FIXTURES / "attack_trends" / "raw"
CURATED = FIXTURES / "curated_min"


@pytest.fixture
def machine(tmp_path, monkeypatch) -> None:
    """data/raw holds the hand-made OWID and BRD files; no ../shared/data; the minimal curated
    tables (two events: Bamako 2015, 20 deaths; Indelimane 2019, 54 deaths)."""
    monkeypatch.setattr(config, "RAW_DIR", RAW)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)


def build(**given) -> attack_report.Built:
    return attack_report.build(CURATED, **given)


def check(**given) -> AttackTrendsParameters:
    return attack_report.checked(CURATED, **given)[1]


# --- parameters -----------------------------------------------------------------------------


def test_parameters_keep_their_names_and_defaults(machine, monkeypatch):
    # end_date follows the run (issue 13): "today" is the build's run date
    monkeypatch.setenv("MALI_RUN_DATE", "2026-11-27")
    params = check()
    assert attack_trends.PARAMETERS[0] == "start_date" and len(attack_trends.PARAMETERS) == 11
    assert (params.start_date.isoformat(), params.end_date.isoformat()) == (
        "2012-01-01",
        "2026-11-27",
    )
    assert params.common.end_follows_run
    assert (params.country, params.data_source, params.period, params.top_n) == (
        "Mali",
        "auto",
        "month",
        10,
    )
    assert params.sahel_countries == ("Mali", "Burkina Faso", "Niger")
    assert (params.change_point_method, params.shift_window) == ("poisson", 3)
    # empty milestone_kinds means every kind
    assert "coup" in params.milestone_kinds and params.focus_groups == ()


@pytest.mark.parametrize(
    "given, message",
    [
        ({"focus_groups": ["No Such Group"]}, "In focus_groups"),
        ({"start_date": "2020-01-01", "end_date": "2019-01-01"}, "is before start_date"),
        ({"data_source": "gdelt"}, "Unknown data source 'gdelt'"),
        ({"period": "week"}, "period must be one of month, quarter, year"),
        ({"top_n": "10"}, "top_n must be a whole number"),
        ({"shift_window": 0}, "shift_window must be a whole number of years"),
        ({"sahel_countries": []}, "sahel_countries must name at least one country"),
    ],
)
def test_a_bad_parameter_stops_with_one_sentence(machine, given, message):
    with pytest.raises(ParameterError, match=message):
        check(**given)


def test_the_country_is_checked_into_the_projects_spelling_once(machine):
    # the run's country, and the Sahel comparison's, in the spelling the readers compare with
    params = check(country="Ivory Coast", sahel_countries=["Mali", "ivory coast"])
    assert params.country == "Côte d'Ivoire"
    assert params.sahel_countries == ("Mali", "Côte d'Ivoire")
    with pytest.raises(ParameterError, match="Unknown country 'Atlantis'"):
        check(country="Atlantis")


# --- findings on tiny frames ----------------------------------------------------------------


def owid_frame(deaths: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"year": list(deaths), "deaths_best": list(deaths.values())})


def test_owid_finding_last_first_and_deadliest_year():
    # last year 2021: 90; first 2019: 100; deadliest 2020 with 1,500
    sentence = say.owid_finding(owid_frame({2019: 100, 2020: 1500, 2021: 90}), "Mali")
    assert sentence == (
        "UCDP counts 90 deaths from organised violence in Mali in 2021, against 100 in 2019; "
        "the deadliest year was 2020 with 1,500 (Our World in Data from UCDP)."
    )
    # without the series there is no finding: the appendix's data coverage says why
    assert say.owid_finding(None, "Mali") is None


def test_brd_finding_says_in_the_fighting_with_and_keeps_to_its_own_government():
    brd = pd.DataFrame(
        {
            "side_a": ["Government of Mali"] * 4 + ["Government of Niger"],
            "side_b": ["JNIM", "JNIM", "IS", "MNLA", "IS"],
            "year": [2013, 2020, 2020, 2013, 2021],
            "deaths_best": [300, 900, 600, 200, 5000],
        }
    )
    # The Government of Mali's pairs only (Niger's, counted in Mali because it also fought
    # there, is left out): JNIM 300 + 900 = 1,200 of 300 + 900 + 600 + 200 = 2,000 -> 60%.
    # Battle-related deaths count both sides: "in its fighting with", never "accounts for".
    assert say.brd_finding(brd, "Mali") == (
        "60% of the 2,000 battle-related deaths UCDP recorded in the fighting between the "
        "Government of Mali and armed groups from 2013 to 2020 (1,200) were in its fighting "
        "with JNIM; they count the dead of both sides, not those one side killed."
    )
    assert say.brd_finding(brd.iloc[0:0], "Mali") is None


def test_shift_finding_names_the_claim_and_each_part():
    verdict = ShiftVerdict(
        "partly supported",
        (2012, 2014),
        (2023, 2025),
        {"north": 0.78, "centre": 0.17, "south": 0.04},
        {"north": 0.38, "centre": 0.60, "south": 0.02},
        18.04,
        14.46,
        30,
        40,
        parts=(
            geoshift.ClaimPart("north", "fell", 0.78, 0.38),
            geoshift.ClaimPart("centre", "rose", 0.17, 0.60),
            geoshift.ClaimPart("south", "rose", 0.04, 0.02),
        ),
        placed_share=(0.99, 1.0),
    )
    assert say.shift_finding(verdict, 1234, "UCDP GED 25.1 (ucdp.uu.se)") == (
        "The claim (defenceweb-2019: \u201cTerrorist cells have proliferated throughout the "
        "country as the threat\u2019s epicenter has moved from northern Mali to the center and "
        "the south\u201d) is partly supported, from 2012-2014 to 2023-2025: the north's share "
        "fell from 78% to 38% (as claimed), the centre's share rose from 17% to 60% (as "
        "claimed), the south's share went from 4% to 2%, no clear change (the claim says it "
        "rose). Evidence base: 99% of the deaths in 2012-2014 and 100% in 2023-2025 could be "
        "placed in a zone (30 and 40 events placed). (Tested on the UCDP GED 25.1 "
        "(ucdp.uu.se).)"
    )
    lines = say.shift_headline_lines(verdict, "ucdp-ged", 1234)
    assert lines == (
        "event source: ucdp-ged, 1234 events (census)",
        "verdict: partly supported",
        "  windows (2012, 2014) and (2023, 2025)",
        "  north: 78% -> 38% of deaths (fell; claimed: fell)",
        "  centre: 17% -> 60% of deaths (rose; claimed: rose)",
        "  south: 4% -> 2% of deaths (did not change clearly; claimed: rose)",
        "  deaths placed in a zone: 99% and 100%",
    )


def test_annual_break_finding_names_the_first_break():
    breaks = [
        ChangePoint(pd.Timestamp("2018-01-01"), 6, 388.4, 1797.2),
        ChangePoint(pd.Timestamp("2022-01-01"), 10, 1797.2, 900.0),
    ]
    assert say.annual_break_finding(breaks, "Mali") == (
        "UCDP's annual death series for Mali breaks up in 2018: from 388 to 1,797 deaths a "
        "year on average (a lasting break in the series; method: appendix)."
    )
    assert say.annual_break_finding([], "Mali") is None


def test_burkina_overtook_finding_and_the_years_it_never_did():
    wide = pd.DataFrame(
        {"Burkina Faso": [50, 200, 300], "Mali": [100, 150, 90], "Niger": [40, 60, 70]},
        index=pd.Index([2019, 2020, 2021], name="year"),
    )
    # 2019: 50 < 100; 2020: 200 > 150 -> first year 2020; levels of the last year, 2021
    assert say.overtook_finding(wide, "Mali") == (
        "Burkina Faso's conflict deaths first exceeded Mali's in 2020; in 2021 UCDP counts "
        "Burkina Faso 300, Mali 90, Niger 70."
    )
    never = wide.assign(**{"Burkina Faso": [1, 2, 3]})
    assert say.overtook_finding(never, "Mali") is None
    assert say.overtook_finding(wide.drop(columns="Burkina Faso"), "Mali") is None


def test_milestones_in_keeps_the_kinds_and_those_overlapping_the_period():
    milestones = pd.DataFrame(
        {
            "milestone_id": ["serval", "coup-2020", "minusma"],
            "date": pd.to_datetime(["2013-01-11", "2020-08-18", "2013-07-01"]),
            "end_date": pd.to_datetime(["2014-07-31", None, "2023-12-31"]),
            "kind": ["foreign intervention", "coup", "peacekeeping mission"],
            "label": [None, "Coup", None],
        }
    )
    start, end = pd.Timestamp("2014-01-01").date(), pd.Timestamp("2021-12-31").date()
    # Serval ended in 2014, so it overlaps; MINUSMA runs through; the coup is in the period
    shown = milestones_in(milestones, start, end, [])
    assert shown["milestone_id"].tolist() == ["serval", "minusma", "coup-2020"]
    assert shown["label"].tolist() == ["Serval", "MINUSMA", "Coup"]
    only = milestones_in(milestones, start, end, ["coup"])
    assert only["milestone_id"].tolist() == ["coup-2020"]


# --- build on the hand-made folder ----------------------------------------------------------


def test_build_findings_headlines_and_tables_from_the_fixture(machine):
    report = build()
    assert report.inputs.selection.dataset == "curated" and len(report.inputs.events) == 2
    assert report.report.key_findings == (
        # the chronology is a selection: the brief says so first and leans on UCDP's series
        "The counts and trends of this brief come from UCDP's annual series (Our World in Data, "
        "UCDP BRD), which end in 2021: this edition has no event data that lists every attack "
        "in Mali (ACLED or UCDP GED; appendix, data coverage). The curated chronology (2 major "
        "incidents) is a selection, shown as a timeline, not counted.",
        # OWID Mali: 2019 100, 2020 150, 2021 90
        "UCDP counts 90 deaths from organised violence in Mali in 2021, against 100 in 2019; "
        "the deadliest year was 2020 with 150 (Our World in Data from UCDP).",
        # BRD, the Government of Mali's pairs: JNIM 100 + 80 = 180 of 180 + IS 50 = 230 -> 78%
        "78% of the 230 battle-related deaths UCDP recorded in the fighting between the "
        "Government of Mali and armed groups from 2022 to 2023 (180) were in its fighting with "
        "JNIM; they count the dead of both sides, not those one side killed.",
        # no 'Latest' and no verdict from a selection; three OWID years cannot hold two
        # segments of two years: no annual break
        "Burkina Faso's conflict deaths first exceeded Mali's in 2020; in 2021 UCDP counts "
        "Burkina Faso 300, Mali 90, Niger 70.",
    )
    # the newest figure: OWID's and BRD's last year, 2021 and 2023; the chronology (to 1
    # November 2019) is a selection and does not date the brief
    assert report.report.data_through == date(2023, 12, 31)
    assert report.report.checks["headline"] == (
        "OWID Mali deaths 2019-2021: 340; peak 2020",
        # low 90 + 80 + 40 = 210, high 150 + 100 + 60 = 310
        "UCDP BRD Mali 2022-2023: best 230 (low 210, high 310)",
        "top groups: JNIM 180, IS 50",
        "annual breaks: none",
    )
    assert report.report.checks["shift"][:2] == (
        "event source: curated, 2 events (selection)",
        "verdict: cannot be tested with this data",
    )
    # the curated deaths in 2019-2021 (Indelimane, 54) against UCDP's 340: 16%
    assert report.coverage_notes[-1] == (
        "For 2019-2021, its 54 deaths are 16% of the 340 that UCDP counts."
    )
    groups = report.tables["brd-by-group"].frame
    assert groups.to_dict("list") == {
        "group": ["JNIM", "IS"],
        "battle deaths": [180, 50],
        "share": [78.3, 21.7],  # 180 / 230 and 50 / 230, in %
    }
    # UCDP BRD's rows are government-versus-group pairs in a year, not events: the Government
    # of Mali's 3 rows (230 deaths) are counted under a header that says so.
    unresolved = report.tables["unresolved"].frame.set_index("actor")
    assert unresolved.loc["Government of Mali"].tolist() == ["state forces", 3, 230, "ucdp-brd"]
    assert "events (government-versus-group years in UCDP's battle deaths)" in unresolved.columns
    # The Sahel table of the brief: each country's own government's pairs (Mali 230; Burkina
    # Faso 200, one pair-year; Niger 25, the Government of Niger's IS pair of 2021). Over every
    # pair placed in the country (appendix), Niger's 75 also hold the Government of Mali's IS
    # pair (50 in 2022, fought partly in Niger).
    sahel = report.tables["sahel-brd"].frame.set_index("country")
    assert sahel.to_dict("list") == {
        "battle deaths, own government against armed groups": [230, 200, 25],
        # Mali: JNIM 2022 and 2023, IS 2022; Burkina Faso 1; Niger 1
        "government-versus-group years": [3, 1, 1],
    }
    assert sahel.index.tolist() == ["Mali", "Burkina Faso", "Niger"]
    every = report.tables["sahel-brd-all"].frame.set_index("country")
    assert every["battle deaths, every government-versus-group pair placed there"].to_dict() == {
        "Mali": 230,
        "Burkina Faso": 200,
        "Niger": 75,
    }
    assert every["of which its own government's pairs"].to_dict() == {
        "Mali": 230,
        "Burkina Faso": 200,
        "Niger": 25,
    }
    claims = report.tables["claims"].frame
    assert claims["what the data shows"].iloc[2] == (
        "Burkina Faso went from 50 deaths in 2019 to 300 in 2021, Niger from 40 to 70; Burkina "
        "Faso first exceeded Mali in 2020."
    )


def test_build_sources_and_missing_sections(machine):
    report = build()
    national = report.charts["national-trend-ucdp"]
    assert national.source == (
        "Our World in Data from UCDP (ourworldindata.org)",
        "UCDP Battle-Related Deaths 25.1 (ucdp.uu.se)",  # the version of the file read
    )
    # a selection draws no map; from a census, built without the boundaries, the map sections
    # say so and point to the appendix (the command goes to the build's log)
    assert report.missing["map-regions"].how_to_get == attack_sections.FILL_WITH_CENSUS
    assert "data/raw/acled/" in report.missing["map-regions"].build_hint
    census = attack_report.as_census(report)
    regions = census.missing["map-regions"]
    assert regions.what == (
        "maps per region: this edition was built without the boundaries of Mali's regions"
    )
    assert regions.how_to_get == "Why, and where its publisher offers it: appendix, data coverage."
    assert "geoboundaries-adm1" in regions.build_hint
    assert "map-regions" not in census.charts
    # the state of emergency of November 2015 is in the period; Serval (2013-2014) too
    milestones = report.inputs.milestones
    assert milestones["milestone_id"].tolist() == ["serval", "state-of-emergency-2015"]


def test_focus_group_filters_events_and_battle_deaths(machine):
    report = build(focus_groups=["JNIM"])
    # neither curated event is JNIM's (AQIM's Bamako attack, an unattributed one)
    assert len(report.inputs.events) == 0
    assert report.missing["incidents-brief"].what == "major incidents in Mali in the period"
    assert "deadliest" in report.missing
    census = attack_report.as_census(report)
    assert census.missing["national-trend-events"].what == "events for Mali in the period"
    # BRD keeps JNIM's 100 + 80 = 180 only
    assert report.report.key_findings[2] == (
        "100% of the 180 battle-related deaths UCDP recorded in the fighting between the "
        "Government of Mali and armed groups from 2022 to 2023 (180) were in its fighting with "
        "JNIM; they count the dead of both sides, not those one side killed."
    )


def test_another_country_has_no_maps_nor_shift_test(machine):
    report = build(country="Niger")
    # the note says what data would fill the gap, not a parameter value
    assert report.missing["map-regions"].how_to_get == (
        "The boundaries of Niger's regions and provinces (geoBoundaries ADM1 and ADM2) would "
        "fill it: the project maps Mali's boundaries only."
    )
    assert "geographic-shift" in report.missing
    assert not any("country =" in n.how_to_get for n in report.missing.values())
    # OWID Niger: 40, 60, 70; no shift finding for a country other than Mali
    findings = report.report.key_findings
    assert findings[1].startswith("UCDP counts 70 deaths from organised violence in Niger")
    assert not any("claim" in f for f in findings)


def test_brief_captions_and_the_body_tables_the_notebook_shortens(machine):
    """Every figure caption of the fixture report is one or two sentences (at most
    brief.MAX_CAPTION_WORDS words); the deadliest-events table shown in the body loses only its
    descriptions (the appendix shows it whole), and the zone table's headers can wrap."""
    from analysis.reports import brief

    report = attack_report.as_census(build())
    assert report.charts  # the fixture draws figures: the loop below tests something
    for slug, spec in report.charts.items():
        assert brief.caption_words(spec.caption) <= brief.MAX_CAPTION_WORDS, slug
    deadliest = report.tables["deadliest"]
    body = brief.without_columns(deadliest, ["what happened"], "what happened: appendix")
    assert len(body.frame) == len(deadliest.frame) == 2  # the fixture's two events
    assert set(deadliest.frame.columns) - set(body.frame.columns) == {"what happened"}
    assert body.caption.endswith("(what happened: appendix)")
    # Every table's headers read and wrap: none keeps an underscore; the fixture's event types
    # table shows 'deaths (best)' (its frame's deaths_best).
    assert report.tables["types"].frame.columns.tolist() == [
        "event type",
        "events",
        "with a death figure",
        "deaths (best)",
        "deaths per event",
    ]
    for name, part in report.tables.items():
        assert not any("_" in str(c) for c in part.frame.columns), name
    # Each table names its own datasets: the event tables the events' source line only, the
    # Sahel table OWID's, the milestones the curated tables'.
    assert report.tables["types"].source == report.inputs.sources.events
    assert report.tables["sahel"].source.startswith("Our World in Data")
    assert report.tables["milestones"].source.startswith("curated tables of this project")


def test_annual_event_figures_say_which_years_are_partly_covered(machine):
    report = attack_report.as_census(build())
    # The chronology covers 2015-11-20 to 2019-11-01 (its first and last entry): by hand,
    # 2015 holds 42 of its 365 days (12%), 2019 305 of 365 (84%): their bars are not whole years.
    note = (
        " Partly covered: 2015 (12% of the year), 2019 (84% of the year); their bars count "
        "only the days covered."
    )
    for slug in ("events-by-type", "geographic-shift"):
        if slug in report.charts:
            assert report.charts[slug].caption.endswith(note), slug
    assert report.charts["events-by-type"].caption.endswith(note)


def test_the_civilian_share_says_when_the_target_table_counts_differently():
    events = pd.DataFrame(
        {
            "civilian_targeted": [True, True, False, False],
            "target": [["civilians"], ["foreigners", "government"], ["military"], ["military"]],
            "deaths_best": [10.0, None, 30.0, 0.0],
        }
    )
    # By hand: the flag marks 2 of 4 (50%), with 10 of the 40 deaths (25%); only 1 event
    # names civilians among its targets (the other is a kidnapping of consular staff).
    assert say.civilian_sentence(events) == (
        "50% of the events (2 of 4) targeted civilians; they account for 25% of the deaths. "
        "1 of them names civilians among its targets, as the target table counts them; the "
        "other is flagged by its event type or the publisher's civilian-targeting code."
    )
    same = events.assign(target=[["civilians"], ["civilians"], ["military"], ["military"]])
    assert say.civilian_sentence(same).endswith("account for 25% of the deaths.")


def test_deaths_per_event_divides_by_the_events_that_give_a_death_figure():
    events = pd.DataFrame(
        {
            "event_type": ["battle", "battle", "battle", "kidnapping/hostage-taking"],
            "deaths_best": [10.0, 20.0, None, None],
        }
    )
    summary = attack_tables.type_summary(events).set_index("event_type")
    # By hand: battles 3 events, 2 with a figure, 30 deaths -> 15.0 per event (not 30 / 3);
    # the kidnapping gives no figure: its deaths and deaths per event are unknown, not 0.
    assert summary.loc["battle"].tolist() == [3, 2, 30.0, 15.0]
    kidnapping = summary.loc["kidnapping/hostage-taking"]
    assert kidnapping["events"] == 1 and kidnapping["with a death figure"] == 0
    assert pd.isna(kidnapping["deaths_best"]) and pd.isna(kidnapping["deaths per event"])


def test_months_whose_events_give_no_death_figure_are_named_in_the_caption():
    monthly = pd.DataFrame(
        {
            "events": [2, 1, 0, 3],
            "deaths_best": [0, 5, 0, 7],
            "events_without_deaths": [2, 0, 0, 1],
        }
    )
    # By hand: only the first month has events and none with a figure (2 of 2): its 0 is
    # unknown; the third has no event (a real 0); the fourth has 7 from its other events.
    assert say.unknown_deaths_clause(monthly, "month") == (
        " (1 month whose events give no death figure shows 0 deaths)"
    )
    assert say.unknown_deaths_clause(monthly.iloc[1:], "month") == ""


def test_the_body_parts_the_report_gives_the_notebook(machine):
    """The body's short tables and sentences come from the report, not the notebook: the
    deadliest events without their descriptions, the milestones as date, kind and label, the
    unresolved-names sentence; a country without zones says so where the zone table stands."""
    from analysis.reports import brief

    report = build()
    deadliest = report.tables["deadliest"]
    short = report.tables["deadliest-brief"]
    assert len(short.frame) == len(deadliest.frame) == 2  # the fixture's two events
    assert set(deadliest.frame.columns) - set(short.frame.columns) == {"what happened"}
    assert short.caption == f"{deadliest.caption} (what happened: appendix)"
    # The body lists the kinds the report bears on (the fixture's Serval, not its state of
    # emergency); the appendix every milestone, once.
    milestones = report.tables["milestones-brief"]
    assert report.inputs.milestones["milestone_id"].tolist() == [
        "serval",
        "state-of-emergency-2015",
    ]
    assert milestones.frame["Milestone"].tolist() == ["Serval"]
    assert milestones.caption == brief.milestone_brief_caption(
        report.inputs.milestones, "attack_trends"
    )
    assert "(1 of 2;" in milestones.caption
    assert len(report.tables["milestones"].frame) == 2
    assert milestones.source.startswith("curated tables of this project")
    unresolved = len(report.tables["unresolved"].frame)
    assert unresolved  # the fixture's BRD names the Government of Mali, which is no group
    assert report.texts("groups")[-1] == (
        f"{unresolved} actor names match no group of the curated groups table; they stay in "
        "the data and are listed in the appendix."
    )
    niger = build(country="Niger")
    assert "shift" not in niger.tables
    shift, test = niger.missing["shift"], niger.missing["geographic-shift"]
    assert (shift.what, shift.how_to_get) == (test.what, test.how_to_get)
