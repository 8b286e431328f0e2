"""UCDP candidate GED files (hand-written fixtures in UCDP's layout, invented events): with and
without a header row, one copy per event id from the latest release, code_status kept, and a
final release combined with the candidate months after it, marked provisional."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from analysis import config
from analysis.core import origins
from analysis.sources import ucdp_candidate
from analysis.sources.ucdp_candidate import release_of
from analysis.tables import events
from analysis.tables.events import EventDataError

FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"
JANUARY, FEBRUARY, MARCH = (FIXTURES / f"GEDEvent_v26_0_{m}.csv" for m in (1, 2, 3))
FINAL = FIXTURES / "ged_v26_1.csv"
GROUPS = {"JNIM": "jnim", "IS": "islamic-state"}


def test_release_is_read_from_the_file_name():
    monthly = release_of("GEDEvent_v25_0_3.csv")
    assert (monthly.year, monthly.first_month, monthly.last_month) == (2025, 3, 3)
    assert monthly.version == "25.0.3" and not monthly.consolidated
    assert (monthly.first_day, monthly.last_day) == (date(2025, 3, 1), date(2025, 3, 31))
    half = release_of("GEDEvent_v26_01_26_06.csv")
    assert half.version == "26.01.26.06" and (half.first_month, half.last_month) == (1, 6)
    # the consolidated release of January-June sorts after the monthly release of June
    assert half.order > release_of("GEDEvent_v26_0_6.csv").order
    assert release_of("GEDEvent_v26_1.csv") is None  # a final release, not a candidate
    assert release_of("GEDEvent_v26_0_13.csv") is None


def test_header_and_headerless_files_read_alike():
    assert ucdp_candidate.has_header(JANUARY) and not ucdp_candidate.has_header(FEBRUARY)
    february = ucdp_candidate.read_candidate(FEBRUARY)
    # by hand: the February file's three rows, best 9 + 5 + 2, in the documented order
    assert february.column("event_id").to_pylist() == ["920004", "920002", "920005"]
    assert sum(february.column("deaths_best").to_pylist()) == 16
    assert february.column("code_status").to_pylist() == ["Clear", "Clear", "Unclear"]
    assert february.column("country").to_pylist() == ["Mali"] * 3
    assert set(february.column("release").to_pylist()) == {"26.0.2"}


def test_candidates_keep_the_latest_release_of_each_event():
    frame = events.load("ucdp-candidate", FIXTURES, country="Mali", resolve=GROUPS.get)
    by_id = {row["event_id"]: row for row in frame.to_dict("records")}
    # 920002 is in January (best 3, not yet Clear) and revised in February (best 5, Clear)
    assert by_id["920002"]["deaths_best"] == 5 and by_id["920002"]["code_status"] == "Clear"
    assert sorted(by_id) == ["920001", "920002", "920004", "920005", "920006", "920007"]
    # by hand: 6 + 5 + 9 + 2 + 11 + 1
    assert int(frame["deaths_best"].sum()) == 34
    assert frame["provisional"].all() and set(frame["dataset"]) == {"ucdp-candidate"}
    assert frame.attrs["coverage"].text() == "2026-01-01 to 2026-03-31"
    # one event of six is not yet "Clear" (920005)
    assert ucdp_candidate.not_clear_share(frame["code_status"]) == (1, 6)
    assert by_id["920004"]["group_ids"] == ["islamic-state", "jnim"]


def test_final_release_then_candidate_months_marked_provisional():
    log = origins.start_log()
    frame = events.load(
        "ucdp-ged", FINAL, country="Mali", resolve=GROUPS.get, candidates=[MARCH, JANUARY, FEBRUARY]
    )
    final = frame[~frame["provisional"]]
    provisional = frame[frame["provisional"]]
    assert sorted(final["event_id"]) == ["910001", "910002", "910003"]
    # 920007 (2025-12-30) is inside 26.1's span: the final release speaks for 2025
    assert sorted(provisional["event_id"]) == ["920001", "920002", "920004", "920005", "920006"]
    # by hand: final 12 + 7 + 20 = 39; candidate months 6 + 5 + 9 + 2 + 11 = 33
    assert int(final["deaths_best"].sum()) == 39
    assert int(provisional["deaths_best"].sum()) == 33
    assert set(frame["dataset"]) == {"ucdp-ged"}
    coverage = frame.attrs["coverage"]
    assert coverage.spans == ((date(1989, 1, 1), date(2026, 3, 31)),)
    assert "candidate releases 26.0.1 to 26.0.3, provisional" in coverage.basis
    assert frame.attrs["candidate_versions"] == ["26.0.1", "26.0.2", "26.0.3"]
    assert ucdp_candidate.provisional_months(frame["date"], frame["provisional"]) == [
        "2026-01",
        "2026-02",
        "2026-03",
    ]
    read = {(o.dataset, o.version) for o in log}
    assert read == {
        ("ucdp-ged", "26.1"),
        ("ucdp-candidate", "26.0.1"),
        ("ucdp-candidate", "26.0.2"),
        ("ucdp-candidate", "26.0.3"),
    }


def test_a_missing_candidate_month_is_a_gap_not_zero():
    frame = events.load(
        "ucdp-ged", FINAL, country="Mali", resolve=GROUPS.get, candidates=[JANUARY, MARCH]
    )
    coverage = frame.attrs["coverage"]
    assert coverage.spans == (
        (date(1989, 1, 1), date(2026, 1, 31)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    )
    assert coverage.gaps() == ((date(2026, 2, 1), date(2026, 2, 28)),)


def test_candidates_in_data_raw_follow_the_final_release(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    (raw / "ucdp-ged").mkdir(parents=True)
    (raw / "ucdp-candidate").mkdir()
    shutil.copy(FINAL, raw / "ucdp-ged" / "GEDEvent_v26_1.csv")
    for month in (JANUARY, FEBRUARY):
        shutil.copy(month, raw / "ucdp-candidate" / month.name)
    monkeypatch.setattr(config, "RAW_DIR", raw)
    frame = events.load("ucdp-ged", country="Mali", resolve=GROUPS.get)
    assert frame.attrs["coverage"].text() == "1989-01-01 to 2026-02-28"
    assert int(frame["provisional"].sum()) == 4  # 920001, 920002, 920004, 920005
    alone = events.load("ucdp-candidate", country="Mali", resolve=GROUPS.get)
    assert len(alone) == 4


def test_headerless_file_whose_columns_do_not_fit_is_refused(tmp_path):
    shifted = tmp_path / "GEDEvent_v26_0_4.csv"
    lines = FEBRUARY.read_text(encoding="utf-8").splitlines()
    # the first row loses relid: every later column moves one to the left
    fields = lines[0].split(",")
    shifted.write_text(",".join(fields[:1] + fields[2:]) + "\n" + lines[1] + "\n")
    with pytest.raises(EventDataError) as raised:
        events.load("ucdp-candidate", shifted)
    message = str(raised.value)
    assert message.startswith(f"{shifted}: no header row, and the columns cannot be assigned")
    assert "line 1 has 48 fields, not the 49" in message
    swapped = tmp_path / "GEDEvent_v26_0_5.csv"
    row = lines[1].split(",")
    row[4], row[5] = row[5], row[4]  # code_status and type_of_violence swapped
    swapped.write_text(",".join(row) + "\n")
    with pytest.raises(EventDataError) as raised:
        events.load("ucdp-candidate", swapped)
    message = str(raised.value)
    assert "line 1, column code_status (field 5): '3' is not a coding status" in message
    assert "line 1, column type_of_violence (field 6): 'Clear' is not 1, 2 or 3" in message


def test_candidate_file_must_be_named_as_published(tmp_path):
    renamed = tmp_path / "candidate_march.csv"
    shutil.copy(MARCH, renamed)
    with pytest.raises(EventDataError, match="names? states no UCDP candidate release"):
        events.load("ucdp-candidate", renamed)


def test_consolidated_release_replaces_the_monthly_copies(tmp_path):
    for month in (JANUARY, FEBRUARY):
        shutil.copy(month, tmp_path / month.name)
    # a consolidated January-February release (GEDEvent_v26_01_26_02) revising 920004 to 10
    text = FEBRUARY.read_text(encoding="utf-8")
    assert ",9,12,9,," in text
    consolidated = tmp_path / "GEDEvent_v26_01_26_02.csv"
    consolidated.write_text(text.replace(",9,12,9,,", ",10,12,9,,", 1), encoding="utf-8")
    frame = events.load("ucdp-candidate", tmp_path, country="Mali", resolve=GROUPS.get)
    by_id = {row["event_id"]: row for row in frame.to_dict("records")}
    assert by_id["920004"]["deaths_best"] == 10  # the consolidated copy, not February's 9
    assert by_id["920001"]["deaths_best"] == 6  # only in January's file: kept
    assert frame.attrs["coverage"].text() == "2026-01-01 to 2026-02-28"
    assert frame.attrs["candidate_versions"] == ["26.0.1", "26.0.2", "26.01.26.02"]
