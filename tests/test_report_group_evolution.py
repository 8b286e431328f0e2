"""The group-evolution report object, built on the hand-made lineage fixture (15 groups, 16
lineage rows, 2 milestones): every expected number below is counted by hand from those rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.reports import group_evolution as ge
from analysis.reports.context import open_run
from analysis.reports.params import ParameterError, ReportParameters

FIXTURES = Path(__file__).parent / "fixtures"
CURATED = FIXTURES / "lineage"
ACTORS = FIXTURES / "ucdp" / "ucdp-actor-fixture.csv"


def params(start="2012-01-01", end="2017-12-31", focus=(), source="curated") -> ge.GroupParameters:
    return ge.GroupParameters(
        ReportParameters(
            start_date=pd.Timestamp(start).date(),
            end_date=pd.Timestamp(end).date(),
            country="Mali",
            focus_groups=tuple(focus),
            data_source=source,
        )
    )


def build(p: ge.GroupParameters, **paths) -> ge.GroupEvolutionReport:
    ctx = open_run(p.common.start_date, p.common.end_date, CURATED)
    return ge.build(ctx, p, **paths)


@pytest.fixture(scope="module")
def report() -> ge.GroupEvolutionReport:
    return build(params())


def test_findings_formation_activity_and_relations(report):
    jnim, active, relations = report.key_findings
    assert jnim == (
        "Jama'at Nusrat al-Islam wal-Muslimin was formed on 2 March 2017 when Ansar Dine, "
        "al-Mourabitoun and Macina Liberation Front merged into it, and pledged allegiance to "
        "al-Qaeda in the Islamic Maghreb (sources: cep-mali)."
    )
    # Active some time in 2012-2017: all but the GSPC (ended January 2007) = 14 of 15.
    # In 2017: al-Qaeda aqim, al-mourabitoun, ansar-dine, flm (all three ended 2 March 2017)
    # and jnim = 5; IS: islamic-state, isgs = 2; separatist: mnla, cma = 2; none: gia, msa,
    # dan-na-ambassagou = 3; 12 in all.
    assert active == (
        "14 of the 15 curated groups in scope were active at some point between 1 January 2012 "
        "and 31 December 2017; in 2017, 12 were active (5 al-Qaeda, 2 Islamic State, "
        "2 separatist coalition, 3 none)."
    )
    # Dated 2012-2017 (designation left out): splits al-mulathamun 2012-12, isgs 2015-05;
    # mergers mujao and al-mulathamun 2013-08, three into JNIM 2017; joins al-mourabitoun
    # 2015-12, mnla 2014-06; pledges isgs 2015-05, jnim 2017; alliance flm 2015-01 = 12.
    assert relations == (
        "The lineage table dates 12 relations in the period: 2 splits, 5 mergers, 2 joins, "
        "2 pledges of allegiance and 1 alliance."
    )


def test_headline_lines(report):
    assert report.headline == (
        "JNIM's ancestors: gia, gspc, aqim, mujao, ansar-dine, al-mulathamun, al-mourabitoun, flm",
        "Groups in scope: 15 | active in the period: 14",
        "Relations dated in the period: {'allied_with': 1, 'joined': 2, 'merged_into': 5, "
        "'pledged_to': 2, 'split_from': 2}",
        "Active in 2017 by affiliation: {'al-Qaeda': 5, 'Islamic State': 2, "
        "'separatist coalition': 2, 'none': 3}",
    )


def test_overview_and_formations(report):
    # Of the 14 active: al-Qaeda aqim, mujao, al-mulathamun, al-mourabitoun, ansar-dine, flm,
    # jnim = 7; IS 2; separatist mnla, cma = 2; none gia, msa, dan-na-ambassagou = 3.
    assert report.overview.startswith(
        "The curated data holds 15 groups in scope. Of those active between 1 January 2012 and "
        "31 December 2017, 7 belonged to the al-Qaeda family, 2 to the Islamic State family, "
        "2 to the separatist coalitions and 0 to the pro-government coalitions; 3 had no "
        "affiliation."
    )
    # Founded in the period by a split, merger or join (not flm, msa, Dan Na Ambassagou, which
    # were simply founded), by founding date.
    starts = [s.split(" was formed ")[0] for s in report.formations]
    assert starts == [
        "al-Mulathamun Battalion",
        "al-Mourabitoun",
        "Coordination of Azawad Movements",
        "Islamic State in the Greater Sahara",
        "Jama'at Nusrat al-Islam wal-Muslimin",
    ]


def test_tables_open_questions_and_milestones(report):
    (relations,) = report.relation_tables
    assert len(relations.frame) == 12
    assert relations.frame["Date"].iloc[0] == "December 2012"
    # Two DISAGREEMENT notes: groups.csv line 4 (AQIM) and lineage.csv line 11 (ISGS).
    assert report.open_questions.endswith("2 such notes concern the groups in scope.")
    assert report.disagreements.frame["line"].tolist() == [4, 11]
    assert len(report.profiles.frame) == 15
    # Serval (2013-2014) and the 2015 state of emergency both fall in the period.
    assert report.milestones.frame["Kind"].tolist() == [
        "foreign intervention",
        "state of emergency",
    ]
    assert report.active_counts.loc[2017].sum() == 12
    assert isinstance(report.timeline, ge.Timeline) and report.timeline.crossings >= 0
    assert report.timeline.source.endswith("milestones: curated milestones.csv")


def test_curated_only_says_why_ucdp_sections_are_empty(report):
    assert isinstance(report.ucdp_check, ge.NoData)
    assert "data_source is 'curated'" in report.ucdp_check.what
    assert isinstance(report.dyads, ge.NoData)
    assert len(report.key_findings) == 3


def test_focus_on_a_group_without_relations():
    focused = build(params(focus=("Movement for the Salvation of Azawad",)))
    # MSA has no lineage row: the scope is MSA alone, founded 2016-09, affiliation none.
    assert focused.in_scope == ("msa",)
    assert focused.key_findings == (
        "1 of the 1 curated groups in scope were active at some point between 1 January 2012 "
        "and 31 December 2017; in 2017, 1 were active (1 none).",
    )
    assert focused.open_questions == "The sources agree on everything recorded for these groups."
    (table,) = focused.relation_tables
    assert table.caption == "What happened to Movement for the Salvation of Azawad, with sources"
    assert table.frame["Relation"].tolist() == ["founded"]


BRD = """conflict_id,dyad_id,side_a,side_b,year,bd_best,bd_low,bd_high,gwno_battle
11347,11985,Government of Mali,CMA,2012,131,126,309,432
11347,11985,Government of Mali,CMA,2015,54,53,72,432
11347,12571,Government of Mali,MUJAO,2013,333,333,362,432
11347,12999,Government of Niger,MUJAO,2013,99,90,120,436
"""


def test_ucdp_verdict_dyads_and_source_line(tmp_path):
    brd = tmp_path / "BattleDeaths_v24_1.csv"
    brd.write_text(BRD, encoding="utf-8")
    full = build(params(source="curated+ucdp"), actor_path=ACTORS, brd_path=brd)
    # The fixture's cross-check (tests/test_ucdp_actors.py): 8 both, 4 disagree, 1 only UCDP.
    assert full.key_findings[3] == (
        "Against the UCDP Actor Dataset, 8 relations appear in both, 4 are coded differently by "
        "UCDP and 1 appear only in UCDP; every difference is recorded in the curated data."
    )
    assert full.ucdp_check.status_counts == {
        "both": 8,
        "disagree": 4,
        "only UCDP": 1,
        "only curated": 2,
    }
    # Mali only (the Niger dyad is left out); the deadliest dyad-year is MUJAO in 2013.
    assert set(full.dyads["dyad_id"]) == {"11985", "12571"}
    assert full.key_findings[4] == (
        "The deadliest government-versus-group dyad-year in UCDP's battle deaths was "
        "Mali – MUJAO in 2013, with 333 battle-related deaths (best estimate; 333-362)."
    )
    # Versions from the files read: 24.1 from the BRD file's name; the fixture actor file's
    # name states none.
    assert full.battle_source == (
        "UCDP Battle-Related Deaths 24.1 (ucdp.uu.se); UCDP Actor Dataset (ucdp.uu.se)"
    )


def test_missing_ucdp_files_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setattr(ge.ucdp, "find_actor_file", lambda: None)
    missing = build(params(source="curated+ucdp"), brd_path=None)
    assert isinstance(missing.ucdp_check, ge.NoData)
    assert missing.ucdp_check.what == "the UCDP Actor Dataset is not on this machine"
    assert "ucdp.uu.se/downloads" in missing.ucdp_check.how_to_get


def test_parameters_one_clear_sentence():
    with pytest.raises(ParameterError, match="end_date 2012-01-01 is before start_date"):
        ge.check_parameters("2020-01-01", "2012-01-01")
    with pytest.raises(ParameterError, match="this notebook takes: curated, curated\\+ucdp"):
        ge.check_parameters("2012-01-01", "2020-01-01", data_source="acled")
    with pytest.raises(ParameterError, match="In focus_groups"):
        ge.check_parameters("2012-01-01", "2020-01-01", focus_groups=["No Such Group"])
    checked = ge.check_parameters("2012-01-01", "2020-01-01", focus_groups="GSIM")
    assert checked.common.focus_groups == ("jnim",) and checked.use_ucdp


def test_brief_body_and_appendix(report, tmp_path):
    """The body's short tables keep every row and drop the long columns, which the appendix
    keeps; captions are one or two sentences; method notes hold what the captions left out."""
    from analysis.reports.brief import MAX_CAPTION_WORDS, caption_words

    (relations,) = report.relation_briefs()
    assert len(relations.frame) == 12  # as the full table (test above)
    assert "What happened" not in relations.frame and "Sources" not in relations.frame
    assert list(relations.frame.columns) == ["Date", "Group", "Relation", "Other group"]
    profile = report.profile_brief()
    assert list(profile.frame.columns) == ["Group", "Founded", "Ended"]
    assert len(profile.frame) == 15
    names, strength = report.profile_tables()
    assert len(names.frame) == len(strength.frame) == 15
    # Together the two parts show every column of the full profile table, Group in both.
    shown = set(names.frame.columns) | set(strength.frame.columns)
    assert shown == set(report.profiles.frame.columns)
    # Milestones: the fixture's label 'Serval', and a label made from the id of the row
    # without one ('state-of-emergency-2015').
    brief = report.milestone_brief()
    assert brief.frame["Milestone"].tolist() == ["Serval", "State of emergency 2015"]
    assert "What happened" not in brief.frame
    for caption in (ge.ACTIVE_CAPTION, ge.TIMELINE_CAPTION, ge.BATTLE_CAPTION):
        assert caption_words(caption) <= MAX_CAPTION_WORDS
    titles = [title for title, _ in report.method_notes]
    assert titles == ["Active groups", "Lineage timeline"]  # curated only: no battle deaths
    crossings = report.timeline.crossings
    assert f"({crossings} crossings left)" in report.method_notes[1][1]

    brd = tmp_path / "BattleDeaths_v24_1.csv"
    brd.write_text(BRD, encoding="utf-8")
    full = build(params(source="curated+ucdp"), actor_path=ACTORS, brd_path=brd)
    status = full.ucdp_check.status_table().frame.set_index("Status")["Relations"]
    assert status.to_dict() == {"both": 8, "disagree": 4, "only UCDP": 1, "only curated": 2}
    first, second = full.ucdp_check.comparison_tables()
    assert len(first.frame) == len(second.frame) == 15  # 8 + 4 + 1 + 2 rows, numbered alike
    assert first.frame["Row"].tolist() == second.frame["Row"].tolist() == list(range(1, 16))
    assert "Detail" in second.frame and "Detail" not in first.frame
    # Each table names its own datasets: the cross-check the curated tables and the Actor
    # Dataset; the profiles and milestones the curated tables only.
    from analysis.reports.takeaway import datasets_named

    for part in (full.ucdp_check.status_table(), first, second):
        assert [d.key for d in datasets_named(part.source)] == ["curated", "ucdp-actor"]
    assert [d.key for d in datasets_named(full.profiles.source)] == ["curated"]
    assert [title for title, _ in full.method_notes][-1] == "Battle deaths"


def test_the_relations_sentence_parts_add_up_to_its_total():
    from analysis.reports.group_evolution import relations_sentence

    counts = pd.Series({"split_from": 7, "merged_into": 12, "joined": 12, "pledged_to": 3,
                        "allied_with": 2, "renamed_to": 1})  # fmt: skip
    # By hand: 7 + 12 + 12 + 1 + 3 + 2 = 37, the renaming (CSP-PSD to CSP-DPA) included.
    assert relations_sentence(counts) == (
        "The lineage table dates 37 relations in the period: 7 splits, 12 mergers, 12 joins, "
        "1 renaming, 3 pledges of allegiance and 2 alliances."
    )
