"""Issue 23, the attack-trends report: one test per false statement of the issue's "Why" that
concerns this report, each failing on the code the issue started from (commit a087de1).

Two kinds of input: the default build (the curated chronology, with UCDP's series from
../shared/data: skipped where that folder is absent) and a build on the hand-made two-country
ACLED fixture (tests/fixtures/acled_two_countries, invented values in ACLED's current layout;
its README works the figures out by hand). Only the report's public parts are read here, so that
the same tests run against the starting code.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from analysis import config
from analysis.core import origins
from tests import attack_report

FIXTURES = Path(__file__).parent / "fixtures"
EXPORTS = FIXTURES / "acled_two_countries"
RUN_DATE = "2026-12-08"


@pytest.fixture
def default_machine(monkeypatch, tmp_path):
    """The default build's inputs: data/curated, UCDP's series in ../shared/data, no event
    export (an empty data/raw)."""
    if not (config.SHARED_DATA_DIR / "ucdp_brd_v24_1").is_dir():
        pytest.skip("../shared/data (UCDP BRD 24.1, OWID) is absent on this machine")
    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setenv("MALI_RUN_DATE", RUN_DATE)


@pytest.fixture
def two_exports(default_machine, tmp_path):
    """data/raw/acled holds HDX-named per-country exports side by side, Burkina Faso's the newer
    file (copied last, a later modification time)."""
    folder = tmp_path / "raw" / "acled"
    folder.mkdir(parents=True)
    shutil.copy(EXPORTS / "conflict_data_mli.csv", folder)
    shutil.copy(EXPORTS / "conflict_data_bfa.csv", folder)
    later = (folder / "conflict_data_mli.csv").stat().st_mtime + 3600
    os.utime(folder / "conflict_data_bfa.csv", (later, later))
    return folder


@pytest.fixture
def mali_export(default_machine, tmp_path):
    """data/raw/acled holds Mali's export alone."""
    folder = tmp_path / "raw" / "acled"
    folder.mkdir(parents=True)
    shutil.copy(EXPORTS / "conflict_data_mli.csv", folder)
    return folder


def default_build(**given) -> attack_report.Built:
    return attack_report.build(None, **given)


# --- "A selection is read as a census." -------------------------------------------------------


def test_latest_from_a_selection_says_no_month_had_0_deaths(default_machine):
    # Why: "October 2025 ... had 0 deaths" (there is simply no row of the chronology).
    latest = " ".join(default_build().texts("latest"))
    assert "had 0 deaths" not in latest
    assert latest.startswith("No latest weeks are compared: the curated chronology lists")


def test_the_claim_is_not_supported_by_a_selection(default_machine):
    # Why: "The claim is supported: north 100% -> 23%, centre 0% -> 68%" from the chronology.
    built = default_build()
    verdict = [t for t in built.texts("where") if t.startswith("**Verdict on the claim.**")]
    assert verdict and "cannot be tested with this data" in verdict[0]
    assert not any("The claim is supported" in f for f in built.report.key_findings)


def test_no_deaths_per_event_from_a_selection(default_machine):
    # Why: "deaths per event: violence against civilians 64.2" drawn from the chronology.
    built = default_build()
    assert "types" not in built.tables
    assert "events-by-type" not in built.charts
    assert "types" in built.missing


def test_without_a_census_the_first_key_finding_says_so(default_machine):
    # Deliver 1: when no census of events is present, the brief says so in its first lines.
    # (Issue 24: in words for readers, never about the machine that built it.)
    first = default_build().report.key_findings[0]
    assert first.startswith("The counts and trends of this brief come from UCDP's annual series")
    assert "this edition has no event data that lists every attack in Mali" in first
    assert "machine" not in first


# --- "Protests are counted as attacks." -------------------------------------------------------


def test_protests_riots_and_strategic_developments_are_not_attacks(mali_export):
    # Why: 905 of 3,844 Mali events were protests, riots and strategic developments, counted as
    # attacks. In the fixture: 153 of Mali's 399 rows (README), so 246 attacks; the last 4
    # weeks hold 20 attacks and 5 protests (2 to 29 August 2020): 20 are counted.
    mali = attack_report.build(None, country="Mali")
    assert mali.inputs.selection.dataset == "acled"
    assert len(mali.inputs.events) == 246
    assert mali.texts("latest")[0].startswith(
        "In the last 4 weeks the ACLED export covers (2 August 2020 to 29 August 2020) it "
        "records 20 events and 120 deaths"
    )
    assert any("153 of the 399 events" in note for note in mali.coverage_notes)


def test_burkina_fasos_uprising_is_not_an_attack_trend(two_exports):
    # Why: Burkina Faso's "January 2014, up" break was the popular uprising. The fixture's
    # attacks read 1 a month to 2017, 24 in 2018-2019, 1 in 2020 (README): no break in 2014.
    burkina = attack_report.build(None, country="Burkina Faso")
    years = [point.date.year for point in burkina.series.event_breaks]
    assert 2014 not in years and 2016 not in years
    assert years == [2018, 2020]


# --- "The file is chosen by its modification time." --------------------------------------------


def test_the_export_is_chosen_by_its_rows_and_only_it_is_read(two_exports):
    # Why: the Mali report took the newer file (Burkina Faso's), found no Mali events and fell
    # back, while its header, licence block and spreadsheet named the ACLED export as read.
    mali = attack_report.build(None, country="Mali")
    assert mali.inputs.selection.dataset == "acled"
    read = [o.where for o in origins.current_log() if o.dataset == "acled"]
    assert [Path(w).name for w in read] == ["conflict_data_mli.csv"]


def test_an_exports_vintage_is_its_datas_last_day(two_exports):
    # Why: the ACLED vintage shown was the date the file was copied, not the data's last day.
    mali = attack_report.build(None, country="Mali")
    (origin,) = [o for o in origins.current_log() if o.dataset == "acled"]
    assert origin.version == "data through 29 August 2020"
    assert "29 August 2020" in mali.inputs.sources.events


# --- "Verdicts do not say what the claim is, nor test each part." ------------------------------


def test_the_verdict_names_the_claim_and_tests_each_part(two_exports):
    # Why: north 78% -> 38%, centre 17% -> 60%, south 4% -> 2% read "The claim is supported".
    # Fixture (README): north 79% -> 38%, centre 17% -> 60%, south 4% -> 2%, 2012-2014 against
    # 2017-2019: the south part fails, so partly supported.
    mali = attack_report.build(None, country="Mali")
    (verdict,) = [t for t in mali.texts("where") if t.startswith("**Verdict on the claim.**")]
    assert "defenceweb-2019" in verdict and "epicenter" in verdict
    assert " is partly supported, from 2012-2014 to 2017-2019: " in verdict
    assert "the south's share went from 4% to 2%, no clear change (the claim says it rose)" in (
        verdict
    )


# --- "A table invites a wrong quote." ----------------------------------------------------------


def test_the_sahel_table_headlines_each_governments_own_dyads(default_machine):
    # Why: the Sahel table gave Niger 9,417 battle deaths (every dyad that also fought
    # elsewhere, mostly Nigeria's war), more than Burkina Faso and Mali.
    table = default_build().tables["sahel-brd"].frame.set_index("country")
    assert 9417 not in table.to_numpy()
    (column,) = [c for c in table.columns if "own government" in c]
    assert table[column].to_dict() == {"Mali": 7000, "Burkina Faso": 8539, "Niger": 2810}


def test_battle_death_shares_say_in_the_fighting_with(default_machine):
    # Why: "JNIM accounts for 60% of the 7,000 battle deaths" reads as "JNIM killed 60%".
    # (Issue 24: "in dyads involving", UCDP's jargon, became "in its fighting with".)
    findings = default_build().report.key_findings
    (brd,) = [f for f in findings if "battle-related deaths" in f]
    assert "accounts for" not in brd
    assert "were in its fighting with JNIM" in brd


def test_moura_names_its_perpetrators_as_recorded(default_machine):
    # Why: the deadliest-events table named "Wagner Group" alone for Moura, whose row records
    # the Malian armed forces and foreign soldiers, the latter suspected.
    deadliest = default_build().tables["deadliest"].frame
    (moura,) = deadliest[deadliest["place"] == "Moura"].to_dict("records")
    recorded = [v for k, v in moura.items() if "as recorded" in k]
    assert recorded == ["Malian Armed Forces (FAMa), confirmed; Wagner Group, suspected"]


# --- "No threshold before 'latest' or 'changed'." -------------------------------------------------


def test_too_few_events_are_not_compared(two_exports):
    # Why: "Latest" compared 2 events with 1. Fixture: Burkina Faso's last 4 weeks hold 1
    # attack, the 4 before 1 (README): ACLED's low-baseline rule.
    latest = attack_report.build(None, country="Burkina Faso").texts("latest")
    assert "against the 4 weeks before, too few events to compare" in latest[1]
    # HDX Signals: a month is flagged only with at least 100 deaths; the 30 days hold 2
    assert "below HDX Signals' minimum of 100 deaths: no signal" in latest[2]


# --- "Stale without saying so." ------------------------------------------------------------------


def test_the_brief_is_dated_by_its_data(default_machine):
    # Why: a brief dated December 2026 had 2023 as its newest national figure without saying.
    assert default_build().report.data_through == date(2023, 12, 31)


def test_the_period_is_written_one_way(two_exports):
    # Why: the period was written three ways; the brief's prose writes spans one way
    # (period_text: '2 August 2020 to 29 August 2020'), never as ISO dates.
    mali = attack_report.build(None, country="Mali")
    prose = " ".join(mali.coverage_notes + mali.texts("latest"))
    assert not re.search(r"\d{4}-\d{2}-\d{2}", prose)
    assert "(2 August 2020 to 29 August 2020)" in prose


# --- "Context that belongs to another country." ----------------------------------------------------


def test_no_data_notes_say_what_data_fills_the_gap(two_exports):
    # Why: a Burkina Faso brief's no-data boxes said "choose country = 'Mali'".
    burkina = attack_report.build(None, country="Burkina Faso")
    assert burkina.missing  # the maps, the zone test, the claims
    assert not any("choose country" in note.how_to_get for note in burkina.missing.values())
    assert "boundaries of Burkina Faso's regions" in burkina.missing["map-regions"].how_to_get


def test_a_burkina_faso_brief_reads_its_own_milestones(two_exports):
    # Why: a Burkina Faso brief read its breaks against Mali's milestones (its own 2014
    # uprising, 2015 coup attempt and two 2022 coups absent).
    burkina = attack_report.build(None, country="Burkina Faso")
    milestones = burkina.inputs.milestones
    kinds = set(zip(milestones["kind"], milestones["date"].dt.year, strict=True))
    assert {("uprising", 2014), ("coup", 2015), ("coup", 2022)} <= kinds
    assert "serval" not in set(burkina.inputs.milestones["milestone_id"])
