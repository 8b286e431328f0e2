"""Afrobarometer microdata: real Mali files (when ../shared is present) and hand-made SPSS files."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pandas as pd
import pyreadstat
import pytest

matplotlib.use("Agg")

from analysis.analyses import opinion  # noqa: E402
from analysis.figures import opinion as fo  # noqa: E402
from analysis.sources import afrobarometer as ab  # noqa: E402
from tests.conftest import shared_file  # noqa: E402

OPINION = Path(__file__).parent / "fixtures" / "opinion"
FIXTURE_MAP = OPINION / "questions_fixture.yaml"
REAL_FILES = {
    4: "mli_r4_data.sav",
    5: "mli_r5_data_july_2015.sav",
    6: "mli_r6_data_2015_eng.sav",
    7: "mli_r7_data_eng.sav",
}


# ----------------------------------------------------------------------------- real files


@pytest.fixture(scope="module")
def real_rounds():
    folder = shared_file("afrobarometer_mali", REAL_FILES[7]).parent
    return ab.load_rounds(folder)


@pytest.mark.shared
def test_round7_armed_forces_protect_the_country_about_80_percent(real_rounds):
    """Afrobarometer publishes 80% for round 7 (Q61A often or always); PROVENANCE gives 80.5%."""
    row = opinion.estimate(real_rounds[7], "armed-forces-protect-country").iloc[0]
    assert row["variable"] == "Q61A"
    assert row["share"] == pytest.approx(80.5, abs=0.05)
    assert abs(row["share"] - 80) < 1  # the published, rounded figure
    assert row["low"] < 80 < row["high"]
    assert row["denominator"] == ab.ALL_RESPONDENTS
    assert row["n"] == 1200
    # Kish: (sum w)^2 / sum w^2 for the round-7 withinwt weights.
    assert row["n_eff"] == pytest.approx(1054.86, abs=0.01)
    assert row["method"] == "kish"


@pytest.mark.shared
def test_round7_trust_army_matches_provenance(real_rounds):
    row = opinion.estimate(real_rounds[7], "trust-army").iloc[0]
    assert row["variable"] == "Q43H"
    assert row["share"] == pytest.approx(81.8, abs=0.05)


@pytest.mark.shared
def test_question_map_matches_every_real_file(real_rounds):
    assert sorted(real_rounds) == [4, 5, 6, 7]
    assert ab.check_question_map(real_rounds) == []
    assert real_rounds[4].weight == "Withinwt"
    assert all(real_rounds[n].weight == "withinwt" for n in (5, 6, 7))
    # Question numbers change between rounds: the map resolves them.
    qmap = ab.load_question_map()
    police = {n: q.variable for n, q in qmap["trust-police"].rounds.items()}
    assert police == {4: "Q49G", 5: "Q59H", 6: "Q52H", 7: "Q43G"}


@pytest.mark.shared
def test_real_fieldwork_dates_come_from_interview_dates(real_rounds):
    assert real_rounds[7].fieldwork() == "2017-02-08 to 2017-02-24"
    assert real_rounds[5].fieldwork() == "2012-12-16 to 2013-01-10"


@pytest.mark.shared
def test_dont_know_is_its_own_share_and_exclusion_is_labelled(real_rounds):
    kept = opinion.estimate(real_rounds[7], "government-handling-armed-extremists").iloc[0]
    dropped = opinion.estimate(
        real_rounds[7], "government-handling-armed-extremists", exclude_dont_know=True
    ).iloc[0]
    assert kept["dont_know"] > 4  # 68 of 1,200 answered "don't know"
    assert kept["refused"] > 0  # one refusal
    assert dropped["denominator"] == ab.EXCLUDING_DK
    assert dropped["n"] == kept["n"] - 69
    assert dropped["share"] > kept["share"]
    distribution = opinion.answer_distribution(
        real_rounds[7], "government-handling-armed-extremists"
    )
    assert distribution["share"].sum() == pytest.approx(100)
    assert set(distribution["class"]) >= {ab.DONT_KNOW, ab.REFUSED, ab.POSITIVE}


@pytest.mark.shared
def test_real_breakdowns_and_round_changes(real_rounds):
    regions = opinion.trend(real_rounds, "trust-army", by="region", min_sample=50)
    table = opinion.region_round_table(regions)
    assert "Kidal" in table.index and table.loc["Kidal"].isna().all()  # 16 and 8 respondents
    assert pd.isna(table.loc["Tombouctou", 5])  # round 5 did not sample the north
    north = opinion.trend(real_rounds, "trust-army", by="north", min_sample=50)
    assert set(north["group"]) <= {ab.NORTH_GROUP, ab.REST_GROUP, ab.NOT_GIVEN}
    national = opinion.trend(real_rounds, ["trust-army", "trust-president"])
    changes = opinion.round_changes(national)
    assert {
        (r.from_round, r.to_round) for r in changes.itertuples() if r.question_id == "trust-army"
    } == {
        (5, 6),
        (6, 7),
    }
    beyond = opinion.changes_beyond_margin(changes)
    assert (beyond["change"].abs() > beyond["margin"]).all()
    for by in ("gender", "urban_rural", "age"):
        frame = opinion.estimate(real_rounds[7], "trust-army", by=by)
        assert len(frame) >= 2 and frame["n"].sum() == 1200


# ----------------------------------------------------------------------------- fixtures

# Ten respondents, answers and weights chosen so every figure can be worked by hand.
ANSWERS = [2, 2, 1, 9, 98, 2, 1, 1, 2, 9]  # 2 = Yes, 1 = No, 9 = Don't know, 98 = Refused
WEIGHTS = [1.0, 2.0, 1.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0]
GENDER = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]
REGION = [509, 509, 501, 501, 506, 506, 507, 507, 509, 501]
URBRUR = [1, 1, 2, 2, 2, 1, 2, 2, 1, 2]
AGE = [19, 30, 40, 50, 60, 25, 999, 33, 45, 70]
LABELS = {
    "QX": {1.0: "No", 2.0: "Yes", 9.0: "Don\u2019t know", 98.0: "Refused", -1.0: "Missing"},
    "Q101": {1.0: "Male", 2.0: "Female"},
    "REGION": {501.0: "KAYES", 506.0: "TOMBOUCTOU", 507.0: "GAO", 509.0: "BAMAKO"},
    "URBRUR": {1.0: "Urban", 2.0: "Rural"},
    "Q1": {998.0: "Refused", 999.0: "Don't know"},
}


def write_fixture(
    path: Path, answers=ANSWERS, weight_name: str | None = "withinwt", labels=None, psu=None
) -> Path:
    """A tiny Afrobarometer-like SPSS file, with 9 and 98 declared user-missing as in SPSS."""
    frame = pd.DataFrame(
        {
            "RESPNO": [f"FIX{i:04d}" for i in range(1, len(answers) + 1)],
            "REGION": REGION[: len(answers)],
            "URBRUR": URBRUR[: len(answers)],
            "Q1": AGE[: len(answers)],
            "Q101": GENDER[: len(answers)],
            "QX": answers,
            "DATEINTR": pd.to_datetime(["2017-02-08"] * (len(answers) - 1) + ["2017-02-24"]),
        }
    )
    if weight_name:
        frame[weight_name] = WEIGHTS[: len(answers)]
    if psu is not None:
        frame["EA"] = psu
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels={"QX": "QX. Fixture question", "Q101": "Q101. Gender of respondent"},
        variable_value_labels=labels or LABELS,
        missing_ranges={"QX": [9, 98]},
    )
    return path


@pytest.fixture
def fixture_map():
    return ab.load_question_map(FIXTURE_MAP)


@pytest.fixture
def fixture_round(tmp_path):
    return ab.read_round(write_fixture(tmp_path / "fix_r7_data.sav"))


def test_missing_weight_names_the_candidates(tmp_path):
    path = write_fixture(tmp_path / "fix_r7_noweight.sav", weight_name=None)
    with pytest.raises(ab.MissingWeightError) as info:
        ab.read_round(path)
    message = str(info.value)
    assert "fix_r7_noweight.sav" in message
    for candidate in ("withinwt", "Withinwt", "WITHINWT"):
        assert candidate in message


def test_weight_found_whatever_its_case(tmp_path):
    survey = ab.read_round(write_fixture(tmp_path / "fix_r4_data.sav", weight_name="Withinwt"))
    assert survey.weight == "Withinwt"
    assert survey.number == 4


def test_weighted_share_with_dont_know_kept_worked_by_hand(fixture_round, fixture_map):
    row = opinion.estimate(fixture_round, "fixture-question", qmap=fixture_map).iloc[0]
    # Weights sum to 12; "Yes" has 1 + 2 + 2 + 1 = 6 -> 50%. Don't know 1 + 1 = 2 -> 16.67%;
    # refused 1 -> 8.33%. User-missing codes 9 and 98 are kept, not dropped.
    assert row["share"] == pytest.approx(50.0)
    assert row["dont_know"] == pytest.approx(100 * 2 / 12)
    assert row["refused"] == pytest.approx(100 * 1 / 12)
    assert row["n"] == 10
    # Kish: 12^2 / (1+4+1+1+1+4+1+1+1+1) = 144 / 16 = 9.
    assert row["n_eff"] == pytest.approx(9.0)
    assert row["design_effect"] == pytest.approx(10 / 9)
    assert row["wording"] == "Fixture question, round 7?"
    assert row["fieldwork_start"].isoformat() == "2017-02-08"


def test_excluding_dont_know_changes_denominator_and_says_so(fixture_round, fixture_map):
    row = opinion.estimate(
        fixture_round, "fixture-question", exclude_dont_know=True, qmap=fixture_map
    ).iloc[0]
    # Substantive answers weigh 12 - 3 = 9, of which "Yes" 6 -> 66.67%.
    assert row["share"] == pytest.approx(100 * 6 / 9)
    assert row["n"] == 7
    assert row["denominator"] == "excluding don't know and refused"
    assert row["dont_know"] == pytest.approx(100 * 2 / 12)  # still reported


def test_breakdowns_and_suppression(fixture_round, fixture_map):
    gender = opinion.estimate(fixture_round, "fixture-question", by="gender", qmap=fixture_map)
    shares = dict(zip(gender["group"], gender["share"], strict=True))
    # Men: weights 1,2,1,1,1 (sum 6), yes 1+2 = 3 -> 50%; women: 2,1,1,1,1 (6), yes 2+1 -> 50%.
    assert shares == pytest.approx({"Male": 50.0, "Female": 50.0})
    regions = opinion.estimate(fixture_round, "fixture-question", by="region", qmap=fixture_map)
    assert list(regions["group"]) == ["Kayes", "Tombouctou", "Gao", "Bamako"]  # west to east
    north = opinion.estimate(
        fixture_round, "fixture-question", by="north", min_sample=4, qmap=fixture_map
    )
    by_group = north.set_index("group")
    assert by_group.loc[ab.NORTH_GROUP, "n"] == 4
    assert not by_group.loc[ab.NORTH_GROUP, "suppressed"]
    suppressed = opinion.estimate(
        fixture_round, "fixture-question", by="north", min_sample=5, qmap=fixture_map
    ).set_index("group")
    assert suppressed.loc[ab.NORTH_GROUP, "suppressed"]
    assert pd.isna(suppressed.loc[ab.NORTH_GROUP, "share"])
    assert "fewer than 5" in suppressed.loc[ab.NORTH_GROUP, "note"]
    ages = opinion.estimate(fixture_round, "fixture-question", by="age", qmap=fixture_map)
    assert list(ages["group"]) == ["18-25", "26-35", "36-45", "46-55", "56+", ab.NOT_GIVEN]
    urban = opinion.estimate(fixture_round, "fixture-question", by="urban_rural", qmap=fixture_map)
    assert set(urban["group"]) == {"Urban", "Rural"}


def test_unlabelled_answer_code_is_an_error(tmp_path, fixture_map):
    path = write_fixture(tmp_path / "fix_r7_bad.sav", answers=[2, 2, 1, 9, 98, 2, 1, 1, 2, 5])
    survey = ab.read_round(path)
    with pytest.raises(ab.AfrobarometerError, match=r"code\(s\) 5 with no value label"):
        opinion.estimate(survey, "fixture-question", qmap=fixture_map)


def test_question_map_problems_are_listed(tmp_path, fixture_map):
    labels = {k: dict(v) for k, v in LABELS.items()}
    labels["QX"] = {1.0: "No", 3.0: "Oui", 9.0: "Don't know"}
    survey = ab.read_round(
        write_fixture(tmp_path / "fix_r7_data.sav", answers=[3] * 10, labels=labels)
    )
    problems = ab.check_question_map({7: survey}, fixture_map)
    assert len(problems) == 1 and "answer 'Yes' is not a value label of QX" in problems[0]


def test_round_changes_with_test_and_p_value(tmp_path, fixture_map):
    folder = tmp_path / "rounds"
    folder.mkdir()
    write_fixture(folder / "fix_r6_data.sav", answers=[1, 1, 1, 1, 1, 1, 1, 1, 2, 9])
    write_fixture(folder / "fix_r7_data.sav")
    rounds = ab.load_rounds(folder, qmap=fixture_map)
    assert sorted(rounds) == [6, 7]
    assert rounds[7].note == "Hand-made fixture round."
    national = opinion.trend(rounds, "fixture-question", qmap=fixture_map)
    changes = opinion.round_changes(national)
    row = changes.iloc[0]
    assert (row["from_round"], row["to_round"]) == (6, 7)
    # Round 6: "Yes" weighs 1 of 12 -> 8.33%; round 7: 50%; change +41.67 points.
    assert row["change"] == pytest.approx(50 - 100 / 12)
    assert 0 < row["p_value"] < 0.1
    groups = opinion.group_differences(
        opinion.estimate(rounds[7], "fixture-question", by="region", qmap=fixture_map)
    )
    assert len(groups) == 6  # four regions, every pair
    assert (groups["p_holm"] >= groups["p_value"]).all()


def test_file_round_number_and_missing_data_folder(tmp_path):
    assert ab.round_number_from_name("mli_r7_data_eng.sav") == 7
    assert ab.round_number_from_name("mli_r5_data_july_2015.sav") == 5
    with pytest.raises(ab.AfrobarometerError, match="cannot tell the round"):
        ab.round_number_from_name("mali_data.sav")
    assert ab.load_rounds(tmp_path) == {}


def test_figures_carry_their_titles_and_leave_the_source_to_the_caption(fixture_round, fixture_map):
    national = opinion.estimate(fixture_round, "fixture-question", qmap=fixture_map)
    ax = fo.draw_trends(fo.layout("trends")[1], national, title="Fixture trend")
    assert ax.get_title(loc="left") == "Fixture trend"
    regions = opinion.estimate(fixture_round, "fixture-question", by="region", qmap=fixture_map)
    heat = fo.draw_region_heatmap(fo.layout("heatmap", 4)[1], regions)
    assert heat.get_title(loc="left") == "Says yes by region and round"
    assert not heat.get_figure().texts  # the caption names the source (page.figure)


def test_psu_in_file_gives_cluster_robust_interval(tmp_path, fixture_map):
    # Five PSUs of two respondents, equal weights; yes = 1 in PSUs a, b; 0 in c, d; mixed in e.
    answers = [2, 2, 2, 2, 1, 1, 1, 1, 2, 1]
    path = write_fixture(tmp_path / "fix_r7_data.sav", answers=answers, psu=list("aabbccddee"))
    survey = ab.read_round(path, weight=None)
    assert survey.psu == "EA"
    # Equal weights: read_round uses withinwt as written; replace it by 1s for a hand check.
    survey.data[survey.weight] = 1.0
    row = opinion.estimate(survey, "fixture-question", qmap=fixture_map).iloc[0]
    assert row["method"] == "linearised (PSU)"
    # p = 0.5; u_i = (y_i - 0.5)/10; PSU totals +0.1, +0.1, -0.1, -0.1, 0 -> var = 5/4 * 0.04
    # = 0.05; SRS variance 0.025 -> deff 2, n_eff 5.
    assert row["share"] == pytest.approx(50.0)
    assert row["design_effect"] == pytest.approx(2.0)
    assert row["n_eff"] == pytest.approx(5.0)
