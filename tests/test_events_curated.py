"""The curated chronology as canonical events, and where load() looks for files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.tables import events
from analysis.tables.events import DatasetMissingError

MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"
FIXTURES = Path(__file__).parent / "fixtures" / "events"


def test_curated_events_as_canonical_table():
    frame = events.load("curated", MINIMAL / "events.csv")
    assert list(frame.columns) == list(events.CANONICAL_COLUMNS)
    rows = {r["event_id"]: r for r in frame.to_dict("records")}
    bamako = rows["ev-2015-11-20-bamako"]
    assert bamako["dataset"] == "curated"
    assert bamako["date"] == pd.Timestamp("2015-11-20")
    assert bamako["actors"] == ["aqim"] and bamako["group_ids"] == ["aqim"]
    assert bamako["event_type"] == "kidnapping/hostage-taking"
    assert bamako["civilian_targeted"]
    assert bamako["target"] == ["civilians", "foreigners"]
    assert bamako["deaths_best"] == 20 and pd.isna(bamako["deaths_low"])
    indelimane = rows["ev-2019-11-01-indelimane"]
    assert indelimane["admin1"] == "Ménaka" and indelimane["actors"] == []
    assert not indelimane["civilian_targeted"]
    assert len(events.load("curated", MINIMAL, start="2019-01-01")) == 1


def test_locate_prefers_path_then_raw_then_shared(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    shared = tmp_path / "shared"
    monkeypatch.setattr(config, "RAW_DIR", raw)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", shared)
    with pytest.raises(DatasetMissingError, match="make data.*fetch owid-deaths"):
        events.locate("owid")
    with pytest.raises(DatasetMissingError, match="fetch ucdp-ged"):
        events.locate("ucdp-ged")
    # ../shared/data: the full OWID file, not the Sahel subset
    (shared / "owid_conflict_deaths").mkdir(parents=True)
    full = (
        shared
        / "owid_conflict_deaths"
        / "deaths-in-armed-conflicts-based-on-where-they-occurred.csv"
    )
    subset = full.with_name(full.stem + "_sahel3.csv")
    for path in (full, subset):
        shutil.copy(FIXTURES / "owid_deaths_long_label.csv", path)
    assert events.locate("owid") == full
    # data/raw wins over ../shared/data
    (raw / "owid-deaths").mkdir(parents=True)
    fetched = raw / "owid-deaths" / "deaths.csv"
    shutil.copy(FIXTURES / "owid_deaths_long_label.csv", fetched)
    (raw / "owid-deaths" / "deaths.csv.json").write_text("{}")
    assert events.locate("owid") == fetched
    # the GED format sample in ../shared/data is never a fallback
    (shared / "ucdp_ged_sample_v19_1").mkdir()
    shutil.copy(FIXTURES / "ged_v25_1.csv", shared / "ucdp_ged_sample_v19_1" / "ged191_x.csv")
    with pytest.raises(DatasetMissingError):
        events.locate("ucdp-ged")
    # ACLED: an export the user put in data/raw/acled
    with pytest.raises(DatasetMissingError, match="acleddata.com"):
        events.locate("acled")
    (raw / "acled").mkdir()
    shutil.copy(FIXTURES / "acled_hdx.csv", raw / "acled" / "mali.csv")
    assert len(events.load("acled", resolve=lambda n: None)) == 3
    # an explicit path always wins, and a wrong one is named
    assert events.locate("owid", FIXTURES / "owid_deaths_long_label.csv").name.startswith("owid")
    with pytest.raises(DatasetMissingError, match="no such file"):
        events.locate("owid", tmp_path / "nope.csv")


def test_unknown_dataset_and_bad_dates():
    with pytest.raises(ValueError, match="unknown dataset 'gtd'"):
        events.load("gtd")
    with pytest.raises(ValueError, match="start must be an ISO date"):
        events.load("curated", MINIMAL, start="last year")
