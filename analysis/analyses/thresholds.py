"""Written rules before a report says "increase", "highest" or "changed".

Two published references (read 2026-12-08) set the rules; where this project differs, it says so
here and in the attack report's method notes.

**Change levels: ACLED Trendfinder** (Country Change Level Map). The change of the current
window against a baseline, in events: a *large increase* above +25%, a *moderate increase* from
+10% to +25%, *limited change* from -25% to +10%, a *large decrease* below -25%. Its
low-baseline rule: "two events or fewer on average in the previous month/year and five events
or fewer in the most recent week" is *limited change*. ACLED compares one week with the average
week of the 4 (or 52) weeks before; this project compares windows of several weeks (4 weeks, a
month, a segment of a series), so the rule is applied to weekly averages: at most 2 events a
week on average in the baseline and at most 5 a week on average in the latest window. When it
applies, the report says "too few events to compare" (``Change.level``), which is what ACLED's
"limited change" means there.

**Highest in one or three years: HDX Signals** (armed conflict). Monthly fatalities are the
rolling sum over the past 30 days; a signal when they reach levels not seen in the past one or
three years, and none below a minimum of 100 deaths. Here the 30 days end on the last day the
data covers; "not seen" means higher than every 30-day total ending in the one (three) years
before the window starts (windows that do not overlap it), all of them covered by the data
(else the report says the data does not cover the year before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from analysis.tables.events import Coverage

#: ACLED Trendfinder's change levels, in % change of events against the baseline.
LARGE_INCREASE = 25.0
MODERATE_INCREASE = 10.0
LARGE_DECREASE = -25.0
#: ACLED Trendfinder's low-baseline rule, per week on average (see the module docstring).
LOW_BASELINE_PER_WEEK = 2.0
LOW_LATEST_PER_WEEK = 5.0
#: HDX Signals' armed-conflict rule: deaths over 30 days, at least 100 for a signal.
SIGNAL_DAYS = 30
SIGNAL_MINIMUM_DEATHS = 100
YEAR_DAYS = 365
#: What "too few events to compare" stands for in ACLED's words.
TOO_FEW = "too few events to compare"
#: Levels that say something changed (a break of a series is reported only at one of these).
CHANGED = ("large increase", "moderate increase", "large decrease")


@dataclass(frozen=True)
class Change:
    """A window against its baseline, in events, with its level after ACLED's rules."""

    latest: float
    baseline: float
    latest_days: float
    baseline_days: float
    level: str
    #: the change in % (None when the baseline is 0)
    percent: float | None

    @property
    def per_week(self) -> tuple[float, float]:
        """The weekly averages of the latest window and of the baseline."""
        return self.latest / (self.latest_days / 7), self.baseline / (self.baseline_days / 7)

    def words(self) -> str:
        """'a large increase (+50%)', 'limited change (-5%)', or 'too few events to compare
        (ACLED's low-baseline rule)'."""
        if self.level == TOO_FEW:
            return f"{TOO_FEW} (ACLED's low-baseline rule)"
        article = "" if self.level == "limited change" else "a "
        if self.percent is None:
            return f"{article}{self.level} (from none)"
        return f"{article}{self.level} ({self.percent:+.0f}%)"


def change_level(
    latest: float, baseline: float, latest_days: float = 28, baseline_days: float = 28
) -> Change:
    """The level of ``latest`` events (over ``latest_days``) against ``baseline`` events (over
    ``baseline_days``): ACLED Trendfinder's levels, its low-baseline rule in weekly averages."""
    latest_week = latest / (latest_days / 7)
    baseline_week = baseline / (baseline_days / 7)
    if baseline_week <= LOW_BASELINE_PER_WEEK and latest_week <= LOW_LATEST_PER_WEEK:
        percent = None if baseline_week == 0 else (latest_week / baseline_week - 1) * 100
        return Change(latest, baseline, latest_days, baseline_days, TOO_FEW, percent)
    if baseline_week == 0:
        return Change(latest, baseline, latest_days, baseline_days, "large increase", None)
    percent = (latest_week / baseline_week - 1) * 100
    return Change(latest, baseline, latest_days, baseline_days, level_of(percent), percent)


def level_of(percent: float) -> str:
    """ACLED Trendfinder's level of a change in % (above +25%: large increase; +10% to +25%:
    moderate increase; -25% to +10%: limited change; below -25%: large decrease)."""
    if percent > LARGE_INCREASE:
        return "large increase"
    if percent >= MODERATE_INCREASE:
        return "moderate increase"
    if percent >= LARGE_DECREASE:
        return "limited change"
    return "large decrease"


#: Average days per period, to turn a series' means into weekly averages.
PERIOD_DAYS: dict[str, float] = {"month": 365.25 / 12, "quarter": 365.25 / 4, "year": 365.25}


def break_change(mean_before: float, mean_after: float, period: str, events: bool) -> Change:
    """A break of a series of counts per period (events or deaths) as a change level: the mean
    after against the mean before; the low-baseline rule applies to event counts only."""
    days = PERIOD_DAYS[period]
    if events:
        return change_level(mean_after, mean_before, days, days)
    # deaths: ACLED's levels without its low-baseline rule, which counts events
    if mean_before == 0:
        return Change(mean_after, mean_before, days, days, "large increase", None)
    percent = (mean_after / mean_before - 1) * 100
    return Change(mean_after, mean_before, days, days, level_of(percent), percent)


@dataclass(frozen=True)
class Signal:
    """The last 30 days' deaths against the one and three years before (HDX Signals)."""

    first: date
    last: date
    deaths: int
    #: the highest 30-day total in the one (three) years before, or None when the data does
    #: not cover them all
    before_one_year: int | None
    before_three_years: int | None

    def highest(self, years: int) -> bool | None:
        """Whether the window is higher than every 30 days in the ``years`` years before."""
        before = self.before_one_year if years == 1 else self.before_three_years
        return None if before is None else self.deaths > before

    @property
    def big_enough(self) -> bool:
        """Whether the window reaches HDX Signals' minimum of 100 deaths."""
        return self.deaths >= SIGNAL_MINIMUM_DEATHS

    @property
    def flagged(self) -> bool:
        """HDX Signals' signal: the highest in one or three years, and at least 100 deaths."""
        return self.big_enough and bool(self.highest(1) or self.highest(3))


def daily_deaths(events: pd.DataFrame, first: date, last: date) -> pd.Series:
    """Deaths (best estimate) per day from ``first`` to ``last``; a day without an event has 0
    (a census's silence within its coverage is no attack)."""
    days = pd.date_range(first, last, freq="D")
    if not len(events):
        return pd.Series(0.0, index=days)
    dated = pd.to_datetime(events["date"]).dt.normalize()
    deaths = pd.to_numeric(events["deaths_best"], errors="coerce").fillna(0.0)
    return deaths.groupby(dated).sum().reindex(days, fill_value=0.0)


def deaths_signal(events: pd.DataFrame, coverage: Coverage) -> Signal | None:
    """HDX Signals' rule on a census's event rows: the 30 days ending on the last day covered
    against every 30 days ending in the one and three years before them (None: the data does
    not cover 30 whole days)."""
    last = coverage.last
    if last is None:
        return None
    first = last - timedelta(days=SIGNAL_DAYS - 1)
    if coverage.days_covered(first, last) < SIGNAL_DAYS:
        return None
    earliest = first - timedelta(days=3 * YEAR_DAYS + SIGNAL_DAYS - 1)
    daily = daily_deaths(events, earliest, last)
    covered = pd.Series(
        [coverage.days_covered(d.date(), d.date()) for d in daily.index], index=daily.index
    )
    totals = daily.rolling(SIGNAL_DAYS).sum()
    whole = covered.rolling(SIGNAL_DAYS).sum() == SIGNAL_DAYS

    def before(years: int) -> int | None:
        # 30-day windows ending in the years before the latest window starts
        ends = totals.index[
            (totals.index >= pd.Timestamp(first - timedelta(days=years * YEAR_DAYS)))
            & (totals.index < pd.Timestamp(first))
        ]
        if not len(ends) or not whole[ends].all():
            return None
        return int(np.nanmax(totals[ends].to_numpy()))

    return Signal(first, last, int(totals.iloc[-1]), before(1), before(3))
