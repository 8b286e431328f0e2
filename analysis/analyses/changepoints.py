"""Change points in a monthly (or yearly) series of event counts or deaths.

Method (default ``"poisson"``): **penalised Poisson segmentation with PELT** (Killick,
Fearnhead & Eckley 2012; ``_pelt`` is ported from ruptures 1.1.x, which the reports no longer
import). The series is cut into segments of constant rate; the cost of a segment is its
Poisson deviance, ``2 * sum(y * log(y / mean))``. Conflict counts
are over-dispersed (one massacre is one month's spike), so the deviance is divided by a
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

``"l2"`` is the alternative: PELT on squared error (change in mean), penalty
``2 * sigma^2 * ln(n)`` with sigma estimated from the median absolute first difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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


class QuasiPoissonCost:
    """Poisson deviance of a segment divided by a dispersion factor (see module docstring),
    with the ``fit``/``error`` interface of a ruptures cost."""

    model = "quasi-poisson"
    min_size = 2

    def __init__(self, dispersion: float = 1.0):
        self.dispersion = dispersion

    def fit(self, signal: np.ndarray) -> QuasiPoissonCost:
        values = np.asarray(signal, dtype=float).reshape(-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            y_log_y = np.where(values > 0, values * np.log(values), 0.0)
        self._sum = np.concatenate([[0.0], np.cumsum(values)])
        self._sum_y_log_y = np.concatenate([[0.0], np.cumsum(y_log_y)])
        self.signal = values.reshape(-1, 1)
        return self

    def error(self, start: int, end: int) -> float:
        total = self._sum[end] - self._sum[start]
        if total <= 0:
            return 0.0
        mean = total / (end - start)
        deviance = 2.0 * (
            (self._sum_y_log_y[end] - self._sum_y_log_y[start]) - total * np.log(mean)
        )
        return max(deviance, 0.0) / self.dispersion


class _SquaredErrorCost:
    """Squared deviation from the segment's mean (ruptures' ``CostL2``, same arithmetic)."""

    min_size = 1

    def fit(self, signal: np.ndarray) -> _SquaredErrorCost:
        self.signal = np.asarray(signal).reshape(len(signal), -1)
        return self

    def error(self, start: int, end: int) -> float:
        return self.signal[start:end].var(axis=0).sum() * (end - start)


def _pelt(cost: QuasiPoissonCost | _SquaredErrorCost, min_size: int, penalty: float) -> list[int]:
    """Ends of the optimal segments of the series ``cost`` was fitted on (the last is its length).

    Ported from ruptures 1.1.x (``Pelt(custom_cost=cost, min_size=min_size, jump=1)``, its
    ``_seg`` and ``predict``) so that the reports need not import ruptures, whose package
    imports every cost and with them scipy (~0.7 s per report kernel). Kept step for step,
    so the breaks are exactly ruptures' (tests/test_changepoints_pelt.py compares them): the
    same admissible-set pruning, the same minimum segment length (at least the cost's), the
    same tie-break (the first of equal totals, in the admissible set's order) and the same
    totals (``sum`` of each partition's segment costs in the order they were added).
    """
    n_samples = len(cost.signal)
    min_size = max(min_size, cost.min_size)
    if min_size > n_samples:
        raise ValueError(f"a series of {n_samples} periods has no segment of {min_size}")
    # partitions[t]: the optimal partition of signal[0:t], as the ends of its segments and
    # their costs (each plus the penalty), in the order ruptures' dict holds them
    partitions: dict[int, tuple[tuple[int, ...], tuple[float, ...]]] = {0: ((0,), (0,))}
    admissible: list[int] = []
    for end in [*range(min_size, n_samples), n_samples]:
        admissible.append(end - min_size)
        subproblems = []
        for start in admissible:
            if start not in partitions:  # no partition of 0:start (ruptures: KeyError)
                continue
            ends, costs = partitions[start]
            costs = (*costs, cost.error(start, end) + penalty)
            subproblems.append(((*ends, end), costs, sum(costs)))
        best = min(subproblems, key=lambda subproblem: subproblem[2])
        partitions[end] = best[:2]
        # ruptures pairs the admissible points with the subproblems by position (zip), also
        # when a point had none: kept as it is
        admissible = [
            start
            for start, subproblem in zip(admissible, subproblems, strict=False)
            if subproblem[2] <= best[2] + penalty
        ]
    return sorted(partitions[n_samples][0][1:])


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
        cost = QuasiPoissonCost(dispersion(values))
        penalty = 2.0 * np.log(n) if penalty is None else penalty
    else:
        cost = _SquaredErrorCost()
        if penalty is None:
            sigma = 1.4826 * np.median(np.abs(np.diff(values))) / np.sqrt(2.0)
            sigma = sigma if sigma > 0 else float(np.std(values)) or 1.0
            penalty = 2.0 * sigma**2 * np.log(n)
    ends = _pelt(cost.fit(values.reshape(-1, 1)), min_size, penalty)
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
