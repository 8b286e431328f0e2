"""Change points in a monthly (or yearly) series of event counts or deaths.

Method (default ``"poisson"``): **penalised Poisson segmentation with PELT** (Killick,
Fearnhead & Eckley 2012), run by ``ruptures.Pelt`` with ``QuasiPoissonCost`` (a
``ruptures.base.BaseCost``) as its custom cost. The series is cut into segments of constant
rate; the cost of a segment is its Poisson deviance, ``2 * sum(y * log(y / mean))``. Conflict
counts are over-dispersed (one massacre is one month's spike), so the deviance is divided by a
dispersion factor estimated from first differences, ``max(1, var(diff(y)) / (2 * mean(y)))``
(for a Poisson series with a slowly changing rate, ``var(y[t] - y[t-1])`` is about twice the
mean): the quasi-Poisson deviance. The penalty per change is ``2 * ln(n)``, BIC-style (one
new rate and one location per change). Segments are at least ``min_size`` periods long.

**Covered periods only.** A missing value (a period the data does not cover, see
analysis.analyses.trends) is left out, never read as 0: a series that stops where its data
stops has no break "down to 0" at the end of coverage. Pass the periods the data covers whole
(``trends.whole_periods``) so that a half-covered last month is not compared as if whole; a
gap in the middle is closed up, and a break right after it is dated at the first period after
the gap (``ChangePoint.after_gap``).

``"l2"`` is the alternative: PELT on ruptures' own squared-error cost (change in mean), penalty
``2 * sigma^2 * ln(n)`` with sigma estimated from the median absolute first difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import ruptures as rpt
from ruptures.base import BaseCost

METHODS = ("poisson", "l2")


@dataclass(frozen=True)
class ChangePoint:
    """A break: the first period of the new segment (a Timestamp, or the index label of a
    series indexed otherwise, e.g. a year), and the mean before and after it."""

    date: pd.Timestamp | int
    position: int
    mean_before: float
    mean_after: float
    #: True when the periods just before the break are missing (a gap in coverage)
    after_gap: bool = False

    @property
    def direction(self) -> str:
        """'up' or 'down'."""
        return "up" if self.mean_after > self.mean_before else "down"


class QuasiPoissonCost(BaseCost):
    """Poisson deviance of a segment divided by a dispersion factor (see module docstring): a
    ruptures cost (``fit``, ``error``, ``model``, ``min_size``) for ``rpt.Pelt(custom_cost=...)``.
    """

    model = "quasi-poisson"
    #: one period has no deviance from its own mean: a segment needs two to say anything
    min_size = 2

    def __init__(self, dispersion: float = 1.0):
        self.dispersion = dispersion

    def fit(self, signal: np.ndarray) -> QuasiPoissonCost:
        """Cumulative sums of y and y*log(y), so that each segment's cost is two look-ups."""
        values = np.asarray(signal, dtype=float).reshape(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            y_log_y = np.where(values > 0, values * np.log(values), 0.0)
        self._sum = np.concatenate([[0.0], np.cumsum(values)])
        self._sum_y_log_y = np.concatenate([[0.0], np.cumsum(y_log_y)])
        self.signal = values.reshape(-1, 1)
        return self

    def error(self, start: int, end: int) -> float:
        """Quasi-Poisson deviance of ``signal[start:end]`` from its mean."""
        total = self._sum[end] - self._sum[start]
        if total <= 0:
            return 0.0
        mean = total / (end - start)
        deviance = 2.0 * (
            (self._sum_y_log_y[end] - self._sum_y_log_y[start]) - total * np.log(mean)
        )
        return max(deviance, 0.0) / self.dispersion


def dispersion(values: np.ndarray) -> float:
    """Over-dispersion of a count series from its first differences (1 for Poisson)."""
    values = np.asarray(values, dtype=float)
    if len(values) < 3 or values.mean() <= 0:
        return 1.0
    return max(1.0, float(np.var(np.diff(values)) / (2.0 * values.mean())))


def detect_change_points(
    series: pd.Series,
    method: str = "poisson",
    penalty: float | None = None,
    min_size: int = 3,
) -> list[ChangePoint]:
    """Change points of a regular series indexed by period start (see the module docstring)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    numbers = pd.to_numeric(series, errors="coerce")
    known = numbers.notna().to_numpy()
    positions = np.flatnonzero(known)
    values = numbers[known].to_numpy(dtype=float)
    n = len(values)
    if n < 2 * min_size or not values.any():
        return []
    if method == "poisson":
        if (values < 0).any():
            raise ValueError("the Poisson method needs counts (no negative values)")
        algorithm = rpt.Pelt(
            custom_cost=QuasiPoissonCost(dispersion(values)), min_size=min_size, jump=1
        )
        penalty = 2.0 * np.log(n) if penalty is None else penalty
    else:
        algorithm = rpt.Pelt(model="l2", min_size=min_size, jump=1)
        if penalty is None:
            sigma = 1.4826 * np.median(np.abs(np.diff(values))) / np.sqrt(2.0)
            sigma = sigma if sigma > 0 else float(np.std(values)) or 1.0
            penalty = 2.0 * sigma**2 * np.log(n)
    ends = algorithm.fit(values.reshape(-1, 1)).predict(pen=penalty)
    bounds = [0, *ends]
    points = []
    for k in range(1, len(bounds) - 1):
        before = values[bounds[k - 1] : bounds[k]]
        after = values[bounds[k] : bounds[k + 1]]
        where = int(positions[bounds[k]])
        points.append(
            ChangePoint(
                date=_label(series.index[where]),
                position=where,
                mean_before=float(before.mean()),
                mean_after=float(after.mean()),
                after_gap=where > 0 and not known[where - 1],
            )
        )
    return points


def _label(value: object) -> pd.Timestamp | int:
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value)
    return int(value) if isinstance(value, int | np.integer) else value


def change_point_table(points: list[ChangePoint], frequency: str = "month") -> pd.DataFrame:
    """The breaks as a reader's table: date, mean before, mean after, direction."""
    fmt = {"month": "%B %Y", "quarter": "%B %Y", "year": "%Y"}.get(frequency, "%Y-%m-%d")

    def when(label: object) -> str:
        return label.strftime(fmt) if isinstance(label, pd.Timestamp) else str(label)

    return pd.DataFrame(
        {
            "break": [when(p.date) for p in points],
            "mean before": [round(p.mean_before, 1) for p in points],
            "mean after": [round(p.mean_after, 1) for p in points],
            "direction": [
                p.direction + (" (after a gap in coverage)" if p.after_gap else "") for p in points
            ],
        }
    )
