"""The attack-trends report on a final UCDP GED release followed by candidate months: the
versions read are named, the provisional months and the share of events not yet "Clear" are
said in the coverage notes and the trend's caption (hand-written fixtures, invented events)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis import config
from tests import attack_report
from tests.test_events_ucdp_api import fake_ucdp  # noqa: F401 (the loopback UCDP API)

FIXTURES = Path(__file__).parent / "fixtures"
UCDP = FIXTURES / "ucdp"
CURATED = FIXTURES / "curated_min"


@pytest.fixture
def raw(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "raw"
    (folder / "ucdp-ged").mkdir(parents=True)
    (folder / "ucdp-candidate").mkdir()
    shutil.copy(UCDP / "ged_v26_1.csv", folder / "ucdp-ged" / "GEDEvent_v26_1.csv")
    for month in (1, 2, 3):
        name = f"GEDEvent_v26_0_{month}.csv"
        shutil.copy(UCDP / name, folder / "ucdp-candidate" / name)
    monkeypatch.setattr(config, "RAW_DIR", folder)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)
    return folder


def build(**given) -> attack_report.Built:
    return attack_report.build(CURATED, **given)


def test_report_names_versions_and_provisional_months(raw):
    report = build(data_source="ucdp-ged", start_date="2024-01-01", end_date="2026-03-31")
    # by hand: 3 Mali events of 26.1 in 2024-2025, then 5 candidate events of 2026
    assert len(report.inputs.events) == 8
    assert int(report.inputs.events["provisional"].sum()) == 5
    notes = " ".join(report.coverage_notes)
    assert (
        "Provisional: the events of 2026-01 to 2026-03 come from UCDP's candidate releases "
        "(26.0.1, 26.0.2, 26.0.3)" in notes
    )
    # 920005 is the one event of eight whose code_status is not "Clear": 1/8 = 12.5%
    assert "1 of 8 UCDP events (12%) have a code_status other than 'Clear'" in notes
    # the coverage table: the final release and its candidate months, one row each
    table = report.tables["coverage"].frame.set_index("dataset")
    final = table.loc["UCDP Georeferenced Event Dataset (GED) Global"]
    assert (final["rows"], final["deaths (best)"]) == (3, 39)
    candidate = table.loc[
        "UCDP Candidate Events Dataset (monthly candidate GED releases) "
        "(provisional: 2026-01 to 2026-03)"
    ]
    assert (candidate["rows"], candidate["deaths (best)"]) == (5, 33)
    assert (candidate["first year"], candidate["last year"]) == ("2026", "2026")
    trend = report.charts["national-trend-events"]
    assert "Provisional: the events of 2026-01 to 2026-03" in trend.caption
    assert "UCDP GED 26.1 (ucdp.uu.se)" in trend.source
    assert "UCDP Candidate Events 26.0.1, 26.0.2, 26.0.3 (ucdp.uu.se)" in trend.source


def test_final_release_alone_has_no_provisional_note(raw):
    shutil.rmtree(raw / "ucdp-candidate")
    report = build(data_source="ucdp-ged", start_date="2024-01-01", end_date="2025-12-31")
    assert len(report.inputs.events) == 3 and not report.inputs.events["provisional"].any()
    assert not any("Provisional" in note for note in report.coverage_notes)
    assert "Candidate" not in report.charts["national-trend-events"].source


def test_auto_takes_the_release_in_data_raw_with_its_candidate_months(raw):
    report = build(data_source="auto", start_date="2024-01-01", end_date="2026-03-31")
    assert report.inputs.selection.dataset == "ucdp-ged"
    assert int(report.inputs.events["provisional"].sum()) == 5
    assert any(
        note.startswith("Provisional: the events of 2026-01") for note in report.coverage_notes
    )


@pytest.mark.usefixtures("fake_ucdp")
def test_report_from_the_ucdp_api_names_its_version(raw):
    report = build(data_source="ucdp-api", start_date="2024-01-01", end_date="2025-12-31")
    # by hand: the API serves the 3 Mali events of 26.1 (910001-910003), best 12 + 7 + 20
    assert len(report.inputs.events) == 3 and int(report.inputs.events["deaths_best"].sum()) == 39
    assert "UCDP GED API 26.1 (ucdpapi.pcr.uu.se)" in report.charts["national-trend-events"].source
