"""The build's options: what a build is told, from the command line or a caller."""

from __future__ import annotations

import argparse
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis.config import NOTEBOOKS_DIR, REPORTS_DIR, display_path
from analysis.pipeline.html import DEFAULT_TEMPLATE
from analysis.pipeline.inputs import (
    DEFAULT_INPUT_DIRS,
)
from analysis.pipeline.params import ParameterUsageError
from analysis.pipeline.runs import (
    RUN_NAME,
)


@dataclass
class BuildOptions:
    """Everything a build is told; the command line fills it (see add_arguments)."""

    out: Path = REPORTS_DIR
    run_date: str = field(default_factory=lambda: date.today().isoformat())
    params_file: Path | None = None
    param_pairs: list[tuple[str, str]] = field(default_factory=list)
    only: list[str] = field(default_factory=list)
    jobs: int = 0
    quiet: bool = False
    with_code: bool = False
    force: bool = False
    notebooks_dir: Path = NOTEBOOKS_DIR
    input_dirs: tuple[Path, ...] = DEFAULT_INPUT_DIRS
    template_dir: Path = DEFAULT_TEMPLATE
    timeout: float | None = None
    pdf: bool = False


def available_cores() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def default_jobs() -> int:
    """Notebooks run at once by default: one per core, the usual choice.

    A kernel computes for most of the time its notebook runs: more notebooks than cores would
    share the cores, and each hold a kernel's memory (pandas, matplotlib and what its report
    imports), to fill only the moments a kernel waits while it starts.
    """
    return available_cores()


#: The longest --timeout: a week per cell (no notebook cell runs that long; the kernel client
#: cannot wait 1e308 seconds). No --timeout at all means no limit.
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600


def _timeout_problem(value: float, given: object) -> str:
    """Why a --timeout value is refused, or ""."""
    if not math.isfinite(value) or value <= 0:
        return f"must be a number of seconds above 0, such as 600 or 2.5, not {given!r}"
    if value > MAX_TIMEOUT_SECONDS:
        return (
            f"must be at most {MAX_TIMEOUT_SECONDS:,} seconds (a week), not {given!r}; leave "
            "--timeout out for no limit"
        )
    return ""


def check_timeout(timeout: float | None) -> int | None:
    """--timeout in whole seconds as the kernel client wants them (2.5 -> 3), or a sentence."""
    if timeout is None:
        return None
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        value = math.nan
    problem = _timeout_problem(value, timeout)
    if problem:
        raise ParameterUsageError(f"--timeout {problem}.")
    return math.ceil(value)


def is_iso_date(text: str) -> bool:
    if not RUN_NAME.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _iso_date(text: str) -> str:
    if not RUN_NAME.match(text):
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"no such day: {text!r} ({exc})") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    problem = _timeout_problem(value, text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


#: What argparse reads as a value, not an option, after -p NAME: negative numbers, and dates
#: relative to the run such as -52w or -30d (argparse's own pattern knows only numbers).
_VALUE_NOT_OPTION = re.compile(r"^-\d+$|^-\d*\.\d+$|^-\d+[dwmyDWMY]$")


def _shown(path: Path) -> str:
    """A default folder as the help shows it (argparse formats help with %: one is doubled)."""
    return display_path(path).replace("%", "%%")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the build command."""
    # `-p start_date -52w`: a relative date is a value (argparse keeps no public hook for this)
    parser._negative_number_matcher = _VALUE_NOT_OPTION
    parser.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        dest="param_pairs",
        default=[],
        help="set a notebook parameter (YAML value: 2015-01-01 stays a string, [A, B] is a list; "
        "dates may be relative to the run date: today, -52w, -12m, -30d)",
    )
    parser.add_argument(
        "--params",
        type=Path,
        metavar="FILE.yaml",
        help="parameters from a YAML file (dates stay ISO strings; 'notebooks:' for per-notebook values)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NOTEBOOK",
        help="build only this notebook (repeatable)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPORTS_DIR,
        metavar="DIR",
        help=f"reports folder (default: {_shown(REPORTS_DIR)})",
    )
    parser.add_argument(
        "--date",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="run date, the folder's name (default: today)",
    )
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=0,
        metavar="N",
        help="notebooks run at once (default: one per core)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors (for cron)")
    parser.add_argument("--with-code", action="store_true", help="keep the code cells in the HTML")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also print each report to an A4 PDF with headless Chromium (/usr/bin/chromium)",
    )
    parser.add_argument(
        "--force", action="store_true", help="execute every notebook even if nothing changed"
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=NOTEBOOKS_DIR,
        metavar="DIR",
        help=f"folder of notebooks (default: {_shown(NOTEBOOKS_DIR)})",
    )
    parser.add_argument(
        "--input-dir",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="folder whose files are inputs, hashed into the manifest (repeatable; default: "
        + ", ".join(_shown(d) for d in DEFAULT_INPUT_DIRS)
        + ")",
    )
    parser.add_argument(
        "--template",
        type=Path,
        default=DEFAULT_TEMPLATE,
        metavar="DIR",
        help=f"nbconvert template folder for the reports (default: {_shown(DEFAULT_TEMPLATE)})",
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="seconds one cell may run, rounded up to whole seconds (default: no limit)",
    )
