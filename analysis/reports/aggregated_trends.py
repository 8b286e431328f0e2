"""The attack-trends report from ACLED's aggregated data: what it says about the aggregates.

ACLED's aggregated files count events and deaths per area and period (weekly regional files,
or HDX's monthly files per country): the report draws its trend, maps, shift test, change
points and "Latest" comparison from them (analysis.analyses.aggregates) and says, here, the
yearly totals they hold, the population exposure of the last week where ACLED gives it (never
summed), and why no rate per 100,000 people is shown unless a cited population dataset is in
the register. What they cannot show (no actors, no single events) is their declaration's
(analysis.sources.acled_aggregated), said by analysis.reports.attack_sentences.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analysis.analyses import aggregates, trends
from analysis.core.dates import human_date, period_text
from analysis.reports.attack_sentences import change_sentence
from analysis.sources import register
from analysis.tables.coverage import yearly_totals
from analysis.tables.events import Coverage


def product_words(table: pd.DataFrame) -> str:
    """'HDX monthly file, political violence' or "ACLED's weekly regional file"."""
    if table.attrs.get("frequency") == "week":
        return "ACLED's weekly regional file, all event types"
    return f"HDX monthly file, {table.attrs.get('product', 'product not stated')}"


def notes(table: pd.DataFrame, focus_groups: tuple[str, ...]) -> list[str]:
    """The coverage section's sentences about the aggregated data used."""
    unit = "week" if table.attrs.get("frequency") == "week" else "month"
    sentences = [
        f"Event data: ACLED's aggregated data ({product_words(table)}), counts of events and "
        f"deaths per area and {unit}, not "
        "single events: it names no actor, so the groups section uses UCDP's battle deaths by "
        "group, and types, targets and the deadliest events are not shown. Weekly and monthly "
        "files are never combined."
    ]
    if unit == "week":
        sentences.append(
            "A week (Saturday to Friday) is counted in the month its Saturday falls in."
        )
        left_out = table.attrs.get("demonstrations_left_out", 0)
        if left_out:
            sentences.append(
                f"{left_out:,} demonstration events (disorder type 'Demonstrations') of the "
                "weekly file are left out: the report counts political violence."
            )
    if focus_groups:
        sentences.append(
            "The focus groups asked for cannot be applied to aggregated data (it names no "
            "actor): every event of the file is counted."
        )
    sentences.append(yearly_sentence(table))
    sentences.append(rates_sentence())
    return sentences


def yearly_sentence(table: pd.DataFrame) -> str:
    """The yearly totals of the aggregated table in one sentence (the file's own sums)."""
    totals = yearly_totals(table)
    if not len(totals):
        return "The ACLED aggregated file has no row for the country in the period."
    parts = []
    for _, row in totals.iterrows():
        deaths = (
            "no deaths column"
            if pd.isna(row["deaths_best"])
            else f"{int(row['deaths_best']):,} deaths"
        )
        parts.append(f"{row['year']}: {int(row['events']):,} events, {deaths}")
    return "Yearly totals in the ACLED aggregated file: " + "; ".join(parts) + "."


def population_datasets() -> list[str]:
    """Register keys of cited population datasets (none today)."""
    return [key for key in register.REGISTER if "population" in key]


def rates_sentence() -> str:
    """Why rates per 100,000 people are or are not shown."""
    if population_datasets():
        return ""
    return (
        "No rates per 100,000 people are shown: the project's register holds no cited "
        "population dataset to divide by."
    )


def latest_sentences(
    table: pd.DataFrame,
    covered: Coverage,
    name: str,
    run_date: date | None,
) -> tuple[str, ...]:
    """The 'Latest' section from aggregates: the last 4 weeks (weekly files) or the last whole
    month (monthly files) the data covers, against the one before and a year earlier."""
    if covered.last is None:
        return ()
    frequency = table.attrs.get("frequency", "month")
    windows = aggregates.latest_windows(covered.last, frequency)
    total = aggregates.latest_table(table, covered, frequency)
    row = total.iloc[0] if len(total) else pd.Series(dtype="float64")
    unit = "4 weeks" if frequency == "week" else "month"

    def part(window: str) -> str:
        return trends.window_words(row, windows, window)

    first, last = windows["latest"]
    covered_whole = not pd.isna(row.get("events latest", float("nan")))
    sentences = [
        f"In the last {unit} the {name} covers whole ({period_text(first, last)}) it records "
        f"{part('latest').split(' from ')[0]}, against {part('previous')} (the {unit} before) "
        f"and {part('year before')} (the same {unit} a year earlier)."
        if covered_whole
        else f"The {name} does not cover a whole {unit} up to {human_date(last)}."
    ]
    if covered_whole:
        # the same rule as event rows: ACLED Trendfinder's change levels, in weekly averages
        sentences.append(change_sentence(row, windows, unit))
    if run_date is not None and last < run_date:
        sentences.append(
            f"{'These 4 weeks end' if frequency == 'week' else 'This month ends'} on "
            f"{human_date(last)}; the data covers up to {human_date(covered.last)}, not the run "
            f"date ({human_date(run_date)}): events since then are not in the data."
        )
    exposure = aggregates.exposure_table(table)
    if len(exposure):
        top = exposure.head(5)
        listed = "; ".join(
            f"{r.admin1} ({r.event_type}) {int(r.population_exposure):,}" for r in top.itertuples()
        )
        sentences.append(
            f"ACLED's population exposure in the week of {top['week'].iloc[0]}, per area and "
            f"event type as published (never summed: the same people live in overlapping "
            f"areas and weeks): {listed}."
        )
    return tuple(sentences)


def latest_by_region(table: pd.DataFrame, covered: Coverage) -> pd.DataFrame:
    """The latest, previous and year-before windows per region, for a table."""
    frequency = table.attrs.get("frequency", "month")
    result = aggregates.latest_table(table, covered, frequency, "admin1").head(10)
    result = result.apply(
        lambda column: column.map(lambda v: "not covered" if pd.isna(v) else f"{int(v):,}")
    )
    return result.reset_index().rename(columns={"admin1": "region"})


def latest_caption(table: pd.DataFrame, covered: Coverage) -> str:
    """The caption of the 'Latest' table by region."""
    if table.attrs.get("frequency") == "week":
        last = aggregates.latest_windows(covered.last, "week")["latest"][1]
        return (
            "Events and deaths by region: the last 4 weeks, the 4 before, a year before; "
            f"windows ending on {human_date(last)}, the end of the last whole week the data "
            "covers"
        )
    return (
        "Events and deaths by region: the last whole month the data covers, the month before, "
        "the same month a year before ('not covered' where the data does not cover it whole)"
    )


def summary(table: pd.DataFrame, name: str) -> dict[str, str]:
    """The values of the 'Event data in this report' sentence from an aggregated table; the
    last day is cut where the file says its extract stops (its last month is partial)."""
    if not len(table):
        return {"source": name, "n": "0", "first": "-", "last": "-"}
    last = table["period_end"].max().date()
    coverage = table.attrs.get("coverage")
    if isinstance(coverage, Coverage) and coverage.last is not None:
        last = min(last, coverage.last)
    return {
        "source": name,
        "n": f"{int(table['events'].sum()):,}",
        "first": str(table["period_start"].min().date()),
        "last": last.isoformat(),
    }
