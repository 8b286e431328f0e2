"""The shipped curated data: valid, every row sourced, the required content present."""

from __future__ import annotations

import pytest

from analysis.curated import schema
from analysis.curated.tables import load_table, resolve, validate_all

SEED_IDS = {"defenceweb-2019", "ve-mali-overview", "isn-2012", "africnews-2025", "cep-mali"}


@pytest.fixture(scope="module")
def report():
    return validate_all()


def test_shipped_data_validates(report):
    assert [str(p) for p in report.problems] == []


@pytest.mark.parametrize("table", [t for t in schema.TABLES if t != "sources"])
def test_every_row_cites_a_known_source(report, table):
    known = set(report.frames["sources"]["source_id"])
    frame = report.frames[table]
    assert len(frame) > 0
    for line, cited in zip(frame.attrs["lines"], frame["sources"], strict=True):
        assert cited, f"{table}.csv line {line} cites no source"
        assert set(cited) <= known, f"{table}.csv line {line}: unknown {set(cited) - known}"


def test_seed_documents_are_sources():
    sources = load_table("sources")
    assert SEED_IDS <= set(sources["source_id"])


def test_required_groups_present():
    ids = set(load_table("groups")["group_id"])
    required = {
        "gspc",
        "aqim",
        "mujao",
        "ansar-dine",
        "al-mulathamun",
        "al-mourabitoun",
        "flm",
        "jnim",
        "isgs",
        "mnla",
        "dan-na-ambassagou",
    }
    assert required <= ids, required - ids


@pytest.mark.parametrize(
    ("name", "group_id"),
    [
        ("Jama’at Nasr al-Islam wal Muslimin", "jnim"),
        ("Jama'at Nusrat al-Islam wal-Muslimin", "jnim"),
        ("GSIM", "jnim"),
        ("Movement for Oneness and Jihad in West-Africa", "mujao"),
        ("Movement for Unity and Jihad in West Africa", "mujao"),
        ("SGPC", "gspc"),
        ("GSPC", "gspc"),
        ("Ansar al-Dine", "ansar-dine"),
        ("AAD", "ansar-dine"),
        ("al-Mulathamun Batallion", "al-mulathamun"),
        ("AMB", "al-mulathamun"),
        ("AQMI", "aqim"),
        ("EIGS", "isgs"),
    ],
)
def test_source_spellings_resolve(name, group_id):
    assert resolve(name) == group_id


def test_chronology_is_long_enough_and_spans_the_period():
    events = load_table("events")
    assert len(events) >= 40
    years = events["date"].dt.year
    assert years.min() <= 2005 and years.max() >= 2024


def test_bamako_2024_attack_dated_right_with_disagreement_recorded():
    events = load_table("events")
    bamako = events[(events["date"] == "2024-09-17") & (events["location"].str.contains("Bamako"))]
    assert len(bamako) == 1
    row = bamako.iloc[0]
    assert "africnews-2025" in row["sources"]
    assert "DISAGREEMENT" in row["notes"] and "2023" in row["notes"]


def test_g5_sahel_founding_disagreement_recorded():
    milestones = load_table("milestones")
    g5 = milestones[
        milestones["description"].str.contains("G5 Sahel")
        & (milestones["kind"] == "regional organisation")
    ]
    founding = g5.sort_values("date").iloc[0]
    assert founding["date"].strftime("%Y-%m") == "2014-02"
    assert "DISAGREEMENT" in founding["notes"] and "2017" in founding["notes"]


def test_polls_cover_cep_and_press_toplines():
    polls = load_table("polls")
    assert polls["sources"].map(lambda s: "cep-mali" in s).sum() >= 10
    press = polls[polls["press_reported"]]
    assert len(press) >= 40
    assert not polls.loc[polls["poll_id"].str.contains("abamako"), "probability_sample"].any()
