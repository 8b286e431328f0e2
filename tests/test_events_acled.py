"""ACLED exports in their published layouts (hand-written fictional rows) -> canonical table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from analysis.sources.event_frames import CANONICAL_COLUMNS
from analysis.tables import events
from analysis.tables.events import EventDataError

FIXTURES = Path(__file__).parent / "fixtures" / "events"
GROUPS = {
    "JNIM: Group for Support of Islam and Muslims": "jnim",
    "Katiba Macina": "flm",
    "Islamic State (Greater Sahara)": "isgs",
    "Islamic State Sahel Province": "isgs",
    "Ansar Dine": "ansar-dine",
    "AQIM: Al Qaeda in the Islamic Maghreb": "aqim",
    "MNLA: National Movement for the Liberation of Azawad": "mnla",
    "Wagner Group": "wagner",
}


def load(name: str, **kwargs) -> pd.DataFrame:
    return events.load("acled", FIXTURES / name, resolve=GROUPS.get, **kwargs)


def by_id(frame: pd.DataFrame) -> dict[str, dict]:
    return {row["event_id"]: row for row in frame.to_dict("records")}


def test_current_export_maps_every_column():
    frame = load("acled_export_current.csv")
    assert list(frame.columns) == list(CANONICAL_COLUMNS)
    assert len(frame) == 10
    rows = by_id(frame)
    first = rows["MLI90001"]
    assert first["date"] == pd.Timestamp("2021-01-03")
    assert first["year"] == 2021
    assert first["date_precision"] == "day"
    assert first["dataset"] == "acled"
    assert (first["admin1"], first["admin2"], first["location"]) == ("Mopti", "Douentza", "Boni")
    assert first["latitude"] == pytest.approx(15.0167)
    assert first["actors"] == [
        "JNIM: Group for Support of Islam and Muslims",
        "Military Forces of Mali (2021-)",
    ]
    assert first["group_ids"] == ["jnim"]
    assert first["event_type"] == "battle"
    assert first["event_type_original"] == "Battles: Armed clash"
    assert first["target"] == ["military"]
    assert first["deaths_best"] == 12
    assert pd.isna(first["deaths_low"]) and pd.isna(first["deaths_high"])


def test_current_export_types_targets_and_civilian_targeting():
    rows = by_id(load("acled_export_current.csv"))
    assert rows["MLI90002"]["event_type"] == "explosion/remote violence"
    assert rows["MLI90002"]["target"] == ["foreign military"]  # France in Mali
    assert rows["MLI90003"]["civilian_targeted"]
    assert rows["MLI90003"]["date_precision"] == "week"
    assert rows["MLI90003"]["admin1"] == "Ménaka"  # ACLED writes Menaka
    # the note with doubled quotes and a line break inside the quoted cell survives
    assert 'The "fixture" note has quotes,\nand a line break.' in rows["MLI90003"]["description"]
    assert rows["MLI90004"]["event_type"] == "kidnapping/hostage-taking"
    assert rows["MLI90005"]["event_type"] == "other"
    assert rows["MLI90005"]["group_ids"] == ["jnim", "flm"]  # associate actor kept and resolved
    assert rows["MLI90006"]["admin1"] == "Tombouctou"  # ACLED writes Timbuktu
    assert rows["MLI90006"]["date_precision"] == "month"
    assert rows["MLI90006"]["group_ids"] == ["jnim", "isgs"]
    assert rows["MLI90007"]["actors"] == ["Protesters (Mali)"]
    assert rows["MLI90007"]["group_ids"] == []
    assert rows["MLI90008"]["group_ids"] == ["wagner", "jnim"]
    assert not rows["MLI90008"]["civilian_targeted"]
    assert rows["BFA90001"]["target"] == ["military"]  # Burkina's army in Burkina Faso


def test_country_and_dates_filter_and_spelling():
    mali = load("acled_export_current.csv", country="Mali")
    assert len(mali) == 8 and set(mali["country"]) == {"Mali"}
    spring = load("acled_export_current.csv", country="mali", start="2021-03-01", end="2021-05-31")
    assert sorted(spring["event_id"]) == ["MLI90003", "MLI90004", "MLI90005", "MLI90006"]
    assert len(load("acled_export_current.csv", country="Senegal")) == 0


def test_pre_2023_export_with_numeric_inter_codes_and_written_dates():
    rows = by_id(load("acled_export_2020.csv"))
    assert rows["MLI90101"]["date"] == pd.Timestamp("2020-01-15")
    assert rows["MLI90101"]["target"] == ["military"]
    # no civilian_targeting column: derived from the type and actor2 = civilians (inter 7)
    assert rows["MLI90102"]["civilian_targeted"]
    assert rows["MLI90103"]["event_type"] == "explosion/remote violence"
    assert rows["MLI90103"]["civilian_targeted"]
    assert not rows["MLI90101"]["civilian_targeted"]
    assert rows["MLI90104"]["date_precision"] == "month"
    assert rows["MLI90104"]["target"] == []


def test_hdx_file_skips_the_hxl_row():
    frame = load("acled_hdx.csv")
    assert list(frame["event_id"]) == ["MLI90201", "MLI90202", "MLI90203"]
    rows = by_id(frame)
    assert rows["MLI90201"]["deaths_best"] == 40
    assert rows["MLI90202"]["actors"] == [
        "JNIM: Group for Support of Islam and Muslims",
        "Civilians (Mali)",
        "Teachers (Mali)",
    ]
    assert rows["MLI90203"]["target"] == ["peacekeepers"]


def test_legacy_taxonomy_capital_names_and_ally_actors():
    rows = by_id(load("acled_legacy_v7.csv"))
    assert rows["MLI90301"]["event_type"] == "battle"
    assert rows["MLI90301"]["event_type_original"] == "Battle-No change of territory"
    assert rows["MLI90302"]["date"] == pd.Timestamp("2012-04-01")  # dd/mm/yyyy
    assert rows["MLI90302"]["group_ids"] == ["ansar-dine", "mnla", "aqim"]
    assert rows["MLI90303"]["event_type"] == "explosion/remote violence"
    assert rows["MLI90303"]["target"] == ["armed group"]
    assert rows["MLI90304"]["event_type"] == "other"
    assert sum(rows[i]["deaths_best"] for i in rows) == 5 + 3 + 6 + 0


def test_unknown_event_type_names_file_row_and_column(tmp_path):
    text = (FIXTURES / "acled_export_current.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        text.replace("Remote explosive/landmine/IED", "X", 1).replace(
            "Explosions/Remote violence", "Cyber attack", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        EventDataError, match=r"bad.csv: data row 2, column event_type: .*Cyber attack"
    ):
        events.load("acled", bad, resolve=GROUPS.get)


def test_bad_date_and_bad_number_are_reported(tmp_path):
    text = (FIXTURES / "acled_export_2020.csv").read_text(encoding="utf-8")
    bad_date = tmp_path / "bad_date.csv"
    bad_date.write_text(text.replace("03 February 2020", "Feb the 3rd"), encoding="utf-8")
    with pytest.raises(EventDataError, match="data row 2, column event_date: 'Feb the 3rd'"):
        events.load("acled", bad_date)
    bad_number = tmp_path / "bad_number.csv"
    bad_number.write_text(text.replace("Fictional clash.,7,", "Fictional clash.,seven,"))
    with pytest.raises(
        EventDataError,
        match="bad_number.csv: data row 1, column fatalities: 'seven' is not a whole number",
    ):
        events.load("acled", bad_number)


def test_missing_columns_and_aggregates_are_refused(tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,date,deaths\n1,2020-01-01,3\n", encoding="utf-8")
    with pytest.raises(EventDataError, match="line 1: missing ACLED column"):
        events.load("acled", wrong)
    aggregate = tmp_path / "aggregate.csv"
    aggregate.write_text(
        "Country,Admin1,Month,Year,Events,Fatalities\nMali,Mopti,January,2021,12,30\n",
        encoding="utf-8",
    )
    with pytest.raises(EventDataError, match="aggregate"):
        events.load("acled", aggregate)


def test_unresolved_actors_are_listed_not_dropped():
    frame = load("acled_export_current.csv")
    table = events.unresolved_actors(frame, resolve=GROUPS.get)
    listed = dict(zip(table["actor"], table["events"], strict=True))
    assert listed["Military Forces of Mali (2021-)"] == 2
    assert listed["Civilians (Mali)"] == 2
    assert "Unidentified Armed Group (Mali)" in listed
    assert "JNIM: Group for Support of Islam and Muslims" not in listed
    kinds = dict(zip(table["actor"], table["kind"], strict=True))
    assert kinds["Military Forces of France (2017-)"] == "state forces"
    assert kinds["Unidentified Armed Group (Mali)"] == "unidentified"
    assert kinds["Protesters (Mali)"] == "crowd"
    # deaths of the events each name took part in: 12 (MLI90001) + 8 (MLI90008)
    deaths = dict(zip(table["actor"], table["deaths_best"], strict=True))
    assert deaths["Military Forces of Mali (2021-)"] == 20


def test_dates_are_inclusive():
    frame = load("acled_export_current.csv", start=date(2021, 1, 3), end=date(2021, 1, 3))
    assert list(frame["event_id"]) == ["MLI90001"]


def test_acled_acronym_form_resolves_through_either_part():
    by_acronym = {"JNIM": "jnim", "Group for Support of Islam and Muslims": "jnim-full"}.get
    frame = events.load("acled", FIXTURES / "acled_export_current.csv", resolve=by_acronym)
    assert frame.set_index("event_id").loc["MLI90001", "group_ids"] == ["jnim"]
    by_name = {"Group for Support of Islam and Muslims": "jnim"}.get
    frame = events.load("acled", FIXTURES / "acled_export_current.csv", resolve=by_name)
    assert frame.set_index("event_id").loc["MLI90001", "group_ids"] == ["jnim"]


def test_line_breaks_in_notes_across_parse_blocks(tmp_path):
    # ~2.5 MB: the fast parse splits blocks at a line break inside a quoted note and fails;
    # the file is then read again with quote-aware newlines
    header = (FIXTURES / "acled_export_2020.csv").read_text(encoding="utf-8").splitlines()[0]
    row = (
        "9000101,466,MLI{i},{i},15 January 2020,2020,1,Battles,Armed clash,"
        "JNIM: Group for Support of Islam and Muslims,,2,Military Forces of Mali (2012-2020),,1,"
        "12,Western Africa,Mali,Mopti,Bankass,Diallassagou,Diallassagou,14.2,-3.3,1,Fixture,"
        'National,"Fictional clash, line one\nline two of note {i}.",{deaths},1600000001,MLI\n'
    )
    path = tmp_path / "many.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write(header + "\n")
        for i in range(1, 8001):
            out.write(row.format(i=i, deaths=i % 3))
    assert path.stat().st_size > 2_000_000
    frame = events.load("acled", path, resolve=GROUPS.get)
    assert len(frame) == 8000 and frame["event_id"].iloc[-1] == "MLI8000"
    assert frame["description"].iloc[-1] == "Fictional clash, line one\nline two of note 8000."
    assert int(frame["deaths_best"].sum()) == sum(i % 3 for i in range(1, 8001))


def test_misaligned_ids_are_detected():
    from analysis.sources.acled import _ids_look_whole

    good = pa.table({"event_id_cnty": ["MLI1", "BFA90001"]})
    shifted = pa.table({"event_id_cnty": ["MLI1", "second line of a note"]})
    names = ["event_id_cnty"]
    assert _ids_look_whole(good, names, names)
    assert not _ids_look_whole(shifted, names, names)
