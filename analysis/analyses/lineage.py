"""Group lineage: a graph of armed groups with typed, dated relations from lineage.csv.

Which relations make one group an *ancestor* of another (the direction is that of the arrow
"fighters, leaders or name passed from ancestor to descendant"):

=============  ============================  ================================================
relation       row ``A relation B`` means    ancestry edge
=============  ============================  ================================================
split_from     A broke away from B           B -> A  (B is an ancestor of A)
merged_into    A ceased, merging into B      A -> B  (A is an ancestor of B)
renamed_to     A took the name B             A -> B
joined         A (or its fighters) joined B  A -> B
allied_with    alliance; both continue       none
pledged_to     allegiance; both continue     none (shown as an affiliation instead)
designated_by  a state or body listed A      none (not a group relation)
=============  ============================  ================================================

So JNIM's ancestors are the groups that merged into it, what they split from, and so on back:
AQIM through MUJAO and al-Mulathamun, GSPC through its renaming to AQIM. ``joined`` may close
a loop (al-Mourabitoun split from AQIM's orbit and later rejoined it); loops are allowed for it,
and a group is never listed as its own ancestor. A row's ``branch`` names the part of the group
it concerns when not the whole group (AQIM's Sahara branch joined JNIM; AQIM lived on).

When a group was active (``group_spans``): from its founding to the earliest of its groups.csv
end and the day a lineage row says it merged into another group or took another name (the whole
group: a row with a branch does not end it); a coalition with no end of its own ends when every
group that joined it has ended. Where a group operates (``country_groups``): the countries
groups.csv gives it (none given: Mali) and those where events.csv records it as a perpetrator.

Every function takes a ``LineageGraph``, built once from the groups and lineage tables (a run's
curated snapshot: ``from_snapshot(ctx.curated)``), and accepts any alias of a group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import networkx as nx
import pandas as pd

from analysis.core.dates import human_date, period_end
from analysis.core.text import alias_key
from analysis.core.vocab import AFFILIATIONS
from analysis.curated.aliases import AliasResolver
from analysis.curated.snapshot import CuratedSnapshot

#: Relation -> True when the ancestry edge runs group -> other, False when other -> group.
ANCESTRY_RELATIONS: dict[str, bool] = {
    "split_from": False,
    "merged_into": True,
    "renamed_to": True,
    "joined": True,
}
#: Relations through which a group takes on the affiliation of the other group.
AFFILIATING_RELATIONS: tuple[str, ...] = ("pledged_to", "joined", "merged_into", "renamed_to")
#: Relations after which the group they are about no longer exists as such (when the row
#: concerns the whole group, not a branch), in the words a reader sees.
ENDING_RELATIONS: dict[str, str] = {"merged_into": "merged into", "renamed_to": "took the name"}
#: The country of a group whose groups.csv row gives none: the table's groups were Mali's.
DEFAULT_COUNTRY = "Mali"
#: The kind of group that ends when every group that joined it has ended.
COALITION_KIND = "coalition"
#: Family names accepted by family(), by alias key, mapped to the groups.csv affiliation.
FAMILY_NAMES: dict[str, str] = {
    **{alias_key(a): a for a in AFFILIATIONS},
    "alqaida": "al-Qaeda",
    "alqaeda": "al-Qaeda",
    "aq": "al-Qaeda",
    "qaeda": "al-Qaeda",
    "is": "Islamic State",
    "isis": "Islamic State",
    "daesh": "Islamic State",
    "separatist": "separatist coalition",
    "separatists": "separatist coalition",
    "separatistmovements": "separatist coalition",
    "progovernment": "pro-government coalition",
    "progovernmentmilitias": "pro-government coalition",
}


# ---------------------------------------------------------------------------------------------
# Graph


@dataclass(frozen=True)
class LineageGraph:
    """The groups and their relations, built once: every function below reads it, none
    changes it. ``groups`` and ``relations`` are the groups.csv and lineage.csv tables (with
    their ``attrs`` path and line numbers); ``graph`` has one node per group and one edge per
    relation row and other group (designations excluded); ``ancestry`` runs ancestor ->
    descendant; ``spans`` is group_spans()."""

    groups: pd.DataFrame = field(repr=False)
    relations: pd.DataFrame = field(repr=False)
    resolver: AliasResolver = field(repr=False)
    graph: nx.MultiDiGraph = field(repr=False)
    ancestry: nx.DiGraph = field(repr=False)
    spans: pd.DataFrame = field(repr=False)

    def id(self, group: str) -> str:
        """The group id of any alias; raises UnknownGroupError with suggestions."""
        return self.resolver.resolve(group)

    def node(self, group_id: str) -> dict:
        """The groups.csv row of a group id, as the graph holds it."""
        return self.graph.nodes[group_id]


def lineage_graph(
    groups: pd.DataFrame, relations: pd.DataFrame, resolver: AliasResolver | None = None
) -> LineageGraph:
    """Build the graph from the groups and lineage tables (curated.tables / the snapshot)."""
    graph = _build_graph(groups, relations)
    ancestry = _ancestry(graph)
    spans = _spans(graph, relations)
    return LineageGraph(
        groups=groups,
        relations=relations,
        resolver=resolver or AliasResolver(groups),
        graph=graph,
        ancestry=ancestry,
        spans=spans,
    )


def from_snapshot(curated: CuratedSnapshot) -> LineageGraph:
    """The lineage graph of a run's curated snapshot (``ctx.curated``)."""
    return lineage_graph(curated.groups, curated.lineage, curated.resolver)


def _build_graph(groups: pd.DataFrame, lineage: pd.DataFrame) -> nx.MultiDiGraph:
    """All groups as nodes; one edge group -> other per lineage row (designations excluded).

    Node attributes are the groups.csv columns; edge attributes are relation, date,
    date_precision, description, sources, notes, branch (None: the whole group) and line (in
    lineage.csv).
    """
    graph = nx.MultiDiGraph()
    for _, row in groups.iterrows():
        graph.add_node(row["group_id"], **{c: row[c] for c in groups.columns})
    for line, (_, row) in zip(lineage.attrs["lines"], lineage.iterrows(), strict=True):
        if row["relation"] == "designated_by":
            continue
        for other in row["other_group_id"]:
            graph.add_edge(
                row["group_id"],
                other,
                key=f"{row['relation']}:{line}",
                relation=row["relation"],
                date=row["date"],
                date_precision=row["date_precision"],
                description=row["description"],
                sources=list(row["sources"]),
                notes=row["notes"],
                branch=_branch(row),
                line=line,
            )
    return graph


def _branch(row: pd.Series) -> str | None:
    """The part of the group a lineage row concerns (None: the whole group, or a table from
    before the column)."""
    value = row.get("branch")
    return value if isinstance(value, str) and value.strip() else None


def _ancestry(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Directed graph ancestor -> descendant, from the ancestry relations (see module doc)."""
    ancestry = nx.DiGraph()
    ancestry.add_nodes_from(graph.nodes(data=True))
    for group, other, data in graph.edges(data=True):
        forward = ANCESTRY_RELATIONS.get(data["relation"])
        if forward is None:
            continue
        parent, child = (group, other) if forward else (other, group)
        ancestry.add_edge(parent, child, relation=data["relation"], date=data["date"])
    return ancestry


def _founding_key(node: dict) -> tuple[bool, pd.Timestamp]:
    """Sorts groups by founding, undated last."""
    founded = node.get("founded")
    known = founded is not None and pd.notna(founded)
    return (not known, founded if known else pd.Timestamp.max)


def _by_founding(lin: LineageGraph, ids: Iterable[str]) -> list[str]:
    """Group ids in order of founding (undated last), then id."""
    return sorted(ids, key=lambda gid: (*_founding_key(lin.graph.nodes[gid]), gid))


def ancestors(lin: LineageGraph, group: str) -> list[str]:
    """Every group this one descends from (splits, mergers, renamings, joins), by founding."""
    gid = lin.id(group)
    return _by_founding(lin, nx.ancestors(lin.ancestry, gid) - {gid})


def descendants(lin: LineageGraph, group: str) -> list[str]:
    """Every group that descends from this one, by founding."""
    gid = lin.id(group)
    return _by_founding(lin, nx.descendants(lin.ancestry, gid) - {gid})


def related_groups(lin: LineageGraph, groups: Sequence[str]) -> list[str]:
    """The given groups with all their ancestors and descendants (a notebook's focus set)."""
    chosen: set[str] = set()
    for group in groups:
        gid = lin.id(group)
        chosen |= {gid, *ancestors(lin, gid), *descendants(lin, gid)}
    return _by_founding(lin, chosen)


# ---------------------------------------------------------------------------------------------
# Spans: when each group was active


def group_spans(lin: LineageGraph) -> pd.DataFrame:
    """A copy of the graph's spans (see _spans)."""
    return lin.spans.copy()


def _spans(graph: nx.MultiDiGraph, relations: pd.DataFrame) -> pd.DataFrame:
    """One row per group: when it started and ended, where each date comes from, and when the
    sources first mention it.

    ``start`` is the founding date in groups.csv, else the date of the group's split_from row
    (a split is a founding); ``end`` is the earliest of the groups.csv end date and the date of
    a merged_into or renamed_to row about the whole group (the lineage says it ceased: the FLM
    merged into JNIM although groups.csv gives it no end), and for a coalition with neither,
    the day the last group that joined it ended (_ends). ``end_from`` says where the end comes
    from, ``end_how`` says it in words when lineage.csv gave it ('merged into JNIM').
    Dates are the first day of their period; ``end_last_day`` is the last day of the end
    period (a group that ended in 2013-08 was active until 31 August 2013). ``first_seen`` is
    the earliest dated lineage row naming the group on either side (designations included):
    a lower bound where the founding date is unknown, drawn as such in the timeline.
    """
    mentions = _first_mentions(relations)
    ends = _ends(graph)
    rows = []
    for gid, node in graph.nodes(data=True):
        start, start_precision, start_from = node.get("founded"), node.get("founded_precision"), ""
        if start is not None and pd.notna(start):
            start_from = "groups table: founded"
        else:
            splits = [
                d
                for _, _, d in graph.out_edges(gid, data=True)
                if d["relation"] == "split_from" and pd.notna(d["date"])
            ]
            if splits:
                first = min(splits, key=lambda d: d["date"])
                start, start_precision = first["date"], first["date_precision"]
                start_from = f"lineage row {first['line']} (split)"
            else:
                start, start_precision = pd.NaT, None
        end = ends.get(gid)
        seen, seen_precision = mentions.get(gid, (pd.NaT, None))
        rows.append(
            {
                "group_id": gid,
                "name": node["name"],
                "label": short_name(node),
                "kind": node["kind"],
                "affiliation": node["affiliation"],
                "start": start,
                "start_precision": start_precision,
                "start_from": start_from,
                "end": end.date if end else pd.NaT,
                "end_precision": end.precision if end else None,
                "end_last_day": end.last_day if end else pd.NaT,
                "end_from": end.source if end else "",
                "end_how": end.how if end else "",
                "first_seen": seen,
                "first_seen_precision": seen_precision,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("start", "end", "end_last_day", "first_seen"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame.sort_values(["start", "group_id"], na_position="last").reset_index(drop=True)


@dataclass(frozen=True)
class _End:
    """When a group ceased to exist: the date at its precision, the period's last day, where
    the date comes from, and (from lineage.csv) how it ended in words."""

    date: pd.Timestamp
    precision: str
    last_day: pd.Timestamp
    source: str
    how: str = ""


def _last_day(value: pd.Timestamp, precision: str) -> pd.Timestamp:
    return pd.Timestamp(period_end(value.date(), precision))


def _ends(graph: nx.MultiDiGraph) -> dict[str, _End]:
    """Each group's end (groups without one are left out): its own (_own_end), then for a
    coalition with none, the end of the last group that joined it once every such group has
    ended (repeated, since a coalition may have joined another)."""
    ends = {gid: end for gid, node in graph.nodes(data=True) if (end := _own_end(graph, gid, node))}
    pending = sorted(
        gid for gid, node in graph.nodes(data=True)
        if node["kind"] == COALITION_KIND and gid not in ends
    )  # fmt: skip
    while True:
        ended = {}
        for gid in pending:
            joins = [
                (m, d) for m, _, d in graph.in_edges(gid, data=True) if d["relation"] == "joined"
            ]
            # A coalition whose members are unknown, or where only a branch of one joined (the
            # branch's end is not recorded), is not ended by this rule.
            if not joins or any(d["branch"] or m not in ends for m, d in joins):
                continue
            members = sorted({m for m, _ in joins}, key=lambda m: (ends[m].last_day, m))
            last = ends[members[-1]]
            lines = ", ".join(str(line) for line in sorted({d["line"] for _, d in joins}))
            by_founding = sorted(members, key=lambda m: (_founding_key(graph.nodes[m]), m))
            names = _and([short_name(graph.nodes[m]) for m in by_founding])
            ended[gid] = _End(
                last.date,
                last.precision,
                last.last_day,
                f"lineage rows {lines}",
                f"every group that joined it had ended: {names}",
            )
        if not ended:
            return ends
        ends.update(ended)
        pending = [gid for gid in pending if gid not in ended]


def _own_end(graph: nx.MultiDiGraph, gid: str, node: dict) -> _End | None:
    """The earliest of the groups.csv end and the dates of merged_into / renamed_to rows about
    the whole group; on a tie, the groups.csv date the curators set."""
    candidates = []
    ended = node.get("ended")
    if ended is not None and pd.notna(ended):
        precision = node["ended_precision"]
        candidates.append(
            _End(ended, precision, _last_day(ended, precision), "groups table: ended")
        )
    for _, other, data in graph.out_edges(gid, data=True):
        words = ENDING_RELATIONS.get(data["relation"])
        if words is None or data["branch"] or pd.isna(data["date"]):
            continue
        candidates.append(
            _End(
                data["date"],
                data["date_precision"],
                _last_day(data["date"], data["date_precision"]),
                f"lineage row {data['line']}",
                f"{words} {short_name(graph.nodes[other])}",
            )
        )
    return min(candidates, key=lambda end: end.last_day) if candidates else None


def _first_mentions(lineage: pd.DataFrame) -> dict[str, tuple[pd.Timestamp, str]]:
    """Earliest dated lineage row per group (either side), with its precision."""
    first: dict[str, tuple[pd.Timestamp, str]] = {}
    for _, row in lineage.sort_values("date").iterrows():
        if pd.isna(row["date"]):
            continue
        for gid in [row["group_id"], *row["other_group_id"]]:
            first.setdefault(gid, (row["date"], row["date_precision"]))
    return first


#: Names longer than this are shown by their acronym in charts and short prose.
LABEL_MAX_CHARS = 24


def short_name(node: dict | pd.Series) -> str:
    """The label a chart shows: the name, or its acronym when the name is long."""
    name = str(node["name"])
    acronym = node.get("acronym")
    if len(name) > LABEL_MAX_CHARS and isinstance(acronym, str) and acronym.strip():
        return acronym.strip()
    return name


def undated_groups(lin: LineageGraph) -> list[str]:
    """Groups with no founding (or split) date in the curated data: not counted as active."""
    spans = lin.spans
    return sorted(spans.loc[spans["start"].isna(), "group_id"])


def active_groups(lin: LineageGraph, on: date | str | pd.Timestamp) -> list[str]:
    """Groups active on a date: started on or before it and not ended before it, by founding.

    A founding at month or year precision counts from the first day of that month or year;
    an end counts until the last day of its period. Groups with no known start are left out.
    """
    moment = pd.Timestamp(on)
    spans = lin.spans
    started = spans["start"].notna() & (spans["start"] <= moment)
    running = spans["end_last_day"].isna() | (spans["end_last_day"] >= moment)
    return _by_founding(lin, spans.loc[started & running, "group_id"])


def active_by_year(
    lin: LineageGraph,
    first_year: int,
    last_year: int,
    groups: Sequence[str] | None = None,
    exclude_kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """Count of groups active at any time in each year, by affiliation (rows = years).

    Columns follow AFFILIATIONS (all of them, zero when none), so colours stay stable.
    Groups without a known start (undated_groups) are not counted.
    """
    spans = lin.spans
    if groups is not None:
        wanted = {lin.id(g) for g in groups}
        spans = spans[spans["group_id"].isin(wanted)]
    spans = spans[~spans["kind"].isin(list(exclude_kinds))]
    spans = spans[spans["start"].notna()]
    years = range(first_year, last_year + 1)
    counts = pd.DataFrame(0, index=pd.Index(years, name="year"), columns=list(AFFILIATIONS))
    for _, span in spans.iterrows():
        last = span["end_last_day"].year if pd.notna(span["end_last_day"]) else last_year
        for year in range(max(span["start"].year, first_year), min(last, last_year) + 1):
            counts.loc[year, span["affiliation"]] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# Where each group operates


def group_countries(
    lin: LineageGraph, events: pd.DataFrame | None = None
) -> dict[str, tuple[str, ...]]:
    """The countries where each group operates, by group id: those its groups.csv row gives
    (none given: Mali, DEFAULT_COUNTRY), then those where events.csv records it as a
    perpetrator (a sourced row placing it there), in the order first found."""
    found: dict[str, list[str]] = {}
    for gid, node in lin.graph.nodes(data=True):
        listed = node.get("countries")
        found[gid] = list(listed) if isinstance(listed, list | tuple) and listed else []
        found[gid] = found[gid] or [DEFAULT_COUNTRY]
    if events is not None:
        for country, perpetrators in zip(events["country"], events["perpetrators"], strict=True):
            for gid in perpetrators if isinstance(perpetrators, list | tuple) else ():
                if gid in found and country not in found[gid]:
                    found[gid].append(country)
    return {gid: tuple(countries) for gid, countries in found.items()}


def country_groups(
    lin: LineageGraph, country: str, events: pd.DataFrame | None = None
) -> list[str]:
    """The groups that operate in a country (group_countries), by founding."""
    countries = group_countries(lin, events)
    return _by_founding(lin, [gid for gid, found in countries.items() if country in found])


# ---------------------------------------------------------------------------------------------
# Families and affiliations


def _affiliation(name: str) -> str:
    found = FAMILY_NAMES.get(alias_key(name))
    if found is None:
        raise ValueError(
            f"unknown affiliation '{name}'; use one of: {', '.join(AFFILIATIONS)} "
            "(or al-Qaeda, IS, separatist, pro-government)"
        )
    return found


def family(lin: LineageGraph, affiliation: str, ever: bool = False) -> list[str]:
    """Groups of one family ('al-Qaeda', 'Islamic State', 'separatist'...), by founding.

    A group belongs to a family when groups.csv gives it that affiliation; for 'separatist'
    also when its kind is separatist. With ``ever=True`` also groups that were tied to the
    family at some time (they pledged to, joined or merged into one of its groups).
    """
    wanted = _affiliation(affiliation)
    graph = lin.graph
    members = {
        gid
        for gid, node in graph.nodes(data=True)
        if node["affiliation"] == wanted
        or (wanted == "separatist coalition" and node["kind"] == "separatist")
    }
    if ever:
        for gid in graph.nodes:
            history = affiliation_history(lin, gid)
            if (history["affiliation"] == wanted).any():
                members.add(gid)
    return _by_founding(lin, members)


def affiliation_history(lin: LineageGraph, group: str) -> pd.DataFrame:
    """A group's affiliations over time: each dated tie to a group of an affiliation, then the
    affiliation groups.csv records. Columns: date, date_precision, affiliation, how, sources."""
    gid = lin.id(group)
    graph = lin.graph
    rows = []
    for _, other, data in graph.out_edges(gid, data=True):
        if data["relation"] not in AFFILIATING_RELATIONS:
            continue
        affiliation = graph.nodes[other]["affiliation"]
        if affiliation == "none":
            continue
        rows.append(
            {
                "date": data["date"],
                "date_precision": data["date_precision"],
                "affiliation": affiliation,
                "how": f"{_part(data['branch'])}{data['relation'].replace('_', ' ')} "
                f"{short_name(graph.nodes[other])}",
                "sources": list(data["sources"]),
            }
        )
    rows.sort(key=lambda r: r["date"])
    node = graph.nodes[gid]
    rows.append(
        {
            "date": pd.NaT,
            "date_precision": None,
            "affiliation": node["affiliation"],
            "how": "recorded in groups.csv",
            "sources": list(node["sources"]),
        }
    )
    return pd.DataFrame(rows, columns=["date", "date_precision", "affiliation", "how", "sources"])


# ---------------------------------------------------------------------------------------------
# What happened to a group, and its profile


def _when(value: pd.Timestamp | None, precision: str | None) -> str:
    if value is None or pd.isna(value):
        return ""
    return human_date(value.date(), precision or "day")


def _part(branch: str | None) -> str:
    """'its Sahara branch ' for a relation of a branch, '' for one of the whole group."""
    return f"its {branch} " if branch else ""


def lineage_table(lin: LineageGraph, group: str) -> pd.DataFrame:
    """Chronological list of what happened to a group, with sources.

    Rows: its founding and end (groups.csv), and every lineage row that names it on either
    side, designations included. Columns: date, date_precision, when, relation, group_id,
    branch (the part of the group a row concerns; None: the whole group), other_group_ids,
    description, sources, notes, origin (file and line).
    """
    gid = lin.id(group)
    table = lin.groups
    group_line = dict(zip(table["group_id"], table.attrs["lines"], strict=True))[gid]
    groups = table.set_index("group_id")
    lineage = lin.relations
    node = groups.loc[gid]
    rows = []
    name = short_name(node)
    for kind, column in (("founded", "founded"), ("ended", "ended")):
        value = node[column]
        if pd.notna(value):
            rows.append(
                {
                    "date": value,
                    "date_precision": node[f"{column}_precision"],
                    "relation": kind,
                    "group_id": gid,
                    "branch": None,
                    "other_group_ids": [],
                    "description": f"{name} {'was founded' if kind == 'founded' else 'ended'}.",
                    "sources": list(node["sources"]),
                    "notes": None,
                    "origin": f"{table.attrs['path']}:{group_line}",
                }
            )
    lines = lineage.attrs["lines"]
    for line, (_, row) in zip(lines, lineage.iterrows(), strict=True):
        if row["group_id"] != gid and gid not in row["other_group_id"]:
            continue
        rows.append(
            {
                "date": row["date"],
                "date_precision": row["date_precision"],
                "relation": row["relation"],
                "group_id": row["group_id"],
                "branch": _branch(row),
                "other_group_ids": list(row["other_group_id"]),
                "description": row["description"],
                "sources": list(row["sources"]),
                "notes": row["notes"] if pd.notna(row["notes"]) else None,
                "origin": f"{lineage.attrs['path']}:{line}",
            }
        )
    order = {"founded": 0, "ended": 2}
    rows.sort(key=lambda r: (r["date"], order.get(r["relation"], 1)))
    frame = pd.DataFrame(
        rows,
        columns=[
            "date",
            "date_precision",
            "relation",
            "group_id",
            "branch",
            "other_group_ids",
            "description",
            "sources",
            "notes",
            "origin",
        ],
    )
    frame.insert(
        2,
        "when",
        [_when(d, p) for d, p in zip(frame["date"], frame["date_precision"], strict=True)],
    )
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


@dataclass(frozen=True)
class Strength:
    """An estimate of a group's fighters, with its date and sources."""

    low: int | None
    high: int | None
    as_of: str
    sources: tuple[str, ...]

    def __str__(self) -> str:
        if self.low is not None and self.high is not None and self.low != self.high:
            figure = f"{self.low:,}–{self.high:,}"
        else:
            figure = f"{self.low if self.low is not None else self.high:,}"
        when = f" ({self.as_of})" if self.as_of else ""
        return f"{figure} fighters{when}; {', '.join(self.sources)}"


@dataclass(frozen=True)
class GroupProfile:
    """Everything the curated data says about one group; ``ended`` is the end the reports
    count (group_spans), with how it ended when lineage.csv gives it."""

    group_id: str
    name: str
    acronym: str | None
    aliases: tuple[str, ...]
    kind: str
    affiliation: str
    founded: str
    ended: str
    leaders: tuple[str, ...]
    strength: Strength | None
    affiliations: pd.DataFrame = field(compare=False)
    sources: tuple[str, ...] = ()
    disagreements: tuple[str, ...] = ()

    def affiliations_text(self) -> str:
        """Affiliations over time in words, e.g. 'Islamic State since May 2015 (pledged to IS)'."""
        parts = []
        for _, row in self.affiliations.iterrows():
            if pd.isna(row["date"]):
                continue
            parts.append(
                f"{row['affiliation']} from {_when(row['date'], row['date_precision'])} "
                f"({row['how']})"
            )
        recorded = f"recorded: {self.affiliation}"
        return "; ".join([*parts, recorded])


def profile(lin: LineageGraph, group: str) -> GroupProfile:
    """Names, aliases, founding, leaders, strength (with date and source) and affiliations."""
    gid = lin.id(group)
    groups = lin.groups.set_index("group_id")
    lineage = lin.relations
    row = groups.loc[gid]
    span = lin.spans.set_index("group_id").loc[gid]
    ended = _when(span["end"], span["end_precision"])
    if ended and span["end_how"]:
        ended += f" ({span['end_how']})"
    strength = None
    if pd.notna(row["strength_low"]) or pd.notna(row["strength_high"]):
        as_of = row["strength_as_of"]
        strength = Strength(
            low=int(row["strength_low"]) if pd.notna(row["strength_low"]) else None,
            high=int(row["strength_high"]) if pd.notna(row["strength_high"]) else None,
            as_of=_when(as_of, row.get("strength_as_of_precision")) if pd.notna(as_of) else "",
            sources=tuple(row["sources"]),
        )
    notes = [row["notes"]] if pd.notna(row["notes"]) else []
    mine = lineage[
        (lineage["group_id"] == gid) | lineage["other_group_id"].map(lambda ids: gid in ids)
    ]
    notes += [n for n in mine["notes"].dropna()]
    disagreements = tuple(n for n in notes if "DISAGREEMENT:" in n)
    acronym = row["acronym"] if pd.notna(row["acronym"]) else None
    return GroupProfile(
        group_id=gid,
        name=row["name"],
        acronym=acronym,
        aliases=tuple(row["aliases"]),
        kind=row["kind"],
        affiliation=row["affiliation"],
        founded=_when(row["founded"], row["founded_precision"]),
        ended=ended,
        leaders=tuple(row["leaders"]),
        strength=strength,
        affiliations=affiliation_history(lin, gid),
        sources=tuple(row["sources"]),
        disagreements=disagreements,
    )


def profiles_table(lin: LineageGraph, groups: Sequence[str] | None = None) -> pd.DataFrame:
    """A reader's table of group profiles (all groups when none are given), by founding."""
    ids = (
        _by_founding(lin, {lin.id(g) for g in groups})
        if groups is not None
        else _by_founding(lin, lin.graph.nodes)
    )
    rows = []
    for gid in ids:
        item = profile(lin, gid)
        rows.append(
            {
                "Group": f"{item.name} ({item.acronym})" if item.acronym else item.name,
                "Also known as": ", ".join(item.aliases) or "–",
                "Founded": item.founded or "unknown",
                "Ended": item.ended or "–",
                "Leaders": ", ".join(item.leaders) or "–",
                "Strength": str(item.strength) if item.strength else "no estimate",
                "Affiliation over time": item.affiliations_text(),
                "Sources": ", ".join(item.sources),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Narrative built from the rows


def _names(lin: LineageGraph, ids: Sequence[str]) -> str:
    return _and([lin.graph.nodes[i]["name"] for i in ids])


def _member_names(lin: LineageGraph, members: Sequence[tuple[str, str | None]]) -> str:
    """Groups (or a branch of one: 'the Sahara branch of ...') in order of founding."""
    order = {gid: i for i, gid in enumerate(_by_founding(lin, {gid for gid, _ in members}))}
    ranked = sorted(members, key=lambda member: (order[member[0]], member[1] or ""))
    return _and(
        [
            f"the {branch} of {lin.graph.nodes[gid]['name']}"
            if branch
            else lin.graph.nodes[gid]["name"]
            for gid, branch in ranked
        ]
    )


def formation_sentence(lin: LineageGraph, group: str) -> str:
    """How a group came to be, in one sentence built from its founding and lineage rows.

    Uses the rows dated on its founding: groups that merged into it or joined it (a branch
    named as such: 'the Sahara branch of AQIM'), the group it was renamed from, the group it
    split from then, and a pledge made at founding; cites the sources of those rows (of the
    groups.csv row when there are none).
    """
    gid = lin.id(group)
    graph = lin.graph
    node = graph.nodes[gid]
    span = lin.spans.set_index("group_id").loc[gid]
    start, precision = span["start"], span["start_precision"]
    name = node["name"]
    if pd.isna(start):
        return f"The sources give no founding date for {name} ({', '.join(node['sources'])})."
    when = (
        f"on {_when(start, precision)}" if precision == "day" else f"in {_when(start, precision)}"
    )
    at_start: dict[str, list[tuple[str, str | None]]] = {}
    sources: list[str] = []
    for source, _, data in graph.in_edges(gid, data=True):
        if data["date"] == start and data["relation"] in ("merged_into", "joined", "renamed_to"):
            at_start.setdefault(data["relation"], []).append((source, data["branch"]))
            sources += data["sources"]
    splits, pledges = [], []
    for _, other, data in graph.out_edges(gid, data=True):
        # Only a split dated on the founding formed the group: ISGS left ISWAP in 2022, seven
        # years after it was formed by leaving al-Mourabitoun.
        if data["relation"] == "split_from" and data["date"] == start:
            splits.append(other)
            sources += data["sources"]
        elif data["relation"] == "pledged_to" and data["date"] == start:
            pledges.append(other)
            sources += data["sources"]
    clauses = []
    for relation, verb in (
        ("merged_into", "merged into it"),
        ("joined", "joined it"),
        ("renamed_to", "took this name"),
    ):
        if relation in at_start:
            clauses.append(f"{_member_names(lin, at_start[relation])} {verb}")
    how = f" when {_and(clauses)}" if clauses else ""
    if splits:
        how += f"{',' if clauses else ' by'} breaking away from {_names(lin, splits)}"
    pledge = f", and pledged allegiance to {_names(lin, pledges)}" if pledges else ""
    verb = "was formed" if clauses or splits else "was founded"
    cited = ", ".join(dict.fromkeys(sources or node["sources"]))
    return f"{name} {verb} {when}{how}{pledge} (sources: {cited})."


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def disagreements(lin: LineageGraph) -> pd.DataFrame:
    """Every DISAGREEMENT note in groups.csv and lineage.csv: the table ('groups' or
    'lineage'), its line, about what, the note, and the group ids it concerns (``group_ids``,
    for filtering to a focus)."""
    rows = []
    groups, lineage = lin.groups, lin.relations
    for frame, label in ((groups, "groups"), (lineage, "lineage")):
        for line, (_, row) in zip(frame.attrs["lines"], frame.iterrows(), strict=True):
            note = row["notes"]
            if pd.isna(note) or "DISAGREEMENT:" not in note:
                continue
            if label == "groups":
                about, ids = f"{row['name']}", [row["group_id"]]
            else:
                about = f"{row['group_id']} {row['relation']} {'|'.join(row['other_group_id'])}"
                ids = [row["group_id"], *row["other_group_id"]]
            rows.append(
                {
                    "table": label,
                    "line": line,
                    "about": about,
                    "disagreement": note[note.index("DISAGREEMENT:") :],
                    "sources": ", ".join(row["sources"]),
                    "group_ids": ids,
                }
            )
    columns = ["table", "line", "about", "disagreement", "sources", "group_ids"]
    return pd.DataFrame(rows, columns=columns)
