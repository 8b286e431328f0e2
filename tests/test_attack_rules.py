"""The written rules of the attack-trends report (issue 23), each on hand-made inputs whose right
answer is worked out by hand in a comment: ACLED Trendfinder's change levels and low-baseline
rule, HDX Signals' 30-day rule, which breaks are reported, which ACLED rows are attacks, which
export a country's report reads (and that only it is recorded as read), the chronology's
suspected perpetrators, and the day the brief is dated by."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.analyses import thresholds
from analysis.core import origins
from analysis.curated.chronology import row_problems
from analysis.reports import attack_sections, attack_trends
from analysis.tables import coverage
from analysis.tables import events as event_tables
from analysis.tables.events import Coverage
from tests import attack_report

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = FIXTURES / "acled_two_countries"
CURATED = FIXTURES / "curated_min"


# --- ACLED Trendfinder's change levels ---------------------------------------------------------


@pytest.mark.parametrize(
    "latest, baseline, level, percent",
    [
        # 4-week windows, well above the low baseline (25 a week): only the % decides
        (126, 100, "large increase", 26.0),  # above +25%
        (125, 100, "moderate increase", 25.0),  # +25% is still moderate
        (110, 100, "moderate increase", 10.0),  # +10% is moderate
        (109, 100, "limited change", 9.0),
        (75, 100, "limited change", -25.0),  # -25% is still limited
        (74, 100, "large decrease", -26.0),
        # the low-baseline rule, per week: 8 in 4 weeks is 2 a week, 20 is 5 a week
        (20, 8, thresholds.TOO_FEW, 150.0),  # 5 a week against 2: too few to compare
        (2, 1, thresholds.TOO_FEW, 100.0),  # the 2 events against 1
        (21, 8, "large increase", 162.5),  # 5.25 a week is above 5: compared
        (20, 9, "large increase", 122.2),  # 2.25 a week before is above 2: compared
        (21, 0, "large increase", None),  # from none, above the low baseline
        (3, 0, thresholds.TOO_FEW, None),
    ],
)
def test_change_levels_follow_acled_trendfinder(latest, baseline, level, percent):
    change = thresholds.change_level(latest, baseline)
    assert change.level == level
    if percent is None:
        assert change.percent is None
    else:
        assert change.percent == pytest.approx(percent, abs=0.05)


def test_windows_of_different_lengths_compare_weekly_averages():
    # March (31 days) 51 events against February (29 days) 44: 11.52 against 10.62 a week,
    # +8.4%: limited change (the raw counts, +15.9%, would have said moderate increase)
    change = thresholds.change_level(51, 44, 31, 29)
    assert change.level == "limited change"
    assert change.percent == pytest.approx((51 / 31) / (44 / 29) * 100 - 100)
    assert change.words() == "limited change (+8%)"
    assert thresholds.change_level(2, 1).words() == (
        "too few events to compare (ACLED's low-baseline rule)"
    )
    assert thresholds.change_level(21, 0).words() == "a large increase (from none)"


# --- HDX Signals: the last 30 days, the highest in one or three years, at least 100 deaths ---


def day_events(deaths_by_day: dict[date, int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(list(deaths_by_day)),
            "deaths_best": list(deaths_by_day.values()),
        }
    )


def test_the_last_30_days_are_judged_by_hdx_signals_rule():
    covered = Coverage.between("x", date(2018, 1, 1), date(2022, 12, 31), "hand-made")
    # the last 30 days: 2 to 31 December 2022; 120 deaths on 20 December
    events = day_events({date(2022, 12, 20): 120, date(2022, 3, 1): 50, date(2020, 6, 1): 130})
    signal = thresholds.deaths_signal(events, covered)
    assert (signal.first, signal.last, signal.deaths) == (
        date(2022, 12, 2),
        date(2022, 12, 31),
        120,
    )
    # the year before (30-day windows ending 2 December 2021 to 1 December 2022): at most 50
    # (March 2022); the three years before reach back to 2019 and hold June 2020's 130
    assert (signal.before_one_year, signal.before_three_years) == (50, 130)
    assert signal.highest(1) is True and signal.highest(3) is False
    assert signal.flagged  # the highest in one year, and at least 100
    # 90 deaths, the highest in both, but under HDX Signals' minimum of 100: no signal
    low = thresholds.deaths_signal(day_events({date(2022, 12, 20): 90}), covered)
    assert low.highest(1) and low.highest(3) and not low.flagged
    # equal to an earlier 30 days is not "a level not seen"
    same = day_events({date(2022, 12, 20): 120, date(2022, 3, 1): 120})
    assert thresholds.deaths_signal(same, covered).highest(1) is False


def test_silence_outside_the_coverage_is_never_a_zero():
    # the data starts on 1 June 2022: no year before is covered, so no verdict on it
    short = Coverage.between("x", date(2022, 6, 1), date(2022, 12, 31), "hand-made")
    signal = thresholds.deaths_signal(day_events({date(2022, 12, 20): 150}), short)
    assert signal.highest(1) is None and signal.highest(3) is None and not signal.flagged
    # fewer than 30 covered days at the end: nothing is judged
    tiny = Coverage.between("x", date(2022, 12, 10), date(2022, 12, 31), "hand-made")
    assert thresholds.deaths_signal(day_events({date(2022, 12, 20): 150}), tiny) is None


# --- breaks are reported at a change level --------------------------------------------------------


def test_a_break_is_reported_only_at_a_level_that_says_something_changed():
    # 2 events a month to about 4.9: 0.46 to 1.12 a week, within the low baseline
    assert thresholds.break_change(2.0, 4.9, "month", True).level == thresholds.TOO_FEW
    # 1 to 24 a month: 0.23 to 5.5 a week: above 5 a week after, +2,300%: reported
    rise = thresholds.break_change(1.0, 24.0, "month", True)
    assert rise.level == "large increase" and rise.percent == pytest.approx(2300)
    # deaths per year: the low-baseline rule counts events, so only the % decides
    assert thresholds.break_change(387.5, 1796.7, "year", False).level == "large increase"
    assert thresholds.break_change(100.0, 105.0, "year", False).level == "limited change"
    assert "limited change" not in thresholds.CHANGED


# --- attacks are attacks ---------------------------------------------------------------------------


def test_acleds_demonstrations_and_strategic_developments_are_not_attacks():
    frame = pd.DataFrame(
        {
            "event_type_original": [
                "Battles: Armed clash",
                "Explosions/Remote violence: Air/drone strike",
                "Violence against civilians: Abduction/forced disappearance",
                "Protests: Excessive force against protesters",
                "Riots: Mob violence",
                "Strategic developments: Looting/property destruction",
                "Remote violence",  # legacy types (codebook up to 8)
                "Riots/Protests",
                "Battle-No change of territory",
            ],
            "deaths_best": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        }
    )
    declared = event_tables.declaration_of("acled")
    attacks, others = event_tables.attacks_and_others(declared, frame)
    # by hand: rows 1-3, 7 and 9 are organised political violence; 4-6 and 8 are not (ACLED's
    # own violence rate would count the riot and the excessive force: this report does not)
    assert attacks["deaths_best"].tolist() == [1, 2, 3, 7, 9]
    assert others["deaths_best"].tolist() == [4, 5, 6, 8]
    ged = event_tables.declaration_of("ucdp-ged")
    assert event_tables.attacks_and_others(ged, frame) == (frame, None)
    assert event_tables.publisher_types(frame.head(3), declared).tolist() == [
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
    ]
    typed = pd.DataFrame({"event_type_original": ["one-sided violence"], "event_type": ["x"]})
    assert event_tables.publisher_types(typed, ged).tolist() == ["one-sided violence"]


def test_a_weekly_aggregate_keeps_organised_violence_by_its_event_type():
    table = pd.DataFrame(
        {
            "event_type": ["Battles", "Riots", "Protests", "Strategic developments", "Battles"],
            "disorder_type": ["Political violence", "Political violence; Demonstrations",
                              "Demonstrations", "Strategic developments", "Political violence"],
            "events": [3, 2, 5, 1, 4],
        }
    )  # fmt: skip
    kept = coverage.political_violence(table)
    # by hand: the battles, 3 + 4 = 7 events; left out 2 + 5 + 1 = 8
    assert kept["events"].sum() == 7 and kept.attrs["demonstrations_left_out"] == 8
    assert kept.attrs["left_out_by_type"] == {
        "Protests": 5,
        "Riots": 2,
        "Strategic developments": 1,
    }


# --- the export is chosen by its rows; only what is used is recorded as read ----------------------


@pytest.fixture
def acled_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "raw" / "acled"
    folder.mkdir(parents=True)
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)
    return folder


def test_per_country_files_or_one_file_of_several_countries(acled_folder):
    for name in ("conflict_data_bfa.csv", "conflict_data_mli.csv"):
        shutil.copy(EXPORTS / name, acled_folder)
    for country, file, attacks in (
        ("Mali", "conflict_data_mli.csv", 246),
        ("Burkina Faso", "conflict_data_bfa.csv", 656),
    ):
        origins.start_log()
        chosen = coverage.select_events("auto", country, "2012-01-01", "2020-12-31")
        assert (chosen.dataset, len(chosen.events)) == ("acled", attacks)
        read = [(Path(o.where).name, o.version) for o in origins.current_log()]
        # the file used, with its data's last day (README): never the other file
        last = "29 August 2020" if country == "Mali" else "28 August 2020"
        assert read == [(file, f"data through {last}")]
    # one file holding both countries works the same
    for name in ("conflict_data_bfa.csv", "conflict_data_mli.csv"):
        (acled_folder / name).unlink()
    with open(acled_folder / "sahel.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for k, name in enumerate(("conflict_data_mli.csv", "conflict_data_bfa.csv")):
            rows = list(csv.reader(open(EXPORTS / name, encoding="utf-8")))
            writer.writerows(rows if k == 0 else rows[1:])
    origins.start_log()
    chosen = coverage.select_events("auto", "Burkina Faso", "2012-01-01", "2020-12-31")
    assert (chosen.dataset, len(chosen.events)) == ("acled", 656)
    # a file of several countries covers its first to last event, of any country: to 29 August
    assert [o.version for o in origins.current_log()] == ["data through 29 August 2020"]


def test_no_export_of_the_country_is_said_and_none_is_recorded_as_read(acled_folder):
    shutil.copy(EXPORTS / "conflict_data_bfa.csv", acled_folder)
    origins.start_log()
    chosen = coverage.select_events("auto", "Mali", "2012-01-01", "2020-12-31")
    assert chosen.dataset == "curated"
    # readers read why in words; the build's log, which files (issue 24)
    assert chosen.notes[0] == (
        "Armed Conflict Location & Event Data (ACLED), export: the exports available to this "
        "edition hold no events for Mali; not used."
    )
    assert chosen.build_hints[0] == (
        f"Armed Conflict Location & Event Data (ACLED), export: no ACLED export in "
        f"{config.display_path(acled_folder)} holds events for Mali; the exports there hold "
        "other countries: conflict_data_bfa.csv (Burkina Faso)."
    )
    assert "acled" not in origins.current_log().datasets()
    status = coverage.dataset_status("Mali").set_index("dataset")
    assert status.loc[coverage.TITLES["acled"], "status"] == "no export for Mali"


def test_of_two_exports_of_a_country_the_one_that_reaches_further(acled_folder):
    rows = list(csv.reader(open(EXPORTS / "conflict_data_mli.csv", encoding="utf-8")))
    header, body = rows[0], rows[1:]
    older = [r for r in body if r[1] < "2019-01-01"]  # to 24 December 2018
    with open(acled_folder / "a_old_mali.csv", "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *older])
    shutil.copy(EXPORTS / "conflict_data_mli.csv", acled_folder / "b_mali.csv")
    choice = event_tables.choose_export(sorted(acled_folder.iterdir()), "Mali")
    assert choice.chosen.name == "b_mali.csv"
    assert choice.passed_over == (
        f"a_old_mali.csv also holds {len(older):,} events for Mali, to 24 December 2018: not "
        "used, b_mali.csv reaches further or holds more",
    )
    # the same for readers, without the files' names (issue 24)
    assert choice.passed_over_plain == (
        f"another export also holds {len(older):,} events for Mali, to 24 December 2018: not "
        "used, the export read reaches further or holds more",
    )


def test_a_file_tried_in_a_held_log_is_kept_only_when_used(tmp_path):
    log = origins.start_log()
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("x\n")
    second.write_text("y\n")
    with origins.held() as tried:
        origins.record_file("acled", first)
    assert len(log) == 0 and len(tried) == 1
    origins.keep(tried)
    origins.record_file("ucdp-brd", second)
    assert [Path(o.where).name for o in log] == ["a.csv", "b.csv"]


# --- perpetrators as recorded --------------------------------------------------------------------


def test_suspected_perpetrators_are_some_of_the_perpetrators():
    row = {"perpetrators": ["fama", "wagner"], "attribution": "confirmed"}
    assert row_problems({**row, "suspected_perpetrators": ["wagner"]}) == []
    (problem,) = row_problems({**row, "suspected_perpetrators": ["fama", "wagner"]})
    assert problem[0] == "suspected_perpetrators" and "not all nor others" in problem[1]
    (problem,) = row_problems({**row, "suspected_perpetrators": ["jnim"]})
    assert "not all nor others" in problem[1]
    (problem,) = row_problems(
        {**row, "attribution": "suspected", "suspected_perpetrators": ["wagner"]}
    )
    assert "attribution must say how the other perpetrators' part is known" in problem[1]


@pytest.fixture
def minimal_machine(monkeypatch, tmp_path) -> None:
    """The hand-made OWID (to 2021) and BRD (to 2023) files and the minimal chronology (two
    events: Bamako, 20 November 2015, 20 deaths; Indelimane, 1 November 2019, 54)."""
    monkeypatch.setattr(config, "RAW_DIR", FIXTURES / "attack_trends" / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)


def test_the_deadliest_events_name_each_perpetrator_with_its_attribution(minimal_machine):
    built = attack_report.build(CURATED)
    chronology = built.inputs.chronology.copy()
    bamako = chronology.index[chronology["admin1"] == "Bamako"][0]
    # the minimal chronology's Bamako attack, claimed by AQIM, given as if a state force and a
    # foreign one had done it, the latter suspected
    chronology.loc[bamako, "attribution"] = "confirmed"
    chronology.at[bamako, "perpetrators"] = ["fama", "wagner"]
    chronology.at[bamako, "suspected_perpetrators"] = ["wagner"]
    groups = pd.DataFrame(
        {"name": ["Malian Armed Forces", "Wagner Group"], "acronym": ["FAMa", None],
         "kind": ["state", "foreign force"]},
        index=pd.Index(["fama", "wagner"], name="group_id"),
    )  # fmt: skip
    inputs = dataclasses.replace(
        built.inputs,
        chronology=chronology,
        groups=groups,
        group_label={"fama": "FAMa", "wagner": "Wagner Group"},
    )
    row = inputs.events[inputs.events["event_id"] == bamako].iloc[0]
    assert attack_sections.recorded_actors(inputs, row) == (
        "Malian Armed Forces (FAMa), confirmed; Wagner Group, suspected"
    )


# --- the day the brief is dated by ----------------------------------------------------------------


def test_data_through_is_the_newest_day_of_the_counts_and_series(minimal_machine):
    built = attack_report.build(CURATED)
    # OWID ends in 2021, BRD in 2023: 31 December 2023; the chronology (a selection, to 1
    # November 2019) does not date the brief
    assert attack_trends.data_through(built.inputs) == date(2023, 12, 31)
    no_brd = dataclasses.replace(built.inputs, brd=None)
    assert attack_trends.data_through(no_brd) == date(2021, 12, 31)
    # a census that covers days after the series dates the brief by its last covered day
    census = attack_report.as_census(built).inputs
    later = dataclasses.replace(
        census, covered=Coverage.between("x", date(2015, 1, 1), date(2024, 5, 3), "hand-made")
    )
    assert attack_trends.data_through(later) == date(2024, 5, 3)
    # a census ending before them does not: the series' 31 December 2023 stands
    assert attack_trends.data_through(census) == date(2023, 12, 31)
    nothing = dataclasses.replace(later, owid=None, brd=None, covered=Coverage("x", (), "none"))
    assert attack_trends.data_through(nothing) is None
