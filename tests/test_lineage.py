"""Lineage graph: ancestry, activity, families, chronology, profiles and lineage validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.analyses import lineage
from analysis.curated.aliases import UnknownGroupError
from analysis.curated.snapshot import load_snapshot
from analysis.curated.tables import load_lineage, validate_all

FIXTURE = Path(__file__).parent / "fixtures" / "lineage"


def graph_of(folder: Path | None = None) -> lineage.LineageGraph:
    return lineage.from_snapshot(load_snapshot(folder, ("groups", "lineage")))


LIN = graph_of(FIXTURE)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A writable copy of the lineage fixture, to break on purpose."""
    target = tmp_path / "curated"
    shutil.copytree(FIXTURE, target)
    return target


def append(folder: Path, table: str, *rows: str) -> None:
    with (folder / f"{table}.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(f"{row}\n" for row in rows)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(folder: Path) -> list[str]:
    return [str(p) for p in validate_all(folder).problems]


# --- on the hand-written fixture: every expected value worked out from its 16 rows ------------


def test_fixture_is_valid():
    assert problems(FIXTURE) == []


def test_ancestors_of_jnim_by_founding():
    # merged: ansar-dine, al-mourabitoun, flm; al-mourabitoun <- mujao, al-mulathamun (merged)
    # <- aqim (split) <- gspc (renamed) <- gia (split).
    assert lineage.ancestors(LIN, "JNIM") == [
        "gia",
        "gspc",
        "aqim",
        "mujao",
        "ansar-dine",
        "al-mulathamun",
        "al-mourabitoun",
        "flm",
    ]


def test_descendants_and_aliases():
    assert lineage.descendants(LIN, "Groupe salafiste pour la prédication et le combat") == [
        "aqim",
        "mujao",
        "al-mulathamun",
        "al-mourabitoun",
        "isgs",
        "jnim",
    ]
    # al-Mourabitoun rejoined AQIM: a loop, yet AQIM is never its own descendant.
    assert "aqim" not in lineage.descendants(LIN, "AQMI")
    assert lineage.descendants(LIN, "jnim") == []
    # allied_with and pledged_to are not ancestry.
    assert "ansar-dine" not in lineage.ancestors(LIN, "flm")
    assert "islamic-state" not in lineage.ancestors(LIN, "isgs")


def test_unknown_group_name_suggests():
    with pytest.raises(UnknownGroupError, match="closest known names"):
        lineage.ancestors(LIN, "Ansar Deen")


def test_related_groups_is_focus_set():
    assert lineage.related_groups(LIN, ["MSA"]) == ["msa"]
    assert lineage.related_groups(LIN, ["ISGS"]) == [
        "gia",
        "gspc",
        "aqim",
        "mujao",
        "al-mulathamun",
        "al-mourabitoun",
        "isgs",
    ]


def test_active_groups_on_dates():
    # 15 Aug 2013: MUJAO and al-Mulathamun ended 2013-08, so still active until 31 August.
    assert lineage.active_groups(LIN, "2013-08-15") == [
        "gia",
        "islamic-state",
        "aqim",
        "mnla",
        "mujao",
        "ansar-dine",
        "al-mulathamun",
        "al-mourabitoun",
    ]
    on_merger = lineage.active_groups(LIN, "2017-03-02")
    assert {"ansar-dine", "flm", "al-mourabitoun", "jnim"} <= set(on_merger)
    after = lineage.active_groups(LIN, "2017-03-03")
    assert not {"ansar-dine", "flm", "al-mourabitoun"} & set(after)
    assert "gspc" not in lineage.active_groups(LIN, pd.Timestamp("2007-02-01"))
    # founded '1998' (year precision) counts from 1 January 1998
    assert "gspc" in lineage.active_groups(LIN, "1998-01-01")


def test_active_by_year_counts():
    counts = lineage.active_by_year(LIN, 2012, 2017)
    # 2013: aqim, mujao, ansar-dine, al-mulathamun, al-mourabitoun (al-Qaeda); IS; MNLA; GIA.
    assert counts.loc[2013].to_dict() == {
        "al-Qaeda": 5,
        "Islamic State": 1,
        "separatist coalition": 1,
        "pro-government coalition": 0,
        "none": 1,
    }
    # 2016: + CMA, + MSA and Dan Na Ambassagou (none), + ISGS.
    assert counts.loc[2016, "none"] == 3
    assert counts.loc[2016, "Islamic State"] == 2
    only = lineage.active_by_year(LIN, 2012, 2013, groups=["MUJAO"])
    assert only["al-Qaeda"].tolist() == [1, 1]
    no_militia = lineage.active_by_year(LIN, 2016, 2016, exclude_kinds=("communal militia",))
    assert no_militia.loc[2016, "none"] == 2


def test_families():
    assert lineage.family(LIN, "IS") == ["islamic-state", "isgs"]
    assert lineage.family(LIN, "separatist movements") == ["mnla", "cma", "msa"]
    al_qaeda = lineage.family(LIN, "al-Qaida")
    assert al_qaeda == [
        "gspc",
        "aqim",
        "mujao",
        "ansar-dine",
        "al-mulathamun",
        "al-mourabitoun",
        "flm",
        "jnim",
    ]
    with pytest.raises(ValueError, match="unknown affiliation 'Boko Haram'"):
        lineage.family(LIN, "Boko Haram")


def test_family_ever_adds_groups_that_pledged(broken):
    # Make ISGS 'none' in groups.csv: it still belongs to the IS family 'ever' via its pledge.
    replace(
        broken / "groups.csv",
        "jihadist,Islamic State,2015-05",
        "jihadist,none,2015-05",
    )
    assert lineage.family(graph_of(broken), "Islamic State") == ["islamic-state"]
    assert lineage.family(graph_of(broken), "Islamic State", ever=True) == [
        "islamic-state",
        "isgs",
    ]


def test_lineage_table_is_chronological_with_sources():
    table = lineage.lineage_table(LIN, "Ansar al-Dine")
    assert table["relation"].tolist() == [
        "founded",
        "designated_by",
        "allied_with",
        "merged_into",
        "ended",
    ]
    assert table["when"].tolist() == [
        "December 2011",
        "March 2013",
        "January 2015",
        "2 March 2017",
        "2 March 2017",
    ]
    assert table["other_group_ids"].iloc[1] == ["state:US", "org:UN"]
    assert table["group_id"].iloc[2] == "flm"  # a row about another group that names it
    assert all(table["sources"].map(len) > 0)
    assert table["origin"].iloc[3].endswith("lineage.csv:13")
    assert table["origin"].iloc[0].endswith("groups.csv:8")  # Ansar Dine is on line 8


def test_profile():
    aqim = lineage.profile(LIN, "al-Qaïda au Maghreb islamique")
    assert aqim.group_id == "aqim"
    assert aqim.founded == "January 2007"
    assert aqim.leaders == ("Abdelmalek Droukdel",)
    assert aqim.strength is not None
    assert (aqim.strength.low, aqim.strength.high) == (800, 1000)
    assert str(aqim.strength) == "800–1,000 fighters (September 2012); cep-mali, isn-2012"
    assert aqim.disagreements == ("DISAGREEMENT: isn-2012 gives 1000 fighters only.",)
    isgs = lineage.profile(LIN, "EIGS")
    assert isgs.strength is None
    assert isgs.affiliations_text() == (
        "Islamic State from May 2015 (pledged to Islamic State); recorded: Islamic State"
    )
    assert isgs.disagreements == ("DISAGREEMENT: isn-2012 gives 2015-10.",)
    mourabitoun = lineage.profile(LIN, "al-Murabitun")
    assert mourabitoun.affiliations["how"].tolist() == [
        "joined AQIM",
        "merged into JNIM",
        "recorded in groups.csv",
    ]


def test_profiles_table():
    table = lineage.profiles_table(LIN, ["jnim", "ISGS"])
    assert table["Group"].tolist() == [
        "Islamic State in the Greater Sahara (ISGS)",
        "Jama'at Nusrat al-Islam wal-Muslimin (JNIM)",
    ]
    assert table.loc[1, "Strength"] == "1,000–2,000 fighters (2018); cep-mali"
    assert table.loc[0, "Strength"] == "no estimate"
    assert len(lineage.profiles_table(LIN)) == 15


def test_formation_sentences_are_built_from_rows():
    assert lineage.formation_sentence(LIN, "jnim") == (
        "Jama'at Nusrat al-Islam wal-Muslimin was formed on 2 March 2017 when Ansar Dine, "
        "al-Mourabitoun and Macina Liberation Front merged into it, and pledged allegiance to "
        "al-Qaeda in the Islamic Maghreb (sources: cep-mali)."
    )
    assert lineage.formation_sentence(LIN, "isgs") == (
        "Islamic State in the Greater Sahara was formed in May 2015 by breaking away from "
        "al-Mourabitoun, and pledged allegiance to Islamic State (sources: cep-mali)."
    )
    assert lineage.formation_sentence(LIN, "dan-na-ambassagou") == (
        "Dan Na Ambassagou was founded in 2016 (sources: cep-mali)."
    )


def test_a_later_split_is_not_part_of_the_founding(broken):
    # ISGS was founded in May 2015 by leaving al-Mourabitoun; a split from another group in
    # March 2022 (as the curated ISGS row from ISWAP) is not how it was formed.
    append(
        broken,
        "groups",
        "iswap,Islamic State West Africa Province,ISWAP,,jihadist,Islamic State,2015-03,month,"
        ",,,,,,cep-mali,,",
    )
    append(
        broken,
        "lineage",
        "2022-03,month,isgs,split_from,iswap,The Sahel branch left the West Africa Province.,"
        "cep-mali,,",
    )
    assert lineage.formation_sentence(graph_of(broken), "isgs") == (
        "Islamic State in the Greater Sahara was formed in May 2015 by breaking away from "
        "al-Mourabitoun, and pledged allegiance to Islamic State (sources: cep-mali)."
    )


def test_spans_fall_back_to_the_split_and_first_mention(broken):
    replace(
        broken / "groups.csv",
        "EIGS,jihadist,Islamic State,2015-05,month",
        "EIGS,jihadist,Islamic State,,",
    )
    spans = lineage.group_spans(graph_of(broken)).set_index("group_id")
    assert spans.loc["isgs", "start"] == pd.Timestamp("2015-05-01")
    assert spans.loc["isgs", "start_from"] == "lineage row 10 (split)"
    assert spans.loc["mujao", "end_last_day"] == pd.Timestamp("2013-08-31")
    assert spans.loc["ansar-dine", "first_seen"] == pd.Timestamp("2013-03-01")
    replace(
        broken / "groups.csv",
        "Daesh,jihadist,Islamic State,2006,year",
        "Daesh,jihadist,Islamic State,,",
    )
    assert lineage.undated_groups(graph_of(broken)) == ["islamic-state"]
    assert "islamic-state" not in lineage.active_groups(graph_of(broken), "2020-01-01")


def test_disagreements_listed_with_file_and_line():
    table = lineage.disagreements(LIN)
    assert table[["table", "line", "about"]].values.tolist() == [
        ["groups", 4, "al-Qaeda in the Islamic Maghreb"],
        ["lineage", 11, "isgs pledged_to islamic-state"],
    ]


# --- groups as they were: ends, theatres and branches, on hand-made rows -------------------
# tests/fixtures/lineage_ends: 10 groups and 7 lineage rows (lines 2-8) written for these rules.

ENDS = graph_of(Path(__file__).parent / "fixtures" / "lineage_ends")


def test_a_group_ends_where_the_lineage_says_it_merged_or_took_another_name():
    spans = ENDS.spans.set_index("group_id")
    # Alpha Front has no end in groups.csv; lineage.csv line 4 merges it into Delta Union in
    # June 2015: active to 30 June 2015, not after.
    assert spans.loc["alpha", "end_last_day"] == pd.Timestamp("2015-06-30")
    assert spans.loc["alpha", "end_from"] == "lineage row 4"
    assert spans.loc["alpha", "end_how"] == "merged into Delta Union"
    # The Old Name Movement took a new name in 2016 (line 6): active to 31 December 2016.
    assert spans.loc["old-name", "end_last_day"] == pd.Timestamp("2016-12-31")
    assert spans.loc["old-name", "end_how"] == "took the name New Name Movement"
    # Gamma's end is groups.csv's own (May 2018); Epsilon merged into Zeta on 15 March 2019.
    assert spans.loc["gamma", "end_from"] == "groups table: ended"
    assert spans.loc["eps", "end_last_day"] == pd.Timestamp("2019-03-15")
    # By founding, then id (Far Province, founded in 2015, counts here: no country filter).
    assert lineage.active_groups(ENDS, "2015-06-30") == ["parent", "alpha", "eps", "gamma",
                                                         "old-name", "beta", "far",
                                                         "delta"]  # fmt: skip
    assert "alpha" not in lineage.active_groups(ENDS, "2015-07-01")
    assert "old-name" not in lineage.active_groups(ENDS, "2017-01-01")
    assert lineage.profile(ENDS, "alpha").ended == "June 2015 (merged into Delta Union)"


def test_a_coalition_ends_when_every_group_that_joined_it_has_ended():
    spans = ENDS.spans.set_index("group_id")
    # Beta's members: Gamma (ended May 2018) and Epsilon (merged 15 March 2019): Beta ends
    # with the later, 15 March 2019; its own groups.csv row gives no end.
    assert spans.loc["beta", "end_last_day"] == pd.Timestamp("2019-03-15")
    assert spans.loc["beta", "end_precision"] == "day"
    assert spans.loc["beta", "end_from"] == "lineage rows 2, 3"
    assert spans.loc["beta", "end_how"] == (
        "every group that joined it had ended: Epsilon Movement and Gamma Movement"
    )
    # Counted by year: 2019 still has Beta, 2020 not. By hand, 2017: al-Qaeda parent, delta;
    # separatist gamma, eps, beta, new-name (alpha merged in 2015, old-name renamed in 2016);
    # 2020: parent, delta; new-name, zeta. Far Province counts too here (no country filter).
    counts = lineage.active_by_year(ENDS, 2017, 2020)
    assert counts.loc[2017].to_dict() == {"al-Qaeda": 2, "Islamic State": 1,
                                          "separatist coalition": 4,
                                          "pro-government coalition": 0, "none": 0}  # fmt: skip
    assert counts.loc[2020, "separatist coalition"] == 2


def test_a_branch_that_joined_is_named_and_does_not_end_its_group():
    # Line 5: the Parent Group's southern branch joined Delta Union; the Parent Group lived on.
    assert lineage.formation_sentence(ENDS, "delta") == (
        "Delta Union was formed in June 2015 when Alpha Front merged into it and the southern "
        "branch of Parent Group joined it (sources: cep-mali)."
    )
    assert pd.isna(ENDS.spans.set_index("group_id").loc["parent", "end"])
    assert "parent" in lineage.active_groups(ENDS, "2020-01-01")
    history = lineage.affiliation_history(ENDS, "parent")
    assert history["how"].iloc[0] == "its southern branch joined Delta Union"
    table = lineage.lineage_table(ENDS, "parent")
    assert table.loc[table["relation"] == "joined", "branch"].tolist() == ["southern branch"]


def test_groups_of_another_theatre_are_not_the_countrys():
    # Far Province's row lists Nigeria and Chad; every other row lists none (Mali).
    countries = lineage.group_countries(ENDS)
    assert countries["far"] == ("Nigeria", "Chad")
    assert countries["alpha"] == ("Mali",)
    assert "far" not in lineage.country_groups(ENDS, "Mali")
    assert lineage.country_groups(ENDS, "Nigeria") == ["far"]
    # An event recorded in Burkina Faso places its perpetrator there too (a sourced row).
    events = pd.DataFrame({"country": ["Burkina Faso", "Mali"], "perpetrators": [["delta"], []]})
    assert lineage.group_countries(ENDS, events)["delta"] == ("Mali", "Burkina Faso")
    assert lineage.country_groups(ENDS, "Burkina Faso", events) == ["delta"]


def test_the_new_columns_are_checked(broken):
    # A lineage.csv from before the branch column (its last column cut from every line), and a
    # country outside the known list: one clear line each, naming file, line and column.
    path = broken / "lineage.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("".join(f"{line[: line.rfind(',')]}\n" for line in lines), encoding="utf-8")
    replace(broken / "groups.csv", "cep-mali,,\n", "cep-mali,,Atlantis\n")
    found = [p.split("/curated/")[-1] for p in problems(broken)]
    assert found == [
        "groups.csv:2: column 'countries': 'Atlantis' not in: Mali, Burkina Faso, Niger, "
        "Algeria, Mauritania, Côte d'Ivoire, Senegal, Guinea, Benin, Togo, Nigeria, Chad, Libya, "
        "Tunisia",
        "lineage.csv:1: column 'branch': required column missing from the header",
    ]


# --- validation of lineage rows, on broken copies -------------------------------------------


def test_unknown_group_in_lineage(broken):
    append(
        broken,
        "lineage",
        "2016,year,jnim,split_from,no-such-group,Broken on purpose.,cep-mali,,",
        "2016,year,ghost-group,joined,jnim,Broken on purpose.,cep-mali,,",
    )
    found = problems(broken)
    assert any(
        "lineage.csv:18: column 'other_group_id': group id 'no-such-group' is not in groups.csv"
        in p
        for p in found
    ), found
    assert any(
        "lineage.csv:19: column 'group_id': group id 'ghost-group' is not in groups.csv" in p
        for p in found
    ), found


def test_merged_into_cycle(broken):
    append(broken, "lineage", "2017-03-02,day,jnim,merged_into,ansar-dine,Broken.,cep-mali,,")
    found = problems(broken)
    cycles = [p for p in found if "merged_into rows form a cycle" in p]
    assert len(cycles) == 1, found
    assert "lineage.csv:" in cycles[0]
    assert "jnim -> ansar-dine" in cycles[0] or "ansar-dine -> jnim" in cycles[0]


def test_renaming_and_merger_cycle(broken):
    append(broken, "lineage", "2013-08,month,al-mourabitoun,renamed_to,mujao,Broken.,cep-mali,,")
    found = problems(broken)
    assert any("merged_into/renamed_to rows form a cycle" in p for p in found), found


def test_relation_before_either_founding(broken):
    append(
        broken,
        "lineage",
        "2016,year,jnim,pledged_to,aqim,Broken: JNIM was founded in 2017.,cep-mali,,",
        "2014-02,month,mnla,joined,cma,Broken: the CMA was founded in June 2014.,cep-mali,,",
    )
    found = problems(broken)
    assert any(
        "lineage.csv:18: column 'date': pledged_to dated 2016-01-01 is before jnim's founding "
        "(2017-03-02)" in p
        for p in found
    ), found
    assert any(
        "lineage.csv:19: column 'date': joined dated 2014-02-01 is before cma's founding "
        "(2014-06-01)" in p
        for p in found
    ), found
    # Year precision on either side is compared by year: 2014 is not before 2014-06.
    append(broken, "lineage", "2014,year,mnla,allied_with,cma,Fine at year precision.,cep-mali,,")
    assert not any("lineage.csv:20" in p for p in problems(broken))


def test_relation_to_itself(broken):
    append(broken, "lineage", "2018,year,jnim,allied_with,jnim,Broken.,cep-mali,,")
    assert any(
        "lineage.csv:18: column 'other_group_id': jnim allied_with itself" in p
        for p in problems(broken)
    )


# --- on the shipped curated data ----------------------------------------------------------


CUR = graph_of()


def test_curated_jnim_ancestry():
    found = set(lineage.ancestors(CUR, "Jama'at Nusrat al-Islam wal-Muslimin"))
    assert {
        "aqim",
        "ansar-dine",
        "al-mourabitoun",
        "flm",
        "al-mulathamun",
        "mujao",
        "gspc",
    } <= found
    assert "isgs" not in found and "jnim" not in found
    assert "jnim" in lineage.descendants(CUR, "GSPC")
    assert "isgs" in lineage.descendants(CUR, "MUJAO")


def test_curated_activity_families_and_chronology():
    assert "jnim" not in lineage.active_groups(CUR, "2017-03-01")
    assert {"jnim", "ansar-dine"} <= set(lineage.active_groups(CUR, "2017-03-02"))
    assert "ansar-dine" not in lineage.active_groups(CUR, "2017-03-03")
    assert "jnim" in lineage.family(CUR, "al-Qaeda")
    assert "isgs" in lineage.family(CUR, "Islamic State")
    assert "isgs" not in lineage.family(CUR, "al-Qaeda")
    assert "mnla" in lineage.family(CUR, "separatist")
    table = lineage.lineage_table(CUR, "JNIM")
    assert table["date"].is_monotonic_increasing
    assert table.iloc[0]["relation"] == "founded"
    assert all(len(s) > 0 for s in table["sources"])
    lineage_rows = load_lineage()
    jnim_rows = lineage_rows[
        (lineage_rows["group_id"] == "jnim")
        | lineage_rows["other_group_id"].map(lambda ids: "jnim" in ids)
    ]
    assert len(table) == len(jnim_rows) + 1  # + founding (JNIM has no end)


def test_curated_groups_that_merged_away_or_operate_elsewhere_are_not_active_in_2025():
    # The FLM merged into JNIM on 2 March 2017 (lineage.csv) although groups.csv gives it no end;
    # the CMA's members (MNLA, HCUA, MAA) all dissolved into the FLA on 30 November 2024; ISWAP
    # operates in the Lake Chad basin. None is one of Mali's groups active in 2025.
    active = set(lineage.active_groups(CUR, "2025-01-01"))
    assert {"flm", "cma"}.isdisjoint(active)
    assert {"jnim", "fla", "aqim"} <= active
    spans = CUR.spans.set_index("group_id")
    assert spans.loc["flm", "end_last_day"] == pd.Timestamp("2017-03-02")
    assert spans.loc["cma", "end_last_day"] == pd.Timestamp("2024-11-30")
    events = load_snapshot(None, ("events",)).events
    assert "iswap" not in lineage.country_groups(CUR, "Mali", events)
    assert "ansaroul-islam" in lineage.country_groups(CUR, "Mali", events)
    assert "iswap" in lineage.country_groups(CUR, "Niger", events)


def test_curated_jnim_sentence_names_the_branch_of_aqim_that_joined():
    assert (
        "and the Sahara branch of al-Qaeda in the Islamic Maghreb joined it"
        in lineage.formation_sentence(CUR, "JNIM")
    )


def test_curated_jnim_profile_and_sentence():
    jnim = lineage.profile(CUR, "GSIM")
    assert jnim.founded == "2 March 2017"
    assert jnim.strength is not None and (jnim.strength.low, jnim.strength.high) == (1000, 2000)
    assert jnim.strength.as_of == "September 2018"
    sentence = lineage.formation_sentence(CUR, "JNIM")
    assert sentence.startswith(
        "Jama'at Nusrat al-Islam wal-Muslimin was formed on 2 March 2017 when Ansar Dine, "
        "al-Mourabitoun and Macina Liberation Front merged into it"
    )
    assert "un-qde159-jnim" in sentence


def test_cycle_in_a_broken_copy_of_the_curated_data(curated_copy):
    lines = (curated_copy / "lineage.csv").read_text(encoding="utf-8").splitlines()
    with (curated_copy / "lineage.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("2017-03-02,day,jnim,merged_into,flm,Broken on purpose.,cep-mali,,\r\n")
    found = [p for p in problems(curated_copy) if "form a cycle" in p]
    assert len(found) == 1, found
    assert f"lineage.csv:{len(lines) + 1}:" in found[0] or "lineage.csv:" in found[0]
    assert "flm" in found[0] and "jnim" in found[0]
