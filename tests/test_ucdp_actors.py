"""UCDP Actor Dataset: loading, mapping to groups, lineage relations and the cross-check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.analyses import actors as actor_match
from analysis.analyses import lineage
from analysis.core import origins
from analysis.curated.aliases import AliasResolver
from analysis.curated.snapshot import load_snapshot
from analysis.curated.tables import load_groups, load_lineage
from analysis.sources import ucdp_actors as ucdp
from tests.conftest import shared_file

FIXTURES = Path(__file__).parent / "fixtures"
ACTORS = FIXTURES / "ucdp" / "ucdp-actor-fixture.csv"
CURATED = FIXTURES / "lineage"
LIN = lineage.from_snapshot(load_snapshot(CURATED, ("groups", "lineage")))


@pytest.fixture(scope="module")
def names() -> AliasResolver:
    return AliasResolver(load_groups(CURATED))


@pytest.fixture(scope="module")
def mapped(names) -> pd.DataFrame:
    return actor_match.map_actors(ucdp.load_actors(ACTORS), names)


@pytest.fixture(scope="module")
def relations(mapped, names) -> pd.DataFrame:
    spans = lineage.group_spans(LIN).set_index("group_id")
    return actor_match.ucdp_relations(
        ucdp.in_country(mapped), all_actors=mapped, spans=spans, names=names
    )


def test_load_fixture_layout():
    actors = ucdp.load_actors(ACTORS)
    assert len(actors) == 13
    assert list(actors.columns[: len(ucdp.ACTOR_COLUMNS)]) == list(ucdp.ACTOR_COLUMNS)
    assert actors["ActorId"].dtype == "int64"
    row = actors.set_index("ActorId").loc[6267]
    assert row["Splinter"] and row["JoinGroup"] and not row["Alliance"]
    assert row["ActorIdGroup_list"] == ["1157", "6716"]
    assert row["GroupName_list"] == ["Ansar Dine", "JNIM"]
    assert actors.set_index("ActorId").loc[539, "GWNOLoc_list"] == ["615", "432", "435"]


def test_missing_columns_are_named():
    with pytest.raises(ucdp.UcdpFormatError) as info:
        ucdp.load_actors(FIXTURES / "ucdp" / "ucdp-actor-missing-columns.csv")
    message = str(info.value)
    assert "ucdp-actor-missing-columns.csv" in message
    assert "missing columns: ActorIdPrev, GroupName" in message


def test_bad_cells_name_the_line(tmp_path):
    text = ACTORS.read_text(encoding="utf-8-sig").splitlines()
    # line 4 of the file is actor 538 (GIA): its Splinter flag becomes 'yes'
    cells = text[3].split(",")
    splinter = ucdp.ACTOR_COLUMNS.index("Splinter")
    assert cells[0] == "538"
    cells[splinter] = "yes"
    text[3] = ",".join(cells)
    broken = tmp_path / "actors.csv"
    broken.write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    with pytest.raises(ucdp.UcdpFormatError, match=r"actors.csv:4: Splinter is 'yes'"):
        ucdp.load_actors(broken)


def test_missing_file_says_how_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="ucdp.uu.se/downloads"):
        ucdp.load_actors(tmp_path / "nowhere.csv")


def test_country_filter():
    actors = ucdp.load_actors(ACTORS)
    mali = ucdp.in_country(actors, "Mali")
    # all but the Haiti government (GW 41) and the GIA (Algeria only)
    assert sorted(set(actors["ActorId"]) - set(mali["ActorId"])) == [6, 538]
    assert list(ucdp.in_country(actors, "Burkina Faso")["ActorId"]) == [6716]
    with pytest.raises(KeyError, match="no Gleditsch-Ward number known"):
        ucdp.in_country(actors, "Atlantis")


def test_map_actors_by_first_and_last_name(mapped):
    by_id = mapped.set_index("ActorId")
    assert (by_id.loc[539, "group_id_original"], by_id.loc[539, "group_id"]) == ("gspc", "aqim")
    assert (by_id.loc[1158, "group_id_original"], by_id.loc[1158, "group_id"]) == ("mnla", "cma")
    assert by_id.loc[3481, "group_id"] == "al-mulathamun"  # via the alias Signed-in-Blood
    assert by_id.loc[937, "group_id"] is None  # Tuareg (an ethnic actor) is no curated group
    assert by_id.loc[72, "group_id"] is None


def test_relations_in_curated_vocabulary(relations):
    found = set(
        zip(relations["group_id"], relations["relation"], relations["other_group_id"], strict=True)
    )
    assert found == {
        ("gspc", "split_from", "gia"),  # GIA (538) is found in the full file, not only Mali
        ("gspc", "renamed_to", "aqim"),
        ("ansar-dine", "merged_into", "jnim"),
        ("mnla", "renamed_to", "cma"),
        ("mujao", "split_from", "aqim"),  # AQIM, not GSPC: MUJAO was founded in 2011
        ("mujao", "merged_into", "al-mourabitoun"),
        ("al-mulathamun", "split_from", "aqim"),
        ("al-mulathamun", "merged_into", "al-mourabitoun"),
        ("al-mourabitoun", "joined", "aqim"),
        ("flm", "split_from", "ansar-dine"),
        ("flm", "joined", "ansar-dine"),
        ("flm", "joined", "jnim"),
        ("msa", "split_from", "mnla"),  # both names active in 2016: the first one
    }


def test_other_actor_is_looked_up_where_told(mapped, names):
    spans = lineage.group_spans(LIN).set_index("group_id")
    only_mali = ucdp.in_country(mapped)
    rel = actor_match.ucdp_relations(only_mali, names, spans=spans)
    gia = rel[(rel["group_id"] == "gspc") & (rel["relation"] == "split_from")]
    # GIA is not among the Mali actors; its name still resolves through the aliases.
    assert gia["other_group_id"].tolist() == ["gia"]
    assert gia["other_actor_id"].tolist() == [538]
    assert gia["other_name"].tolist() == ["GIA"]


def test_compare_with_curated_lineage(relations, mapped):
    coded = set(mapped["group_id"].dropna()) | set(mapped["group_id_original"].dropna())
    table = actor_match.compare_lineage(load_lineage(CURATED), relations, coded)
    rows = {
        (r.status, r.group_id, r.curated, r.ucdp, r.other_group_id)
        for r in table.itertuples(index=False)
    }
    assert rows == {
        ("both", "gspc", "renamed_to", "renamed_to", "aqim"),
        ("both", "mujao", "split_from", "split_from", "aqim"),
        ("both", "al-mulathamun", "split_from", "split_from", "aqim"),
        ("both", "mujao", "merged_into", "merged_into", "al-mourabitoun"),
        ("both", "al-mulathamun", "merged_into", "merged_into", "al-mourabitoun"),
        ("both", "al-mourabitoun", "joined", "joined", "aqim"),
        ("both", "ansar-dine", "merged_into", "merged_into", "jnim"),
        ("disagree", "flm", "allied_with", "split_from", "ansar-dine"),
        ("disagree", "flm", "allied_with", "joined", "ansar-dine"),
        ("disagree", "flm", "merged_into", "joined", "jnim"),
        ("disagree", "mnla", "joined", "renamed_to", "cma"),
        ("only UCDP", "msa", "", "split_from", "mnla"),
        ("only curated", "al-mourabitoun", "merged_into", "", "jnim"),
        ("both", "gspc", "split_from", "split_from", "gia"),
        ("only curated", "isgs", "split_from", "", "al-mourabitoun"),
    }
    by_key = table.set_index(["group_id", "curated", "other_group_id"])
    assert by_key.loc[("isgs", "split_from", "al-mourabitoun"), "comparable"] == False  # noqa: E712
    assert (
        "UCDP has no actor for isgs"
        in by_key.loc[("isgs", "split_from", "al-mourabitoun"), "detail"]
    )
    assert by_key.loc[("al-mourabitoun", "merged_into", "jnim"), "comparable"] == True  # noqa: E712
    disagree = table[table["status"] == "disagree"].set_index("group_id")
    assert "curated: mnla joined cma (lineage row 17)" in disagree.loc["mnla", "detail"]


def test_alias_gaps(mapped, names):
    gaps = actor_match.alias_gaps(mapped, names)
    assert (
        actor_match.AliasGap(6716, "Group for the Support of Islam and Muslims", "jnim", None)
        in gaps
    )
    assert actor_match.AliasGap(4376, "The Sentinel", "al-mourabitoun", None) in gaps
    assert all(g.actor_id not in (6, 72, 937) for g in gaps)  # unmapped actors are not gaps
    assert not any(g.name in ("GSPC", "AQIM", "MNLA", "CMA") for g in gaps)


def test_dyad_deaths_name_the_group_of_each_year(mapped, names):
    brd = pd.DataFrame(
        {
            "year": [2012, 2015, 2013, 2013],
            "dyad_id": ["11985", "11985", "12571", "12575"],
            "side_a": ["Government of Mali"] * 4,
            "side_b": ["CMA", "CMA", "MUJAO", "AQIM"],
            "group_ids": [["cma"], ["cma"], ["mujao"], ["aqim"]],
            "deaths_best": [131, 54, 333, 305],
            "deaths_low": [126, 53, 333, 305],
            "deaths_high": [309, 72, 362, 378],
            "battle_countries": [1, 1, 2, 1],
        }
    )
    spans = lineage.group_spans(LIN).set_index("group_id")
    out = actor_match.dyad_deaths(brd, mapped, spans, names)
    cma = out[out["dyad_id"] == "11985"].set_index("year")
    # UCDP's 'CMA' is one actor first named MNLA: the coalition existed only from June 2014.
    assert cma["group_id"].to_dict() == {2012: "mnla", 2015: "cma"}
    assert set(cma["dyad_label"]) == {"Mali – MNLA / CMA"}
    assert out.set_index("dyad_id").loc["12575", "affiliation"] == "al-Qaeda"
    without_actors = actor_match.dyad_deaths(brd, None, spans, names)
    assert without_actors.set_index("year").loc[2012, "group_id"] == "cma"


# --- the real UCDP actor file (skipped where ../shared/data is absent) -----------------------


def test_reader_records_its_origin_with_the_version_of_the_file_name(tmp_path):
    path = tmp_path / "ucdp-actor-221.csv"
    path.write_bytes(ACTORS.read_bytes())
    log = origins.start_log()
    actors = ucdp.load_actors(path)
    (origin,) = list(log)
    assert (origin.dataset, origin.version, origin.rows) == ("ucdp-actor", "22.1", 13)
    assert actors.attrs["version"] == "22.1"
    ucdp.load_actors(ACTORS)  # a name that states no version records none
    assert list(log)[-1].version == ""


def test_cross_check_on_the_fixture():
    check = actor_match.cross_check(ucdp.load_actors(ACTORS), LIN, "Mali")
    assert len(check.actors) == 13 and len(check.local) == 11
    statuses = check.comparison["status"].value_counts().to_dict()
    # as test_compare_with_curated_lineage: 8 both, 4 disagree, 1 only UCDP, 2 only curated
    assert statuses == {"both": 8, "disagree": 4, "only UCDP": 1, "only curated": 2}


@pytest.fixture(scope="module")
def real_names() -> AliasResolver:
    return AliasResolver(load_groups())


@pytest.fixture(scope="module")
def real_cross_check():
    path = shared_file("ucdp_actors_v22_1", "ucdp-actor-221.csv")
    return actor_match.cross_check(ucdp.load_actors(path), lineage.from_snapshot(load_snapshot()))


def test_real_file_loads_and_maps(real_names):
    actors = ucdp.load_actors(shared_file("ucdp_actors_v22_1", "ucdp-actor-221.csv"))
    assert len(actors) == 1725  # as PROVENANCE.md states
    assert len(ucdp.in_country(actors, "Mali")) == 104  # the Mali-related subset's rows
    mapped = actor_match.map_actors(ucdp.in_country(actors, "Mali"), real_names)
    by_id = mapped.set_index("ActorId")
    for actor_id, group in [(6716, "jnim"), (1157, "ansar-dine"), (1161, "mujao"), (6267, "flm")]:
        assert by_id.loc[actor_id, "group_id"] == group
    assert (by_id.loc[539, "group_id_original"], by_id.loc[539, "group_id"]) == ("gspc", "aqim")
    # Every name of every Mali actor that is a curated group resolves to that group.
    assert actor_match.alias_gaps(mapped, real_names) == []


def test_real_cross_check(real_cross_check):
    relations, table = real_cross_check.relations, real_cross_check.comparison
    assert len(relations) > 10
    statuses = set(table["status"])
    assert "both" in statuses
    both = set(zip(table["group_id"], table["curated"], table["other_group_id"], strict=True))
    assert ("gspc", "renamed_to", "aqim") in both
    assert ("ansar-dine", "merged_into", "jnim") in both
    # Where UCDP knows both groups, the curated data misses nothing UCDP has ...
    assert table[(table["status"] == "only UCDP") & table["comparable"]].empty
    # ... and every disagreement is recorded in lineage.csv, citing UCDP.
    lineage = load_lineage()
    notes = dict(zip(lineage.attrs["lines"], lineage["notes"].fillna(""), strict=True))
    for _, row in table[table["status"] == "disagree"].iterrows():
        lines = [int(n) for n in str(row["curated_line"]).split(", ")]
        assert any("DISAGREEMENT: ucdp-actor-22.1" in notes[line] for line in lines), (
            row["group_id"],
            row["other_group_id"],
            lines,
        )
