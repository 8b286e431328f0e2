"""The group-evolution report: parameters checked once, then every number, sentence and table of
the report computed from the run context into one frozen object, which the notebook shows.

``check_parameters`` checks the notebook's parameters (one clear sentence when one is bad);
``build`` reads the curated groups, lineage and milestones from the run's snapshot and, with
``data_source='curated+ucdp'``, the UCDP Actor Dataset and UCDP battle deaths (each file read is
recorded as an origin of the run), and returns a ``GroupEvolutionReport``. Nothing here draws:
the report holds each figure's data, caption and source line; the notebook draws and shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.analyses import actors, lineage
from analysis.analyses.lineage import LineageGraph
from analysis.analyses.milestones import milestone_table, milestones_in
from analysis.core.dates import human_date
from analysis.figures.groups import CURATED_SOURCE, MILESTONES_SOURCE
from analysis.figures.lineage_lanes import (
    DEFAULT_EXCLUDED_KINDS,
    TimelineData,
    lane_cost,
    order_lanes,
    timeline_data,
)
from analysis.reports import parts
from analysis.reports.brief import milestone_brief
from analysis.reports.context import RunContext
from analysis.reports.params import ReportParameters
from analysis.reports.params import check_parameters as check_common
from analysis.reports.parts import NoData
from analysis.sources import register
from analysis.sources import ucdp_actors as ucdp
from analysis.tables.events import DatasetMissingError

DATA_SOURCES: tuple[str, ...] = ("curated", "curated+ucdp")
#: The lineage timeline starts here (or at start_date, when earlier).
TIMELINE_FROM = pd.Timestamp("2000-01-01")
#: The group whose formation opens the key findings, when it is in scope.
HEADLINE_GROUP = "jnim"
#: Relation counts named in the findings, in this order: (relation, words).
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
    "Groups active at any time in each year, coloured by affiliation; foreign forces and groups "
    "with no founding date are left out."
)
#: How the active-groups figure counts (the appendix's method notes).
ACTIVE_METHOD = (
    "Each bar counts the groups active at any time in the year (founded by its end, not "
    "ended before it), coloured by the affiliation groups.csv records. Foreign forces and "
    "groups with no founding date are left out."
)
BATTLE_CAPTION = (
    "Battle-related deaths per year in each government-versus-group dyad (best estimate, "
    "UCDP's low-high range shaded); gaps are years below UCDP's threshold of 25 deaths."
)
#: How to read the battle-deaths figure (the appendix's method notes).
BATTLE_METHOD = (
    "Battle-related deaths per year in each government-versus-group dyad (best estimate, "
    "with UCDP's low-high range shaded); years below UCDP's threshold of 25 deaths are gaps. "
    "Each rebel side is named as it was that year (UCDP's 'CMA' was the MNLA before 2014). "
    "UCDP codes the Islamic State as one global actor: in Mali its fighters were ISGS / IS "
    "Sahel. Battle deaths exclude violence against civilians and fighting between groups."
)
#: The appendix's sections (name: the title the notebook gives it), after the brief.
APPENDIX: dict[str, str] = {
    "relations": "Relations in full",
    "profiles": "Group profiles",
    "ucdp": "UCDP cross-check in full",
    "disagreements": "Disagreements between sources",
    "method": "Method notes",
    "milestones": "Milestones in full",
}
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
    ("where each is recorded", ("lineage.csv line", "UCDP actor and field", "Detail")),
)
#: Columns of the body's short relation tables (the appendix adds what happened and sources).
RELATION_BRIEF_COLUMNS = ("Date", "Group", "Relation", "Other", "Other group")
COMPARISON_COLUMNS: dict[str, str] = {
    "status": "Status",
    "group_id": "Group",
    "curated": "Curated relation",
    "ucdp": "UCDP relation",
    "other_group_id": "Other group",
    "curated_line": "lineage.csv line",
    "ucdp_actor": "UCDP actor and field",
    "comparable": "UCDP codes both",
    "detail": "Detail",
}


# ----------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class GroupParameters:
    """The report's parameters, checked and typed (it has only the common ones)."""

    common: ReportParameters

    @property
    def use_ucdp(self) -> bool:
        """True when the UCDP Actor Dataset and battle deaths are read."""
        return self.common.data_source == "curated+ucdp"

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.common.start_date)

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(self.common.end_date)


def check_parameters(
    start_date: object,
    end_date: object,
    country: str = "Mali",
    focus_groups: object = (),
    data_source: str = "curated+ucdp",
    milestone_kinds: object = (),
) -> GroupParameters:
    """The notebook's parameters, checked once (empty milestone_kinds means every kind)."""
    return GroupParameters(
        check_common(
            start_date,
            end_date,
            country,
            focus_groups,
            data_source,
            allowed_sources=DATA_SOURCES,
            milestone_kinds=milestone_kinds or None,
        )
    )


# ----------------------------------------------------------------------------- report parts


#: The source line of a table computed from the curated tables (groups, lineage, milestones).
CURATED_TABLES_SOURCE = register.source_line("curated", None)


@dataclass(frozen=True)
class Table(parts.Table):
    """A reader's table computed from the curated tables unless its source says otherwise."""

    source: str | tuple[str, ...] | None = CURATED_TABLES_SOURCE


@dataclass(frozen=True)
class Timeline:
    """The lineage timeline's data: lanes in their order, milestones, caption and source."""

    data: TimelineData
    order: tuple[str, ...]
    crossings: int
    milestones: pd.DataFrame
    caption: str
    source: str


@dataclass(frozen=True)
class UcdpCheck:
    """The UCDP cross-check: what the actor file says against the curated lineage."""

    intro: str
    comparison: Table
    unmatched: str
    status_counts: dict[str, int]
    method: str = ""

    def comparison_tables(self) -> tuple[Table, ...]:
        """The comparison row by row as two tables that fit the column: the relations as each
        side codes them; then where each is recorded and the detail."""
        frame = self.comparison.frame.reset_index(drop=True)
        row = pd.Series(range(1, len(frame) + 1), index=frame.index, name="Row")
        return tuple(
            Table(
                pd.concat([row, frame[list(columns)]], axis=1),
                f"{self.comparison.caption}: {what}",
                source=self.comparison.source,
            )
            for what, columns in COMPARISON_PARTS
        )

    def status_table(self) -> Table:
        """How many relations fall in each status of the comparison: the body's short table."""
        frame = pd.DataFrame(
            {"Status": list(self.status_counts), "Relations": list(self.status_counts.values())}
        )
        return Table(
            frame,
            "Curated lineage against the UCDP Actor Dataset: relations by status",
            source=self.comparison.source,
        )


@dataclass(frozen=True)
class GroupEvolutionReport:
    """Everything the group-evolution report shows, computed; in reading order."""

    params: GroupParameters
    key_findings: tuple[str, ...]
    headline: tuple[str, ...]
    in_scope: tuple[str, ...]
    spans: pd.DataFrame = field(repr=False)
    overview: str = ""
    active_counts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    active_caption: str = ACTIVE_CAPTION
    active_source: str = ""
    formations: tuple[str, ...] = ()
    timeline: Timeline | NoData = NoData("")
    relation_tables: tuple[Table, ...] = ()
    profiles: Table | None = None
    ucdp_check: UcdpCheck | NoData = NoData("")
    dyads: pd.DataFrame | NoData = NoData("")
    battle_caption: str = BATTLE_CAPTION
    battle_source: str = ""
    open_questions: str = ""
    disagreements: Table | None = None
    milestones: Table | NoData = NoData("")
    #: (title, text) of each method note of the appendix.
    method_notes: tuple[tuple[str, str], ...] = ()
    milestone_labels: tuple[str, ...] = ()

    def relation_briefs(self) -> tuple[Table, ...]:
        """The relation tables as the body shows them: who did what to whom, and when (what
        happened and the sources are in the appendix)."""
        return tuple(
            Table(
                t.frame[[c for c in t.frame.columns if c in RELATION_BRIEF_COLUMNS]],
                t.caption.removesuffix(", with sources") + " (details and sources: appendix)",
            )
            for t in self.relation_tables
        )

    def profile_brief(self) -> Table | None:
        """The group profiles as the body shows them: name, founding and end (aliases, leaders,
        strength, affiliations and sources are in the appendix)."""
        if self.profiles is None:
            return None
        return Table(
            self.profiles.frame[["Group", "Founded", "Ended"]],
            "Groups in scope, by founding (aliases, leaders, strength and affiliations: appendix)",
        )

    def profile_tables(self) -> tuple[Table, ...]:
        """The full group profiles as two tables that fit the column: names, dates and leaders;
        then strength, affiliations and sources."""
        if self.profiles is None:
            return ()
        frame = self.profiles.frame
        return tuple(
            Table(frame[["Group", *columns]], f"Group profiles: {what}")
            for what, columns in PROFILE_PARTS
        )

    def milestone_brief(self) -> Table | NoData:
        """The milestones as the body shows them: date, kind and label."""
        if isinstance(self.milestones, NoData):
            return self.milestones
        return Table(
            self.milestones.frame[["Date", "Kind"]].assign(Milestone=list(self.milestone_labels)),
            "Milestones in the period (what happened and sources: appendix)",
        )


# ----------------------------------------------------------------------------- computing


def groups_in_scope(lin: LineageGraph, focus_groups: tuple[str, ...]) -> list[str]:
    """The focus groups with their ancestors and descendants, or every group."""
    if focus_groups:
        return lineage.related_groups(lin, focus_groups)
    return list(lin.spans["group_id"])


def active_in_period(spans: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Groups with a known start that were active at some time in [start, end]."""
    started = spans["start"].notna()
    return spans[
        started
        & (spans["start"] <= end)
        & (spans["end_last_day"].isna() | (spans["end_last_day"] >= start))
    ]


def relations_in_period(
    relations: pd.DataFrame, scope: list[str], start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Dated relations of the groups in scope in [start, end], designations left out."""
    return relations[
        relations["group_id"].isin(scope)
        & (relations["relation"] != "designated_by")
        & relations["date"].between(start, end)
    ]


def activity_sentence(
    n_active: int, n_scope: int, start: object, end: object, counts: pd.DataFrame
) -> str | None:
    """'18 of the 28 curated groups in scope were active ...; in 2025, 12 were active (...).'"""
    if not len(counts):
        return None
    last_year = counts.index.max()
    per_family = counts.loc[last_year]
    parts = [f"{int(n)} {family}" for family, n in per_family.items() if n]
    return (
        f"{n_active} of the {n_scope} curated groups in scope were active at some "
        f"point between {human_date(start)} and {human_date(end)}; in "
        f"{last_year}, {int(per_family.sum())} were active ({', '.join(parts)})."
    )


def relations_sentence(relation_counts: pd.Series) -> str | None:
    """'The lineage table dates 27 relations in the period: 6 splits, ... and 2 alliances.'"""
    total = int(relation_counts.sum())
    if not total:
        return None
    # Every kind counted in the total is named (the renamings were left out: 37 relations
    # read as 36), and a kind with none is not.
    parts = []
    for relation, one, many in RELATION_WORDS:
        n = int(relation_counts.get(relation, 0))
        if n:
            parts.append(f"{n} {one if n == 1 else many}")
    named = {relation for relation, _, _ in RELATION_WORDS}
    other = int(relation_counts[[r not in named for r in relation_counts.index]].sum())
    if other:
        parts.append(f"{other} other relation{'' if other == 1 else 's'}")
    listed = f"{', '.join(parts[:-1])} and {parts[-1]}" if len(parts) > 1 else parts[0]
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
    """The deadliest government-versus-group dyad-year, with UCDP's range."""
    if dyads is None or dyads.empty:
        return None
    top = dyads.sort_values("deaths_best", ascending=False).iloc[0]
    return (
        f"The deadliest government-versus-group dyad-year in UCDP's battle deaths was "
        f"{top['dyad_label']} in {top['year']}, with {int(top['deaths_best']):,} battle-related "
        f"deaths (best estimate; {int(top['deaths_low']):,}-{int(top['deaths_high']):,})."
    )


def overview_text(
    n_scope: int,
    start: object,
    end: object,
    active: pd.DataFrame,
    undated: list[str],
    labels: dict[str, str],
) -> str:
    """The overview paragraph: groups in scope, the active ones by family, the undated ones."""
    family_counts = active["affiliation"].value_counts()
    undated_text = ""
    if undated:
        several = len(undated) > 1
        undated_text = (
            f"{len(undated)} group{'s have' if several else ' has'} no founding date in the "
            f"sources and {'are' if several else 'is'} not counted: "
            f"{', '.join(labels.get(g, g) for g in undated)}."
        )
    return (
        f"The curated data holds {n_scope} groups in scope. Of those active between "
        f"{human_date(start)} and {human_date(end)}, {family_counts.get('al-Qaeda', 0)} belonged "
        f"to the al-Qaeda family, {family_counts.get('Islamic State', 0)} to the Islamic State "
        f"family, {family_counts.get('separatist coalition', 0)} to the separatist coalitions "
        f"and {family_counts.get('pro-government coalition', 0)} to the pro-government "
        f"coalitions; {family_counts.get('none', 0)} had no affiliation. {undated_text}"
    )


def formation_sentences(lin: LineageGraph, spans: pd.DataFrame, start, end) -> tuple[str, ...]:
    """How each group formed in the period came to be, for groups born of a split, merger or
    renaming (groups simply founded are left out)."""
    formed = spans[spans["start"].between(start, end)].sort_values("start")
    sentences = (lineage.formation_sentence(lin, gid) for gid in formed["group_id"])
    return tuple(s for s in sentences if " was formed " in s)


#: The lineage timeline's body caption (how to read its lanes: timeline_method).
TIMELINE_CAPTION = (
    "One lane per group from its founding to its end, grouped by family; arrows show splits, "
    "mergers, renamings, joins and pledges at their dates. How to read the lanes: appendix."
)


def timeline_method(crossings: int) -> str:
    """How to read the lineage timeline, with the crossings its lane order leaves."""
    return (
        "One lane per group from its founding (paler: only the year is known) to its end; "
        "hatched lanes (*) start at the group's first dated mention because the sources give "
        "no founding date. Arrows show splits, mergers, renamings, joins and pledges at their "
        "dates; lanes are grouped by family and ordered so that arrows cross as few lanes as "
        f"possible ({crossings} crossings left). Dashed lines mark the milestones of the period."
    )


def relation_tables(
    lin: LineageGraph,
    params: GroupParameters,
    relations: pd.DataFrame,
    labels: dict[str, str],
    names: dict[str, str],
    timeline_start: pd.Timestamp,
) -> tuple[Table, ...]:
    """What happened to each focus group (from the timeline's start), or every relation of the
    period when there is no focus."""

    def label(ids) -> str:
        return ", ".join(labels.get(i, i) for i in ids)

    if params.common.focus_groups:
        tables = []
        for gid in params.common.focus_groups:
            rows = lineage.lineage_table(lin, gid)
            rows = rows[rows["date"].between(timeline_start, params.end)]
            frame = pd.DataFrame(
                {
                    "Date": rows["when"],
                    "Group": rows["group_id"].map(lambda g: labels.get(g, g)),
                    "Relation": rows["relation"].str.replace("_", " "),
                    "Other": rows["other_group_ids"].map(label),
                    "What happened": rows["description"],
                    "Sources": rows["sources"].map(", ".join),
                }
            )
            tables.append(Table(frame, f"What happened to {names.get(gid, gid)}, with sources"))
        return tuple(tables)
    shown = relations.sort_values("date")
    frame = pd.DataFrame(
        {
            "Date": [
                human_date(d.date(), p)
                for d, p in zip(shown["date"], shown["date_precision"], strict=True)
            ],
            "Group": shown["group_id"].map(lambda g: labels.get(g, g)),
            "Relation": shown["relation"].str.replace("_", " "),
            "Other group": shown["other_group_id"].map(label),
            "What happened": shown["description"],
            "Sources": shown["sources"].map(", ".join),
        }
    )
    return (Table(frame, "Relations between groups in the period, from lineage.csv"),)


def ucdp_check(
    check: actors.CrossCheck,
    scope: list[str],
    country: str,
    file_name: str,
    actor_source: str = register.source_line("ucdp-actor", None),
) -> UcdpCheck:
    """The cross-check section, restricted to relations touching a group in scope;
    ``actor_source`` is the Actor Dataset's source line with the version read."""
    comparison = check.comparison
    comparison = comparison[
        comparison["group_id"].isin(scope) | comparison["other_group_id"].isin(scope)
    ]
    mapped = check.local
    coded = mapped["group_id"].notna()
    intro = (
        f"UCDP's actor list (file {file_name}) has {len(mapped)} actors active in {country}; "
        f"{int(coded.sum())} of them are curated groups."
    )
    method = (
        "UCDP codes who split from whom, which actors formed an alliance and ceased on their "
        "own, which joined another, and renamings. Each relation in the curated vocabulary is "
        "matched against the curated lineage: found in both, coded differently, or found in "
        "only one. 'Only curated' rows marked not comparable concern a group UCDP does not code "
        "(UCDP has, for example, one global IS actor and no ISGS)."
    )
    shown = comparison.assign(
        date=[human_date(d.date(), "day") if pd.notna(d) else "" for d in comparison["date"]],
        comparable=comparison["comparable"].map({True: "yes", False: "no"}),
    )
    table = Table(
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
    return UcdpCheck(intro, table, unmatched_text, counts, method)


def headline_lines(
    lin: LineageGraph,
    spans: pd.DataFrame,
    active: pd.DataFrame,
    relation_counts: pd.Series,
    counts: pd.DataFrame,
) -> tuple[str, ...]:
    """The checked lines printed under the key findings (the notebook's NBVAL cell)."""
    try:
        ancestry = ", ".join(lineage.ancestors(lin, "JNIM"))
    except KeyError:  # a curated folder without JNIM
        ancestry = "–"
    relations = {k: int(v) for k, v in sorted(relation_counts.items())}
    last = {k: int(v) for k, v in counts.iloc[-1].items() if v} if len(counts) else {}
    return (
        f"JNIM's ancestors: {ancestry}",
        f"Groups in scope: {len(spans)} | active in the period: {len(active)}",
        f"Relations dated in the period: {relations}",
        f"Active in {counts.index.max() if len(counts) else '–'} by affiliation: {last}",
    )


# ----------------------------------------------------------------------------- build


def build(
    ctx: RunContext,
    params: GroupParameters,
    actor_path: Path | None = None,
    brd_path: Path | None = None,
) -> GroupEvolutionReport:
    """Read what the report needs through the run context and compute the report.

    The lineage comes from the run's curated snapshot. With ``data_source='curated+ucdp'``, the
    UCDP actor file (``actor_path``, else data/raw, else ../shared/data) and the UCDP battle
    deaths (``brd_path``, else where tables.events finds them) are read too.
    """
    common = params.common
    start, end = params.start, params.end
    timeline_start = min(TIMELINE_FROM, start)
    lin = lineage.from_snapshot(ctx.curated)

    scope = groups_in_scope(lin, common.focus_groups)
    spans = lin.spans[lin.spans["group_id"].isin(scope)]
    names = spans.set_index("group_id")["name"].to_dict()
    labels = spans.set_index("group_id")["label"].to_dict()
    active = active_in_period(spans, start, end)
    undated = sorted(set(lineage.undated_groups(lin)) & set(scope))
    relations = relations_in_period(lin.relations, scope, start, end)
    relation_counts = relations["relation"].value_counts()
    counts = lineage.active_by_year(
        lin, start.year, end.year, groups=scope, exclude_kinds=DEFAULT_EXCLUDED_KINDS
    )
    milestones = milestones_in(
        ctx.curated.milestones, common.start_date, common.end_date, common.milestone_kinds
    )

    # The lineage timeline, its lanes ordered once here (the caption says how well).
    data = timeline_data(lin, timeline_start, end, groups=common.focus_groups or None)
    if len(data.spans):
        order = order_lanes(data)
        crossings = lane_cost(order, data)[0]
        sources = [CURATED_SOURCE] + ([MILESTONES_SOURCE] if len(milestones) else [])
        timeline: Timeline | NoData = Timeline(
            data,
            tuple(order),
            crossings,
            milestones,
            TIMELINE_CAPTION,
            "; ".join(sources),
        )
    else:
        timeline = NoData("no dated group in the chosen focus", "Widen focus_groups or the dates.")

    # UCDP: the actor file and the battle deaths.
    check: UcdpCheck | NoData
    dyads: pd.DataFrame | NoData
    cross = None
    if not params.use_ucdp:
        check = NoData(
            "the UCDP cross-check was not asked for (data_source is 'curated')",
            "Run with data_source='curated+ucdp'.",
        )
        dyads = NoData("battle deaths were not asked for (data_source is 'curated')")
    else:
        actor_file = actor_path or ucdp.find_actor_file()
        if actor_file is None:
            check = NoData("the UCDP Actor Dataset is not on this machine", ucdp.HOW_TO_GET)
        else:
            cross = actors.cross_check(ucdp.load_actors(actor_file), lin, common.country)
            check = ucdp_check(
                cross, scope, common.country, Path(actor_file).name, ctx.source_line("ucdp-actor")
            )
        try:
            brd = ctx.load_events("ucdp-brd", country=common.country, path=brd_path)
        except DatasetMissingError:
            dyads = NoData(
                "the UCDP Battle-Related Deaths dataset is not on this machine",
                "Run `python -m analysis data fetch ucdp-brd` (or `make data`).",
            )
        else:
            frame = actors.dyad_deaths(
                brd,
                cross.actors if cross is not None else None,
                lin.spans.set_index("group_id"),
                lin.resolver,
            )
            if common.focus_groups:
                frame = frame[frame["group_id"].isin(scope)]
            dyads = (
                frame
                if len(frame)
                else NoData(
                    f"UCDP records no battle deaths in {common.country} for these groups and years"
                )
            )

    # Open questions: DISAGREEMENT notes about the groups in scope.
    notes = lineage.disagreements(lin)
    notes = notes[notes["group_ids"].map(lambda ids: bool(set(ids) & set(scope)))]
    if notes.empty:
        open_questions, disagreements = (
            "The sources agree on everything recorded for these groups.",
            None,
        )
    else:
        open_questions = (
            "Where the sources disagree, the curated row keeps the value judged right and "
            f"records the other: {len(notes)} such notes concern the groups in scope."
        )
        disagreements = Table(
            notes[["table", "line", "about", "disagreement", "sources"]],
            "Disagreements between sources (DISAGREEMENT notes in groups.csv and lineage.csv)",
        )

    method = [("Active groups", ACTIVE_METHOD)]
    if isinstance(timeline, Timeline):
        method.append(("Lineage timeline", timeline_method(timeline.crossings)))
    if isinstance(dyads, pd.DataFrame):
        method.append(("Battle deaths", BATTLE_METHOD))
    findings = [
        lineage.formation_sentence(lin, HEADLINE_GROUP) if HEADLINE_GROUP in scope else None,
        activity_sentence(len(active), len(spans), common.start_date, common.end_date, counts),
        relations_sentence(relation_counts),
        ucdp_sentence(check.status_counts) if isinstance(check, UcdpCheck) else None,
        dyad_sentence(dyads) if isinstance(dyads, pd.DataFrame) else None,
    ]
    return GroupEvolutionReport(
        params=params,
        key_findings=tuple(f for f in findings if f),
        headline=headline_lines(lin, spans, active, relation_counts, counts),
        in_scope=tuple(scope),
        spans=spans,
        overview=overview_text(
            len(spans), common.start_date, common.end_date, active, undated, labels
        ),
        active_counts=counts,
        active_source=CURATED_SOURCE,
        formations=formation_sentences(lin, spans, start, end),
        timeline=timeline,
        relation_tables=relation_tables(lin, params, relations, labels, names, timeline_start),
        profiles=Table(
            lineage.profiles_table(lin, scope),
            "Names, founding, leaders, strength estimates (with date and sources) and "
            "affiliations over time, from groups.csv and lineage.csv",
        ),
        ucdp_check=check,
        dyads=dyads,
        battle_source=ctx.source_line("ucdp-brd", "ucdp-actor")
        if cross
        else ctx.source_line("ucdp-brd"),
        open_questions=open_questions,
        disagreements=disagreements,
        milestones=(
            Table(milestone_table(milestones), "Milestones in the period, from milestones.csv")
            if len(milestones)
            else NoData("no milestone of the chosen kinds in the period")
        ),
        method_notes=tuple(method),
        milestone_labels=tuple(milestone_brief(milestones)["Milestone"]),
    )
