"""The 'Latest' windows of aggregated tables and the last-month flags shared by the event-level
and the aggregated attack report (second reading of issue 14). Expected numbers worked out by
hand from the small tables built here."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from analysis.analyses import aggregates, trends
from analysis.reports import aggregated_trends
from analysis.tables import events
from analysis.tables.events import Coverage

HDX_AS_OF_15_MARCH = (
    Path(__file__).parent
    / "fixtures"
    / "acled_aggregated"
    / "mali_hrp_political_violence_events_and_fatalities_by_month-year_as-of-15mar2024.xlsx"
)

FIRST_WEEK = date(2024, 1, 6)  # a Saturday: ACLED's weeks run Saturday to Friday


def weekly_table(weeks: int) -> pd.DataFrame:
    """Mopti, week k (1..weeks) from FIRST_WEEK: k events and 2k deaths."""
    starts = [FIRST_WEEK + timedelta(weeks=k) for k in range(weeks)]
    table = pd.DataFrame(
        {
            "period_start": pd.to_datetime(starts),
            "period_end": pd.to_datetime([s + timedelta(days=6) for s in starts]),
            "country": "Mali",
            "admin1": "Mopti",
            "events": range(1, weeks + 1),
            "deaths_best": pd.array([2 * k for k in range(1, weeks + 1)], dtype="Int64"),
            "population_exposure": float("nan"),
        }
    )
    table.attrs["frequency"] = "week"
    return table


def test_weekly_windows_end_on_the_last_whole_week_when_the_period_ends_mid_week():
    # 8 weeks, 2024-01-06 to 2024-03-01; a report period ending Wednesday 2024-02-28 cuts the
    # coverage there (Coverage.within). The last whole week ends Friday 2024-02-23, so the
    # last 4 weeks are weeks 4 to 7 (2024-01-27 to 2024-02-23): by hand 4+5+6+7 = 22 events,
    # 44 deaths; a window of the 28 days to Wednesday would hold weeks 5 to 7 only (18).
    covered = Coverage("acled-aggregated", ((FIRST_WEEK, date(2024, 2, 28)),), "test")
    windows = aggregates.latest_windows(covered.last, "week")
    assert windows["latest"] == (date(2024, 1, 27), date(2024, 2, 23))
    assert windows["previous"] == (date(2023, 12, 30), date(2024, 1, 26))
    table = aggregates.latest_table(weekly_table(8), covered, "week")
    assert table.loc["all", ["events latest", "deaths latest"]].tolist() == [22.0, 44.0]
    # the 4 weeks before start on 2023-12-30, before the file: missing, not zero
    assert table.loc["all", ["events previous", "deaths previous"]].isna().all()


def test_weekly_windows_unchanged_when_the_data_ends_on_a_friday():
    # coverage to Friday 2024-03-01 (the file's own end): weeks 5 to 8, by hand 26 events
    covered = Coverage("acled-aggregated", ((FIRST_WEEK, date(2024, 3, 1)),), "test")
    assert aggregates.latest_windows(covered.last, "week")["latest"] == (
        date(2024, 2, 3),
        date(2024, 3, 1),
    )
    table = aggregates.latest_table(weekly_table(8), covered, "week")
    assert table.loc["all", "events latest"] == 5 + 6 + 7 + 8
    # the previous 4 weeks (weeks 1 to 4) are covered whole: 1+2+3+4 = 10 events, 20 deaths
    assert table.loc["all", ["events previous", "deaths previous"]].tolist() == [10.0, 20.0]


def monthly_table(deaths: list[float], shares: list[float]) -> pd.DataFrame:
    """A per_period-shaped monthly table from January 2023: deaths and covered shares."""
    index = pd.date_range("2023-01-01", periods=len(deaths), freq="MS", name="period")
    return pd.DataFrame({"deaths_best": deaths, "covered_share": shares}, index=index)


def test_last_month_flags_one_sentence_for_events_and_aggregates():
    # 14 months from January 2023; February 2024 is half covered (left out), so the last
    # whole month is January 2024 with 30 deaths, above the 11 months before it (by hand:
    # 1..11 and 20): the highest in one year; three years are not covered.
    deaths = [20.0, *range(1, 12), 30.0, 5.0]
    monthly = monthly_table(deaths, [1.0] * 13 + [0.5])
    # 30 deaths is under HDX Signals' minimum of 100 for a signal
    assert trends.last_month_flags(monthly) == [
        "January 2024, the last whole month the data covers, had 30 deaths: the highest in "
        "one year; the data does not cover the whole three years before it; below HDX Signals' "
        "minimum of 100 deaths: no signal."
    ]
    # 130 deaths, the highest in one year: a signal
    signal = monthly_table([20.0, *range(1, 12), 130.0, 5.0], [1.0] * 13 + [0.5])
    assert trends.last_month_flags(signal)[0].endswith(
        "the highest in one year; the data does not cover the whole three years before it; a "
        "signal by HDX Signals' rule."
    )
    # by hand: January 2024 with 10 deaths is below December 2023's 11, within the 12 months
    lower = monthly_table([20.0, *range(1, 12), 10.0], [1.0] * 13)
    assert "not the highest in one year" in trends.last_month_flags(lower)[0]


def test_last_month_flags_say_nothing_without_deaths_or_whole_months():
    # a product without deaths (demonstrations) has missing deaths, not zero: no flag
    assert trends.last_month_flags(monthly_table([float("nan")] * 3, [1.0] * 3)) == []
    # no month covered whole: no flag
    assert trends.last_month_flags(monthly_table([1.0, 2.0], [0.5, 0.2])) == []


def test_event_summary_ends_where_the_file_says_its_extract_stops():
    # the HDX fixture holds January to March 2024 and says it stops on 15 March 2024
    # (as-of-15mar2024): its March row counts the events to that day, so the report's
    # "N events from ... to ..." ends on 2024-03-15, not on 31 March; by hand 7+3+2+5+1+2 = 20
    table = events.load("acled-aggregated", path=HDX_AS_OF_15_MARCH, country="Mali")
    summary = aggregated_trends.summary(table, "ACLED aggregated data")
    assert (summary["n"], summary["first"], summary["last"]) == ("20", "2024-01-01", "2024-03-15")


def test_window_words_for_covered_uncovered_and_deathless_windows():
    windows = {
        "latest": (date(2024, 2, 1), date(2024, 2, 29)),
        "previous": (date(2024, 1, 1), date(2024, 1, 31)),
    }
    row = pd.Series(
        {"events latest": 1234.0, "deaths latest": 56.0, "events previous": float("nan")}
    )
    assert trends.window_words(row, windows, "latest") == (
        "1,234 events and 56 deaths from 1 February 2024 to 29 February 2024"
    )
    assert trends.window_words(row, windows, "previous") == (
        "the data does not cover all of 1 January 2024 to 31 January 2024"
    )
    # a product without deaths (demonstrations): no death figure, not zero deaths
    deathless = pd.Series({"events latest": 7.0, "deaths latest": float("nan")})
    assert trends.window_words(deathless, windows, "latest") == (
        "7 events and no death figure from 1 February 2024 to 29 February 2024"
    )
