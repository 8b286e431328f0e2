"""The 'Latest' windows of aggregated tables and the last-month flags shared by the event-level
and the aggregated attack report (second reading of issue 14). Expected numbers worked out by
hand from the small tables built here."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from analysis.analyses import aggregates
from analysis.tables.events import Coverage

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
