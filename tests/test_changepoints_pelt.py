"""The PELT ported from ruptures (analysis.analyses.changepoints._pelt) finds exactly ruptures'
breaks: on the curated chronology's monthly counts, on OWID's yearly deaths (when
../shared/data is there) and on seeded random Poisson series with shifts, for several minimum
segment lengths and penalties, with both costs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import changepoints

# ruptures is a dev (test) dependency only: the reports run the port
rpt = pytest.importorskip("ruptures", reason="ruptures (a dev dependency) is not installed")

ROOT = Path(__file__).resolve().parents[1]
OWID = Path(
    "../shared/data/owid_conflict_deaths/deaths-in-armed-conflicts-based-on-where-they-occurred.csv"
)
#: minimum segment lengths and penalties (times ln(n); 2 is the reports' default) compared, per
#: method (a Poisson minimum of 1 is raised to the cost's 2); the squared-error cost prunes
#: little and is slow in both, so it gets fewer
GRID = {
    "poisson": ((1, 3, 6), (1.0, 2.0, 4.0)),
    "l2": ((1, 3), (2.0,)),
}


def _ruptures_breaks(values: np.ndarray, method: str, min_size: int, penalty: float) -> list[int]:
    """ruptures' own PELT, as changepoints.py called it before the port."""
    signal = values.reshape(-1, 1)
    if method == "poisson":
        cost_class = type(
            "QuasiPoissonCost", (changepoints.QuasiPoissonCost, rpt.base.BaseCost), {}
        )
        algorithm = rpt.Pelt(
            custom_cost=cost_class(changepoints.dispersion(values)), min_size=min_size, jump=1
        )
    else:
        algorithm = rpt.Pelt(model="l2", min_size=min_size, jump=1)
    return algorithm.fit(signal).predict(pen=penalty)


def _ported_breaks(values: np.ndarray, method: str, min_size: int, penalty: float) -> list[int]:
    cost = (
        changepoints.QuasiPoissonCost(changepoints.dispersion(values))
        if method == "poisson"
        else changepoints._SquaredErrorCost()
    )
    return changepoints._pelt(cost.fit(values.reshape(-1, 1)), min_size, penalty)


def _penalties(values: np.ndarray, method: str) -> list[float]:
    scale = 1.0 if method == "poisson" else max(float(np.var(values)), 1.0)
    return [factor * scale * np.log(len(values)) for factor in GRID[method][1]]


def _assert_same_breaks(
    name: str, values: np.ndarray, methods: tuple[str, ...] = changepoints.METHODS
) -> int:
    """Compare on each method, minimum size and penalty; return how many breaks were found."""
    found = 0
    for method in methods:
        for min_size in GRID[method][0]:
            if len(values) < 2 * min_size:
                continue
            for penalty in _penalties(values, method):
                expected = _ruptures_breaks(values, method, min_size, penalty)
                ported = _ported_breaks(values, method, min_size, penalty)
                assert ported == expected, (name, method, min_size, penalty)
                found += len(expected) - 1
    return found


def _curated_monthly() -> dict[str, np.ndarray]:
    events = pd.read_csv(ROOT / "data" / "curated" / "events.csv", dtype=str)
    months = pd.PeriodIndex(events["date"].str[:7], freq="M")
    everything = pd.period_range(months.min(), months.max(), freq="M")
    deaths = pd.to_numeric(events["deaths_best"], errors="coerce").fillna(0).to_numpy()
    mali = (events["country"] == "Mali").to_numpy()
    return {
        "curated events per month": pd.Series(1, index=months)
        .groupby(level=0)
        .sum()
        .reindex(everything, fill_value=0)
        .to_numpy(dtype=float),
        "curated Mali events per month": pd.Series(mali.astype(float), index=months)
        .groupby(level=0)
        .sum()
        .reindex(everything, fill_value=0)
        .to_numpy(dtype=float),
        "curated deaths per month": pd.Series(deaths, index=months)
        .groupby(level=0)
        .sum()
        .reindex(everything, fill_value=0)
        .to_numpy(dtype=float),
    }


def test_port_matches_ruptures_on_the_curated_monthly_counts():
    series = _curated_monthly()
    assert len(series["curated events per month"]) > 200  # 2003 to 2025, month by month
    found = sum(_assert_same_breaks(name, values) for name, values in series.items())
    assert found > 0  # the comparison covers series with breaks, not only empty answers


def test_port_matches_ruptures_on_owid_yearly_deaths():
    if not OWID.exists():
        pytest.skip(f"{OWID} is absent (the genuine public data in ../shared/data)")
    owid = pd.read_csv(OWID)
    for country in ("Mali", "Burkina Faso", "Niger", "Nigeria", "Algeria"):
        deaths = owid[owid["Entity"] == country].sort_values("Year")["Deaths"]
        _assert_same_breaks(f"OWID {country}", deaths.to_numpy(dtype=float))


def test_port_matches_ruptures_on_random_poisson_series_with_shifts():
    rng = np.random.default_rng(20261127)
    found = 0
    for i in range(50):
        length = int(rng.integers(24, 181))
        # 0 to 4 shifts of the rate, at random places; rates from quiet to violent
        cuts = sorted(rng.choice(np.arange(1, length), size=int(rng.integers(0, 5)), replace=False))
        rates = rng.choice([0.0, 0.3, 1.0, 3.0, 8.0, 20.0, 60.0], size=len(cuts) + 1)
        rate = np.repeat(rates, np.diff([0, *cuts, length]))
        values = rng.poisson(rate).astype(float)
        if i % 5 == 0:
            values[rng.integers(0, length)] += 200.0  # one massacre: an outlier month
        if not values.any():
            continue
        methods = changepoints.METHODS if i % 5 == 1 else ("poisson",)
        found += _assert_same_breaks(f"random series {i}", values, methods)
    assert found > 100


def test_port_refuses_a_segment_longer_than_the_series():
    # ruptures raises BadSegmentationParameters here; the port says what is wrong
    cost = changepoints.QuasiPoissonCost().fit(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="3 periods has no segment of 4"):
        changepoints._pelt(cost, 4, 1.0)
