"""The attack-trends report in words: its key findings, the lines its notebook checks, the
claims tested, and the sentences of its sections, each a pure function of small frames.

Nothing here reads a file: analysis.reports.attack_data loads what these sentences are about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from analysis.analyses import geoshift, trends
from analysis.analyses.changepoints import ChangePoint
from analysis.analyses.geoshift import ShiftVerdict
from analysis.core.vocab import COVERAGE_NAMES
from analysis.sources.declaration import Declaration
from analysis.tables.events import Coverage

GEOGRAPHIC_CLAIM = (
    "The centre of gravity of the jihadist threat moved from northern Mali to the centre and "
    "the south."
)
MALI_ZONES = (
    "The sources say the epicentre of the violence moved from the north (Tombouctou, Gao, "
    "Kidal, Ménaka, Taoudénit) to the centre (Mopti, Ségou) and the south (the rest, with "
    "Bamako). The maps use the boundaries of 2015, before Ménaka and Taoudénit became regions, "
    "so events in Ménaka count in Gao and those in Taoudénit in Tombouctou; every name that "
    "matches no area is listed below the maps."
)
#: How to get event rows where the source gives only totals per area and period.
GET_EVENTS = (
    "put an ACLED export (events) in data/raw/acled/ or a UCDP GED file in data/raw/ucdp-ged/; "
    "event-level data is then used instead"
)


# --- key findings and the checked lines ---------------------------------------------------


def owid_finding(owid: pd.DataFrame | None, country: str) -> str:
    """The national death toll: last year against first, and the deadliest year."""
    if owid is None:
        return "The UCDP-based national series (OWID) is missing on this machine; run make data."
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


def brd_finding(brd: pd.DataFrame | None, country: str) -> str | None:
    """The top group's share of UCDP's state-based battle deaths."""
    by_group = battle_deaths_by_group(brd)
    if by_group is None:
        return None
    top_group, total = by_group.index[0], int(by_group.sum())
    return (
        f"{top_group} accounts for {by_group.iloc[0] / total:.0%} of the {total:,} "
        f"state-based battle deaths UCDP recorded in {country} from {brd['year'].min()} to "
        f"{brd['year'].max()} ({by_group.iloc[0]:,})."
    )


def shift_finding(verdict: ShiftVerdict, events: int, event_source: str) -> str:
    """The geographic-shift verdict with the number of events it was tested on."""
    if not events:
        return (
            f"The geographic-shift claim cannot be tested: the {event_source} has no events "
            "in the period."
        )
    return f"{verdict.sentence()} (Tested on {events:,} events of the {event_source}.)"


def annual_break_finding(breaks: Sequence[ChangePoint], country: str, method: str) -> str | None:
    """The first break of the annual death series, or None when it has none."""
    if not breaks:
        return None
    first = breaks[0]
    return (
        f"UCDP's annual death series for {country} breaks {first.direction} in "
        f"{first.date.year}: from {first.mean_before:,.0f} to {first.mean_after:,.0f} deaths a "
        f"year on average ({method} change-point method)."
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


def shift_headline_lines(verdict: ShiftVerdict, dataset: str, events: int) -> tuple[str, ...]:
    """The geographic-shift test as the notebook's checked cell prints it."""
    lines = [
        f"event source: {dataset}, {events} events",
        f"verdict: {verdict.verdict}; windows {verdict.early_years} and {verdict.late_years}",
    ]
    for zone in geoshift.ZONES:
        lines.append(
            f"  {zone}: {verdict.early_deaths_share[zone]:.0%} -> "
            f"{verdict.late_deaths_share[zone]:.0%} of deaths"
        )
    lines.append(
        f"  weighted latitude: {verdict.early_latitude:.2f} -> {verdict.late_latitude:.2f}"
    )
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
    """What counts drawn from a selection of events (not a census) can tell."""
    return (
        f"The {COVERAGE_NAMES.get(declared.dataset, declared.dataset)} lists "
        f"{declared.selection}, not every attack: its counts show what the sources reported. "
        "Trends, the geographic shift and change points drawn from it are indicative."
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
    events: pd.DataFrame,
    covered: Coverage,
    name: str,
    run_date: date | None,
    monthly: pd.DataFrame,
) -> tuple[str, ...]:
    """The 'Latest' section in words: the last 4 weeks the data covers against the 4 before
    and the same weeks a year earlier, and whether the last whole month is the highest in one
    or three years (as HDX Signals flags a month); () when the data covers no day."""
    if covered.last is None:
        return ()
    windows = trends.latest_windows(covered.last)
    total = trends.latest_table(events, covered)
    row = total.iloc[0] if len(total) else pd.Series(dtype="float64")

    def part(window: str) -> str:
        return trends.window_words(row, windows, window)

    first, last = windows["latest"]
    sentences = [
        f"In the last 4 weeks the {name} covers ({first.isoformat()} to {last.isoformat()}) it "
        f"records {part('latest').split(' from ')[0]}, against {part('previous')} (the 4 weeks "
        f"before) and {part('year before')} (the same weeks a year earlier)."
        if not pd.isna(row.get("events latest", float("nan")))
        else f"The {name} does not cover 4 whole weeks up to {last.isoformat()}."
    ]
    if run_date is not None and last < run_date:
        sentences.append(
            f"These weeks end on {last.isoformat()}, the last day the data covers, not on the "
            f"run date ({run_date.isoformat()}): events since then are not in the data."
        )
    sentences += trends.last_month_flags(monthly)
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
        "This report reads UCDP's conflict-death and battle-death series and event data (ACLED "
        "or UCDP GED when they are on this machine, otherwise the curated chronology of major "
        f"incidents){maps}.",
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
