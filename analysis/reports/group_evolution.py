"""The group-evolution report: its parameters checked against the run's snapshot, what it reads
loaded once, then one short function per section of the brief and of the appendix.

``check`` checks the notebook's parameters (one clear sentence when one is bad; group names
resolved with the run snapshot's resolver). ``load`` reads the curated groups, lineage, events
(where each group operates) and milestones from the run's snapshot and, with
``data_source='curated+ucdp'``, the UCDP Actor Dataset and UCDP battle deaths (each file read is
recorded as an origin of the run). ``build`` returns a ``parts.Report``: the title for the
country, the key findings and the date the data runs to, the lines the notebook checks with
nbval, and the sections in reading order. Nothing here draws: each chart names its drawing
function from analysis.figures.groups; ``page.show`` draws and shows it.

The counts are of the country's groups as they were: a group counts from its founding to the
day it ended, merged into another or took another name (lineage.group_spans), and only where it
operates (lineage.country_groups); the lineage itself (timeline, relations, profiles) keeps every
group in scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.analyses import actors, lineage
from analysis.analyses.lineage import LineageGraph
from analysis.analyses.milestones import milestone_table, milestones_in, of_country
from analysis.core.dates import human_date, period_end, period_text
from analysis.figures import groups as fg
from analysis.figures.groups import CURATED_SOURCE, MILESTONES_SOURCE
from analysis.figures.lineage_lanes import (
    DEFAULT_EXCLUDED_KINDS,
    TimelineData,
    lane_cost,
    order_lanes,
    timeline_data,
)
from analysis.reports import coverage_notes, glossary, parts
from analysis.reports.brief import (
    milestone_brief,
    milestone_brief_caption,
    milestone_brief_missing,
)
from analysis.reports.context import RunContext
from analysis.reports.coverage_notes import Unread, coverage_section, missing_part
from analysis.reports.params import CommonParameters, ReportParameters, check_parameters
from analysis.reports.parts import Chart, NoData, Section, Text
from analysis.sources import register
from analysis.sources import ucdp_actors as ucdp
from analysis.tables.events import DatasetMissingError

#: The notebook's parameters, in the order of its parameters cell.
PARAMETERS: tuple[str, ...] = (
    "start_date",
    "end_date",
    "country",
    "focus_groups",
    "data_source",
    "milestone_kinds",
)
DATA_SOURCES: tuple[str, ...] = ("curated", "curated+ucdp")
#: The lineage timeline starts here (or at start_date, when earlier).
TIMELINE_FROM = pd.Timestamp("2000-01-01")
#: The group whose formation opens the key findings, when it is in scope.
HEADLINE_GROUP = "jnim"
#: Each relation kind in words, singular and plural, in the order the sentence gives them.
RELATION_WORDS: tuple[tuple[str, str, str], ...] = (
    ("split_from", "split", "splits"),
    ("merged_into", "merger", "mergers"),
    ("joined", "join", "joins"),
    ("renamed_to", "renaming", "renamings"),
    ("pledged_to", "pledge of allegiance", "pledges of allegiance"),
    ("allied_with", "alliance", "alliances"),
)
ACTIVE_CAPTION = (
    "Groups of {country} active at any time in each year until they ended, merged or were "
    "renamed, by affiliation; foreign forces and groups with no founding date are left out."
)
#: How the active-groups figure and the counts count (the appendix's method notes; {country}).
ACTIVE_METHOD = (
    "Each bar counts the groups of {country} active at any time in the year, coloured by the "
    "affiliation the curated groups table records. A group is active from its founding (its "
    "founding date, else the date it split from another group) to its end: its end date or, "
    "when earlier or when it has none, the day the lineage table records the whole group "
    "merging into another group or taking another name (the group ceased as such; a row about "
    "a branch of a group does not end it); a coalition with no end of its own ends on the day "
    "the last group that joined it ended. A group counts as {country}'s when the groups table "
    "lists {country} among the countries where it operates (a group listed with none is "
    "Mali's: the table's groups were Mali's before it recorded countries) or the curated "
    "chronology of incidents names it as a perpetrator in {country}. Foreign forces and groups "
    "with no founding date are left out."
)
#: The brief lists at most this many groups not counted as the country's (else it counts them).
ELSEWHERE_LISTED = 3
#: The report's title and the paragraph under it, for its country.
TITLE = "Armed groups in {country}: splits, mergers and allegiances"
LEDE = (
    "How did {country}'s armed groups come to be what they are? This report builds the family "
    "tree of the jihadist, separatist and pro-government groups from the project's curated "
    "lineage table (every split, merger, renaming, join and pledge, dated and sourced), draws it "
    "as a timeline, profiles each group, checks the lineage against the UCDP Actor Dataset, and "
    "shows UCDP's battle deaths in the fighting between the government and each group. Where "
    "the sources disagree, the report says so."
)
#: The lineage timeline's body caption (how to read its lanes: timeline_method).
TIMELINE_CAPTION = (
    "One lane per group from its founding to its end, grouped by family; arrows show splits, "
    "mergers, renamings, joins and pledges at their dates. How to read the lanes: appendix."
)
BATTLE_CAPTION = (
    "Battle-related deaths per year in the fighting between the government and each group "
    "(best estimate, UCDP's low-high range shaded); gaps are years below UCDP's threshold of "
    "25 deaths."
)
#: How to read the battle-deaths figure (the appendix's method notes).
BATTLE_METHOD = (
    "Battle-related deaths per year in the fighting between the government and each group "
    "(best estimate, with UCDP's low-high range shaded); years below UCDP's threshold of 25 "
    "deaths are gaps. "
    "Each rebel side is named as it was that year (UCDP's 'CMA' was the MNLA before 2014). "
    "UCDP codes the Islamic State as one global actor: in Mali its fighters were ISGS / IS "
    "Sahel. Battle deaths exclude violence against civilians and fighting between groups."
)
#: How the UCDP cross-check matches relations (the appendix's UCDP section).
UCDP_METHOD = (
    "UCDP codes who split from whom, which actors formed an alliance and ceased on their "
    "own, which joined another, and renamings. Each relation in the curated vocabulary is "
    "matched against the curated lineage: found in both, coded differently, or found in "
    "only one. 'Only curated' rows marked not comparable concern a group UCDP does not code "
    "(UCDP has, for example, one global IS actor and no ISGS)."
)
#: The appendix's sections (key: the title the notebook gives it), after the brief.
APPENDIX: dict[str, str] = {
    "appendix-relations": "Relations in full",
    "appendix-profiles": "Group profiles",
    "appendix-ucdp": "UCDP cross-check in full",
    "appendix-disagreements": "Disagreements between sources",
    "appendix-method": "Method notes",
    "appendix-milestones": "Milestones in full",
    "appendix-coverage": coverage_notes.HEADING,
    "appendix-glossary": glossary.HEADING,
}
#: The words the glossary explains, in the order a reader meets them.
GLOSSARY_TERMS: tuple[str, ...] = (
    "curated-tables",
    "lineage",
    "affiliation",
    "ucdp",
    "ucdp-actor-dataset",
    "battle-related-deaths",
    "government-group-pair",
    "estimates",
    "milestone",
    "data-through",
)
#: What the report leaves out without each UCDP dataset (the appendix's coverage notes).
ACTOR_LEFT_OUT = (
    "the UCDP cross-check of the lineage, in the body and the appendix, and its key finding"
)
BRD_LEFT_OUT = "the battle deaths per year, government against each group, and their key finding"
#: The full profile table in two parts (title, columns after "Group"), so each fits the column.
PROFILE_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("names, founding and leaders", ("Also known as", "Founded", "Ended", "Leaders")),
    ("strength, affiliations and sources", ("Strength", "Affiliation over time", "Sources")),
)
#: The UCDP comparison in two parts (title, columns), joined by their row number.
COMPARISON_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "the relations",
        ("Status", "Group", "Curated relation", "UCDP relation", "Other group", "UCDP codes both"),
    ),
    ("where each is recorded", ("Lineage row", "UCDP actor and field", "Detail")),
)
#: Headers of the disagreements table (the notes' columns).
DISAGREEMENT_HEADERS: dict[str, str] = {
    "table": "Curated table",
    "line": "Row",
    "about": "About",
    "disagreement": "Disagreement",
    "sources": "Sources",
}
#: Columns of the body's short relation tables (the appendix adds what happened and sources).
RELATION_BRIEF_COLUMNS = ("Date", "Group", "Relation", "Other", "Other group")
COMPARISON_COLUMNS: dict[str, str] = {
    "status": "Status",
    "group_id": "Group",
    "curated": "Curated relation",
    "ucdp": "UCDP relation",
    "other_group_id": "Other group",
    "curated_line": "Lineage row",
    "ucdp_actor": "UCDP actor and field",
    "comparable": "UCDP codes both",
    "detail": "Detail",
}
#: The source line of a table computed from the curated tables (groups, lineage, milestones).
CURATED_TABLES_SOURCE = register.source_line("curated", None)


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class GroupParameters(CommonParameters):
    """The report's parameters, checked and typed (it has only the common ones)."""

    common: ReportParameters

    @property
    def use_ucdp(self) -> bool:
        """True when the UCDP Actor Dataset and battle deaths are read."""
        return self.common.data_source == "curated+ucdp"

    @property
    def start(self) -> pd.Timestamp:
        """The period's first day as a timestamp."""
        return pd.Timestamp(self.common.start_date)

    @property
    def end(self) -> pd.Timestamp:
        """The period's last day as a timestamp."""
        return pd.Timestamp(self.common.end_date)


def check(
    ctx: RunContext,
    start_date: object,
    end_date: object,
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "curated+ucdp",
    milestone_kinds: object = (),
) -> GroupParameters:
    """The notebook's parameters, checked once against the run's snapshot (empty
    milestone_kinds means every kind)."""
    return GroupParameters(
        check_parameters(
            start_date,
            end_date,
            country,
            focus_groups,
            data_source,
            allowed_sources=DATA_SOURCES,
            milestone_kinds=milestone_kinds or None,
            names=ctx.curated.resolver,
        )
    )


# ----------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class CuratedTable(parts.Table):
    """A reader's table computed from the curated tables unless its source says otherwise."""

    source: str | tuple[str, ...] | None = CURATED_TABLES_SOURCE


@dataclass(frozen=True)
class Timeline:
    """The lineage timeline's data: lanes in their order (and the crossings they leave),
    the milestones drawn on it, and its source line."""

    data: TimelineData
    order: tuple[str, ...]
    crossings: int
    milestones: pd.DataFrame
    source: str


@dataclass(frozen=True)
class UcdpCheck:
    """The UCDP cross-check restricted to the groups in scope: what the actor file says
    against the curated lineage."""

    intro: str
    comparison: CuratedTable
    unmatched: str
    status_counts: dict[str, int]


@dataclass(frozen=True)
class DataThrough:
    """The newest date the report's figures rest on (None: no dated data), and what each of
    the two sources gives: the newest dated change of the lineage in the period, in words, and
    the last day of UCDP's battle deaths (None: not read)."""

    last: date | None
    lineage_last: date | None
    lineage_what: str
    ucdp_last: date | None


@dataclass(frozen=True)
class GroupData:
    """What the sections are computed from, read once: the lineage graph and the groups in
    scope, those counted as the country's (``counted``) and where the others operate
    (``elsewhere``: id -> countries), the period's relations, active groups and milestones, the
    timeline's lanes, the UCDP cross-check and battle deaths (or why they are missing), and the
    newest date the figures rest on with how it was found (``through``)."""

    params: GroupParameters
    lin: LineageGraph
    scope: tuple[str, ...]
    spans: pd.DataFrame
    counted: tuple[str, ...]
    elsewhere: dict[str, tuple[str, ...]]
    active: pd.DataFrame
    undated: tuple[str, ...]
    relations: pd.DataFrame
    counts: pd.DataFrame
    milestones: pd.DataFrame
    timeline: Timeline | NoData
    profiles: pd.DataFrame
    notes: pd.DataFrame
    ucdp: UcdpCheck | NoData
    dyads: pd.DataFrame | NoData
    battle_source: str
    through: DataThrough
    unread: tuple[Unread, ...] = ()

    @property
    def labels(self) -> dict[str, str]:
        """Each group's short label (acronym or name), by id."""
        return self.spans.set_index("group_id")["label"].to_dict()

    @property
    def names(self) -> dict[str, str]:
        """Each group's full name, by id."""
        return self.spans.set_index("group_id")["name"].to_dict()


def groups_in_scope(lin: LineageGraph, focus_groups: tuple[str, ...]) -> list[str]:
    """The focus groups with their ancestors and descendants, or every group; a state or
    foreign force only where a lineage relation ties it to another group (groups.csv lists
    the armies as perpetrators of the chronology's events, not as armed groups with a
    lineage)."""
    if focus_groups:
        return lineage.related_groups(lin, focus_groups)
    forces = set(lin.spans.loc[lin.spans["kind"].isin(list(DEFAULT_EXCLUDED_KINDS)), "group_id"])
    return [g for g in lin.spans["group_id"] if g not in forces or lin.graph.degree(g) > 0]


def active_in_period(spans: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Groups with a known start that were active at some time in [start, end]."""
    started = spans["start"].notna()
    return spans[
        started
        & (spans["start"] <= end)
        & (spans["end_last_day"].isna() | (spans["end_last_day"] >= start))
    ]


def counted_groups(
    spans: pd.DataFrame, countries: dict[str, tuple[str, ...]], country: str
) -> list[str]:
    """The groups in scope that the counts take as the country's: those that operate there
    (lineage.group_countries), foreign forces and states left out as in the figure."""
    kept = spans[
        spans["group_id"].map(lambda g: country in countries.get(g, ()))
        & ~spans["kind"].isin(list(DEFAULT_EXCLUDED_KINDS))
    ]
    return list(kept["group_id"])


def relations_in_period(
    relations: pd.DataFrame, scope: list[str], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Dated relations of the groups in scope in [start, end], designations left out."""
    return relations[
        relations["group_id"].isin(scope)
        & (relations["relation"] != "designated_by")
        & relations["date"].between(start, end)
    ]


def lineage_timeline(
    lin: LineageGraph, params: GroupParameters, milestones: pd.DataFrame
) -> Timeline | NoData:
    """The lineage timeline from TIMELINE_FROM (or start_date) to end_date, its lanes ordered
    once here (the method note says how well)."""
    start = min(TIMELINE_FROM, params.start)
    data = timeline_data(lin, start, params.end, groups=params.common.focus_groups or None)
    if not len(data.spans):
        return NoData(
            "no group of the chosen focus has a founding date, or a dated relation in the "
            "lineage table, in these years",
            "A founding date, or a dated relation in the lineage table, for these groups would "
            "place them on the timeline.",
        )
    order = order_lanes(data)
    sources = [CURATED_SOURCE] + ([MILESTONES_SOURCE] if len(milestones) else [])
    return Timeline(data, tuple(order), lane_cost(order, data)[0], milestones, "; ".join(sources))


def ucdp_check(
    check: actors.CrossCheck,
    scope: list[str],
    country: str,
    file_name: str,
    actor_source: str = register.source_line("ucdp-actor", None),
    labels: dict[str, str] | None = None,
) -> UcdpCheck:
    """The cross-check, restricted to relations touching a group in scope; ``actor_source``
    is the Actor Dataset's source line with the version read, ``file_name`` the file's name
    (its version is read from it), ``labels`` the groups' short names by id."""
    comparison = check.comparison
    comparison = comparison[
        comparison["group_id"].isin(scope) | comparison["other_group_id"].isin(scope)
    ]
    mapped = check.local
    coded = mapped["group_id"].notna()
    version = register.entry("ucdp-actor").version_of(file_name)
    intro = (
        f"UCDP's actor list{f' (version {version})' if version else ''} has {len(mapped)} "
        f"actors active in {country}; {int(coded.sum())} of them are curated groups."
    )
    shown = comparison_in_words(comparison, labels or {})
    table = CuratedTable(
        shown[list(COMPARISON_COLUMNS)].rename(columns=COMPARISON_COLUMNS),
        "Curated lineage against the UCDP Actor Dataset",
        source=(CURATED_TABLES_SOURCE, actor_source),
    )
    unmatched = mapped[~coded & (mapped["Org"] == "1")]
    unmatched_text = (
        f"UCDP actors in {country} that are not curated groups: {', '.join(unmatched['NameData'])}."
        if len(unmatched)
        else ""
    )
    counts = {k: int(v) for k, v in comparison["status"].value_counts().items()}
    return UcdpCheck(intro, table, unmatched_text, counts)


def unread_ucdp(key: str, params: GroupParameters, build_hint: str = "") -> Unread:
    """A UCDP dataset this edition did not read: left out by the curated-only choice of data,
    or absent when it was built (``build_hint`` says how to get the file)."""
    left_out = ACTOR_LEFT_OUT if key == "ucdp-actor" else BRD_LEFT_OUT
    if not params.use_ucdp:
        return Unread(key, left_out, chosen_from="the curated tables")
    return Unread(key, left_out, build_hint=build_hint)


#: How the lineage table marks a designator ('state:US', 'org:UN'): a reader reads 'US', 'UN'.
_DESIGNATOR = re.compile(r"\b(?:state|org):")
#: The lineage's relation codes, which the cross-check's text names ('split_from').
_RELATION_CODE = re.compile(
    r"\b(split_from|merged_into|renamed_to|allied_with|pledged_to|designated_by)\b"
)


def in_words(text: str, labels: dict[str, str]) -> str:
    """A text of the UCDP cross-check as a reader reads it: each group id as the group's short
    name, each relation code as words ('split_from' -> 'split from')."""
    if not isinstance(text, str) or not text:
        return text
    text = _DESIGNATOR.sub("", text)
    if labels:
        ids = sorted(labels, key=len, reverse=True)
        group = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
        text = group.sub(lambda found: labels[found.group(1)], text)
    return _RELATION_CODE.sub(lambda found: found.group(1).replace("_", " "), text)


def comparison_in_words(comparison: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The cross-check's rows as the tables show them: groups by their short names, relations
    and details in words, 'yes'/'no' for whether UCDP codes both groups."""
    words = {
        column: comparison[column].map(lambda text: in_words(text, labels))
        for column in ("group_id", "other_group_id", "curated", "ucdp", "detail")
    }
    return comparison.assign(
        **words, comparable=comparison["comparable"].map({True: "yes", False: "no"})
    )


def read_actor_check(
    ctx: RunContext,
    params: GroupParameters,
    lin: LineageGraph,
    scope: list[str],
    actor_path: Path | None,
) -> tuple[actors.CrossCheck | None, UcdpCheck | NoData, Unread | None]:
    """The UCDP actor file (``actor_path``, else data/raw, else ../shared/data) against the
    lineage, or why it was not read (the body's note and the coverage note)."""
    actor_file = (actor_path or ucdp.find_actor_file()) if params.use_ucdp else None
    if actor_file is None:
        unread = unread_ucdp(
            "ucdp-actor", params, f"UCDP Actor Dataset not found. {ucdp.HOW_TO_GET}"
        )
        return None, missing_part(unread), unread
    country = params.common.country
    cross = actors.cross_check(ucdp.load_actors(actor_file), lin, country)
    labels = lin.spans.set_index("group_id")["label"].to_dict()
    found = ucdp_check(
        cross, scope, country, Path(actor_file).name, ctx.source_line("ucdp-actor"), labels
    )
    return cross, found, None


def read_battle_deaths(
    ctx: RunContext,
    params: GroupParameters,
    lin: LineageGraph,
    scope: list[str],
    cross: actors.CrossCheck | None,
    brd_path: Path | None,
) -> tuple[pd.DataFrame | NoData, Unread | None]:
    """UCDP battle deaths per government-versus-group pair ('dyad') and year (``brd_path``,
    else where tables.events finds them), for the groups in scope when there is a focus; or
    why they were not read (the body's note and the coverage note)."""
    if not params.use_ucdp:
        unread = unread_ucdp("ucdp-brd", params)
        return missing_part(unread), unread
    country = params.common.country
    try:
        brd = ctx.load_events("ucdp-brd", country=country, path=brd_path)
    except DatasetMissingError as missing:
        unread = unread_ucdp("ucdp-brd", params, str(missing))
        return missing_part(unread), unread
    frame = actors.dyad_deaths(
        brd,
        cross.actors if cross is not None else None,
        lin.spans.set_index("group_id"),
        lin.resolver,
    )
    if params.common.focus_groups:
        frame = frame[frame["group_id"].isin(scope)]
    if not len(frame):
        return NoData(
            f"UCDP's battle-related deaths list no year of fighting between the government of "
            f"{country} and these groups in the period",
            "UCDP lists the fighting between a government and a group only in a year with at "
            "least 25 battle-related deaths: a year below that threshold is missing from the "
            "data, not a zero.",
        ), None
    return frame, None


def data_through(
    lin: LineageGraph,
    relations: pd.DataFrame,
    counted: pd.DataFrame,
    dyads: pd.DataFrame | NoData,
    params: GroupParameters,
) -> DataThrough:
    """The newest date the figures rest on: the later of the lineage's newest dated change in
    the period (a relation of the groups in scope, or a founding or end of a group counted) and
    the last day of the newest year of UCDP's battle deaths in the period; each date counts to
    the last day of its period (a relation of June 2025: 30 June 2025), at most the period's
    end."""
    end = params.end.date()
    labels = lin.spans.set_index("group_id")["label"].to_dict()
    changes: list[tuple[date, str]] = []
    for _, row in relations.iterrows():
        branch = row.get("branch")
        part = f" ({branch})" if isinstance(branch, str) and branch else ""
        others = ", ".join(labels.get(g, g) for g in row["other_group_id"])
        when = human_date(row["date"].date(), row["date_precision"])
        changes.append(
            (
                period_end(row["date"].date(), row["date_precision"]),
                f"{labels.get(row['group_id'], row['group_id'])}{part} "
                f"{row['relation'].replace('_', ' ')} {others}, {when} (lineage table)",
            )
        )
    for _, span in counted.iterrows():
        for column, verb in (("start", "founded"), ("end", "ended")):
            value, precision = span[column], span[f"{column}_precision"]
            if pd.notna(value) and params.start <= value <= params.end:
                when = human_date(value.date(), precision)
                changes.append(
                    (period_end(value.date(), precision), f"{span['label']} {verb}, {when}")
                )
    newest = max(changes, key=lambda change: change[0]) if changes else None
    lineage_last = min(newest[0], end) if newest else None
    ucdp_last = None
    if isinstance(dyads, pd.DataFrame):
        years = dyads["year"].astype(int)
        years = years[years.between(params.start.year, params.end.year)]
        ucdp_last = min(date(int(years.max()), 12, 31), end) if len(years) else None
    dated = [d for d in (lineage_last, ucdp_last) if d is not None]
    return DataThrough(
        max(dated) if dated else None, lineage_last, newest[1] if newest else "", ucdp_last
    )


def load(
    ctx: RunContext,
    params: GroupParameters,
    actor_path: Path | None = None,
    brd_path: Path | None = None,
) -> GroupData:
    """Read what the report needs through the run context: the lineage from the run's curated
    snapshot and, with ``data_source='curated+ucdp'``, the UCDP actor file and battle deaths."""
    common = params.common
    start, end = params.start, params.end
    lin = lineage.from_snapshot(ctx.curated)
    scope = groups_in_scope(lin, common.focus_groups)
    spans = lin.spans[lin.spans["group_id"].isin(scope)]
    countries = lineage.group_countries(lin, ctx.curated.events)
    counted = counted_groups(spans, countries, common.country)
    milestones = of_country(
        milestones_in(
            ctx.curated.milestones, common.start_date, common.end_date, common.milestone_kinds
        ),
        common.country,
    )
    notes = lineage.disagreements(lin)
    cross, checked, actor_unread = read_actor_check(ctx, params, lin, scope, actor_path)
    dyads, brd_unread = read_battle_deaths(ctx, params, lin, scope, cross, brd_path)
    relations = relations_in_period(lin.relations, scope, start, end)
    return GroupData(
        params=params,
        lin=lin,
        scope=tuple(scope),
        spans=spans,
        counted=tuple(counted),
        elsewhere={g: countries[g] for g in scope if common.country not in countries[g]},
        active=active_in_period(spans[spans["group_id"].isin(counted)], start, end),
        undated=tuple(sorted(set(lineage.undated_groups(lin)) & set(scope))),
        relations=relations,
        counts=lineage.active_by_year(lin, start.year, end.year, groups=counted),
        milestones=milestones,
        timeline=lineage_timeline(lin, params, milestones),
        profiles=lineage.profiles_table(lin, scope),
        notes=notes[notes["group_ids"].map(lambda ids: bool(set(ids) & set(scope)))],
        ucdp=checked,
        dyads=dyads,
        battle_source=ctx.source_line("ucdp-brd", "ucdp-actor")
        if cross is not None
        else ctx.source_line("ucdp-brd"),
        through=data_through(lin, relations, spans[spans["group_id"].isin(counted)], dyads, params),
        unread=tuple(u for u in (actor_unread, brd_unread) if u is not None),
    )


# ----------------------------------------------------------------------------- sentences


def activity_sentence(
    n_active: int, country: str, start: date, end: date, counts: pd.DataFrame
) -> str | None:
    """'Of the curated groups that operate in Mali, 21 were active at some point from ... to
    ...; in 2025, 9 were active (...).' (groups that had ended, merged or been renamed by then
    are not counted: GroupData.active, lineage.group_spans)."""
    if not len(counts):
        return None
    last_year = counts.index.max()
    per_family = counts.loc[last_year]
    families = [f"{int(n)} {family}" for family, n in per_family.items() if n]
    in_last = f" ({', '.join(families)})" if families else ""
    in_year = int(per_family.sum())
    return (
        f"Of the curated groups that operate in {country}, {n_active} {_were(n_active)} active "
        f"at some point from {period_text(start, end)}; in {last_year}, {in_year} "
        f"{_were(in_year)} active{in_last}."
    )


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def relations_sentence(relation_counts: pd.Series) -> str | None:
    """'The lineage table dates 27 relations in the period: 6 splits, ... and 2 alliances.'"""
    total = int(relation_counts.sum())
    if not total:
        return None
    # Every kind counted in the total is named (the renamings were left out: 37 relations
    # read as 36), and a kind with none is not.
    kinds = []
    for relation, one, many in RELATION_WORDS:
        n = int(relation_counts.get(relation, 0))
        if n:
            kinds.append(f"{n} {one if n == 1 else many}")
    named = {relation for relation, _, _ in RELATION_WORDS}
    other = int(relation_counts[[r not in named for r in relation_counts.index]].sum())
    if other:
        kinds.append(f"{other} other relation{'' if other == 1 else 's'}")
    listed = f"{', '.join(kinds[:-1])} and {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return f"The lineage table dates {total} relations in the period: {listed}."


def ucdp_sentence(status_counts: dict[str, int]) -> str | None:
    """The UCDP cross-check verdict in one sentence, or None when nothing was compared."""
    if not sum(status_counts.values()):
        return None
    return (
        f"Against the UCDP Actor Dataset, {status_counts.get('both', 0)} relations appear in "
        f"both, {status_counts.get('disagree', 0)} are coded differently by UCDP and "
        f"{status_counts.get('only UCDP', 0)} appear only in UCDP; every difference is recorded "
        "in the curated data."
    )


def dyad_sentence(dyads: pd.DataFrame) -> str | None:
    """The deadliest year of fighting between the government and one group (UCDP's deadliest
    dyad-year), with UCDP's range."""
    if dyads is None or dyads.empty:
        return None
    top = dyads.sort_values("deaths_best", ascending=False).iloc[0]
    return (
        f"In UCDP's battle deaths, the deadliest year of fighting between the government and "
        f"a single armed group was {top['dyad_label']} in {top['year']}, with "
        f"{int(top['deaths_best']):,} battle-related deaths (best estimate; UCDP's range "
        f"{int(top['deaths_low']):,}-{int(top['deaths_high']):,})."
    )


def elsewhere_sentence(elsewhere: dict[str, str], country: str, brief: bool = False) -> str:
    """Which groups in scope are not counted as the country's and where they operate, from
    labels to countries in words: 'ISWAP is not counted: the curated data places it in
    Nigeria, Niger and Chad, not in Mali.' In the brief, more than ELSEWHERE_LISTED groups are
    counted, not listed (the method notes list them)."""
    if not elsewhere:
        return ""
    if brief and len(elsewhere) > ELSEWHERE_LISTED:
        return (
            f"{len(elsewhere)} of them are not counted: the curated data places them outside "
            f"{country} (the method notes list them)."
        )
    if len(elsewhere) == 1:
        ((label, where),) = elsewhere.items()
        return f"{label} is not counted: the curated data places it in {where}, not in {country}."
    listed = "; ".join(f"{label}: {where}" for label, where in elsewhere.items())
    return (
        f"{and_list(list(elsewhere))} are not counted: the curated data places them outside "
        f"{country} ({listed})."
    )


def where_words(d: GroupData) -> dict[str, str]:
    """Each group in scope that is not the country's, by label, with where the curated data
    places it ('Mali by default' when groups.csv gives it no country: the table's default)."""
    words = {}
    for gid, where in d.elsewhere.items():
        given = d.lin.node(gid).get("countries")
        recorded = isinstance(given, list | tuple) and len(given) > 0
        shown = [
            c if recorded or c != lineage.DEFAULT_COUNTRY else f"{c} by default" for c in where
        ]
        words[d.labels[gid]] = and_list(shown)
    return words


def and_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def overview_text(d: GroupData) -> str:
    """The overview paragraph: groups in scope, those not counted as the country's, the active
    ones by family, the undated ones."""
    family_counts = d.active["affiliation"].value_counts()
    common = d.params.common
    start, end = common.start_date, common.end_date
    elsewhere = elsewhere_sentence(where_words(d), common.country, brief=True)
    undated_text = ""
    if d.undated:
        several = len(d.undated) > 1
        labels = d.labels
        undated_text = (
            f"{len(d.undated)} group{'s have' if several else ' has'} no founding date in the "
            f"sources and {'are' if several else 'is'} not counted: "
            f"{', '.join(labels.get(g, g) for g in d.undated)}."
        )
    return " ".join(
        s
        for s in (
            f"The curated data holds {len(d.spans)} groups in scope.",
            elsewhere,
            f"Of the groups of {common.country} active from {period_text(start, end)}, "
            f"{family_counts.get('al-Qaeda', 0)} belonged to the al-Qaeda family, "
            f"{family_counts.get('Islamic State', 0)} to the Islamic State family, "
            f"{family_counts.get('separatist coalition', 0)} to the separatist coalitions and "
            f"{family_counts.get('pro-government coalition', 0)} to the pro-government "
            f"coalitions; {family_counts.get('none', 0)} had no affiliation.",
            undated_text,
        )
        if s
    )


def formation_sentences(d: GroupData) -> tuple[str, ...]:
    """How each group formed in the period came to be, for groups born of a split, merger or
    renaming (groups simply founded are left out)."""
    formed = d.spans[d.spans["start"].between(d.params.start, d.params.end)].sort_values("start")
    sentences = (lineage.formation_sentence(d.lin, gid) for gid in formed["group_id"])
    return tuple(s for s in sentences if " was formed " in s)


def timeline_method(crossings: int) -> str:
    """How to read the lineage timeline, with the crossings its lane order leaves."""
    return (
        "One lane per group from its founding (paler: only the year is known) to its end; "
        "hatched lanes (*) start at the group's first dated mention because the sources give "
        "no founding date. Arrows show splits, mergers, renamings, joins and pledges at their "
        "dates; lanes are grouped by family and ordered so that arrows cross as few lanes as "
        f"possible ({crossings} crossings left). Numbered dashed lines mark the country's "
        "milestones of the period, listed under the figure."
    )


def open_questions_text(notes: pd.DataFrame) -> str:
    """Whether the sources disagree about the groups in scope, and how many notes say so."""
    if notes.empty:
        return "The sources agree on everything recorded for these groups."
    return (
        "Where the sources disagree, the curated row keeps the value judged right and "
        f"records the other: {len(notes)} such notes concern the groups in scope."
    )


def key_findings(d: GroupData) -> tuple[str, ...]:
    """The key findings: JNIM's formation, the active groups, the relations, and the UCDP
    verdict and deadliest dyad-year where UCDP was read."""
    common = d.params.common
    findings = (
        lineage.formation_sentence(d.lin, HEADLINE_GROUP) if HEADLINE_GROUP in d.scope else None,
        activity_sentence(
            len(d.active), common.country, common.start_date, common.end_date, d.counts
        ),
        relations_sentence(d.relations["relation"].value_counts()),
        ucdp_sentence(d.ucdp.status_counts) if isinstance(d.ucdp, UcdpCheck) else None,
        dyad_sentence(d.dyads) if isinstance(d.dyads, pd.DataFrame) else None,
    )
    return tuple(f for f in findings if f)


def headline_lines(d: GroupData) -> tuple[str, ...]:
    """The checked lines printed under the key findings (the notebook's NBVAL cell)."""
    try:
        ancestry = ", ".join(lineage.ancestors(d.lin, "JNIM"))
    except KeyError:  # a curated folder without JNIM
        ancestry = "–"
    relation_counts = d.relations["relation"].value_counts()
    relations = {k: int(v) for k, v in sorted(relation_counts.items())}
    counts = d.counts
    last = {k: int(v) for k, v in counts.iloc[-1].items() if v} if len(counts) else {}
    return (
        f"JNIM's ancestors: {ancestry}",
        f"Groups in scope: {len(d.spans)} | {d.params.common.country}'s groups counted: "
        f"{len(d.counted)} | active in the period: {len(d.active)}",
        f"Relations dated in the period: {relations}",
        f"Active in {counts.index.max() if len(counts) else '–'} by affiliation: {last}",
    )


# ----------------------------------------------------------------------------- tables


def relation_tables(d: GroupData) -> tuple[CuratedTable, ...]:
    """What happened to each focus group (from the timeline's start), with sources; or every
    relation of the period when there is no focus."""
    labels = d.labels

    def label(ids) -> str:
        return ", ".join(labels.get(i, i) for i in ids)

    if d.params.common.focus_groups:
        names, tables = d.names, []
        for gid in d.params.common.focus_groups:
            rows = lineage.lineage_table(d.lin, gid)
            rows = rows[rows["date"].between(min(TIMELINE_FROM, d.params.start), d.params.end)]
            frame = pd.DataFrame(
                {
                    "Date": rows["when"],
                    "Group": [
                        with_branch(labels.get(g, g), branch)
                        for g, branch in zip(rows["group_id"], rows["branch"], strict=True)
                    ],
                    "Relation": rows["relation"].str.replace("_", " "),
                    "Other": rows["other_group_ids"].map(label),
                    "What happened": rows["description"],
                    "Sources": rows["sources"].map(", ".join),
                }
            )
            caption = f"What happened to {names.get(gid, gid)}, with sources"
            tables.append(CuratedTable(frame, caption))
        return tuple(tables)
    shown = d.relations.sort_values("date")
    frame = pd.DataFrame(
        {
            "Date": [
                human_date(day.date(), precision)
                for day, precision in zip(shown["date"], shown["date_precision"], strict=True)
            ],
            "Group": [
                with_branch(labels.get(g, g), branch)
                for g, branch in zip(shown["group_id"], branches(shown), strict=True)
            ],
            "Relation": shown["relation"].str.replace("_", " "),
            "Other group": shown["other_group_id"].map(label),
            "What happened": shown["description"],
            "Sources": shown["sources"].map(", ".join),
        }
    )
    return (CuratedTable(frame, "Relations between groups in the period, from the lineage table"),)


def branches(relations: pd.DataFrame) -> list[str | None]:
    """Each lineage row's branch (None: the whole group, or a table from before the column)."""
    if "branch" not in relations:
        return [None] * len(relations)
    return [b if isinstance(b, str) and b else None for b in relations["branch"]]


def with_branch(label: str, branch: object) -> str:
    """A group as a relation table names it: 'AQIM (Sahara branch)' when a branch acted."""
    return f"{label} ({branch})" if isinstance(branch, str) and branch else label


def relation_brief(table: CuratedTable) -> CuratedTable:
    """A relation table as the body shows it: who did what to whom, and when (what happened
    and the sources are in the appendix)."""
    columns = [c for c in table.frame.columns if c in RELATION_BRIEF_COLUMNS]
    caption = table.caption.removesuffix(", with sources") + " (details and sources: appendix)"
    return CuratedTable(table.frame[columns], caption)


def comparison_tables(check: UcdpCheck) -> tuple[CuratedTable, ...]:
    """The UCDP comparison row by row as two tables that fit the column: the relations as each
    side codes them; then where each is recorded and the detail."""
    frame = check.comparison.frame.reset_index(drop=True)
    row = pd.Series(range(1, len(frame) + 1), index=frame.index, name="Row")
    return tuple(
        CuratedTable(
            pd.concat([row, frame[list(columns)]], axis=1),
            f"{check.comparison.caption}: {what}",
            source=check.comparison.source,
        )
        for what, columns in COMPARISON_PARTS
    )


def status_table(check: UcdpCheck) -> CuratedTable:
    """How many relations fall in each status of the UCDP comparison: the body's short table."""
    counts = check.status_counts
    frame = pd.DataFrame({"Status": list(counts), "Relations": list(counts.values())})
    return CuratedTable(
        frame,
        "Curated lineage against the UCDP Actor Dataset: relations by status",
        source=check.comparison.source,
    )


# ----------------------------------------------------------------------------- the brief


def overview_section(d: GroupData) -> Section:
    """Overview: the groups in scope by family, and the active groups per year."""
    country = d.params.common.country
    chart = (
        Chart(
            "active-groups-per-year",
            ACTIVE_CAPTION.format(country=country),
            CURATED_SOURCE,
            d.counts,
            draw=fg.draw_active_groups,
            height=3.2,
        )
        if d.counts.to_numpy().sum()
        else NoData(
            f"no group of {country} with a founding date in the curated data is active in the "
            "period",
            f"A founding date (or a dated split in the lineage table) for a group that operates "
            f"in {country} would count it.",
        )
    )
    return parts.section("overview", Text("{text}", {"text": overview_text(d)}), chart)


def lineage_section(d: GroupData) -> Section:
    """Lineage timeline: how the groups formed in the period came to be, the timeline, and the
    short relation tables."""
    formations = [Text("{sentence}", {"sentence": s}) for s in formation_sentences(d)]
    timeline = d.timeline
    chart = (
        timeline
        if isinstance(timeline, NoData)
        else Chart(
            "lineage-timeline",
            TIMELINE_CAPTION,
            timeline.source,
            timeline.data,
            layout=fg.lineage_figure,
            # the country's own milestones: the figure numbers them and lists them under it
            args=(
                timeline.data,
                timeline.order,
                of_country(timeline.milestones, d.params.common.country),
            ),
            # The figure's own title is about Mali's groups; another country's report shows
            # the lineage of the groups in scope, which are not all that country's.
            options={}
            if d.params.common.country == "Mali"
            else {"title": "How the armed groups in scope split, merged and pledged allegiance"},
        )
    )
    briefs = [relation_brief(t) for t in relation_tables(d)]
    return parts.section("lineage", *formations, chart, *briefs)


def profiles_section(d: GroupData) -> Section:
    """Group profiles: name, founding and end (the rest is in the appendix)."""
    return parts.section(
        "profiles",
        CuratedTable(
            d.profiles[["Group", "Founded", "Ended"]],
            "Groups in scope, by founding (aliases, leaders, strength and affiliations: appendix)",
        ),
    )


def ucdp_section(d: GroupData) -> Section:
    """UCDP cross-check: what the actor file holds, and the relations by status."""
    if isinstance(d.ucdp, NoData):
        return parts.section("ucdp", d.ucdp)
    return parts.section("ucdp", Text("{text}", {"text": d.ucdp.intro}), status_table(d.ucdp))


def battle_deaths_section(d: GroupData) -> Section:
    """Battle deaths, government against each group (UCDP): the deadliest year of one
    government-versus-group pair (UCDP's dyad-year) and the figure."""
    if isinstance(d.dyads, NoData):
        return parts.section("battle-deaths", d.dyads)
    chart = Chart(
        "battle-deaths-per-dyad",
        BATTLE_CAPTION,
        d.battle_source,
        d.dyads,
        draw=fg.draw_battle_deaths,
        height=3.6,
    )
    return parts.section("battle-deaths", Text("{text}", {"text": dyad_sentence(d.dyads)}), chart)


def open_questions_section(d: GroupData) -> Section:
    """Open questions: whether the sources disagree about the groups in scope."""
    where = None
    if not d.notes.empty:
        where = Text(
            "Each note is listed in the appendix with the curated table and row that record it, "
            "and its sources."
        )
    return parts.section(
        "open-questions", Text("{text}", {"text": open_questions_text(d.notes)}), where
    )


def milestones_section(d: GroupData) -> Section:
    """Timeline: the milestones of the kinds the body lists, by date, kind and label (every
    milestone: the appendix)."""
    if not len(d.milestones):
        return parts.section("milestones", milestones_missing(d.params.common.country))
    brief = milestone_brief(d.milestones, "group_evolution")
    if not len(brief):
        return parts.section(
            "milestones", NoData(milestone_brief_missing(d.milestones, "group_evolution"))
        )
    caption = milestone_brief_caption(d.milestones, "group_evolution")
    return parts.section("milestones", CuratedTable(brief, caption))


def milestones_missing(country: str) -> NoData:
    """What the milestone sections say when no milestone of the chosen kinds concerns the
    country in the period, and what data would fill it."""
    return NoData(
        f"the curated milestones hold none of the chosen kinds for {country} in the period",
        f"A milestone dated in the period with {country} among its countries would fill it.",
    )


# ----------------------------------------------------------------------------- the appendix


def appendix_relations(d: GroupData) -> Section:
    """Relations in full: each relation with what happened and its sources."""
    return parts.section("appendix-relations", *relation_tables(d))


def appendix_profiles(d: GroupData) -> Section:
    """Group profiles in full, in two tables that fit the column."""
    return parts.section(
        "appendix-profiles",
        *(
            CuratedTable(d.profiles[["Group", *columns]], f"Group profiles: {what}")
            for what, columns in PROFILE_PARTS
        ),
    )


def appendix_ucdp(d: GroupData) -> Section:
    """The UCDP cross-check in full: how relations are matched, the comparison row by row,
    and the UCDP actors that are not curated groups."""
    if isinstance(d.ucdp, NoData):
        return parts.section("appendix-ucdp", d.ucdp)
    unmatched = Text("{text}", {"text": d.ucdp.unmatched}) if d.ucdp.unmatched else None
    return parts.section(
        "appendix-ucdp",
        Text("{text}", {"text": UCDP_METHOD}),
        *comparison_tables(d.ucdp),
        unmatched,
    )


def appendix_disagreements(d: GroupData) -> Section:
    """Disagreements between sources: each DISAGREEMENT note about the groups in scope."""
    if d.notes.empty:
        return parts.section(
            "appendix-disagreements", Text("{text}", {"text": open_questions_text(d.notes)})
        )
    labels = d.lin.spans.set_index("group_id")["label"].to_dict()
    notes = d.notes[["table", "line", "about", "disagreement", "sources"]].assign(
        about=d.notes["about"].map(lambda about: in_words(about, labels))
    )
    return parts.section(
        "appendix-disagreements",
        CuratedTable(
            notes.rename(columns=DISAGREEMENT_HEADERS),
            "Disagreements between sources (the notes of the curated groups and lineage tables)",
        ),
    )


def ends_from_lineage(d: GroupData) -> str:
    """The counted groups whose end comes from the lineage table rather than the groups table,
    in words."""
    spans = d.spans[d.spans["group_id"].isin(d.counted) & d.spans["end_how"].ne("")]
    if not len(spans):
        return ""
    ends = "; ".join(
        f"{span['label']}, {human_date(span['end'].date(), span['end_precision'])} "
        f"({span['end_how']}; {span['end_from']})"
        for _, span in spans.sort_values(["end", "group_id"]).iterrows()
    )
    return (
        f"Ends taken from the lineage table (the groups table gives none, or a later one): {ends}."
    )


def active_method(d: GroupData) -> str:
    """How the counts count: the rule (ACTIVE_METHOD), the ends lineage.csv gave, and the
    groups in scope not counted as the country's."""
    country = d.params.common.country
    elsewhere = elsewhere_sentence(where_words(d), country)
    return " ".join(
        s for s in (ACTIVE_METHOD.format(country=country), ends_from_lineage(d), elsewhere) if s
    )


def through_method(through: DataThrough) -> str:
    """Which date the brief's 'Data through' is, and why (the appendix's method notes)."""
    if through.last is None:
        return "No dated change of the groups in scope, and no UCDP year, falls in the period."
    if through.lineage_last is not None and through.ucdp_last is not None:
        which = (
            "the later of the lineage's newest dated change in the period and the end of UCDP's "
            "last year of battle deaths"
        )
    elif through.lineage_last is not None:
        which = (
            "the lineage's newest dated change in the period (UCDP's battle deaths were not read)"
        )
    else:
        which = (
            "the end of UCDP's last year of battle deaths (no dated change of the lineage falls "
            "in the period)"
        )
    parts_ = [f"{human_date(through.last)}: the newest date the brief's figures rest on, {which}."]
    if through.lineage_last is not None:
        parts_.append(
            f"The lineage's newest change is {through.lineage_what}, counted to "
            f"{human_date(through.lineage_last)} (a date known to the month or year counts to "
            "its last day)."
        )
    if through.ucdp_last is not None:
        parts_.append(f"UCDP's battle deaths run to {human_date(through.ucdp_last)}.")
    parts_.append(
        "The curated tables record changes, not each year's presence: a group with no recorded "
        "end is counted as active to the end of the period."
    )
    return " ".join(parts_)


def appendix_method(d: GroupData) -> Section:
    """Method notes: how each figure shown counts and how to read it, and what 'Data through'
    is."""
    notes = [("Active groups", active_method(d)), ("Data through", through_method(d.through))]
    if isinstance(d.timeline, Timeline):
        notes.append(("Lineage timeline", timeline_method(d.timeline.crossings)))
    if isinstance(d.dyads, pd.DataFrame):
        notes.append(("Battle deaths", BATTLE_METHOD))
    return parts.section(
        "appendix-method",
        *(Text("**{title}.** {text}", {"title": title, "text": text}) for title, text in notes),
    )


def appendix_coverage(d: GroupData) -> Section:
    """Data coverage: the UCDP datasets this edition did not read, what that leaves out and
    where UCDP offers them (or that it read them all)."""
    return coverage_section("appendix-coverage", d.unread)


def appendix_glossary(d: GroupData) -> Section:
    """Words used in this report: the terms of GLOSSARY_TERMS in plain words."""
    return glossary.section("appendix-glossary", GLOSSARY_TERMS)


def appendix_milestones(d: GroupData) -> Section:
    """Milestones in full: what happened and the sources."""
    if not len(d.milestones):
        return parts.section("appendix-milestones", milestones_missing(d.params.common.country))
    table = CuratedTable(
        milestone_table(d.milestones), "Milestones in the period, from the curated milestones"
    )
    return parts.section("appendix-milestones", table)


#: The report's sections in reading order: the brief, then the appendix (APPENDIX).
SECTIONS: tuple[Callable[[GroupData], Section], ...] = (
    overview_section,
    lineage_section,
    profiles_section,
    ucdp_section,
    battle_deaths_section,
    open_questions_section,
    milestones_section,
    appendix_relations,
    appendix_profiles,
    appendix_ucdp,
    appendix_disagreements,
    appendix_method,
    appendix_milestones,
    appendix_coverage,
    appendix_glossary,
)


def assemble(data: GroupData) -> parts.Report:
    """The report from what was loaded: its title for the country, key findings, the date its
    data runs to, nbval lines and sections."""
    sections = (make(data) for make in SECTIONS)
    country = data.params.common.country
    title, lede = TITLE.format(country=country), LEDE.format(country=country)
    return parts.Report(
        name="group_evolution",
        key_findings=key_findings(data),
        sections={s.key: s for s in sections},
        checks={"headline": headline_lines(data)},
        title=title,
        lede=lede,
        front={"title": title, "lede": lede},
        data_through=data.through.last,
    )


def build(
    ctx: RunContext,
    params: GroupParameters,
    actor_path: Path | None = None,
    brd_path: Path | None = None,
) -> parts.Report:
    """The report: what it reads loaded once (``actor_path`` and ``brd_path`` override where
    the UCDP files are found), then assembled."""
    return assemble(load(ctx, params, actor_path, brd_path))
