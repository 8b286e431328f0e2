"""Picking a report's event source, listing what is present, and describing coverage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import config
from analysis.reports import attack_params as report_params
from analysis.reports.params import ParameterError
from analysis.tables import coverage
from analysis.tables.events import load

FIXTURES = Path(__file__).parent / "fixtures" / "events"
MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"


@pytest.fixture
def machine(tmp_path, monkeypatch) -> Path:
    """An empty data/raw and ../shared/data, and the minimal curated tables."""
    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setattr(config, "RAW_DIR", raw)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "shared")
    monkeypatch.setattr(config, "CURATED_DIR", MINIMAL)
    return raw


def test_auto_falls_back_to_curated_and_says_why(machine):
    selection = coverage.select_events("auto", "Mali", "2012-01-01", "2025-12-31")
    assert selection.dataset == "curated" and len(selection.events) == 2
    # readers read what is absent and where its publisher offers it; the build's log how to
    # get it (issue 24)
    assert selection.notes[0] == (
        "Armed Conflict Location & Event Data (ACLED), export: not available when this edition "
        "was built; ACLED offers it at https://acleddata.com (free account) (licence: ACLED "
        "Terms of Use and attribution policy (not redistributed by this project))."
    )
    assert selection.notes[1].startswith(
        "UCDP Georeferenced Event Dataset (GED) Global: not available when this edition was "
        "built; Uppsala Conflict Data Program, Uppsala University offers it at "
        "https://ucdp.uu.se/downloads/"
    )
    assert list(selection.absent) == ["acled", "ucdp-ged", "acled-aggregated"]
    assert selection.absent["acled"] == selection.notes[0]
    assert "data/raw/acled/" in selection.build_hints[0]
    assert "make data" in selection.build_hints[1]


def test_auto_skips_a_ged_file_without_the_country(machine):
    (machine / "ucdp-ged").mkdir()
    shutil.copy(FIXTURES / "ged_v25_1.csv", machine / "ucdp-ged" / "ged251.csv")
    selection = coverage.select_events("auto", "Niger", "2012-01-01", "2025-12-31")
    assert selection.dataset == "curated"
    assert selection.notes[1] == (
        "UCDP Georeferenced Event Dataset (GED) Global: the file available has no events for "
        "Niger in the period (it covers Burkina Faso, Mali); not used. The global file from "
        "Uppsala Conflict Data Program, Uppsala University (https://ucdp.uu.se/downloads/) "
        "would cover Niger."
    )
    assert selection.build_hints[1].startswith(
        "UCDP Georeferenced Event Dataset (GED) Global: ged251.csv has no events for Niger; "
    )
    mali = coverage.select_events("auto", "Mali", "2012-01-01", "2025-12-31")
    assert mali.dataset == "ucdp-ged" and len(mali.events) == 5


def test_auto_prefers_acled(machine):
    (machine / "acled").mkdir()
    shutil.copy(FIXTURES / "acled_export_current.csv", machine / "acled" / "export.csv")
    (machine / "ucdp-ged").mkdir()
    shutil.copy(FIXTURES / "ged_v25_1.csv", machine / "ucdp-ged" / "ged251.csv")
    selection = coverage.select_events("auto", "Mali", "2021-01-01", "2021-12-31")
    # 7 Mali rows in 2021: 5 attacks (battles, an explosion, violence against civilians) and
    # MLI90005 (a strategic development) and MLI90007 (a protest), which are not attacks
    assert selection.dataset == "acled" and len(selection.events) == 5
    assert selection.left_out["event_id"].tolist() == ["MLI90005", "MLI90007"]
    assert selection.notes == [] and selection.build_hints == []
    explicit = coverage.select_events("ucdp-ged", "Mali", None, None)
    assert explicit.dataset == "ucdp-ged"


def test_load_takes_any_spelling_of_the_country_once(machine):
    # the readers compare the rows with the project's spelling, which load makes once
    ged = FIXTURES / "ged_v25_1.csv"
    mali = load("ucdp-ged", ged, country="Mali")
    assert len(mali) == 5
    for spelling in ("MALI", "  mali ", "Republic of Mali"):
        same = load("ucdp-ged", ged, country=spelling)
        assert same["event_id"].tolist() == mali["event_id"].tolist(), spelling
        assert same.attrs["coverage"].country == "Mali"


def test_dataset_status_and_coverage_table(machine):
    (machine / "owid-deaths").mkdir()
    shutil.copy(FIXTURES / "owid_deaths_long_label.csv", machine / "owid-deaths" / "owid.csv")
    status = coverage.dataset_status().set_index("dataset")
    assert status.loc[coverage.TITLES["owid"], "status"] == "present"
    assert status.loc[coverage.TITLES["owid"], "where"] == "data/raw"
    assert status.loc[coverage.TITLES["ucdp-brd"], "status"] == "missing"
    assert "make data" in status.loc[coverage.TITLES["ucdp-brd"], "how to get it"]
    # for readers: whether this edition read it and where the publisher offers it, no file or
    # folder; the missing file's command is not a problem of a file present (no build hint)
    readers, hints = coverage.status_for_readers(status.reset_index(), read={"owid"})
    readers = readers.set_index("dataset")
    assert readers.columns.tolist() == ["status", "where the publisher offers it"]
    assert readers.loc[coverage.TITLES["owid"], "status"] == "read"
    assert readers.loc[coverage.TITLES["ucdp-brd"]].tolist() == [
        "not available when this edition was built",
        "Uppsala Conflict Data Program, Uppsala University offers it at "
        "https://ucdp.uu.se/downloads/ (licence: CC BY 4.0 (Uppsala Conflict Data Program)).",
    ]
    assert readers.loc[coverage.TITLES["curated"], "status"] == "available, not used"
    assert hints == []
    owid = load("owid", country="Mali")
    ged = load("ucdp-ged", FIXTURES / "ged_v25_1.csv", country="Mali")
    table = coverage.coverage_table({"owid": owid, "ucdp-ged": ged}).set_index("dataset")
    assert table.loc[coverage.TITLES["owid"]].tolist() == [
        "country-year",
        3,
        "2019",
        "2021",
        340,
        "no",
        "31 December 2021",  # the last day of the series' last year
    ]
    assert table.loc[coverage.TITLES["ucdp-ged"]].tolist() == [
        "event",
        5,
        "2018",
        "2020",
        63,
        "yes",
        "31 December 2024",  # release 25.1's stated span ends there, whatever its rows
    ]
    assert coverage.source_label(ged) == "UCDP GED 25.1 (ucdp.uu.se)"


def test_report_options_are_checked():
    report_params.check_report_options("month", 10, "poisson", 3, ["Mali"])
    with pytest.raises(ParameterError, match="period must be one of month, quarter, year"):
        report_params.check_report_options("week", 10, "poisson", 3, ["Mali"])
    with pytest.raises(ParameterError, match="top_n"):
        report_params.check_report_options("month", 0, "poisson", 3, ["Mali"])
    with pytest.raises(ParameterError, match="change_point_method"):
        report_params.check_report_options("month", 10, "binseg", 3, ["Mali"])
    with pytest.raises(ParameterError, match="sahel_countries"):
        report_params.check_report_options("month", 10, "l2", 3, [])
