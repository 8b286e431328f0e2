"""The brief of the attack-trends report, one function per section.

Each section is a function of what the run read (``AttackInputs``), the series computed from it
(``AttackSeries``) and the parameters, and returns a ``parts.Section``: its prose, tables,
figures and no-data notes in reading order. A section asks the event source's declaration what
it can give (event rows, actors, cercles, coordinates) instead of which dataset it is, and
whether it is a census: counts, shares, trends, "Latest", change points and lethality come from
a census only; from a selection (the curated chronology) the brief shows the timeline of major
incidents and says why it draws no trend.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from analysis.analyses import changepoints, trends
from analysis.analyses.thresholds import Change
from analysis.core.dates import human_date, period_text
from analysis.core.vocab import COVERAGE_NAMES
from analysis.figures import events as fe
from analysis.reports import aggregated_trends
from analysis.reports import attack_sentences as say
from analysis.reports.attack_coverage import unread_part
from analysis.reports.attack_data import AttackInputs, AttackSeries
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.attack_tables import (
    IN_FILES_NOT_PERIOD,
    latest_by,
    renamed,
    report_table,
    type_summary,
    with_milestones,
)
from analysis.reports.brief import without_columns
from analysis.reports.parts import Chart, NoData, Section, Table, Text, section
from analysis.tables.coverage import coverage_sentences
from analysis.tables.events import annual_coverage, publisher_types

#: What fills a gap that only a census of events can fill.
FILL_WITH_CENSUS = (
    "Event data that lists every attack (ACLED's or UCDP's) would fill it; why this edition "
    "has none, and where their publishers offer them: appendix, data coverage."
)
#: The same, for whoever builds the report (the build's log).
FILL_WITH_CENSUS_HINT = (
    "Event data that lists every attack fills it: an ACLED export of the country in "
    "data/raw/acled/, or UCDP GED in data/raw/ucdp-ged/ (make data)."
)


def events_missing(d: AttackInputs) -> NoData:
    """What a part drawn from events shows when the period has none (or only a selection)."""
    if not d.census:
        return census_missing(d, f"counts of events in {d.country}", None)
    return NoData(f"events for {d.country} in the period", IN_FILES_NOT_PERIOD)


def census_missing(d: AttackInputs, what: str, slug: str | None) -> NoData:
    """What a part that needs a census shows when the event data is a selection."""
    return NoData(
        f"{what}: the {d.name} lists {d.declared.selection}, not every attack",
        FILL_WITH_CENSUS,
        slug=slug,
        build_hint=FILL_WITH_CENSUS_HINT,
    )


def event_summary(d: AttackInputs) -> dict[str, str]:
    """The values of the 'Event data in this report' sentence."""
    if not d.declared.event_rows:
        values = aggregated_trends.summary(d.selection.totals, d.sources.events)
        dated = values["first"] != "-"
        span = (
            period_text(date.fromisoformat(values["first"]), date.fromisoformat(values["last"]))
            if dated
            else "none in the period"
        )
        return values | {"what": "events", "span": span}
    events = d.events
    span = (
        period_text(events["date"].min().date(), events["date"].max().date())
        if len(events)
        else "none in the period"
    )
    return {
        "source": d.sources.events,
        "n": f"{len(events):,}",
        "span": span,
        "what": "events of organised political violence"
        if d.left_out is not None
        else "events"
        if d.census
        else "major incidents",
    }


def event_sentence(d: AttackInputs) -> Text:
    """'Event data in this report: ...': the census counted, or the selection shown."""
    values = event_summary(d)
    if d.census:
        return Text("Event data in this report: **{source}**, {n} {what}, {span}.", values)
    return Text(
        "Event data that lists every attack: none in this edition (why: appendix, data "
        "coverage). The **{source}**, {n} {what} ({span}), is shown as a timeline, not counted.",
        values,
    )


def left_out_sentence(d: AttackInputs) -> str | None:
    """How many rows of the source are not attacks and were left out of every count."""
    others = d.left_out
    if others is None:
        return None
    kept, out = len(d.events), len(others)
    return (
        f"{out:,} of the {kept + out:,} events of the {d.name} for {d.country} in the period "
        f"are {d.declared.left_out}: they are not attacks and are left out of every count of "
        "this brief (by type: What section)."
    )


def coverage_notes(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> list[str]:
    """Where the period ends and why, where each dataset's coverage ends, and what the event
    source can tell (a selection's caveat, the totals' own notes)."""
    coverages = {d.name: d.coverage}
    if d.owid is not None:
        coverages[COVERAGE_NAMES["owid"]] = annual_coverage("owid", d.owid, d.country)
    if d.brd is not None:
        coverages[COVERAGE_NAMES["ucdp-brd"]] = d.brd.attrs.get(
            "coverage", annual_coverage("ucdp-brd", d.brd, d.country)
        )
    notes = [d.period_end.sentence, *coverage_sentences(coverages, d.end), *s.provisional]
    notes += [n for n in (left_out_sentence(d),) if n]
    if not d.declared.census and d.owid is not None and len(d.owid) and len(d.events):
        # why the selection draws no trend is said once, beside its timeline (national trend)
        notes.append(say.selection_against_ucdp(d.events, d.owid))
    if not d.declared.event_rows:
        notes += [n for n in aggregated_trends.notes(d.selection.totals, p.focus_groups) if n]
    return notes


def coverage(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Data coverage: which event data the report reads, and where each dataset ends."""
    return section(
        "coverage",
        event_sentence(d),
        *(Text("{note}", {"note": note}) for note in coverage_notes(d, s, p)),
    )


def latest(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Latest: the last 4 weeks (or whole month) the data covers, against the ones before."""
    sentences = [Text("{text}", {"text": t}) for t in s.latest]
    if not d.census:
        return section(
            "latest", *sentences, census_missing(d, "the last weeks by region", "latest-regions")
        )
    if s.latest and not d.declared.event_rows:
        totals = d.selection.totals
        regions = report_table(
            "latest-regions",
            aggregated_trends.latest_by_region(totals, d.covered),
            aggregated_trends.latest_caption(totals, d.covered),
            d.sources.events,
        )
    elif s.latest and len(d.events):
        regions = report_table(
            "latest-regions",
            latest_by(d.events, d.covered, "admin1"),
            "Events and deaths by region: the last 4 weeks, the 4 before, a year before"
            + latest_caveat(d),
            d.sources.events,
        )
    else:
        regions = NoData(
            f"events for {d.country} in the last weeks the data covers",
            IN_FILES_NOT_PERIOD,
            slug="latest-regions",
        )
    return section("latest", *sentences, regions)


def latest_caveat(d: AttackInputs) -> str:
    """The end of a 'Latest' table's caption: where its windows end and what its cells mean."""
    return (
        f"; windows of 4 weeks ending on {human_date(d.covered.last)}, the last day the data "
        "covers; 'not covered' where the data does not cover a whole window, 'not given' "
        "where no event of the window gives a death figure"
    )


def national_trend(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """National trend: UCDP's annual series with the milestones, and the event series (from a
    census), or the timeline of major incidents (from a selection)."""
    if not d.census:
        return section(
            "national-trend",
            ucdp_trend(d),
            Text("{text}", {"text": say.selection_caveat(d.declared)}),
            incidents_table(d, INCIDENTS_SHOWN, "incidents-brief"),
        )
    return section("national-trend", ucdp_trend(d), event_trend(d, s, p))


#: How many of the chronology's newest incidents the body lists (all: appendix).
INCIDENTS_SHOWN = 10


def incidents_table(d: AttackInputs, n: int | None, slug: str) -> Table | NoData:
    """The timeline of major incidents of a selection, newest first (``n`` of them, or all),
    with the perpetrators as recorded."""
    events = d.events.sort_values(["date", "event_id"], ascending=False, kind="stable")
    if not len(events):
        return NoData(f"major incidents in {d.country} in the period", "", slug=slug)
    shown = events.head(n) if n else events
    table = pd.DataFrame(
        {
            "date": shown["date"].dt.date.astype(str),
            "place": shown["location"].fillna(shown["admin1"]).fillna(""),
            "type": shown["event_type"],
            "perpetrators as recorded": [recorded_actors(d, row) for _, row in shown.iterrows()],
            "deaths": shown["deaths_best"],
            "low": shown["deaths_low"],
            "high": shown["deaths_high"],
        }
    )
    which = f"the {len(shown)} newest of {len(events)}" if n and len(events) > n else "all"
    return report_table(
        slug,
        table,
        f"Timeline of major incidents in the {d.name}, newest first ({which} in the period; "
        "a selection: no trend is drawn from it)",
        d.sources.events,
    )


def ucdp_trend(d: AttackInputs) -> Chart | NoData:
    """Conflict deaths per year from OWID and UCDP BRD, or why there are none."""
    series, sources = {}, []
    if d.owid is not None and len(d.owid):
        series["all organised violence (OWID from UCDP GED)"] = d.owid
        sources.append(d.sources.owid)
    if d.brd is not None and len(d.brd):
        series["state-based battle deaths (UCDP BRD, low-high band)"] = trends.annual_totals(d.brd)
        sources.append(d.sources.brd)
    if series:
        return Chart(
            "national-trend-ucdp",
            "Deaths per year; the shaded band spans UCDP's low and high estimates. Numbered "
            "dashed lines mark the milestones listed under the figure.",
            tuple(sources),
            series,
            draw=fe.draw_national_trend,
            options={
                "title": f"Conflict deaths in {d.country} per year",
                "milestones": d.milestones,
            },
            height=3.8,
        )
    if d.owid is not None or d.brd is not None:
        return NoData(
            f"UCDP-based national series (OWID, BRD) for {d.country} in the period",
            IN_FILES_NOT_PERIOD,
            slug="national-trend-ucdp",
        )
    return unread_part(("owid", "ucdp-brd"), "UCDP's national series", slug="national-trend-ucdp")


def event_trend(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Chart | NoData:
    """Events and deaths per period in the event data, or why there are none."""
    if not s.n_events:
        return renamed(events_missing(d), "national-trend-events")
    period, monthly = p.period, s.monthly
    band = "; the band spans the low and high estimates."
    return Chart(
        "national-trend-events",
        f"Events and deaths per {period} in the {d.sources.events}"
        + say.unknown_deaths_clause(monthly, period)
        + (band if monthly["deaths_low"].notna().any() else ".")
        + (f" {s.coverage_caption}" if s.coverage_caption else ""),
        d.sources.events,
        monthly,
        layout=fe.trend_layout,
        args=(monthly, (f"Events per {period}", f"Deaths per {period}")),
        options={"period": period},
    )


def groups(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Who: UCDP's battle deaths by group, and the events by group where the source names
    actors."""
    return section(
        "groups",
        *battle_deaths_by_group(d, p),
        events_by_group(d, s),
        Text("{text}", {"text": unresolved_sentence(d)}),
    )


def battle_deaths_by_group(d: AttackInputs, p: AttackTrendsParameters) -> tuple[Any, ...]:
    """UCDP BRD's battle deaths per group and year (a figure) and over the period (a table)."""
    by_group = say.battle_deaths_by_group(d.brd)
    if by_group is None and d.brd is not None:
        return (
            NoData(
                f"UCDP battle deaths by group for {d.country} in the period"
                + (" for the focus groups" if p.focus_groups else ""),
                IN_FILES_NOT_PERIOD,
                slug="group-battle-deaths",
            ),
        )
    if by_group is None:
        return (unread_part(("ucdp-brd",), "UCDP battle deaths by group", "group-battle-deaths"),)
    labels, keys = {}, {}
    for name, ids in zip(d.brd["side_b"], d.brd["group_ids"], strict=True):
        affiliation = d.groups.loc[ids[0], "affiliation"] if len(ids) else None
        labels[name] = f"{name} ({affiliation})" if affiliation and affiliation != "none" else name
        if len(ids):  # the group's colour in every figure (analysis.figures.colours)
            keys[name] = ids[0]
    figure = Chart(
        "group-battle-deaths",
        "State-based battle deaths per year by the group fighting the government (UCDP "
        "BRD); UCDP codes the Islamic State as one global actor, IS. A group with no bar "
        "in a year fought below UCDP's threshold of 25 battle deaths (its data reads 0).",
        d.sources.brd,
        trends.annual_wide(d.brd, by="side_b"),
        draw=fe.draw_split,
        options={
            "title": f"Battle deaths in {d.country} by armed group",
            "ylabel": "Battle deaths (best estimate)",
            "top": 6,
            "labels": labels,
            "kind": "group",
            "keys": keys,
        },
        height=3.8,
    )
    table = by_group.rename("battle deaths").reset_index().rename(columns={"side_b": "group"})
    table["share"] = (table["battle deaths"] / table["battle deaths"].sum() * 100).round(1)
    return figure, report_table(
        "brd-by-group",
        table,
        "Battle-related deaths in the fighting between each group and a government over the "
        "period (UCDP BRD), share in %: the dead of both sides of the fighting, not those the "
        "group killed",
        d.sources.brd,
    )


def events_by_group(d: AttackInputs, s: AttackSeries) -> Chart | NoData | None:
    """Events per year by group, where the source names actors and lists every event (None: no
    event has one)."""
    if not d.census:
        return census_missing(d, "events per year by group", "events-by-group")
    if not d.declared.actors:
        return NoData(
            say.no_actors(d.declared),
            say.GET_EVENTS,
            slug="events-by-group",
            build_hint=say.GET_EVENTS_HINT,
        )
    by_group = trends.split(d.events, "group", "year")
    if not len(by_group):
        return None
    wide = trends.wide(by_group, "group", "events")
    return Chart(
        "events-by-group",
        "Events per year by the group they are attributed to; "
        "an event with two groups counts for both." + s.partial_years,
        d.sources.events,
        wide,
        draw=fe.draw_split,
        options={
            "title": "Events by group",
            "ylabel": "Events",
            "top": 6,
            "labels": {g: d.group_label.get(g, g) for g in wide.columns},
            "kind": "group",
        },
    )


#: How many of the actor names that match no group the appendix lists.
UNRESOLVED_LISTED = 25


def unresolved_sentence(d: AttackInputs) -> str:
    """Whether every actor name matched a group of the curated groups table (the names that
    did not: appendix)."""
    # the names the appendix lists, as the report has always counted them (at most 25)
    unresolved = len(d.unresolved.head(UNRESOLVED_LISTED))
    if not unresolved:
        return "Every actor name in the data matches a group of the curated groups table."
    return (
        f"{unresolved} actor names match no group of the curated groups table; they stay in "
        "the data and are listed in the appendix."
    )


def types(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """What: events by type (the publisher's own typology: ACLED's event types, UCDP's three
    types of violence) and by target, the share that targeted civilians, and the events that
    are not attacks, apart; from a census only."""
    events = d.events
    if not d.census:
        return section("types", census_missing(d, "events, deaths and lethality by type", "types"))
    if not len(events):
        if not d.declared.event_rows:
            return section("types", no_single_events(d, "types"))
        return section("types", renamed(events_missing(d), "types"), left_out_table(d))
    typed = events.assign(event_type=publisher_types(events, d.declared))
    targets = (
        trends.split(events, "target", "year").groupby("target")[["events", "deaths_best"]].sum()
    )
    return section(
        "types",
        Chart(
            "events-by-type",
            f"Events per year by type, in {d.declared.types}." + s.partial_years,
            d.sources.events,
            trends.wide(trends.split(typed, "event_type", "year"), "event_type", "events"),
            draw=fe.draw_split,
            options={"title": "Events by type", "ylabel": "Events", "top": 5, "kind": "type"},
        ),
        report_table(
            "types",
            type_summary(typed),
            f"Events, deaths and lethality by type ({d.declared.types}) over the period (deaths "
            "per event among the events that give a death figure)",
            d.sources.events,
        ),
        Text("{text}", {"text": say.civilian_sentence(events)}),
        report_table(
            "targets",
            targets.sort_values("events", ascending=False).reset_index(),
            "Events and deaths by target (an event with two targets counts for both)",
            d.sources.events,
        ),
        left_out_table(d),
    )


def no_single_events(d: AttackInputs, slug: str) -> NoData:
    """The note of a part that needs single events, from a source that gives only totals."""
    return NoData(
        say.no_single_events(d.declared), say.GET_EVENTS, slug=slug, build_hint=say.GET_EVENTS_HINT
    )


def left_out_table(d: AttackInputs) -> Table | None:
    """The events of the source that are not attacks, by their own type: left out of every
    count, shown apart (None for a source without such events)."""
    others = d.left_out
    if others is None or not len(others):
        return None
    kinds = others["event_type_original"].str.split(": ", n=1, expand=True).reindex(columns=[0, 1])
    deaths = pd.to_numeric(others["deaths_best"], errors="coerce")
    table = (
        pd.DataFrame(
            {"event type": kinds[0], "sub-event type": kinds[1].fillna(""), "deaths": deaths}
        )
        .groupby(["event type", "sub-event type"])
        .agg(events=("deaths", "size"), deaths=("deaths", "sum"))
        .reset_index()
        .sort_values(["events", "event type"], ascending=[False, True], kind="stable")
    )
    return report_table(
        "left-out",
        table,
        f"Events of the {d.name} that are not attacks ({d.declared.left_out}), left out of "
        f"every count: {len(others):,} over the period, by ACLED event type",
        d.sources.events,
    )


def change_points(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """When: the breaks of the event series and of UCDP's annual death series."""
    period = p.period
    caption = f" {s.coverage_caption}" if s.coverage_caption else ""
    if not d.census:
        return section(
            "change-points",
            census_missing(d, "breaks in the event series", "change-points-events"),
            *annual_breaks(d, s),
            *unreported(s),
            MILESTONE_AID if s.owid_breaks else None,
        )
    if s.n_events:
        events_chart: Chart | NoData = Chart(
            "change-points-events",
            f"Events per {period} over the {period}s the data covers whole; dashed lines mark "
            "change points, flat lines each segment's mean." + caption,
            d.sources.events,
            s.whole_events,
            draw=fe.draw_change_points,
            options={
                "title": f"Events per {period} and their breaks",
                "points": list(s.event_breaks),
                "ylabel": f"Events per {period}",
            },
            height=3.4,
        )
    else:
        events_chart = renamed(events_missing(d), "change-points-events")
    return section(
        "change-points",
        events_chart,
        *event_breaks(d, s, p),
        *annual_breaks(d, s),
        *unreported(s),
        MILESTONE_AID if s.event_breaks or s.owid_breaks else None,
    )


MILESTONE_AID = Text(
    "*The nearest milestone before a break is a reading aid: it says what had just happened, "
    "not that it caused the change.*"
)


def unreported(s: AttackSeries) -> tuple[Text, ...]:
    """The breaks the segmentation found that the rule leaves out: limited change by ACLED
    Trendfinder's levels, or too few events to compare."""
    if not s.unreported_breaks:
        return ()
    listed = "; ".join(
        f"{_when(p.date, series)} in the {series} "
        f"({p.mean_before:,.1f} to {p.mean_after:,.1f}: {c.words()})"
        for series, p, c in s.unreported_breaks
    )
    return (
        Text(
            "{text}",
            {
                "text": f"Not reported as a change (method notes): {listed}.",
            },
        ),
    )


def _when(when: Any, series: str) -> str:
    """A break's first period in words: 'January 2020' in a monthly series, '2018' in an
    annual one."""
    if not hasattr(when, "year"):
        return str(when)
    return f"{when:%B %Y}" if series.startswith("month") else str(when.year)


def with_levels(table: pd.DataFrame, changes: tuple[Change, ...]) -> pd.DataFrame:
    """A break table with each break's change level (ACLED Trendfinder's)."""
    return table.assign(**{"change level": [c.words() for c in changes]})


def event_breaks(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> tuple[Any, ...]:
    """The breaks of the event series with the nearest milestones, or why there are none."""
    if not s.n_events:
        return ()  # the section says it has no events
    if s.event_breaks:
        table = changepoints.change_point_table(list(s.event_breaks), p.period)
        return (
            report_table(
                "event-breaks",
                with_milestones(with_levels(table, s.event_changes), s.event_breaks, d.milestones),
                f"Breaks in the {p.period}ly event series, with the nearest milestone before each",
                (d.sources.events, d.sources.curated),
            ),
        )
    return (
        Text(
            "{text}",
            {
                "text": f"The {p.period}ly event series of the {d.sources.events} shows no change "
                f"point: {s.n_events:,} events are too few, or too evenly spread, for a break to "
                "beat the penalty, or its breaks are too small to report (below)."
            },
        ),
    )


def annual_breaks(d: AttackInputs, s: AttackSeries) -> tuple[Any, ...]:
    """UCDP's annual death series and its breaks, or why there is none."""
    if s.owid_series is None and d.owid is None:
        return (unread_part(("owid",), "an annual death series", "change-points-annual"),)
    if s.owid_series is None:
        return (
            NoData(
                f"an annual death series (OWID) for {d.country} in the period",
                IN_FILES_NOT_PERIOD,
                slug="change-points-annual",
            ),
        )
    table = changepoints.change_point_table(list(s.owid_breaks), "year")
    return (
        Chart(
            "change-points-annual",
            "UCDP-based deaths per year (OWID); dashed lines mark change points.",
            d.sources.owid,
            s.owid_series,
            draw=fe.draw_change_points,
            options={
                "title": f"Conflict deaths in {d.country} per year and their breaks",
                "points": list(s.owid_breaks),
                "ylabel": "Deaths per year",
            },
            height=3.4,
        ),
        report_table(
            "annual-breaks",
            with_milestones(with_levels(table, s.owid_changes), s.owid_breaks, d.milestones),
            "Breaks in the annual death series, with the nearest milestone before each",
            (d.sources.owid, d.sources.curated),
        ),
    )


def deadliest_table(d: AttackInputs, p: AttackTrendsParameters) -> Any:
    """The deadliest events in full (the appendix's), with the actors as the source records
    them, or why there are none."""
    top = trends.deadliest(d.events, p.top_n)
    if not len(top):
        if not d.declared.event_rows:
            return no_single_events(d, "deadliest")
        return NoData(
            "events with a death figure",
            "None of the events the data read lists for this country and period gives a death "
            "figure.",
            slug="deadliest",
        )
    actors = "actors as recorded" if d.census else "perpetrators as recorded"
    shown = pd.DataFrame(
        {
            "date": top["date"].dt.date.astype(str),
            "place": top["location"].fillna(top["admin1"]).fillna(""),
            "type": publisher_types(top, d.declared),
            actors: [recorded_actors(d, row) for _, row in top.iterrows()],
            "deaths": top["deaths_best"],
            "low": top["deaths_low"],
            "high": top["deaths_high"],
            "what happened": top["description"],
        }
    )
    which = (
        f"the {d.sources.events}"
        if d.census
        else f"the {d.sources.events} (a selection of major incidents)"
    )
    return report_table(
        "deadliest",
        shown,
        f"The {len(shown)} deadliest events in {which}" + ACTOR_NOTES.get(d.census, ""),
        d.sources.events,
    )


#: What the actors column of the deadliest events holds, for a census and for a selection.
ACTOR_NOTES = {
    True: "; actors as the source records them (both sides; the order says nothing of who "
    "attacked)",
    False: "; perpetrators as recorded, each with its attribution (claimed, confirmed, suspected)",
}


def recorded_actors(d: AttackInputs, row: pd.Series) -> str:
    """The actors of an event as its source records them: for the chronology, each perpetrator
    named (state forces by name) with its attribution; for a census, its actor names."""
    if d.selection.dataset != "curated" or row["event_id"] not in d.chronology.index:
        names = [str(a) for a in list(row["actors"] if row["actors"] is not None else [])]
        return "; ".join(names) or "not recorded"
    recorded = d.chronology.loc[row["event_id"]]
    attribution = recorded.get("attribution") or "unknown"
    suspected = set(recorded.get("suspected_perpetrators") or [])
    ids = list(recorded.get("perpetrators") or [])
    if not ids:
        return f"not named (attribution: {attribution})"
    return "; ".join(
        f"{group_name(d, gid)}, {'suspected' if gid in suspected else attribution}" for gid in ids
    )


def group_name(d: AttackInputs, group_id: str) -> str:
    """A group as a reader knows it: state and foreign forces by name (with their acronym),
    armed groups by their acronym or name."""
    if group_id not in d.groups.index:
        return group_id
    group = d.groups.loc[group_id]
    label = d.group_label.get(group_id, group_id)
    if group.get("kind") in ("state", "foreign force") and label != group["name"]:
        return f"{group['name']} ({label})"
    return label


def deadliest(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Deadliest events: the body's table, without the descriptions (in full: appendix)."""
    full = deadliest_table(d, p)
    if isinstance(full, NoData):
        return section("deadliest", renamed(full, "deadliest-brief"))
    brief = without_columns(full, ["what happened"], "what happened: appendix")
    return section("deadliest", renamed(brief, "deadliest-brief"))
