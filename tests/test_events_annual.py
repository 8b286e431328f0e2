"""Annual series: UCDP BRD dyad-years and OWID country-years (fixtures and the real files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.tables import events
from analysis.tables.events import EventDataError
from tests.conftest import shared_file

FIXTURES = Path(__file__).parent / "fixtures" / "events"
GROUPS = {"JNIM": "jnim", "IS": "islamic-state", "AQIM": "aqim"}


def test_brd_filters_by_battle_location_and_flags_shared_dyads():
    frame = events.load("ucdp-brd", FIXTURES / "brd_dyadic.csv", country="Mali", resolve=GROUPS.get)
    assert list(frame.columns[: len(events.ANNUAL_COLUMNS)]) == list(events.ANNUAL_COLUMNS)
    # Mali's own dyads, the IS dyad fought in Mali and Niger, and Algeria-AQIM fought partly in Mali
    assert sorted(zip(frame["year"], frame["side_b"], strict=True)) == [
        (2005, "AQIM"),
        (2022, "IS"),
        (2022, "JNIM"),
        (2023, "JNIM"),
    ]
    assert set(frame["country"]) == {"Mali"}
    shared = frame.set_index("side_b")["battle_countries"].to_dict()
    assert shared["IS"] == 2 and shared["AQIM"] == 2 and shared["JNIM"] == 1
    jnim_2022 = frame[(frame["side_b"] == "JNIM") & (frame["year"] == 2022)].iloc[0]
    assert (jnim_2022["deaths_best"], jnim_2022["deaths_low"], jnim_2022["deaths_high"]) == (
        100,
        90,
        150,
    )
    assert jnim_2022["group_ids"] == ["jnim"]
    assert jnim_2022["actors"] == ["Government of Mali", "JNIM"]


def test_brd_uses_gwno_loc_when_gwno_battle_is_empty_and_filters_years():
    niger = events.load("ucdp-brd", FIXTURES / "brd_dyadic.csv", country="Niger")
    assert sorted(niger["year"]) == [2021, 2022]  # Niger-IS 2021 (gwno_loc), Mali-IS 2022
    late = events.load(
        "ucdp-brd",
        FIXTURES / "brd_dyadic.csv",
        country="Mali",
        start="2022-01-01",
        end="2022-12-31",
    )
    assert int(late["deaths_best"].sum()) == 150


def test_owid_reads_the_current_long_label_and_spellings():
    frame = events.load("owid", FIXTURES / "owid_deaths_long_label.csv", country="MALI")
    assert list(frame["year"]) == [2019, 2020, 2021]
    assert list(frame["deaths_best"]) == [100, 150, 90]
    assert frame["deaths_low"].isna().all()
    everything = events.load("owid", FIXTURES / "owid_deaths_long_label.csv", start="2020-01-01")
    assert sorted(everything["country"].unique()) == ["Africa", "Mali", "Niger"]


def test_annual_errors(tmp_path):
    bad = tmp_path / "brd.csv"
    bad.write_text(
        "conflict_id,dyad_id,side_a,side_b,year,bd_best,bd_low,bd_high\n1,2,A,B,2020,-3,0,0\n"
    )
    with pytest.raises(EventDataError, match="brd.csv: line 2, column bd_best: '-3'"):
        events.load("ucdp-brd", bad)
    owid = tmp_path / "owid.csv"
    owid.write_text("Entity,Year,State-based deaths,Non-state deaths\nMali,2020,1,2\n")
    with pytest.raises(EventDataError, match="several value columns"):
        events.load("owid", owid)


@pytest.mark.shared
def test_real_brd_24_1_mali():
    path = shared_file("ucdp_brd_v24_1", "BattleDeaths_v24_1.csv")
    frame = events.load("ucdp-brd", path, country="Mali", resolve=GROUPS.get)
    # the Mali subset holds 41 dyad-years: gwno_loc or gwno_battle contains 432
    assert len(frame) == 41
    jnim = frame[frame["side_b"] == "JNIM"].set_index("year")["deaths_best"]
    assert jnim.to_dict() == {
        2017: 246,
        2018: 402,
        2019: 422,
        2020: 517,
        2021: 616,
        2022: 1117,
        2023: 913,
    }
    is_2022 = frame[(frame["side_b"] == "IS") & (frame["year"] == 2022)].iloc[0]
    assert (is_2022["deaths_best"], is_2022["deaths_low"], is_2022["deaths_high"]) == (
        323,
        323,
        436,
    )
    # Algeria-AQIM 2005 and Mauritania-AQIM 2010 were fought partly in Mali
    assert set(frame.loc[frame["battle_countries"] > 1, "year"]) == {2005, 2010, 2013}


@pytest.mark.shared
def test_real_owid_sahel_values():
    path = shared_file(
        "owid_conflict_deaths", "deaths-in-armed-conflicts-based-on-where-they-occurred.csv"
    )
    mali = events.load("owid", path, country="Mali").set_index("year")["deaths_best"]
    # PROVENANCE.md lists the Mali values 2012-2023
    assert mali[2012] == 328 and mali[2013] == 830 and mali[2022] == 3612 and mali[2023] == 2001
    burkina = events.load("owid", path, country="Burkina Faso").set_index("year")["deaths_best"]
    assert burkina[2023] == 6152
