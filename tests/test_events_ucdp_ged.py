"""UCDP GED: the 20.1-25.1 layout (hand-written fixture, zipped too) and the real 19.1 sample."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.sources.ucdp_ged import GED_19_1_COLUMNS, GED_20_1_COLUMNS, REQUIRED_COLUMNS
from analysis.tables import events
from analysis.tables.events import EventDataError
from tests.conftest import shared_file

FIXTURE = Path(__file__).parent / "fixtures" / "events" / "ged_v25_1.csv"
GROUPS = {"JNIM": "jnim", "IS": "islamic-state"}


def rows(frame: pd.DataFrame) -> dict[str, dict]:
    return {row["event_id"]: row for row in frame.to_dict("records")}


def test_ged_25_1_layout_maps_types_bands_and_precision():
    frame = events.load("ucdp-ged", FIXTURE, country="Mali", resolve=GROUPS.get)
    assert len(frame) == 5
    by_id = rows(frame)
    state_based = by_id["900001"]
    assert state_based["date"] == pd.Timestamp("2018-03-10")  # time part dropped
    assert state_based["event_type"] == "battle"
    assert state_based["event_type_original"] == "state-based conflict"
    assert state_based["target"] == ["military"]
    assert (state_based["deaths_best"], state_based["deaths_low"], state_based["deaths_high"]) == (
        15,
        12,
        20,
    )
    assert state_based["actors"] == ["Government of Mali", "JNIM"]
    assert state_based["group_ids"] == ["jnim"]
    assert (state_based["admin1"], state_based["admin2"]) == ("Mopti", "Douentza")
    assert state_based["location"] == "Boulkessi town"
    one_sided = by_id["900002"]
    assert one_sided["event_type"] == "violence against civilians"
    assert one_sided["civilian_targeted"] and one_sided["target"] == ["civilians"]
    assert one_sided["date_precision"] == "week"
    assert one_sided["admin2"] == "Ténenkou"
    non_state = by_id["900003"]
    assert non_state["target"] == ["armed group"]
    assert non_state["date_precision"] == "month"
    assert non_state["admin1"] == "Ménaka"
    assert non_state["group_ids"] == ["islamic-state", "jnim"]
    assert by_id["900005"]["date_precision"] == "year"
    assert frame["deaths_best"].sum() == 15 + 8 + 8 + 30 + 2
    assert frame["deaths_high"].sum() == 20 + 9 + 10 + 45 + 2


def test_ged_zip_as_published(tmp_path):
    archive = tmp_path / "ged251-csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(FIXTURE, "GEDEvent_v25_1.csv")
    frame = events.load("ucdp-ged", archive, country="Burkina Faso", resolve=GROUPS.get)
    assert list(frame["event_id"]) == ["900006"]
    assert frame.iloc[0]["country"] == "Burkina Faso"
    assert frame.iloc[0]["admin1"] == "Sahel province"  # other countries' names only trimmed


def test_ged_errors_name_the_problem(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    header, first, *rest = text.splitlines(keepends=True)
    bad = tmp_path / "bad.csv"
    bad.write_text(header + first.replace(",Clear,1,", ",Clear,9,", 1) + "".join(rest))
    with pytest.raises(EventDataError, match="data row 1, column type_of_violence: '9'"):
        events.load("ucdp-ged", bad)
    missing = tmp_path / "missing.csv"
    missing.write_text(header.replace("type_of_violence", "violence") + first)
    with pytest.raises(EventDataError, match="line 1: missing UCDP GED column.*type_of_violence"):
        events.load("ucdp-ged", missing)
    bad_number = tmp_path / "bad_number.csv"
    bad_number.write_text(header + first.replace(",15,20,12,432,", ",fifteen,20,12,432,"))
    with pytest.raises(EventDataError, match="data row 1, column best: 'fifteen'"):
        events.load("ucdp-ged", bad_number)


@pytest.mark.shared
def test_real_ged_19_1_sample_reads_by_column_name():
    path = shared_file("ucdp_ged_sample_v19_1", "ged191_MMR_BGD_subset.csv")
    frame = events.load("ucdp-ged", path, resolve=lambda name: None)
    # PROVENANCE.md: 3,194 events, best deaths 20,936, 1989-2018, Myanmar 2,593, Bangladesh 601
    assert len(frame) == 3194
    assert frame["event_id"].is_unique
    assert int(frame["deaths_best"].sum()) == 20936
    assert frame["date"].min().year == 1989 and frame["date"].max().year == 2018
    assert (frame["country"] == "Myanmar").sum() == 2593
    assert len(events.load("ucdp-ged", path, country="Bangladesh")) == 601
    assert len(events.load("ucdp-ged", path, country="Myanmar (Burma)")) == 2593
    # kept as published: 6 rows have best outside [low, high] (e.g. id 71686: 0, 3, 0)
    outside = (frame["deaths_low"] > frame["deaths_best"]) | (
        frame["deaths_best"] > frame["deaths_high"]
    )
    assert int(outside.sum()) == 6
    assert frame.loc[frame["event_id"] == "71686", "deaths_high"].item() == 0
    assert set(frame["event_type"]) <= set(events.EVENT_TYPES)
    assert len(events.load("ucdp-ged", path, country="Mali")) == 0


# --- every layout from 19.1 to 26.1, read by column name (hand-written fixtures) -----------

UCDP_FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"


def test_ged_26_1_layout_and_its_stated_span():
    frame = events.load(
        "ucdp-ged", UCDP_FIXTURES / "ged_v26_1.csv", country="Mali", resolve=GROUPS.get
    )
    # by hand: Mali rows 910001-910003 of the fixture, best 12 + 7 + 20, high 15 + 9 + 25
    assert sorted(frame["event_id"]) == ["910001", "910002", "910003"]
    assert int(frame["deaths_best"].sum()) == 39
    assert int(frame["deaths_high"].sum()) == 49
    assert int(frame["deaths_low"].sum()) == 10 + 7 + 18
    assert list(frame["code_status"]) == ["Clear"] * 3
    assert not frame["provisional"].any()
    coverage = frame.attrs["coverage"]
    # release 26.1 covers 1989 to the end of 2025 (UCDP's stated span)
    assert coverage.text() == "1989-01-01 to 2025-12-31"


def test_ged_19_1_layout_of_42_columns_reads_by_name():
    frame = events.load(
        "ucdp-ged", UCDP_FIXTURES / "ged_v19_1.csv", country="Mali", resolve=GROUPS.get
    )
    by_id = rows(frame)
    # 19.1 ends low, best, high: 190001 is low 3, best 4, high 6 (not best 3)
    first = by_id["190001"]
    assert (first["deaths_low"], first["deaths_best"], first["deaths_high"]) == (3, 4, 6)
    assert by_id["190002"]["date_precision"] == "month"
    assert by_id["190002"]["event_type"] == "violence against civilians"
    # 19.1 has no code_status column: unknown, not "Clear"
    assert frame["code_status"].isna().all()
    assert frame.attrs["coverage"].text() == "1989-01-01 to 2018-12-31"


def test_every_documented_layout_has_the_required_columns():
    assert len(GED_19_1_COLUMNS) == 42 and len(GED_20_1_COLUMNS) == 49
    assert set(REQUIRED_COLUMNS) <= set(GED_19_1_COLUMNS) & set(GED_20_1_COLUMNS)
    header = (UCDP_FIXTURES / "ged_v26_1.csv").read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == GED_20_1_COLUMNS
    sample = (FIXTURE).read_text(encoding="utf-8").splitlines()[0]
    assert tuple(sample.split(",")) == GED_20_1_COLUMNS  # 25.1 has the same 49
