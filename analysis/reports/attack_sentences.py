"""The attack-trends report in words: its key findings, the lines its notebook checks, the
claims tested, and the sentences of its sections, each a pure function of small frames.

Nothing here reads a file: analysis.reports.attack_data loads what these sentences are about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from analysis.analyses import thresholds, trends
from analysis.analyses.changepoints import ChangePoint
from analysis.analyses.geoshift import ShiftVerdict
from analysis.core.dates import human_date, period_text
from analysis.core.vocab import COVERAGE_NAMES
from analysis.sources.declaration import Declaration
from analysis.tables.events import Coverage

#: The geographic claim the report tests, quoted from its source (the project's seed document
#: of DefenceWeb, 2019: "Mali organizes to stop terrorist cells").
GEOGRAPHIC_CLAIM_SOURCE = "defenceweb-2019"
GEOGRAPHIC_CLAIM = (
    "Terrorist cells have proliferated throughout the country as the threat\u2019s epicenter has "
    "moved from northern Mali to the center and the south"
)
#: The other claims the report sets against the data, quoted from their sources.
GROUPS_CLAIM = ("defenceweb-2019", "Since 2012, the number of armed groups in Mali has increased")
SPILLOVER_CLAIM = (
    "ve-mali-overview",
    "Mali\u2019s conflict has had regional implications, with violent extremist groups "
    "operating across borders and contributing to instability in neighboring countries such "
    "as Burkina Faso, Niger, and the wider Sahel region",
)
TARGETS_CLAIM = (
    "ve-mali-overview",
    "Violent extremist groups in Mali have conducted a series of deadly attacks targeting "
    "security forces, government officials, civilians, and international peacekeepers",
)
MALI_ZONES = (
    "A source (defenceweb-2019) says the epicentre of the threat moved from the north "
    "(Tombouctou, Gao, Kidal, Ménaka, Taoudénit) to the centre (Mopti, Ségou) and the south "
    "(the rest, with Bamako). The maps use the boundaries of 2015, before Ménaka and Taoudénit became regions, "
    "so events in Ménaka count in Gao and those in Taoudénit in Tombouctou; every name that "
    "matches no area is listed below the maps."
)
#: What would give event rows where the source gives only totals per area and period.
GET_EVENTS = (
    "An edition built with event-level data (ACLED's event exports or UCDP's GED, which list "
    "single events) would show it."
)
#: The same, for whoever builds the report (the build's log).
GET_EVENTS_HINT = (
    "put an ACLED export (events) in data/raw/acled/ or a UCDP GED file in data/raw/ucdp-ged/; "
    "event-level data is then used instead"
)


# --- key findings and the checked lines ---------------------------------------------------


def owid_finding(owid: pd.DataFrame | None, country: str) -> str | None:
    """The national death toll: last year against first, and the deadliest year; None when
    this edition was built without the series (the appendix's data coverage says so)."""
    if owid is None:
        return None
    if not len(owid):
        return f"The UCDP-based national series (OWID) has no year for {country} in the period."
    by_year = owid.set_index("year")["deaths_best"]
    return (
        f"UCDP counts {by_year.iloc[-1]:,} deaths from organised violence in {country} in "
        f"{by_year.index[-1]}, against {by_year.iloc[0]:,} in {by_year.index[0]}; the deadliest "
        f"year was {by_year.idxmax()} with {by_year.max():,} (Our World in Data from UCDP)."
    )


def battle_deaths_by_group(brd: pd.DataFrame | None) -> pd.Series | None:
    """State-based battle deaths per group (side_b) over the period, largest first."""
    if brd is None or not len(brd):
        return None
    return brd.groupby("side_b")["deaths_best"].sum().sort_values(ascending=False)


def own_government(brd: pd.DataFrame | None, country: str) -> pd.DataFrame | None:
    """The rows (UCDP's pairs and years) of the country's own government (side_a 'Government
    of <country>'): a government-versus-group pair that also fought elsewhere counts in full in
    every country it fought in, so only these compare like with like across countries."""
    if brd is None:
        return None
    return brd[brd["side_a"] == f"Government of {country}"]


def brd_finding(brd: pd.DataFrame | None, country: str) -> str | None:
    """The top group's share of UCDP's battle deaths in the fighting of the country's own
    government: deaths in its fighting with the group (both sides' dead), not deaths the group
    caused."""
    own = own_government(brd, country)
    by_group = battle_deaths_by_group(own)
    if by_group is None:
        return None
    top_group, total = by_group.index[0], int(by_group.sum())
    return (
        f"{by_group.iloc[0] / total:.0%} of the {total:,} battle-related deaths UCDP recorded in "
        f"the fighting between the Government of {country} and armed groups from "
        f"{own['year'].min()} to {own['year'].max()} ({by_group.iloc[0]:,}) were in its "
        f"fighting with {top_group}; they count the dead of both sides, not those one side "
        "killed."
    )


def no_census_finding(
    country: str, chronology: str, incidents: int, annual_last: int | None
) -> str:
    """The first key finding when the brief has no event data that lists every attack: what
    its counts and trends come from instead, UCDP's annual series to ``annual_last`` (None:
    this edition has none either); why: the appendix's data coverage."""
    missing = (
        f"this edition has no event data that lists every attack in {country} (ACLED or UCDP "
        "GED; appendix, data coverage)"
    )
    lead = (
        "The counts and trends of this brief come from UCDP's annual series (Our World in "
        f"Data, UCDP BRD), which end in {annual_last}: {missing}."
        if annual_last
        else f"This brief counts nothing: {missing}, nor UCDP's annual series for the period."
    )
    return (
        f"{lead} The {chronology} ({incidents:,} major incidents) is a selection, shown as a "
        "timeline, not counted."
    )


def shift_finding(verdict: ShiftVerdict, events: int, event_source: str) -> str:
    """The geographic-shift verdict, naming the claim, with the events it was tested on."""
    if not events:
        return f"{quoted_claim()} cannot be tested: the {event_source} has no events in the period."
    return f"{verdict.sentence(quoted_claim())} (Tested on the {event_source}.)"


def quoted_claim() -> str:
    """The geographic claim as the report names it: source id and wording."""
    return f"The claim ({GEOGRAPHIC_CLAIM_SOURCE}: \u201c{GEOGRAPHIC_CLAIM}\u201d)"


def annual_break_finding(breaks: Sequence[ChangePoint], country: str) -> str | None:
    """The first break of the annual death series, or None when it has none (the method:
    appendix, method notes)."""
    if not breaks:
        return None
    first = breaks[0]
    return (
        f"UCDP's annual death series for {country} breaks {first.direction} in "
        f"{first.date.year}: from {first.mean_before:,.0f} to {first.mean_after:,.0f} deaths a "
        "year on average (a lasting break in the series; method: appendix)."
    )


def overtook_finding(sahel_wide: pd.DataFrame | None, country: str) -> str | None:
    """The first year Burkina Faso's conflict deaths exceeded the country's, with the last
    year's levels; None when it never did or a series is missing."""
    if sahel_wide is None or "Burkina Faso" not in sahel_wide or country not in sahel_wide:
        return None
    overtook = trends.first_year_above(sahel_wide, "Burkina Faso", country)
    if not overtook:
        return None
    last = sahel_wide.index[-1]
    levels = ", ".join(f"{c} {sahel_wide.loc[last, c]:,}" for c in sahel_wide.columns)
    return (
        f"Burkina Faso's conflict deaths first exceeded {country}'s in {overtook}; in {last} "
        f"UCDP counts {levels}."
    )


def headline_lines(
    owid: pd.DataFrame | None,
    brd: pd.DataFrame | None,
    annual_breaks: Sequence[ChangePoint],
    country: str,
) -> tuple[str, ...]:
    """The headline figures of the UCDP series, as the notebook's checked cell prints them."""
    lines = []
    if owid is not None and not len(owid):
        lines.append(f"OWID {country} deaths: no year in the period")
    elif owid is not None:
        lines.append(
            f"OWID {country} deaths {owid['year'].min()}-{owid['year'].max()}: "
            f"{int(owid['deaths_best'].sum()):,}; "
            f"peak {owid.loc[owid['deaths_best'].idxmax(), 'year']}"
        )
    if brd is not None and not len(brd):
        lines.append(f"UCDP BRD {country}: no dyad-year in the period")
    elif brd is not None:
        totals = trends.annual_totals(brd)
        lines.append(
            f"UCDP BRD {country} {totals['year'].min()}-{totals['year'].max()}: best "
            f"{int(totals['deaths_best'].sum()):,} (low {int(totals['deaths_low'].sum()):,}, "
            f"high {int(totals['deaths_high'].sum()):,})"
        )
        by_group = battle_deaths_by_group(brd)
        top = by_group.head(3).items() if by_group is not None else []
        lines.append("top groups: " + ", ".join(f"{g} {int(d):,}" for g, d in top))
    lines.append(
        "annual breaks: "
        + (", ".join(f"{p.date.year} {p.direction}" for p in annual_breaks) or "none")
    )
    return tuple(lines)


def shift_headline_lines(
    verdict: ShiftVerdict, dataset: str, events: int, census: bool = True
) -> tuple[str, ...]:
    """The geographic-shift test as the notebook's checked cell prints it."""
    lines = [
        f"event source: {dataset}, {events} events ({'census' if census else 'selection'})",
        f"verdict: {verdict.verdict}",
    ]
    if not verdict.parts:
        return (*lines, f"  why: {verdict.reason}")
    lines.append(f"  windows {verdict.early_years} and {verdict.late_years}")
    for part in verdict.parts:
        lines.append(
            f"  {part.zone}: {part.early:.0%} -> {part.late:.0%} of deaths "
            f"({part.moved}; claimed: {part.claimed})"
        )
    if verdict.placed_share is not None:
        early, late = verdict.placed_share
        lines.append(f"  deaths placed in a zone: {early:.0%} and {late:.0%}")
    return tuple(lines)


# --- the sections' sentences ------------------------------------------------------------


def groups_claim(brd: pd.DataFrame) -> str:
    """What UCDP shows on 'the number of armed groups has grown since 2012'."""
    per_year = trends.groups_per_year(brd)
    return (
        f"UCDP records {per_year.get(per_year.index.min(), 0)} group(s) in state-based fighting "
        f"in {per_year.index.min()}, {per_year.max()} at most ({per_year.idxmax()}) and "
        f"{per_year.iloc[-1]} in {per_year.index[-1]}; it counts only groups fighting the state "
        "with 25 or more battle deaths a year."
    )


def spillover_claim(sahel_wide: pd.DataFrame, country: str) -> str:
    """What UCDP shows on 'the conflict spilled over into Burkina Faso and Niger'."""
    first, last = sahel_wide.index[0], sahel_wide.index[-1]
    return (
        f"Burkina Faso went from {sahel_wide.loc[first, 'Burkina Faso']:,} deaths in {first} to "
        f"{sahel_wide.loc[last, 'Burkina Faso']:,} in {last}, Niger from "
        f"{sahel_wide.loc[first, 'Niger']:,} to {sahel_wide.loc[last, 'Niger']:,}; Burkina Faso "
        f"first exceeded {country} in {trends.first_year_above(sahel_wide, 'Burkina Faso', country)}."
    )


def targets_shown(events: pd.DataFrame, census: bool) -> str:
    """What the event data shows on 'attacks targeting security forces, officials, civilians
    and peacekeepers': counts by target from a census; from a selection, only which targets its
    incidents hit (it shows that such attacks happened, not how often)."""
    targets = trends.split(events, "target", "year").groupby("target")["events"].sum()
    targets = targets.sort_values(ascending=False)
    if census:
        return "; ".join(f"{t}: {n:,}" for t, n in targets.items()) + " events."
    return (
        f"The chronology's major incidents include attacks on {', '.join(targets.index)}: such "
        "attacks happened; a selection cannot say how often."
    )


def selection_against_ucdp(events: pd.DataFrame, owid: pd.DataFrame) -> str:
    """A selection's deaths (the curated chronology's) as a share of UCDP's, over the years
    both cover."""
    same_years = events[events["year"].isin(owid["year"])]
    curated_deaths = same_years["deaths_best"].fillna(0).sum()
    ucdp_deaths = owid["deaths_best"].sum()
    return (
        f"For {owid['year'].min()}-{owid['year'].max()}, its {int(curated_deaths):,} deaths are "
        f"{curated_deaths / ucdp_deaths:.0%} of the {int(ucdp_deaths):,} that UCDP counts."
    )


def selection_caveat(declared: Declaration) -> str:
    """Why the brief draws no trend, count, share, map or change point from a selection."""
    return (
        f"The {COVERAGE_NAMES.get(declared.dataset, declared.dataset)} lists "
        f"{declared.selection}, not every attack, so this brief draws no trend, count, share, "
        "map or change point from it: a month with more entries may only have been better "
        "reported. It is shown as a timeline of major incidents."
    )


def unknown_deaths_clause(table: pd.DataFrame, period: str) -> str:
    """' (24 months whose events give no death figure show 0 deaths)' for a per_period table,
    or '': such a 0 is unknown, not a period without deaths."""
    if "events_without_deaths" not in table:
        return ""
    events = table["events"]
    unknown = int(((events > 0) & (table["events_without_deaths"] == events)).sum())
    if not unknown:
        return ""
    if unknown == 1:
        return f" (1 {period} whose events give no death figure shows 0 deaths)"
    return f" ({unknown} {period}s whose events give no death figure show 0 deaths)"


def partial_years_note(shift: pd.DataFrame) -> str:
    """' Partly covered: 2025 (85% of the year); its bar counts only the days covered.' for
    the years of ``shift`` (with its ``covered_share``) the data covers in part, else ''."""
    if "covered_share" not in shift:
        return ""
    share = shift["covered_share"]
    partial = share[(share > 0) & (share < 1)]
    if not len(partial):
        return ""
    years = ", ".join(f"{year} ({part:.0%} of the year)" for year, part in partial.items())
    bars = "its bar counts" if len(partial) == 1 else "their bars count"
    return f" Partly covered: {years}; {bars} only the days covered."


def civilian_sentence(events: pd.DataFrame) -> str:
    """The share of events that targeted civilians and their share of the deaths."""
    civilian = events["civilian_targeted"].fillna(False).astype(bool)
    deaths = events["deaths_best"].fillna(0)
    sentence = (
        f"{civilian.mean():.0%} of the events ({int(civilian.sum())} of {len(events)}) targeted "
        f"civilians; they account for {deaths[civilian].sum() / max(deaths.sum(), 1):.0%} of "
        "the deaths."
    )
    if "target" not in events:
        return sentence
    # The flag is wider than the target list (the chronology's 55 against the target table's
    # 54 civilians): say how many name civilians, so the two numbers read together.
    named = events["target"].map(lambda targets: "civilians" in list(targets))
    named_flagged, others = int((named & civilian).sum()), int((civilian & ~named).sum())
    if not others:
        return sentence
    return (
        f"{sentence} {named_flagged} of them {'names' if named_flagged == 1 else 'name'} "
        f"civilians among {'its' if named_flagged == 1 else 'their'} targets, as the target "
        f"table counts them; the {'other is' if others == 1 else f'other {others} are'} "
        f"flagged by {'its' if others == 1 else 'their'} event type or the publisher's "
        "civilian-targeting code."
    )


def latest_sentences(
    events: pd.DataFrame, covered: Coverage, name: str, run_date: date | None
) -> tuple[str, ...]:
    """The 'Latest' section in words, from a census's event rows: the last 4 weeks the data
    covers against the 4 before and the same weeks a year earlier, the change in events by
    ACLED Trendfinder's levels (too few events to compare under its low-baseline rule), and the
    last 30 days' deaths by HDX Signals' rule; () when the data covers no day."""
    if covered.last is None:
        return ()
    windows = trends.latest_windows(covered.last)
    total = trends.latest_table(events, covered)
    row = total.iloc[0] if len(total) else pd.Series(dtype="float64")
    first, last = windows["latest"]
    if pd.isna(row.get("events latest", float("nan"))):
        return (f"The {name} does not cover 4 whole weeks up to {human_date(last)}.",)
    sentences = [
        f"In the last 4 weeks the {name} covers ({period_text(first, last)}) it records "
        f"{trends.window_words(row, windows, 'latest').split(' from ')[0]}, against "
        f"{_window(row, windows, 'previous', 'the 4 weeks before')} and "
        f"{_window(row, windows, 'year before', 'the same weeks a year earlier')}.",
        change_sentence(row, windows),
        signal_sentence(thresholds.deaths_signal(events, covered)),
    ]
    if run_date is not None and last < run_date:
        sentences.append(
            f"These weeks end on {human_date(last)}, the last day the data covers, not on the "
            f"run date ({human_date(run_date)}): events since then are not in the data."
        )
    return tuple(sentences)


def _window(row: pd.Series, windows: dict, window: str, label: str) -> str:
    """'10 events and 40 deaths (the 4 weeks before, 5 July 2020 to 1 August 2020)'."""
    first, last = windows[window]
    words = trends.window_words(row, windows, window)
    if words.startswith("the data does not cover"):
        return f"{label}, which the data does not cover whole ({period_text(first, last)})"
    return f"{words.split(' from ')[0]} ({label}, {period_text(first, last)})"


def change_sentence(row: pd.Series, windows: dict, unit: str = "4 weeks") -> str:
    """The change in events of the latest window against the one before and the same one a
    year earlier, by ACLED Trendfinder's levels in weekly averages, each window over its own
    days (a February against a March; see analysis.analyses.thresholds)."""
    latest = row.get("events latest", float("nan"))
    latest_days = _days(windows["latest"])
    parts = []
    for window, label in (("previous", f"the {unit} before"), ("year before", "a year earlier")):
        baseline = row.get(f"events {window}", float("nan"))
        if pd.isna(latest) or pd.isna(baseline):
            parts.append(f"against {label}, not compared (the data does not cover it whole)")
            continue
        change = thresholds.change_level(
            float(latest), float(baseline), latest_days, _days(windows[window])
        )
        parts.append(f"against {label}, {change.words()}")
    return "Change in events (ACLED Trendfinder's levels, method notes): " + "; ".join(parts) + "."


def _days(window: tuple[date, date]) -> int:
    first, last = window
    return (last - first).days + 1


def signal_sentence(signal: thresholds.Signal | None) -> str:
    """The last 30 days' deaths by HDX Signals' rule: the highest in one or three years, and at
    least 100 deaths, or why there is no signal."""
    if signal is None:
        return "The data does not cover 30 whole days at its end: no 30-day death count is judged."
    flags = []
    for years, words in ((1, "one year"), (3, "three years")):
        highest = signal.highest(years)
        if highest is None:
            flags.append(f"the data does not cover the whole {words} before")
        else:
            flags.append(f"{'the' if highest else 'not the'} highest in {words}")
    verdict = (
        "a signal by HDX Signals' rule"
        if signal.flagged
        else f"below HDX Signals' minimum of {thresholds.SIGNAL_MINIMUM_DEATHS} deaths: no signal"
        if not signal.big_enough
        else "no signal by HDX Signals' rule"
    )
    return (
        f"The 30 days to {human_date(signal.last)} had {signal.deaths:,} deaths: "
        + "; ".join(flags)
        + f"; {verdict}."
    )


def latest_finding(events: pd.DataFrame, covered: Coverage, name: str) -> str | None:
    """The key finding of the 'Latest' section: the last 4 weeks' events and deaths and their
    change against the 4 weeks before (ACLED Trendfinder's levels); None when the data does not
    cover both windows whole."""
    if covered.last is None:
        return None
    windows = trends.latest_windows(covered.last)
    total = trends.latest_table(events, covered)
    row = total.iloc[0] if len(total) else pd.Series(dtype="float64")
    latest, previous = row.get("events latest"), row.get("events previous")
    if latest is None or previous is None or pd.isna(latest) or pd.isna(previous):
        return None
    change = thresholds.change_level(float(latest), float(previous))
    first, last = windows["latest"]
    return (
        f"In the last 4 weeks the {name} covers ({period_text(first, last)}): "
        f"{trends.window_words(row, windows, 'latest').split(' from ')[0]}; against the 4 weeks "
        f"before ({int(previous):,} event{'' if previous == 1 else 's'}), {change.words()}."
    )


def selection_latest(
    name: str, declared: Declaration, owid: pd.DataFrame | None, country: str
) -> tuple[str, ...]:
    """The 'Latest' section when no census is present: why the selection compares no weeks,
    and the newest national figure."""
    sentences = [
        f"No latest weeks are compared: the {name} lists {declared.selection}, not every attack, "
        "so more entries in a month may mean better reporting, not more violence."
    ]
    if owid is not None and len(owid):
        newest = owid.loc[owid["year"].idxmax()]
        sentences.append(
            f"The newest national figure is UCDP's for {int(newest['year'])}: "
            f"{int(newest['deaths_best']):,} deaths from organised violence in {country} (Our "
            "World in Data)."
        )
    return tuple(sentences)


def no_map_sentence(country: str) -> str:
    """Why a report on another country than Mali has no map and no north/centre/south test."""
    return (
        "Maps and the north/centre/south test are drawn for Mali only: the boundaries here are "
        f"Mali's and the test is about Mali's regions, so this report on {country} has neither."
    )


def report_title(country: str, sahel_countries: Sequence[str]) -> str:
    """The report's title, about its country."""
    if country in sahel_countries:
        return f"Attack trends in {country} and the Sahel"
    return f"Attack trends in {country}"


def report_lede(country: str, sahel_countries: Sequence[str]) -> str:
    """The paragraph under the title, about the report's country."""
    others = [c for c in sahel_countries if c != country]
    maps = " and Mali's administrative boundaries" if country == "Mali" else ""
    sentences = [
        f"How much armed violence has {country} seen, by whom, of what kind, where, and when "
        "did the pattern change?",
        "This report reads UCDP's conflict-death and battle-death series and event data that "
        "lists every attack (ACLED or UCDP GED where this edition could read them, otherwise "
        "the curated chronology of major incidents, shown as a timeline; the appendix's data "
        f"coverage says which){maps}.",
        "It shows the low-high uncertainty band wherever a dataset gives one and says where "
        "each dataset's coverage ends.",
    ]
    if others:
        sentences.append(f"It compares {country} with {' and '.join(others)}.")
    if country == "Mali":
        sentences.append("It tests what the sources claimed against what the data shows.")
    return " ".join(sentences)


def sahel_coverage_note(sahel_wide: pd.DataFrame | None) -> str:
    """Where a country's series stops before the others' (a year not covered is missing)."""
    if sahel_wide is None:
        return ""
    last = {
        c: int(sahel_wide[c].last_valid_index())
        for c in sahel_wide.columns
        if sahel_wide[c].notna().any()
    }
    if len(set(last.values())) <= 1:
        return ""
    ends = ", ".join(f"{c} in {y}" for c, y in last.items())
    return (
        f" The series end in different years ({ends}); a year a series does not cover is "
        "left blank, and comparisons use the years all cover."
    )


# --- what a source cannot give --------------------------------------------------------------


def no_actors(declared: Declaration) -> str:
    """The events-by-group figure of a source that names no actor."""
    return (
        f"events by group: {declared.reason('actors')} (the battle deaths by group above come "
        "from UCDP BRD)"
    )


def no_actors_latest(declared: Declaration) -> str:
    """The latest weeks by group, of a source that names no actor."""
    return (
        f"the last weeks by group: {declared.name} names no actor, so the latest period is "
        "compared by region only"
    )


def no_single_events(declared: Declaration) -> str:
    """The parts that need single events, of a source that gives only totals."""
    return (
        "single events (types, targets, the deadliest events, points on a map): "
        f"{declared.reason('event rows')}"
    )


def no_cercles(declared: Declaration) -> str:
    """The cercle map of a source that names regions only."""
    return f"events per cercle: {declared.reason('admin2')}"
