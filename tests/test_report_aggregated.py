"""The attack-trends report from ACLED's aggregated data (issue 14): with only an HDX monthly
file for Mali in data/raw/acled, the trend, maps, shift test, change points and "Latest" come
from it; what aggregates cannot show is said; event-level data wins when both are present.
Expected numbers are worked out by hand from the fixture's formula
(tests/fixtures/acled_aggregated/README.md and make_fixtures.build_rows)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.reports import aggregated_trends
from analysis.tables import events
from tests import attack_report

FIXTURES = Path(__file__).parent / "fixtures"
AGGREGATED = FIXTURES / "acled_aggregated"
MONTHLY = next((AGGREGATED / "build").glob("*.xlsx"))
WEEKLY = AGGREGATED / "Western_Africa_aggregated_data_up_to_week_of-2024-01-13.xlsx"
CURATED = FIXTURES / "curated_min"
#: genuine boundaries with P-codes (OCHA COD-AB lineage); map tests skip without them
SHARED = Path("../shared/data")


@pytest.fixture
def raw(tmp_path, monkeypatch) -> Path:
    """data/raw with the hand-made OWID and BRD files and, in acled/, only the HDX monthly
    file; ../shared/data only for the boundaries (when present)."""
    folder = tmp_path / "raw"
    shutil.copytree(FIXTURES / "attack_trends" / "raw", folder)
    (folder / "acled").mkdir()
    shutil.copy(MONTHLY, folder / "acled" / MONTHLY.name)
    monkeypatch.setattr(config, "RAW_DIR", folder)
    monkeypatch.setattr(
        config, "SHARED_DATA_DIR", SHARED if SHARED.is_dir() else tmp_path / "no-shared"
    )
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)
    monkeypatch.setenv("MALI_RUN_DATE", "2026-11-27")
    return folder


def build(**given) -> attack_report.Built:
    return attack_report.build(CURATED, **given)


def test_auto_uses_the_aggregates_through_the_last_month_they_cover(raw):
    report = build()
    assert report.inputs.selection.dataset == "acled-aggregated"
    # by hand: 2*432 + 3*528 + 132 = 2,580 events, January 2019 to March 2024
    assert report.event_summary["n"] == "2,580"
    assert (report.event_summary["first"], report.event_summary["last"]) == (
        "2019-01-01",
        "2024-03-31",
    )
    # the period follows the run and stops where the file does (as of 31 March 2024)
    assert report.report.front["end_date"] == "2024-03-31"
    notes = " ".join(report.coverage_notes)
    assert "2019: 432 events, 1,296 deaths" in notes and "2024: 132 events, 396 deaths" in notes
    assert "names no actor" in notes
    assert "No rates per 100,000 people are shown" in notes
    row = report.tables["coverage"].frame.iloc[0]
    assert row["unit"] == "area-month (2,580 events)" and row["deaths (best)"] == 7740


def test_trend_is_monthly_counts_missing_before_the_file(raw):
    monthly = build().charts["national-trend-events"].data
    # by hand: January 2019 (k = 0) 29 events; March 2024 (k = 62, 62 % 3 = 2): 37 + 7*2 = 51
    assert monthly.loc["2019-01-01", "events"] == 29
    assert monthly.loc["2024-03-01", ["events", "deaths_best"]].tolist() == [51, 153]
    # 2012-2018 are not covered by the file: missing, not zero
    assert monthly.loc["2018-12-01", ["events", "deaths_best"]].isna().all()


def test_shift_test_and_change_point_come_from_the_aggregates(raw):
    report = build()
    shift = report.charts["geographic-shift"].data
    # by hand: north 2019 = 4 areas * (6*12 + 12) = 336 events; centre 2022 = 2*(12*12 + 12)
    assert shift.loc[2019, "events_north"] == 336 and shift.loc[2022, "events_centre"] == 312
    # five whole years (2019-2023): windows of two, 2019-2020 and 2022-2023. By hand, a year
    # of 2019: north 336, centre 2*(2*12 + 12) = 72, Bamako 12 + 12 = 24 of 432 events (3
    # deaths each): 77.8%, 16.7%, 5.6% of deaths; 2022: north 4*(3*12 + 12) = 192, centre 312,
    # Bamako 24 of 528: 36.4%, 59.1%, 4.5%. The north fell, the centre rose, the south moved
    # 1.1 points (no clear change, the claim says it rose): partly supported.
    assert report.series.verdict.verdict == "partly supported"
    assert [p.holds for p in report.series.verdict.parts] == [True, True, False]
    assert report.report.checks["shift"][0] == (
        "event source: acled-aggregated, 2580 events (census)"
    )
    # the base rises from 29 to 37 events a month in 2021: one break, upward, around it
    (point,) = report.series.event_breaks
    assert point.direction == "up"
    assert pd.Timestamp("2020-10-01") <= point.date <= pd.Timestamp("2021-02-01")


def test_latest_is_the_last_whole_month_against_the_one_before_and_a_year_before(raw):
    report = build()
    # by hand: March 2024 51 events (153 deaths), February 2024 (k = 61) 37 + 7 = 44 (132),
    # March 2023 (k = 50, 50 % 3 = 2) 51 (153)
    assert report.texts("latest")[:2] == [
        "In the last month the ACLED aggregated file covers whole (1 March 2024 to 31 March "
        "2024) it records 51 events and 153 deaths, against 44 events and 132 deaths from 1 "
        "February 2024 to 29 February 2024 (the month before) and 51 events and 153 deaths from "
        "1 March 2023 to 31 March 2023 (the same month a year earlier).",
        # per week, each month over its own days: 51 / (31/7) = 11.5 against 44 / (29/7) =
        # 10.6, +8.4% (limited change: -25% to +10%); against March 2023, 51 and 51: +0%
        "Change in events (ACLED Trendfinder's levels, method notes): against the month "
        "before, limited change (+8%); against a year earlier, limited change (+0%).",
    ]
    regions = report.tables["latest-regions"].frame.set_index("region")
    # Mopti (centre) in March 2024: 12 + 2 = 14 events
    assert regions.loc["Mopti", "events latest"] == "14"


def test_what_aggregates_cannot_show_is_said(raw):
    report = build()
    for section in ("events-by-group", "latest-groups", "types", "deadliest"):
        assert section in report.missing, section
    assert "names no actor" in report.missing["events-by-group"].what
    assert "group-battle-deaths" in report.charts  # groups fall back to UCDP BRD


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data (real boundaries) is absent")
def test_maps_join_by_place_code_then_by_name(raw):
    report = build()
    regions = report.charts["map-regions"].data.areas.set_index("admin1")
    # by hand, over the file: one northern area = 2*84 + 3*48 + 12 = 324 events; Gao region =
    # Ansongo (ML07 by P-code) + Ménaka (ML10 is no 2015 area: by name, to Gao) = 648
    assert regions.loc["Gao", "events"] == 648
    # Mopti (centre): 2*36 + 3*156 + 39 = 579
    assert regions.loc["Mopti", "events"] == 579
    assert "324 events in Ménaka counted in Gao (2015 boundaries)." in report.texts("where")
    assert "unmatched-adm1" not in report.tables  # every row matched, by code or name


def test_event_level_data_wins_and_the_report_says_so(raw):
    shutil.copy(FIXTURES / "events" / "acled_export_current.csv", raw / "acled" / "export.csv")
    report = build()
    assert report.inputs.selection.dataset == "acled"
    assert any(
        "is also available to this edition, but event-level data" in note
        for note in report.inputs.selection.notes
    )
    # asked for by name, the aggregates are used
    named = build(data_source="acled-aggregated")
    assert named.inputs.selection.dataset == "acled-aggregated"


def test_weekly_population_exposure_is_shown_per_row_never_summed():
    table = events.load("acled-aggregated", WEEKLY, country="Mali")
    sentences = aggregated_trends.latest_sentences(
        table, table.attrs["coverage"], "ACLED aggregated file", None
    )
    # two weeks of data do not cover 4 whole weeks
    assert sentences[0].startswith("The ACLED aggregated file does not cover a whole 4 weeks")
    # the week of 2024-01-13 as published: Bamako (Protests) 90,000 and Mopti (Battles) 5,000,
    # not their sum
    assert "Bamako (Protests) 90,000; Mopti (Battles) 5,000" in sentences[-1]
    assert "95,000" not in sentences[-1]


def test_a_weekly_file_alone_gives_weekly_counts_without_demonstrations(raw):
    (raw / "acled" / MONTHLY.name).unlink()
    shutil.copy(WEEKLY, raw / "acled" / WEEKLY.name)
    report = build(start_date="2023-01-01")
    assert report.inputs.selection.dataset == "acled-aggregated"
    # by hand: Mali's 9 events less Bamako's 2 protests (disorder type Demonstrations) = 7
    assert report.event_summary["n"] == "7"
    notes = " ".join(report.coverage_notes)
    assert "2 demonstration events (disorder type 'Demonstrations')" in notes
    assert "counted in the month its Saturday falls in" in notes
    assert "2024: 7 events, 16 deaths" in notes
    # two weeks (2024-01-06 to 2024-01-19) do not cover 4 whole weeks; January is partial
    assert report.texts("latest")[0].startswith(
        "The ACLED aggregated file does not cover a whole 4 weeks"
    )
    monthly = report.charts["national-trend-events"].data
    assert monthly.loc["2024-01-01", "events"] == 7
    assert 0 < monthly.loc["2024-01-01", "covered_share"] < 1


def test_a_weekly_file_draws_no_cercle_map(raw):
    # ACLED's weekly rows name a region (ADMIN1) and carry its centroid, not a cercle: placed
    # by that centroid, Mopti's 6 events would all fall in the cercle of Mopti (a cercle count
    # the file does not give); the region map counts them, the cercle map says why it is absent
    (raw / "acled" / MONTHLY.name).unlink()
    shutil.copy(WEEKLY, raw / "acled" / WEEKLY.name)
    report = build(start_date="2023-01-01")
    if "map-regions" not in report.charts:
        pytest.skip("no Mali boundaries in ../shared/data")
    regions = report.charts["map-regions"].data.areas.set_index("admin1")
    assert regions.loc["Mopti", "events"] == 6  # by hand: 3 + 2 + 1 (the 2 protests left out)
    assert "map-cercles" not in report.charts
    assert "per region" in report.missing["map-cercles"].what


def test_auto_does_not_count_demonstrations_as_attacks(raw):
    # HDX's demonstrations product counts protests, not political violence: with only that
    # file, "auto" falls back to the curated chronology and says why; asked for by name, the
    # file is read (the report names its product)
    (raw / "acled" / MONTHLY.name).unlink()
    demonstrations = AGGREGATED / (
        "mali_hrp_demonstration_events_by_month-year_as-of-15mar2024.xlsx"
    )
    shutil.copy(demonstrations, raw / "acled" / demonstrations.name)
    report = build()
    assert report.inputs.selection.dataset == "curated"
    assert any(
        "demonstrations, not political violence" in note for note in report.inputs.selection.notes
    )
