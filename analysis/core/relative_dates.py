"""Report dates given relative to the run: ``today``, ``-52w``, ``-12m``, ``-2y``, ``-30d``.

A scheduled report follows the calendar: ``-p start_date -52w -p end_date today`` means "the
52 weeks up to the run date". The run date is the build's ``--date`` (the build hands it to
the kernel in ``MALI_RUN_DATE``), or today outside a build. The build resolves the values the
same way and records them resolved in the manifest. Standard library only: the build command
imports this module and must start fast.
"""

from __future__ import annotations

import calendar
import os
import re
from datetime import date, timedelta

#: Environment variable through which the build tells a kernel its run date.
RUN_DATE_ENV = "MALI_RUN_DATE"
#: The words a relative date may be written in.
FORMS = "'today', or a number of days, weeks, months or years back such as -30d, -52w, -12m, -2y"

_RELATIVE = re.compile(r"^\s*(today|-(\d{1,4})([dwmy]))\s*$", re.IGNORECASE)


def is_relative(value: object) -> bool:
    """True for 'today' and '-<n><d|w|m|y>' (case and surrounding spaces ignored)."""
    return isinstance(value, str) and bool(_RELATIVE.match(value))


def run_date() -> date:
    """The run's date: the build's --date (``MALI_RUN_DATE``), else today."""
    text = os.environ.get(RUN_DATE_ENV, "").strip()
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError:
        return date.today()


def resolve(value: str, on: date) -> date:
    """A relative date resolved against ``on`` (the run date); months and years back keep the
    day of the month where it exists (31 March -1m is 28 or 29 February)."""
    match = _RELATIVE.match(value)
    if not match:
        raise ValueError(f"not a relative date ({FORMS}): {value!r}")
    if match.group(1).lower() == "today":
        return on
    amount, unit = int(match.group(2)), match.group(3).lower()
    try:
        if unit == "d":
            return on - timedelta(days=amount)
        if unit == "w":
            return on - timedelta(weeks=amount)
        months = amount * (12 if unit == "y" else 1)
        year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
        month += 1
        return date(year, month, min(on.day, calendar.monthrange(year, month)[1]))
    except (OverflowError, ValueError):  # before year 1: no date can hold it
        raise ValueError(
            f"{value.strip()} from the run date {on.isoformat()} falls before "
            f"{date.min.isoformat()}, the first day a date can hold"
        ) from None
