"""The group-evolution report object, built on the hand-made lineage fixture (15 groups, 16
lineage rows, 2 milestones): every expected number below is counted by hand from those rows."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.reports import group_evolution as ge
from analysis.reports import page
from analysis.reports import params as report_params
from analysis.reports.context import open_run
from analysis.reports.params import ParameterError, ReportParameters
from analysis.reports.parts import NoData, Report, Text

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


def load(p: ge.GroupParameters, **paths) -> ge.GroupData:
    ctx = open_run(p.common.start_date, p.common.end_date, CURATED)
    return ge.load(ctx, p, **paths)


def build(p: ge.GroupParameters, **paths) -> Report:
    ctx = open_run(p.common.start_date, p.common.end_date, CURATED)
    return ge.build(ctx, p, **paths)


def texts(report: Report, key: str) -> list[str]:
    """The prose of a section, as the reader sees it."""
    return [block.plain() for block in report[key].blocks if isinstance(block, Text)]


@pytest.fixture(scope="module")
def data() -> ge.GroupData:
    return load(params())


@pytest.fixture(scope="module")
def report(data) -> Report:
    return ge.assemble(data)


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
        "Of the curated groups that operate in Mali, 14 were active at some point from "
        "1 January 2012 to 31 December 2017; in 2017, 12 were active (5 al-Qaeda, "
        "2 Islamic State, 2 separatist coalition, 3 none)."
    )
    # Dated 2012-2017 (designation left out): splits al-mulathamun 2012-12, isgs 2015-05;
    # mergers mujao and al-mulathamun 2013-08, three into JNIM 2017; joins al-mourabitoun
    # 2015-12, mnla 2014-06; pledges isgs 2015-05, jnim 2017; alliance flm 2015-01 = 12.
    assert relations == (
        "The lineage table dates 12 relations in the period: 2 splits, 5 mergers, 2 joins, "
        "2 pledges of allegiance and 1 alliance."
    )


def test_headline_lines(report):
    assert report.checks["headline"] == (
        "JNIM's ancestors: gia, gspc, aqim, mujao, ansar-dine, al-mulathamun, al-mourabitoun, flm",
        "Groups in scope: 15 | Mali's groups counted: 15 | active in the period: 14",
        "Relations dated in the period: {'allied_with': 1, 'joined': 2, 'merged_into': 5, "
        "'pledged_to': 2, 'split_from': 2}",
        "Active in 2017 by affiliation: {'al-Qaeda': 5, 'Islamic State': 2, "
        "'separatist coalition': 2, 'none': 3}",
    )


def test_overview_and_formations(report):
    # Of the 14 active: al-Qaeda aqim, mujao, al-mulathamun, al-mourabitoun, ansar-dine, flm,
    # jnim = 7; IS 2; separatist mnla, cma = 2; none gia, msa, dan-na-ambassagou = 3.
    (overview,) = texts(report, "overview")
    assert overview.startswith(
        "The curated data holds 15 groups in scope. Of the groups of Mali active from "
        "1 January 2012 to 31 December 2017, 7 belonged to the al-Qaeda family, 2 to the "
        "Islamic State family, 2 to the separatist coalitions and 0 to the pro-government "
        "coalitions; 3 had no affiliation."
    )
    # Founded in the period by a split, merger or join (not flm, msa, Dan Na Ambassagou, which
    # were simply founded), by founding date.
    starts = [s.split(" was formed ")[0] for s in texts(report, "lineage")]
    assert starts == [
        "al-Mulathamun Battalion",
        "al-Mourabitoun",
        "Coordination of Azawad Movements",
        "Islamic State in the Greater Sahara",
        "Jama'at Nusrat al-Islam wal-Muslimin",
    ]


def test_tables_open_questions_and_milestones(data, report):
    (relations,) = report["appendix-relations"].tables()
    assert len(relations.frame) == 12
    assert relations.frame["Date"].iloc[0] == "December 2012"
    # Two DISAGREEMENT notes: groups.csv line 4 (AQIM) and lineage.csv line 11 (ISGS).
    open_questions, where = texts(report, "open-questions")
    assert open_questions.endswith("2 such notes concern the groups in scope.")
    assert where == (
        "Each note is listed in the appendix with the curated table and row that record it, "
        "and its sources."
    )
    (disagreements,) = report["appendix-disagreements"].tables()
    assert disagreements.frame["Row"].tolist() == [4, 11]
    assert disagreements.frame["Curated table"].tolist() == ["groups", "lineage"]
    # The lineage row in words: 'isgs pledged_to islamic-state' as the groups' short names.
    assert disagreements.frame["About"].tolist()[1] == "ISGS pledged to Islamic State"
    assert len(data.profiles) == 15
    # Serval (2013-2014) and the 2015 state of emergency both fall in the period.
    (milestones,) = report["appendix-milestones"].tables()
    assert milestones.frame["Kind"].tolist() == [
        "foreign intervention",
        "state of emergency",
    ]
    (active,) = report["overview"].charts()
    assert active.data.loc[2017].sum() == 12
    assert isinstance(data.timeline, ge.Timeline) and data.timeline.crossings >= 0
    (timeline,) = report["lineage"].charts()
    assert timeline.source == (
        "curated tables of this project: groups and lineage (each row cites its sources); "
        "milestones from the same tables"
    )


def test_curated_only_says_why_ucdp_sections_are_empty(report):
    # What data would fill each gap, never a parameter value to set (issue 23, item 8); the
    # body says the edition was built without it and the appendix's coverage notes say where
    # UCDP offers it (issue 24, item 7).
    for key in ("ucdp", "appendix-ucdp"):
        (check,) = report[key].blocks
        assert isinstance(check, NoData)
        assert check.what == (
            "this edition was built from the curated tables alone, without the UCDP Actor Dataset"
        )
        assert (
            check.how_to_get == "Why, and where its publisher offers it: appendix, data coverage."
        )
    (dyads,) = report["battle-deaths"].blocks
    assert isinstance(dyads, NoData)
    assert dyads.what == (
        "this edition was built from the curated tables alone, without the UCDP Battle-Related "
        "Deaths Dataset"
    )
    for block in (check, dyads):
        assert "data_source" not in block.what + block.how_to_get
    assert len(report.key_findings) == 3
    lead, notes = texts(report, "appendix-coverage")
    assert lead.startswith("This edition was built without some of the data")
    assert notes == (
        "- **UCDP Actor Dataset** (this edition was built from the curated tables alone). "
        "Without it, the report leaves out the UCDP cross-check of the lineage, in the body and "
        "the appendix, and its key finding. Uppsala Conflict Data Program, Uppsala University "
        "offers it at https://ucdp.uu.se/downloads/ (licence: CC BY 4.0 (Uppsala Conflict Data "
        "Program)).\n"
        "- **UCDP Battle-Related Deaths Dataset** (this edition was built from the curated "
        "tables alone). Without it, the report leaves out the battle deaths per year, "
        "government against each group, and their key finding. Uppsala Conflict Data Program, "
        "Uppsala University offers it at https://ucdp.uu.se/downloads/ (licence: CC BY 4.0 "
        "(Uppsala Conflict Data Program))."
    )


def test_focus_on_a_group_without_relations():
    loaded = load(params(focus=("Movement for the Salvation of Azawad",)))
    focused = ge.assemble(loaded)
    # MSA has no lineage row: the scope is MSA alone, founded 2016-09, affiliation none.
    assert loaded.scope == ("msa",)
    assert focused.key_findings == (
        "Of the curated groups that operate in Mali, 1 was active at some point from "
        "1 January 2012 to 31 December 2017; in 2017, 1 was active (1 none).",
    )
    assert texts(focused, "open-questions") == [
        "The sources agree on everything recorded for these groups."
    ]
    (table,) = focused["appendix-relations"].tables()
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
    loaded = load(params(source="curated+ucdp"), actor_path=ACTORS, brd_path=brd)
    full = ge.assemble(loaded)
    # The fixture's cross-check (tests/test_ucdp_actors.py): 8 both, 4 disagree, 1 only UCDP.
    assert full.key_findings[3] == (
        "Against the UCDP Actor Dataset, 8 relations appear in both, 4 are coded differently by "
        "UCDP and 1 appear only in UCDP; every difference is recorded in the curated data."
    )
    assert loaded.ucdp.status_counts == {
        "both": 8,
        "disagree": 4,
        "only UCDP": 1,
        "only curated": 2,
    }
    # Mali only (the Niger dyad is left out); the deadliest dyad-year is MUJAO in 2013.
    assert set(loaded.dyads["dyad_id"]) == {"11985", "12571"}
    assert full.key_findings[4] == (
        "In UCDP's battle deaths, the deadliest year of fighting between the government and a "
        "single armed group was Mali – MUJAO in 2013, with 333 battle-related deaths (best "
        "estimate; UCDP's range 333-362)."
    )
    # Versions from the files read: 24.1 from the BRD file's name; the fixture actor file's
    # name states none.
    (battle,) = full["battle-deaths"].charts()
    assert battle.source == (
        "UCDP Battle-Related Deaths 24.1 (ucdp.uu.se); UCDP Actor Dataset (ucdp.uu.se)"
    )


def test_missing_ucdp_files_are_a_coverage_note_not_machine_talk(tmp_path, monkeypatch, capsys):
    # An actor file absent on the machine that built the report: the body says the edition
    # was built without it; the appendix says what that leaves out and where UCDP offers it;
    # the command that fetches it goes to the build's log (standard error), not the page.
    monkeypatch.setattr(ge.ucdp, "find_actor_file", lambda: None)
    report = build(params(source="curated+ucdp"), brd_path=None)
    (missing,) = report["ucdp"].blocks
    assert isinstance(missing, NoData)
    assert missing.what == "this edition was built without the UCDP Actor Dataset"
    assert missing.how_to_get == "Why, and where its publisher offers it: appendix, data coverage."
    assert "python -m analysis data fetch ucdp-actor" in missing.build_hint
    _, notes = texts(report, "appendix-coverage")
    assert notes.startswith(
        "- **UCDP Actor Dataset** (not available when this edition was built). Without it, the "
        "report leaves out the UCDP cross-check"
    )
    assert "offers it at https://ucdp.uu.se/downloads/" in notes
    assert not any("UCDP cross-check" in f or "Actor Dataset" in f for f in report.key_findings)
    page.no_data(missing.what, missing.how_to_get, missing.build_hint)
    shown = capsys.readouterr()
    assert "python -m analysis data fetch ucdp-actor" in shown.err
    assert "python -m" not in shown.out and "this machine" not in shown.out


def test_parameters_one_clear_sentence(monkeypatch):
    ctx = open_run("2012-01-01", "2020-01-01", CURATED)
    # Group names are resolved with the run snapshot's resolver: groups.csv is not read again.
    monkeypatch.setattr(report_params, "resolver", lambda: pytest.fail("groups.csv read again"))
    with pytest.raises(ParameterError, match="end_date 2012-01-01 is before start_date"):
        ge.check(ctx, "2020-01-01", "2012-01-01")
    with pytest.raises(ParameterError, match="this notebook takes: curated, curated\\+ucdp"):
        ge.check(ctx, "2012-01-01", "2020-01-01", data_source="acled")
    with pytest.raises(ParameterError, match="In focus_groups"):
        ge.check(ctx, "2012-01-01", "2020-01-01", focus_groups=["No Such Group"])
    checked = ge.check(ctx, "2012-01-01", "2020-01-01", focus_groups="GSIM")
    assert checked.common.focus_groups == ("jnim",) and checked.use_ucdp


def test_brief_body_and_appendix(data, report, tmp_path):
    """The body's short tables keep every row and drop the long columns, which the appendix
    keeps; captions are one or two sentences; method notes hold what the captions left out."""
    from analysis.reports.brief import MAX_CAPTION_WORDS, caption_words

    (relations,) = report["lineage"].tables()
    assert len(relations.frame) == 12  # as the full table (test above)
    assert "What happened" not in relations.frame and "Sources" not in relations.frame
    assert list(relations.frame.columns) == ["Date", "Group", "Relation", "Other group"]
    (profile,) = report["profiles"].tables()
    assert list(profile.frame.columns) == ["Group", "Founded", "Ended"]
    assert len(profile.frame) == 15
    names, strength = report["appendix-profiles"].tables()
    assert len(names.frame) == len(strength.frame) == 15
    # Together the two parts show every column of the full profile table, Group in both.
    shown = set(names.frame.columns) | set(strength.frame.columns)
    assert shown == set(data.profiles.columns)
    # Milestones: the body lists the kinds the report bears on, the fixture's 'Serval' (a
    # foreign intervention) and not its state of emergency; the appendix lists both, once.
    (brief,) = report["milestones"].tables()
    assert brief.frame["Milestone"].tolist() == ["Serval"]
    assert "What happened" not in brief.frame
    assert "(1 of 2;" in brief.caption
    (full,) = report["appendix-milestones"].tables()
    assert len(full.frame) == 2
    for caption in (ge.ACTIVE_CAPTION, ge.TIMELINE_CAPTION, ge.BATTLE_CAPTION):
        assert caption_words(caption) <= MAX_CAPTION_WORDS
    method = report["appendix-method"].blocks
    titles = [note.values["title"] for note in method]
    # curated only: no battle deaths
    assert titles == ["Active groups", "Data through", "Lineage timeline"]
    crossings = data.timeline.crossings
    assert f"({crossings} crossings left)" in method[2].values["text"]

    brd = tmp_path / "BattleDeaths_v24_1.csv"
    brd.write_text(BRD, encoding="utf-8")
    full = build(params(source="curated+ucdp"), actor_path=ACTORS, brd_path=brd)
    (status_table,) = full["ucdp"].tables()
    status = status_table.frame.set_index("Status")["Relations"]
    assert status.to_dict() == {"both": 8, "disagree": 4, "only UCDP": 1, "only curated": 2}
    first, second = full["appendix-ucdp"].tables()
    assert len(first.frame) == len(second.frame) == 15  # 8 + 4 + 1 + 2 rows, numbered alike
    assert first.frame["Row"].tolist() == second.frame["Row"].tolist() == list(range(1, 16))
    assert "Detail" in second.frame and "Detail" not in first.frame
    # Each table names its own datasets: the cross-check the curated tables and the Actor
    # Dataset; the profiles and milestones the curated tables only.
    from analysis.reports.takeaway import datasets_named

    for part in (status_table, first, second):
        assert [d.key for d in datasets_named(part.source)] == ["curated", "ucdp-actor"]
    for part in full["appendix-profiles"].tables():
        assert [d.key for d in datasets_named(part.source)] == ["curated"]
    assert [note.values["title"] for note in full["appendix-method"].blocks][-1] == "Battle deaths"


def test_the_relations_sentence_parts_add_up_to_its_total():
    from analysis.reports.group_evolution import relations_sentence

    counts = pd.Series({"split_from": 7, "merged_into": 12, "joined": 12, "pledged_to": 3,
                        "allied_with": 2, "renamed_to": 1})  # fmt: skip
    # By hand: 7 + 12 + 12 + 1 + 3 + 2 = 37, the renaming (CSP-PSD to CSP-DPA) included.
    assert relations_sentence(counts) == (
        "The lineage table dates 37 relations in the period: 7 splits, 12 mergers, 12 joins, "
        "1 renaming, 3 pledges of allegiance and 2 alliances."
    )


def test_the_notebook_shows_each_section_once_in_reading_order(report):
    """The notebook is thin: past its first cells, each code cell shows one section of the
    report, and the appendix cells keep their ids (the keys of ge.APPENDIX)."""
    notebook = Path(__file__).parents[1] / "notebooks" / "group_evolution.ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    shows = [re.fullmatch(r'page\.show\(report, "([a-z-]+)"\)', "".join(c["source"])) for c in code]
    assert all(shows[3:]) and not any(shows[:3])  # parameters, report and nbval cells first
    assert [m.group(1) for m in shows[3:]] == list(report.sections)
    appendix = [
        (c["id"], m.group(1))
        for c, m in zip(code, shows, strict=True)
        if m and c["id"].startswith("appendix-")
    ]
    assert appendix == [(key, key) for key in ge.APPENDIX]


# --- groups as they were (issue 23): hand-made rows in tests/fixtures/lineage_ends -----------


@pytest.fixture(scope="module")
def ends_folder(tmp_path_factory) -> Path:
    """The lineage fixture's other tables (Mali's milestones, events, sources) with the
    hand-made groups and lineage of tests/fixtures/lineage_ends."""
    folder = tmp_path_factory.mktemp("ends") / "curated"
    shutil.copytree(CURATED, folder)
    for name in ("groups.csv", "lineage.csv"):
        shutil.copy(FIXTURES / "lineage_ends" / name, folder / name)
    with (folder / "milestones.csv").open("a", encoding="utf-8") as handle:
        handle.write(
            "bf-uprising-2014,2014-10-30,day,,uprising,,Uprising,Street protests forced "
            "Burkina Faso's president out.,cep-mali,,Burkina Faso\n"
        )
    return folder


def build_ends(folder: Path, country: str = "Mali") -> Report:
    p = ge.GroupParameters(
        ReportParameters(
            start_date=pd.Timestamp("2014-01-01").date(),
            end_date=pd.Timestamp("2020-12-31").date(),
            country=country,
            focus_groups=(),
            data_source="curated",
        )
    )
    return ge.build(open_run(p.common.start_date, p.common.end_date, folder), p)


def test_merged_renamed_and_other_theatre_groups_are_not_counted(ends_folder):
    report = build_ends(ends_folder)
    active, _ = report.key_findings  # no JNIM here: no formation finding
    # Active some time in 2014-2020, Far Province (Nigeria, Chad) left out: parent, alpha (to
    # June 2015), old-name (to 2016), gamma, eps, beta, delta, new-name, zeta = 9. In 2020:
    # al-Qaeda parent, delta; separatist new-name, zeta. Alpha merged into Delta in 2015, the
    # Old Name Movement took a new name in 2016, the Beta Coordination ended with its last
    # member (Epsilon, 15 March 2019) and none of the three has an end date in groups.csv.
    assert active == (
        "Of the curated groups that operate in Mali, 9 were active at some point from "
        "1 January 2014 to 31 December 2020; in 2020, 4 were active (2 al-Qaeda, "
        "2 separatist coalition)."
    )
    (chart,) = report["overview"].charts()
    assert chart.data.loc[2017].to_dict() == {"al-Qaeda": 2, "Islamic State": 0,
                                              "separatist coalition": 4,
                                              "pro-government coalition": 0,
                                              "none": 0}  # fmt: skip
    (overview,) = texts(report, "overview")
    assert overview == (
        "The curated data holds 10 groups in scope. Far Province is not counted: the curated "
        "data places it in Nigeria and Chad, not in Mali. Of the groups of Mali active from "
        "1 January 2014 to 31 December 2020, 3 belonged to the al-Qaeda family, 0 to the "
        "Islamic State family, 6 to the separatist coalitions and 0 to the pro-government "
        "coalitions; 0 had no affiliation."
    )
    assert report.checks["headline"][1] == (
        "Groups in scope: 10 | Mali's groups counted: 9 | active in the period: 9"
    )
    method = report["appendix-method"].blocks[0].plain()
    assert method.endswith(
        "Ends taken from the lineage table (the groups table gives none, or a later one): Alpha "
        "Front, June 2015 (merged into Delta Union; lineage row 4); Old Name Movement, 2016 "
        "(took the name New Name Movement; lineage row 6); Beta Coordination, 15 March 2019 "
        "(every group that joined it had ended: Epsilon Movement and Gamma Movement; lineage "
        "rows 2, 3); Epsilon Movement, 15 March 2019 (merged into Zeta Front; lineage row 8). "
        "Far Province is not counted: the curated data places it in Nigeria and Chad, not in "
        "Mali."
    )


def test_a_joined_branch_is_named_in_the_sentence_and_the_table(ends_folder):
    report = build_ends(ends_folder)
    formed = texts(report, "lineage")
    assert formed[0] == (
        "Delta Union was formed in June 2015 when Alpha Front merged into it and the southern "
        "branch of Parent Group joined it (sources: cep-mali)."
    )
    (relations,) = report["lineage"].tables()
    joined = relations.frame[relations.frame["Relation"] == "joined"]
    assert joined["Group"].tolist() == ["Parent Group (southern branch)"]


def test_data_through_is_the_newest_dated_change_in_the_period(ends_folder):
    report = build_ends(ends_folder)
    # Dated changes in 2014-2020, each to the last day of its period: mergers and the join of
    # June 2015 (30 June), the renaming and New Name's founding in 2016 (31 December), the
    # alliance of 2017 (31 December 2017), Gamma's end in May 2018 (31 May), Epsilon's merger
    # into Zeta and Zeta's founding on 15 March 2019: the newest is 15 March 2019. No UCDP.
    assert report.data_through == pd.Timestamp("2019-03-15").date()
    through = report["appendix-method"].blocks[1]
    assert through.values["title"] == "Data through"
    assert through.values["text"] == (
        "15 March 2019: the newest date the brief's figures rest on, the lineage's newest dated "
        "change in the period (UCDP's battle deaths were not read). The lineage's newest change "
        "is Epsilon Movement merged into Zeta Front, 15 March 2019 (lineage table), counted to "
        "15 March 2019 (a date known to the month or year counts to "
        "its last day). The curated tables record changes, not each year's presence: a group "
        "with no recorded end is counted as active to the end of the period."
    )


def test_each_country_reads_its_own_milestones(ends_folder):
    # The fixture's milestones: Serval (2013-2014) and the 2015 state of emergency, Mali's (their
    # countries say so), and Burkina Faso's 2014 uprising, added above. Before issue 23 a Mali
    # report drew Burkina Faso's and Niger's milestones too.
    shown = {}
    for country in ("Mali", "Burkina Faso"):
        (table,) = build_ends(ends_folder, country)["appendix-milestones"].tables()
        shown[country] = table.frame["Kind"].tolist()
    assert shown == {
        "Mali": ["foreign intervention", "state of emergency"],
        "Burkina Faso": ["uprising"],
    }


def test_another_countrys_report_counts_its_groups_and_milestones(ends_folder):
    report = build_ends(ends_folder, country="Nigeria")
    assert report.title == "Armed groups in Nigeria: splits, mergers and allegiances"
    assert report.front["title"] == report.title
    assert report.lede.startswith("How did Nigeria's armed groups come to be what they are?")
    active, _ = report.key_findings  # no JNIM here: no formation finding
    assert active == (
        "Of the curated groups that operate in Nigeria, 1 was active at some point from "
        "1 January 2014 to 31 December 2020; in 2020, 1 was active (1 Islamic State)."
    )
    # Nine groups whose rows give no country are Mali's by default: too many to list in the
    # brief, listed with where they are placed in the method notes.
    (overview,) = texts(report, "overview")
    assert overview.startswith(
        "The curated data holds 10 groups in scope. 9 of them are not counted: the curated data "
        "places them outside Nigeria (the method notes list them)."
    )
    method = report["appendix-method"].blocks[0].plain()
    assert method.endswith(
        "are not counted: the curated data places them outside Nigeria (Parent Group: Mali by "
        "default; Alpha Front: Mali by default; Epsilon Movement: Mali by default; Gamma "
        "Movement: Mali by default; Old Name Movement: Mali by default; Beta Coordination: Mali "
        "by default; Delta Union: Mali by default; New Name Movement: Mali by default; Zeta "
        "Front: Mali by default)."
    )
    # The fixture's milestones (Serval, Mali's 2015 state of emergency) are Mali's: none is
    # shown in a report on Nigeria, and the note says what data would fill the gap.
    (missing,) = report["milestones"].blocks
    assert isinstance(missing, NoData)
    assert missing.what == (
        "the curated milestones hold none of the chosen kinds for Nigeria in the period"
    )
    assert missing.how_to_get == (
        "A milestone dated in the period with Nigeria among its countries would fill it."
    )


def test_state_forces_enter_the_lineage_report_only_through_a_relation():
    # groups.csv lists the armies as the chronology's perpetrators (FAMa, the Burkinabè and
    # Nigerien armies, the VDP, French forces: no lineage row); Wagner and Africa Corps are
    # tied by a relation (Wagner's Mali deployment merged into Africa Corps)
    ctx = open_run("2012-01-01", "2025-12-31")
    lin = ge.lineage.lineage_graph(ctx.curated.groups, ctx.curated.lineage, ctx.curated.resolver)
    scope = ge.groups_in_scope(lin, ())
    for force in ("fama", "burkina-faso-army", "niger-army", "vdp", "french-forces"):
        assert force not in scope
    assert {"wagner", "africa-corps", "jnim"} <= set(scope)
    assert len(scope) == 31  # 36 rows of groups.csv less the five forces without a relation
