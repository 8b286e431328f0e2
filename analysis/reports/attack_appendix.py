"""The appendix of the attack-trends report, one function per section: what the brief leaves
out (the names that match nothing, the zones per year, the method, the tables in full), then
its data coverage (the datasets this edition did not read, and what each covers) and the words
it uses. Each is a function of the run's inputs, its series and the parameters, like the
brief's sections (analysis.reports.attack_sections)."""

from __future__ import annotations

from analysis.analyses import geoshift
from analysis.analyses.milestones import milestone_table
from analysis.reports import attack_coverage, glossary
from analysis.reports import attack_sentences as say
from analysis.reports.attack_context import milestones_missing, sahel_all_pairs, sahel_missing
from analysis.reports.attack_data import AttackInputs, AttackSeries
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.attack_sections import (
    UNRESOLVED_LISTED,
    census_missing,
    deadliest_table,
    incidents_table,
    latest_caveat,
)
from analysis.reports.attack_tables import latest_by, renamed, report_table
from analysis.reports.attack_where import shift_missing
from analysis.reports.coverage_notes import coverage_section
from analysis.reports.parts import NoData, Section, Text, section
from analysis.tables.coverage import coverage_table, status_for_readers
from analysis.tables.events import annual_coverage

DATASETS_PARAGRAPH = (
    "Event data (ACLED, UCDP GED) lists individual incidents; UCDP's Battle-Related Deaths "
    "(BRD) counts deaths per government-versus-group pair and year in state-based conflict "
    "only; Our World in Data's series (from UCDP GED) counts all organised violence per "
    "country and year. Each dataset's publisher and licence are under Data sources and "
    "licences; the table below says which this edition read."
)
METHOD_CENSUS = (
    "**Census or selection.** An event source says what it is (its declaration): ACLED's "
    "exports and aggregates and UCDP GED list every event within their coverage (a census); the "
    "curated chronology lists major incidents chosen by a rule (a selection). Counts, shares, "
    "trends, 'Latest', change points, deaths per event and the maps come from a census only; "
    "from a selection the brief shows the timeline of major incidents and tests no claim. A "
    "month without a row of a census, within its coverage, had no event; outside its coverage it "
    "is missing, never zero."
)
METHOD_ATTACKS = (
    "**Attacks.** From ACLED the attack series counts organised political violence: Battles, "
    "Explosions/Remote violence and Violence against civilians. Protests, Riots and Strategic "
    "developments are left out of every count and shown apart (What section). ACLED's own "
    "violence rate (Conflict Change Map, subnational trackers) also counts riots and the "
    "'excessive force against protesters' sub-event type; this report does not, because it "
    "follows attacks by organised armed actors: a riot is violence by a crowd, and excessive "
    "force against protesters is the repression of a demonstration. UCDP GED holds organised "
    "violence only, in its three types of violence: state-based conflict, non-state conflict "
    "and one-sided violence (against civilians), which the tables of types name as such."
)
METHOD_LATEST = (
    "**Latest (ACLED Trendfinder's change levels).** The last 4 weeks the event data covers are "
    "set against the 4 weeks before and the same weeks a year earlier (52 weeks, so the same "
    "weekdays); the weeks end where the data ends, which the section says. The change in events "
    "is named by ACLED Trendfinder's levels: a large increase above +25%, a moderate increase "
    "from +10% to +25%, limited change from -25% to +10%, a large decrease below -25%. Its "
    "low-baseline rule (two events or fewer on average in the baseline and five or fewer in the "
    "latest week: limited change) is read as 'too few events to compare'. Where this report "
    "differs: ACLED compares the last week with the average week of the 4 or 52 weeks before; "
    "this report compares 4-week windows (steadier for one country) and the same 4 weeks a year "
    "earlier (the same season), so the low-baseline rule is applied to weekly averages: at most "
    "2 events a week in the baseline window and at most 5 a week in the latest."
)
METHOD_SIGNAL = (
    "**Highest in one or three years (HDX Signals' armed-conflict rule).** The deaths of the "
    "30 days ending on the last day the data covers are compared with every 30-day total ending "
    "in the one and the three years before them; they are 'the highest' only when higher than "
    "all of them, and a signal needs at least 100 deaths, HDX Signals' minimum. Where this "
    "report differs: HDX Signals compares a rolling 30-day sum with its own past values; here the "
    "earlier windows are those that end before the latest starts (no overlap), and all of them "
    "must be covered by the data, else the sentence says the data does not cover the year "
    "before. ACLED's aggregated files give no single days: for them the last whole month is "
    "compared with the months before, with the same minimum of 100 deaths."
)
METHOD_CHANGE_POINTS = (
    "**Change points.** Found by penalised segmentation (PELT): the series is cut into segments "
    "of constant rate, with a quasi-Poisson cost (Poisson deviance divided by the series' "
    "over-dispersion) and a penalty of 2·ln(n) per break (PELT: R. Killick, P. Fearnhead and "
    "I. A. Eckley, Journal of the American Statistical Association 107(500), 2012). "
    "The event series comes from a census of events only; the annual series from UCDP via OWID. "
    "A break is reported only when the mean after it against the mean before is a large or "
    "moderate increase or a large decrease by ACLED Trendfinder's levels; for an event series "
    "the low-baseline rule applies too (at most 2 events a week before and 5 after: too few "
    "events to compare). The breaks left out are listed under the figure."
)
METHOD_VERDICT = (
    "**Verdict on the claim.** The claim ({source}) is tested part by part on the first "
    "and last windows of whole years the data covers: the north's share of deaths falls, the "
    "centre's rises, the south's rises, each by at least 5 percentage points (this project's "
    "rule: a smaller move is no clear change). Every part holds: supported; some: partly "
    "supported; none: not supported. The evidence base is the share of deaths that could be "
    "placed in a zone: under half in either window, or fewer than 10 placed events, and the "
    "claim cannot be tested with this data; nor can it be tested on a selection of events."
)
METHOD_DATA_THROUGH = (
    "**Data through.** The date at the top of the brief is the newest day its counts and series "
    "rest on: the last day a census of events covers in the period, or the last day of the "
    "newest year of UCDP's annual series (Our World in Data, UCDP BRD), whichever is later. The "
    "curated chronology, a selection, does not date the brief; its last incident is in the "
    "coverage section. Each dataset's own last day is in the coverage table above."
)


#: The coverage notes' lead when this edition read every dataset its parts need.
ALL_READ = (
    "This edition read all the data its figures and findings need; the table below lists every "
    "dataset the report can use and whether this edition read it."
)


def coverage_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Data coverage: the datasets this edition did not read (why, what the report leaves out,
    where each publisher offers it), the kinds of data, the event sources not used and why, the
    datasets the report can use and what each covers; the files and commands go to the build's
    log."""
    unread = attack_coverage.unread(d, p)
    bullets = [u.key for u in unread]
    # an absent event source shown as a coverage note is not said again among those not used
    repeated = {note for key, note in d.selection.absent.items() if key in bullets}
    status, problems = status_for_readers(d.status, attack_coverage.read_keys(d))
    loaded = {d.selection.dataset: d.selection.counted}
    coverages = {d.selection.dataset: d.coverage}
    if d.owid is not None:
        loaded["owid"] = d.owid
        coverages["owid"] = annual_coverage("owid", d.owid, d.country)
    if d.brd is not None:
        loaded["ucdp-brd"] = d.brd
        coverages["ucdp-brd"] = annual_coverage("ucdp-brd", d.brd, d.country)
    sources = [d.sources.events]
    sources += [d.sources.owid] * (d.owid is not None) + [d.sources.brd] * (d.brd is not None)
    return section(
        "appendix-coverage",
        *(coverage_section("appendix-coverage", unread).blocks if unread else [Text(ALL_READ)]),
        Text(DATASETS_PARAGRAPH),
        *(
            Text("Not used: {note}", {"note": note})
            for note in d.selection.notes
            if note not in repeated
        ),
        # the register's entries: every dataset the report can use, and whether it was read
        report_table(
            "datasets",
            status,
            "Datasets the report can use: which this edition read, and where each publisher "
            "offers them",
            None,
        ),
        report_table(
            "coverage",
            coverage_table(loaded, coverages),
            f"What each dataset covers for {d.country} in the period, and the last day of its data",
            "; ".join(sources),
        ),
        build_hints=[
            *d.selection.build_hints,
            # an absent event source's hint is already among the selection's
            *(u.build_hint for u in unread if u.build_hint and u.key not in d.selection.absent),
            *problems,
        ],
    )


def latest_groups(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The latest weeks by group, where the source names actors."""
    if not d.census:
        return section(
            "appendix-latest-groups",
            census_missing(d, "the last weeks by group", "latest-groups"),
        )
    if not s.latest or (d.declared.event_rows and not len(d.events)):
        return section("appendix-latest-groups")
    if not d.declared.actors:
        return section(
            "appendix-latest-groups",
            NoData(
                say.no_actors_latest(d.declared),
                say.GET_EVENTS,
                slug="latest-groups",
                build_hint=say.GET_EVENTS_HINT,
            ),
        )
    return section(
        "appendix-latest-groups",
        report_table(
            "latest-groups",
            latest_by(d.events, d.covered, "group", d.group_label),
            "Events and deaths by group (an event with two groups counts for both): the last 4 "
            "weeks, the 4 before, a year before" + latest_caveat(d),
            (d.sources.events, d.sources.curated),
        ),
    )


def deadliest_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The deadliest events with what happened."""
    return section("appendix-deadliest", deadliest_table(d, p))


def sahel_per_year(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The Sahel comparison's deaths per year and country."""
    if s.sahel is None or not len(s.sahel):
        return section("appendix-sahel", renamed(sahel_missing(d, p), "sahel"))
    shown = s.sahel_wide.reset_index()
    shown["year"] = shown["year"].astype(str)
    every_pair = sahel_all_pairs(d)
    return section(
        "appendix-sahel",
        report_table("sahel", shown, "Deaths per year by country (OWID from UCDP)", d.sources.owid),
        Text(SAHEL_ALL_PAIRS) if len(every_pair) else None,
        *(Text("{text}", {"text": t}) for t in other_governments(d)),
        report_table(
            "sahel-brd-all",
            every_pair,
            "State-based battle-related deaths over the period (UCDP BRD): every "
            "government-versus-group pair UCDP places in the country, in full, and of those its "
            "own government's",
            d.sources.brd,
        )
        if len(every_pair)
        else None,
    )


SAHEL_ALL_PAIRS = (
    "UCDP's battle-related deaths are counted per government-versus-group pair and year, and a "
    "pair counts in full in every country where it fought. A country's total over every pair "
    "placed there therefore also holds the pairs of other governments that fought partly "
    "there; the brief compares each country's own government's pairs, and the totals over "
    "every pair are here."
)


def other_governments(d: AttackInputs) -> list[str]:
    """Per country, the battle deaths of other governments' pairs its all-pairs total holds, by
    government, largest first (none: nothing said)."""
    sentences = []
    for country, frame in d.sahel_brd.items():
        if frame is None or not len(frame):
            continue
        others = frame[frame["side_a"] != f"Government of {country}"]
        if not len(others):
            continue
        by_side = others.groupby("side_a")["deaths_best"].sum().sort_values(ascending=False)
        listed = ", ".join(f"{side} {int(deaths):,}" for side, deaths in by_side.items())
        sentences.append(
            f"{country}: {int(frame['deaths_best'].sum()):,} over every pair placed there, of "
            f"which {int(by_side.sum()):,} in the pairs of other governments ({listed})."
        )
    return sentences


def unmatched(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The actor names that match no group, and the area names that match no area."""
    names = d.unresolved
    if d.brd is not None and len(d.brd):
        # a BRD row is a pair and year: 'Government of Mali: 32 events' was 32 such rows
        names = names.rename(columns={"events": UNRESOLVED_EVENTS})
    areas = [
        report_table(
            f"unmatched-{level}",
            counts.unmatched,
            f"{unit} names that match no area (placed by coordinates where possible)",
            (d.sources.events, source),
        )
        for level, unit, counts, source in (
            ("adm1", "Region", s.region_counts, d.sources.adm1),
            ("adm2", "Cercle", s.cercle_counts, d.sources.adm2),
        )
        if counts is not None and len(counts.unmatched)
    ]
    return section(
        "appendix-unmatched",
        report_table(
            "unresolved",
            names.head(UNRESOLVED_LISTED),
            "Actor names that match no group of the curated groups table (kept in the data, "
            "listed here)",
            (d.sources.events, d.sources.curated),
        ),
        *areas,
    )


#: The header of the unmatched names' counts when UCDP's battle deaths are among the data.
UNRESOLVED_EVENTS = "events (government-versus-group years in UCDP's battle deaths)"


def zones_per_year(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Events and deaths per zone and year, with the latitude the shift test reads."""
    missing = shift_missing(d, s)
    if missing is not None:
        return section("appendix-zones", renamed(missing, "shift"))
    zones = geoshift.ZONES
    shown = s.shift[
        [f"events_{z}" for z in zones]
        + [f"deaths_{z}" for z in zones]
        + ["deaths_weighted_latitude", "deaths_with_coordinates"]
    ].reset_index()
    shown["year"] = shown["year"].astype(str)
    return section(
        "appendix-zones",
        report_table(
            "shift",
            shown,
            "Events and deaths per zone, and the deaths-weighted latitude with the deaths it "
            "rests on (those with coordinates), per year",
            d.sources.events,
            {"deaths_weighted_latitude": 2},
        ),
    )


def method(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Method notes: census or selection, what counts as an attack, and every threshold with
    the reference it follows (and where it differs)."""
    return section(
        "appendix-method",
        *(
            Text(text)
            for text in (
                METHOD_CENSUS,
                METHOD_ATTACKS,
                METHOD_LATEST,
                METHOD_SIGNAL,
                METHOD_CHANGE_POINTS,
            )
        ),
        # the claim's source is a value, so that the page links it to its reference
        Text(METHOD_VERDICT, {"source": say.GEOGRAPHIC_CLAIM_SOURCE}),
        Text(METHOD_DATA_THROUGH),
    )


def incidents_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The timeline of major incidents in full, where the event data is the chronology."""
    if d.census:
        return section(
            "appendix-incidents",
            Text(
                "{text}",
                {
                    "text": f"This brief counts from the {d.name}, which lists every event; the "
                    "curated chronology's selection of major incidents is not listed."
                },
            ),
        )
    return section("appendix-incidents", incidents_table(d, None, "incidents"))


def milestones_in_full(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The milestones with what happened and their sources."""
    if not len(d.milestones):
        return section("appendix-milestones", milestones_missing(d, "milestones"))
    return section(
        "appendix-milestones",
        report_table(
            "milestones",
            milestone_table(d.milestones),
            "Milestones in the period",
            d.sources.curated,
        ),
    )


#: The words the glossary explains, in the order a reader meets them.
GLOSSARY_TERMS: tuple[str, ...] = (
    "data-through",
    "event-data",
    "acled",
    "ucdp",
    "ged-brd",
    "owid",
    "conflict-deaths",
    "battle-related-deaths",
    "government-group-pair",
    "estimates",
    "curated-tables",
    "types-of-violence",
    "regions-cercles",
    "change-point",
    "milestone",
)


def words(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Words used in this report: the terms of GLOSSARY_TERMS in plain words."""
    return glossary.section("appendix-glossary", GLOSSARY_TERMS)
