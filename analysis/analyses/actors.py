"""UCDP actors against the curated groups: which group each actor is, missing aliases, lineage agreement."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.analyses.lineage import LineageGraph
from analysis.curated.aliases import AliasResolver
from analysis.sources.ucdp_actors import (
    UCDP_RELATIONS,
    in_country,
    intermediate_names,
    latest_names,
    original_names,
    split_cell,
)


def _first_match(names: list[str], names_to_ids: AliasResolver) -> tuple[str | None, str | None]:
    for name in names:
        found = names_to_ids.get(name)
        if found:
            return found, name
    return None, None


def map_actors(actors: pd.DataFrame, names: AliasResolver) -> pd.DataFrame:
    """Add group ids: ``group_id`` (by the latest name), ``group_id_original`` (by the first).

    An actor that never changed its name gets the same id in both. ``matched_name`` is the
    name that resolved. Actors with no curated group keep None.
    """
    latest, original, matched = [], [], []
    for _, actor in actors.iterrows():
        late_id, late_name = _first_match(latest_names(actor), names)
        first_id, first_name = _first_match(original_names(actor), names)
        if late_id is None and first_id is not None and actor["NameChange"]:
            # The later name is not a curated group of its own: the group kept its identity.
            late_id, late_name = first_id, first_name
        if first_id is None:
            first_id = late_id
        latest.append(late_id)
        original.append(first_id)
        matched.append(late_name or first_name)
    return actors.assign(
        group_id=pd.Series(latest, index=actors.index, dtype=object),
        group_id_original=pd.Series(original, index=actors.index, dtype=object),
        matched_name=pd.Series(matched, index=actors.index, dtype=object),
    )


def _gid(value: object) -> str | None:
    """A group id cell as str or None (pandas may hold a missing id as NaN)."""
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class AliasGap:
    """A UCDP name of a mapped actor that does not resolve to the actor's curated group."""

    actor_id: int
    name: str
    expected_group: str
    resolves_to: str | None


def alias_gaps(
    mapped: pd.DataFrame, names: AliasResolver, intermediate: bool = False
) -> list[AliasGap]:
    """Every name of a mapped actor that fails to resolve to its group (for groups.csv aliases).

    First names should resolve to ``group_id_original``, last names to ``group_id``. With
    ``intermediate=True`` also the names in between (e.g. ISI and ISIS for UCDP's IS actor).
    """
    gaps = []
    for _, actor in mapped.iterrows():
        if _gid(actor["group_id"]) is None:
            continue
        expected = [(n, actor["group_id_original"]) for n in original_names(actor)]
        expected += [(n, actor["group_id"]) for n in latest_names(actor)]
        if intermediate:
            expected += [(n, actor["group_id"]) for n in intermediate_names(actor)]
        for name, group in dict.fromkeys(expected):
            found = names.get(name)
            if found != group:
                gaps.append(AliasGap(int(actor["ActorId"]), name, group, found))
    return gaps


def _active(gid: str, when: pd.Timestamp, spans: pd.DataFrame | None) -> bool:
    if spans is None or gid not in spans.index or pd.isna(when):
        return False
    span = spans.loc[gid]
    started = pd.notna(span["start"]) and span["start"] <= when
    running = pd.isna(span["end_last_day"]) or span["end_last_day"] >= when
    return bool(started and running)


def _pick(candidates: list[str], when: pd.Timestamp, spans: pd.DataFrame | None) -> str | None:
    """The candidate active at `when` (the first one when several or none are)."""
    candidates = [c for c in dict.fromkeys(candidates) if c]
    if not candidates:
        return None
    active = [c for c in candidates if _active(c, when, spans)]
    return (active or candidates)[0]


def ucdp_relations(
    mapped: pd.DataFrame,
    names: AliasResolver,
    all_actors: pd.DataFrame | None = None,
    spans: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Lineage relations coded by UCDP for the mapped actors, in the curated vocabulary.

    ``all_actors`` (mapped too) is where the *other* actor of a relation is looked up (default:
    ``mapped``); ``spans`` is lineage.group_spans() indexed by group_id, used to choose between
    an actor's two names (without it, the first name is taken). Columns: actor_id, actor_name,
    ucdp_field, relation, other_actor_id, other_name, group_id, other_group_id,
    group_candidates, other_candidates.
    """
    others = (all_actors if all_actors is not None else mapped).set_index("ActorId")
    rows = []

    def other_candidates(actor_id: str, name: str) -> tuple[list[str], str]:
        if actor_id.isdigit() and int(actor_id) in others.index:
            other = others.loc[int(actor_id)]
            return [_gid(other["group_id_original"]), _gid(other["group_id"])], other["NameData"]
        found = names.get(name)
        return ([found] if found else []), name

    for _, actor in mapped.iterrows():
        first, last = _gid(actor["group_id_original"]), _gid(actor["group_id"])
        if last is None:
            continue
        start = spans.loc[first, "start"] if spans is not None and first in spans.index else None
        end = spans.loc[last, "end"] if spans is not None and last in spans.index else None
        base = {"actor_id": int(actor["ActorId"]), "actor_name": actor["NameData"]}
        if actor["Splinter"]:
            ids = actor["ActorIdPrev_list"] or [""]
            prev_names = split_cell(actor["NamePrev"]) or [""]
            for actor_id, name in zip(
                ids, prev_names + [""] * (len(ids) - len(prev_names)), strict=False
            ):
                cands, other_name = other_candidates(actor_id, name)
                rows.append(
                    {
                        **base,
                        "ucdp_field": "Splinter",
                        "relation": "split_from",
                        "other_actor_id": int(actor_id) if actor_id.isdigit() else None,
                        "other_name": other_name,
                        "group_id": first,
                        "other_group_id": _pick(cands, start, spans),
                        "group_candidates": [g for g in dict.fromkeys([first, last]) if g],
                        "other_candidates": [c for c in dict.fromkeys(cands) if c],
                    }
                )
        for field, relation, id_col, name_col in (
            ("Alliance", "merged_into", "ActorIdAlliance_list", "NameAlliance_list"),
            ("JoinGroup", "joined", "ActorIdGroup_list", "GroupName_list"),
        ):
            if not actor[field]:
                continue
            ids, other_names = actor[id_col], actor[name_col]
            ids = ids + [""] * (len(other_names) - len(ids))
            other_names = other_names + [""] * (len(ids) - len(other_names))
            for actor_id, name in zip(ids, other_names, strict=True):
                cands, other_name = other_candidates(actor_id, name)
                rows.append(
                    {
                        **base,
                        "ucdp_field": field,
                        "relation": relation,
                        "other_actor_id": int(actor_id) if actor_id.isdigit() else None,
                        "other_name": other_name,
                        "group_id": last,
                        "other_group_id": _pick(cands, end, spans),
                        "group_candidates": [g for g in dict.fromkeys([last, first]) if g],
                        "other_candidates": [c for c in dict.fromkeys(cands) if c],
                    }
                )
        if actor["NameChange"]:
            chain = [first] + [names.get(n) for n in intermediate_names(actor)] + [last]
            chain = [g for g in chain if g]
            steps = [(a, b) for a, b in zip(chain, chain[1:], strict=False) if a != b]
            for before, after in dict.fromkeys(steps):
                rows.append(
                    {
                        **base,
                        "ucdp_field": "NameChange",
                        "relation": "renamed_to",
                        "other_actor_id": int(actor["ActorId"]),
                        "other_name": actor["NameData"],
                        "group_id": before,
                        "other_group_id": after,
                        "group_candidates": [before],
                        "other_candidates": [after],
                    }
                )
    columns = [
        "actor_id",
        "actor_name",
        "ucdp_field",
        "relation",
        "other_actor_id",
        "other_name",
        "group_id",
        "other_group_id",
        "group_candidates",
        "other_candidates",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["other_actor_id"] = frame["other_actor_id"].astype("Int64")
    return frame


STATUSES: tuple[str, ...] = ("both", "disagree", "only curated", "only UCDP")


def compare_lineage(
    curated: pd.DataFrame, ucdp: pd.DataFrame, ucdp_groups: set[str] | None = None
) -> pd.DataFrame:
    """Curated lineage against UCDP's: relations both have, only one has, or that disagree.

    ``curated`` is tables.load_lineage(); ``ucdp`` is ucdp_relations(). Only the relations UCDP
    codes (split_from, merged_into, renamed_to, joined) are compared. A UCDP relation with no
    exact curated match *disagrees* when the curated data relates the same two groups in
    another way (other type or direction, allied_with or pledged_to included). ``comparable``
    says whether UCDP has an actor for both groups (``ucdp_groups``, the mapped group ids);
    an "only curated" relation that is not comparable is outside UCDP's coverage, not a miss.
    Columns: status, group_id, curated, ucdp, other_group_id, date, curated_line,
    curated_sources, ucdp_actor, comparable, detail.
    """
    curated_rows = []
    for line, (_, row) in zip(curated.attrs.get("lines", []), curated.iterrows(), strict=False):
        if row["relation"] == "designated_by":
            continue
        for other in row["other_group_id"]:
            curated_rows.append(
                {
                    "group_id": row["group_id"],
                    "relation": row["relation"],
                    "other": other,
                    "date": row["date"],
                    "date_precision": row["date_precision"],
                    "line": line,
                    "sources": ", ".join(row["sources"]),
                }
            )
    by_pair: dict[frozenset[str], list[dict]] = {}
    for item in curated_rows:
        by_pair.setdefault(frozenset((item["group_id"], item["other"])), []).append(item)
    if ucdp_groups is None:
        ucdp_groups = {g for cands in ucdp["group_candidates"] for g in cands}
        ucdp_groups |= {g for cands in ucdp["other_candidates"] for g in cands}

    matched_curated: set[int] = set()
    out = []
    for _, rel in ucdp.iterrows():
        if _gid(rel["group_id"]) is None or _gid(rel["other_group_id"]) is None:
            continue  # a UCDP relation to an actor that is no curated group
        exact = [
            (i, c)
            for i, c in enumerate(curated_rows)
            if c["relation"] == rel["relation"]
            and c["group_id"] in rel["group_candidates"]
            and c["other"] in rel["other_candidates"]
        ]
        ucdp_text = f"{rel['actor_name']} ({rel['actor_id']}): {rel['ucdp_field']}"
        if exact:
            index, item = exact[0]
            matched_curated.update(i for i, _ in exact)
            out.append(_row("both", item, rel["relation"], ucdp_text, True, ""))
            continue
        pairs = {
            frozenset((g, o)) for g in rel["group_candidates"] for o in rel["other_candidates"]
        }
        related = [c for pair in pairs for c in by_pair.get(pair, [])]
        if related:
            for c in related:
                matched_curated.add(curated_rows.index(c))
            told = "; ".join(
                f"{c['group_id']} {c['relation']} {c['other']} (lineage row {c['line']})"
                for c in related
            )
            item = {
                "group_id": rel["group_id"],
                "relation": "",
                "other": rel["other_group_id"],
                "date": pd.NaT,
                "line": None,
                "sources": "",
            }
            detail = (
                f"UCDP: {rel['group_id']} {rel['relation']} {rel['other_group_id']}; "
                f"curated: {told}"
            )
            item["relation"] = ", ".join(dict.fromkeys(c["relation"] for c in related))
            item["line"] = ", ".join(str(c["line"]) for c in related)
            item["sources"] = "; ".join(dict.fromkeys(c["sources"] for c in related))
            item["date"] = related[0]["date"]
            out.append(_row("disagree", item, rel["relation"], ucdp_text, True, detail))
            continue
        item = {
            "group_id": rel["group_id"],
            "relation": "",
            "other": rel["other_group_id"],
            "date": pd.NaT,
            "line": None,
            "sources": "",
        }
        out.append(_row("only UCDP", item, rel["relation"], ucdp_text, True, ""))
    for index, item in enumerate(curated_rows):
        if index in matched_curated or item["relation"] not in UCDP_RELATIONS:
            continue
        coded = item["group_id"] in ucdp_groups and item["other"] in ucdp_groups
        missing = [g for g in (item["group_id"], item["other"]) if g not in ucdp_groups]
        detail = "" if coded else f"UCDP has no actor for {', '.join(missing)}"
        out.append(_row("only curated", item, "", "", coded, detail))
    frame = pd.DataFrame(
        out,
        columns=[
            "status",
            "group_id",
            "curated",
            "ucdp",
            "other_group_id",
            "date",
            "curated_line",
            "curated_sources",
            "ucdp_actor",
            "comparable",
            "detail",
        ],
    )
    frame["status"] = pd.Categorical(frame["status"], categories=list(STATUSES), ordered=True)
    frame = frame.drop_duplicates(
        subset=["status", "group_id", "curated", "ucdp", "other_group_id"]
    )
    return frame.sort_values(["status", "group_id", "other_group_id"]).reset_index(drop=True)


def _row(
    status: str, item: dict, ucdp_relation: str, ucdp_text: str, comparable: bool, detail: str
):
    return {
        "status": status,
        "group_id": item["group_id"],
        "curated": item["relation"],
        "ucdp": ucdp_relation,
        "other_group_id": item["other"],
        "date": item["date"],
        "curated_line": item["line"],
        "curated_sources": item["sources"],
        "ucdp_actor": ucdp_text,
        "comparable": comparable,
        "detail": detail,
    }


@dataclass(frozen=True)
class CrossCheck:
    """UCDP's actors against the curated lineage: every actor mapped to a group (``actors``),
    the country's actors (``local``), the relations UCDP codes for them, and the comparison."""

    actors: pd.DataFrame
    local: pd.DataFrame
    relations: pd.DataFrame
    comparison: pd.DataFrame


def cross_check(actors: pd.DataFrame, lin: LineageGraph, country: str = "Mali") -> CrossCheck:
    """Map UCDP's actors (ucdp_actors.load_actors()) to groups, keep the country's, and compare
    the relations UCDP codes for them with the curated lineage of ``lin``."""
    names = lin.resolver
    mapped = map_actors(actors, names)
    local = in_country(mapped, country)
    spans = lin.spans.set_index("group_id")
    relations = ucdp_relations(local, names, all_actors=mapped, spans=spans)
    ucdp_groups = set(local["group_id"].dropna()) | set(local["group_id_original"].dropna())
    comparison = compare_lineage(lin.relations, relations, ucdp_groups)
    return CrossCheck(mapped, local, relations, comparison)


def dyad_deaths(
    brd: pd.DataFrame,
    actors: pd.DataFrame | None,
    spans: pd.DataFrame | None,
    names: AliasResolver,
) -> pd.DataFrame:
    """BRD dyad-years with the rebel side mapped to a group id *for that year*.

    `brd` is the ucdp-brd annual table (tables.events.load); `actors` is map_actors() of the
    UCDP actor file, so that a renamed actor maps to the name it had that year (UCDP's 'CMA' is the MNLA
    in 2012, its 'AQIM' the GSPC in 2005). Without `actors`, the loader's group_ids are used.
    `spans` is lineage.group_spans() indexed by group_id (None: the first name is taken).
    Adds: group_id, group_label, affiliation, government, dyad_label ('Mali – MNLA / CMA').
    """
    by_name = {}
    if actors is not None:
        for _, actor in actors.iterrows():
            by_name.setdefault(actor["NameData"], actor)
    group_ids, labels, affiliations = [], [], []
    for _, row in brd.iterrows():
        actor = by_name.get(row["side_b"])
        if actor is not None:
            # The later name first: a year when both are active belongs to the later actor.
            candidates = [_gid(actor["group_id"]), _gid(actor["group_id_original"])]
        else:
            candidates = [g for g in row["group_ids"] if g != names.get(row["side_a"])]
        mid_year = pd.Timestamp(int(row["year"]), 7, 1)
        gid = _pick(candidates, mid_year, spans)
        group_ids.append(gid)
        known = spans is not None and gid in spans.index
        labels.append(spans.loc[gid, "label"] if known else row["side_b"])
        affiliations.append(spans.loc[gid, "affiliation"] if known else "none")
    frame = brd.assign(
        group_id=pd.Series(group_ids, index=brd.index, dtype=object),
        group_label=labels,
        affiliation=affiliations,
        government=brd["side_a"].str.replace("Government of ", "", regex=False),
    )
    frame = frame.sort_values(["dyad_id", "year"])
    joined = frame.groupby("dyad_id", sort=False)["group_label"].agg(
        lambda s: " / ".join(dict.fromkeys(s))
    )
    frame["dyad_label"] = frame["government"] + " – " + frame["dyad_id"].map(joined)
    latest = frame.groupby("dyad_id")["affiliation"].agg("last")
    frame["affiliation"] = frame["dyad_id"].map(latest)
    return frame.reset_index(drop=True)
