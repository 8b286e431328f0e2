"""The attack-trends report's parameters, checked and typed (the report's ``check`` makes them
from the notebook's values)."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.analyses.changepoints import METHODS
from analysis.analyses.trends import PERIOD_FREQUENCIES
from analysis.reports.params import CommonParameters, ParameterError, ReportParameters


@dataclass(frozen=True)
class AttackTrendsParameters(CommonParameters):
    """The report's parameters, checked and typed."""

    common: ReportParameters
    period: str = "month"
    top_n: int = 10
    sahel_countries: tuple[str, ...] = ("Mali", "Burkina Faso", "Niger")
    change_point_method: str = "poisson"
    shift_window: int = 3


def check_report_options(
    period: str, top_n: int, method: str, window: int, countries: list[str]
) -> None:
    """Check the attack report's own parameters; a bad value raises one clear sentence."""
    if period not in PERIOD_FREQUENCIES:
        raise ParameterError(
            f"period must be one of {', '.join(PERIOD_FREQUENCIES)}, not {period!r}."
        )
    if not isinstance(top_n, int) or top_n < 1:
        raise ParameterError(f"top_n must be a whole number of 1 or more, not {top_n!r}.")
    if method not in METHODS:
        raise ParameterError(
            f"change_point_method must be one of {', '.join(METHODS)}, not {method!r}."
        )
    if not isinstance(window, int) or window < 1:
        raise ParameterError(f"shift_window must be a whole number of years, not {window!r}.")
    if not countries:
        raise ParameterError("sahel_countries must name at least one country.")
