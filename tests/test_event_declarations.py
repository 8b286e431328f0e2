"""The event-source contract: every source declares what it gives (event rows or only totals per
area and period, event types, actors, coordinates, admin areas, census or selection), the
selection carries the declaration, and the attack report's sections ask it instead of which
dataset they got. Hand-made frames and the hand-made fixtures (tests/fixtures)."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.analyses import aggregates
from analysis.reports import attack_appendix, attack_sections
from analysis.reports.attack_data import cut_selection
from analysis.reports.parts import Chart, NoData, Text
from analysis.sources import acled_aggregated
from analysis.sources.declaration import Declaration
from analysis.tables import coverage
from analysis.tables.events import Coverage, declaration_of, empty_events
from tests import attack_report

FIXTURES = Path(__file__).parent / "fixtures"
CURATED = FIXTURES / "curated_min"
WEEKLY = (
    FIXTURES / "acled_aggregated" / "Western_Africa_aggregated_data_up_to_week_of-2024-01-13.xlsx"
)


# --- what each source declares --------------------------------------------------------------


@pytest.mark.parametrize(
    "dataset", ["acled", "acled-api", "ucdp-ged", "ucdp-candidate", "ucdp-api"]
)
def test_publishers_event_data_is_a_census_of_single_events(dataset):
    declared = declaration_of(dataset)
    assert declared.dataset == dataset and declared.rows == "event" and declared.census
    for capability in ("event rows", "event types", "actors", "coordinates", "admin1", "admin2"):
        assert declared.gives(capability), (dataset, capability)


def test_the_curated_chronology_is_a_selection_of_single_events():
    declared = declaration_of("curated")
    assert declared.event_rows and declared.gives("actors") and declared.gives("coordinates")
    assert not declared.census
    assert declared.selection == "major incidents chosen from the sources"


def test_a_ged_release_names_the_candidate_months_it_may_add():
    assert declaration_of("ucdp-ged").supplements == ("ucdp-candidate",)
    assert declaration_of("acled").supplements == ()


def test_aggregated_files_declare_by_their_frequency():
    weekly = pd.DataFrame({"events": [1]})
    weekly.attrs["frequency"] = "week"
    monthly = pd.DataFrame({"events": [1]})
    monthly.attrs["frequency"] = "month"
    week, month = (
        declaration_of("acled-aggregated", weekly),
        declaration_of("acled-aggregated", monthly),
    )
    assert week is acled_aggregated.WEEKLY_DECLARATION
    assert month is acled_aggregated.MONTHLY_DECLARATION
    # totals, never single events, and no actor in either
    for declared in (week, month):
        assert not declared.event_rows and not declared.gives("actors") and declared.census
    # weekly: regions only, an event type per row, placed at the region's centroid
    assert (week.rows, week.admin_areas, week.coordinates) == ("area-week", ("admin1",), "area")
    assert week.gives("event types") and not week.gives("admin2")
    # monthly (HDX): cercles with P-codes, one product (no event type), no coordinates
    assert (month.rows, month.admin_areas, month.coordinates) == (
        "area-month",
        ("admin1", "admin2"),
        "none",
    )
    assert not month.gives("event types") and not month.gives("coordinates")


def test_a_declaration_says_why_it_cannot_give_something():
    plain = Declaration("x", "the X file", actors=False, admin_areas=("admin1",))
    assert plain.reason("actors") == "the X file names no actor"
    assert plain.reason("admin2") == "the X file names no cercle"
    weekly = acled_aggregated.WEEKLY_DECLARATION
    assert weekly.reason("admin2").startswith("ACLED's weekly files count events per region")
    assert weekly.reason("event rows") == (
        "ACLED's aggregated data counts events per area and period only"
    )


@pytest.mark.parametrize(
    "given, message",
    [
        ({"rows": "area-day"}, "rows must be one of"),
        ({"coordinates": "exact"}, "coordinates must be one of"),
        ({"admin_areas": ("admin3",)}, "unknown admin area"),
        ({"census": False}, "a selection must say what it selects"),
        ({"why_not": {"colour": "no"}}, "why_not keys"),
    ],
)
def test_a_declaration_that_cannot_be_true_is_refused(given, message):
    with pytest.raises(ValueError, match=message):
        Declaration("x", "the X file", **given)
    with pytest.raises(ValueError, match="unknown capability"):
        Declaration("x", "the X file").gives("colour")


# --- the selection carries the declaration, in the same tables ------------------------------


@pytest.fixture
def machine(tmp_path, monkeypatch) -> Path:
    """An empty data/raw and ../shared/data, and the minimal curated tables."""
    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setattr(config, "RAW_DIR", raw)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)
    return raw


def test_a_weekly_file_yields_totals_and_no_event_rows(machine):
    (machine / "acled").mkdir()
    shutil.copy(WEEKLY, machine / "acled" / WEEKLY.name)
    selection = coverage.select_events("acled-aggregated", "Mali", "2023-01-01", "2024-12-31")
    assert selection.declaration is acled_aggregated.WEEKLY_DECLARATION
    # the canonical event table, empty; the totals of political violence: Mali's 9 events
    # less Bamako's 2 protests (fixture README) = 7
    assert list(selection.events.columns) == list(empty_events().columns)
    assert selection.events.empty
    assert selection.counted is selection.totals and int(selection.totals["events"].sum()) == 7
    assert selection.totals.attrs["demonstrations_left_out"] == 2
    assert aggregates.events_counted(selection) == 7
    assert selection.coverage.last == date(2024, 1, 19)


def test_an_export_yields_event_rows_and_no_totals(machine):
    (machine / "acled").mkdir()
    shutil.copy(FIXTURES / "events" / "acled_export_current.csv", machine / "acled" / "export.csv")
    selection = coverage.select_events("auto", "Mali", "2021-01-01", "2021-12-31")
    assert selection.declaration.dataset == "acled" and selection.totals is None
    # 7 Mali rows in 2021, of which 5 attacks: a strategic development and a protest are
    # left out of the counts (selection.left_out)
    assert selection.counted is selection.events and aggregates.events_counted(selection) == 5
    assert len(selection.left_out) == 2
    curated = coverage.select_events("curated", "Mali", "2012-01-01", "2025-12-31")
    assert not curated.declaration.census and len(curated.events) == 2


def selection_of(declared: Declaration, events: pd.DataFrame, totals=None):
    return coverage.EventSelection(declared.dataset, events, declared, totals)


def test_counts_come_from_event_rows_or_from_totals_as_declared():
    events = empty_events().reindex(range(3))
    events["date"] = pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-02"])
    events["deaths_best"] = [1.0, 2.0, 4.0]
    events["group_ids"] = [["jnim"], [], ["isgs"]]
    totals = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "period_end": pd.to_datetime(["2024-01-31", "2024-02-29"]),
            "events": [10, 5],
            "deaths_best": [20.0, 8.0],
        }
    )
    covered = Coverage.between("x", date(2024, 1, 1), date(2024, 2, 29), "hand-made")
    rows = selection_of(declaration_of("acled"), events)
    counts = selection_of(acled_aggregated.MONTHLY_DECLARATION, empty_events(), totals)
    # by hand: January 2 events (3 deaths), February 1 (4); the totals 10 (20) and 5 (8)
    by_rows = aggregates.series_per_period(
        rows, "month", date(2024, 1, 1), date(2024, 2, 29), covered
    )
    by_totals = aggregates.series_per_period(
        counts, "month", date(2024, 1, 1), date(2024, 2, 29), covered
    )
    assert by_rows["events"].tolist() == [2, 1] and by_rows["deaths_best"].tolist() == [3, 4]
    assert by_totals["events"].tolist() == [10, 5] and by_totals["deaths_best"].tolist() == [20, 8]
    assert (aggregates.events_counted(rows), aggregates.events_counted(counts)) == (3, 15)
    # the focus groups apply where the source names actors; elsewhere every row is kept
    kept = cut_selection(rows, date(2024, 2, 29), ("jnim",), {})
    assert kept.events["group_ids"].tolist() == [["jnim"]]
    no_actors = dataclasses.replace(declaration_of("acled"), actors=False)
    every = cut_selection(selection_of(no_actors, events), date(2024, 2, 29), ("jnim",), {})
    assert len(every.events) == 3
    # and the rows after the report's end are cut
    assert len(cut_selection(rows, date(2024, 1, 31), (), {}).events) == 2


# --- the report's sections ask the declaration ----------------------------------------------


@pytest.fixture
def report_machine(tmp_path, monkeypatch) -> None:
    """data/raw holds the hand-made OWID and BRD files; the minimal curated tables (two events:
    AQIM's Bamako attack in 2015, 20 deaths; an unattributed one at Indelimane in 2019)."""
    monkeypatch.setattr(config, "RAW_DIR", FIXTURES / "attack_trends" / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)


def declaring(built: attack_report.Built, **changes) -> attack_report.Built:
    """The same report inputs, from a source that declares otherwise."""
    inputs = built.inputs
    declared = dataclasses.replace(inputs.declared, **changes)
    selection = dataclasses.replace(inputs.selection, declaration=declared)
    return dataclasses.replace(built, inputs=dataclasses.replace(inputs, selection=selection))


def test_a_source_without_actors_makes_the_group_section_say_so(report_machine):
    # the chronology is a selection: a source declared as a census with its rows stands in
    built = declaring(attack_report.build(CURATED, data_source="curated"), census=True)
    groups = attack_sections.groups(built.inputs, built.series, built.params)
    # the chronology names AQIM for its Bamako attack: a figure of events by group
    assert "events-by-group" in [c.slug for c in groups.charts()]
    silent = declaring(built, actors=False)
    section = attack_sections.groups(silent.inputs, silent.series, silent.params)
    assert "events-by-group" not in [c.slug for c in section.charts()]
    (note,) = [b for b in section.blocks if isinstance(b, NoData) and b.slug == "events-by-group"]
    assert note.what == (
        "events by group: the curated chronology names no actor (the battle deaths by group "
        "above come from UCDP BRD)"
    )
    # UCDP BRD's battle deaths by group stay: they are not the event source's
    assert "group-battle-deaths" in [c.slug for c in section.charts()]


def test_the_latest_weeks_by_group_need_actors(report_machine):
    # 2019 holds one event, which names no group: the split by group still holds it
    built = attack_report.build(CURATED, data_source="curated", start_date="2019-01-01")
    assert built.series.latest  # the chronology covers weeks of 2019: the section has data
    # a selection compares no weeks; a source declared as a census with its rows stands in
    selection = attack_appendix.latest_groups(built.inputs, built.series, built.params)
    assert [n.slug for n in selection.blocks] == ["latest-groups"]
    assert isinstance(selection.blocks[0], NoData)
    built = declaring(built, census=True)
    table = attack_appendix.latest_groups(built.inputs, built.series, built.params)
    assert [t.slug for t in table.tables()] == ["latest-groups"]
    silent = declaring(built, actors=False)
    section = attack_appendix.latest_groups(silent.inputs, silent.series, silent.params)
    (note,) = section.blocks
    assert note.what == (
        "the last weeks by group: the curated chronology names no actor, so the latest period "
        "is compared by region only"
    )


def test_a_selection_says_why_it_draws_no_trend_and_a_census_does_not(report_machine):
    built = attack_report.build(CURATED, data_source="curated")
    caveat = (
        "The curated chronology lists major incidents chosen from the sources, not every attack, "
        "so this brief draws no trend, count, share, map or change point from it: a month with "
        "more entries may only have been better reported. It is shown as a timeline of major "
        "incidents."
    )
    # said once, beside the timeline of major incidents the brief shows instead of a trend
    assert built.texts("national-trend") == [caveat]
    assert "incidents-brief" in built.tables and "national-trend-events" not in built.charts
    census = declaring(built, census=True)
    section = attack_sections.national_trend(census.inputs, census.series, census.params)
    assert caveat not in [b.plain() for b in section.blocks if isinstance(b, Text)]
    notes = attack_sections.coverage_notes(census.inputs, census.series, census.params)
    assert not any(n.startswith("For 2019-2021, its 54 deaths") for n in notes)


def test_a_source_of_totals_shows_no_single_events(report_machine):
    built = attack_report.build(CURATED, data_source="curated")
    totals = declaring(built, rows="area-month", actors=False, coordinates="none", census=True)
    inputs = dataclasses.replace(
        totals.inputs,
        selection=dataclasses.replace(totals.inputs.selection, events=empty_events()),
    )
    section = attack_sections.types(inputs, totals.series, totals.params)
    (note,) = section.blocks
    assert isinstance(note, NoData) and note.slug == "types"
    assert note.what == (
        "single events (types, targets, the deadliest events, points on a map): the curated "
        "chronology counts events per area and period only"
    )
    assert not any(isinstance(b, Chart) for b in section.blocks)
