"""Project paths and environment variables: every module asks here, never the working directory.

Two layouts, one set of names (docs/install.md has the table users read):

* a clone of the repository (``pyproject.toml`` beside the package): everything lives in the
  clone, as before: ``data/curated``, ``notebooks``, ``data/raw``, ``data/cache``, ``reports``
  and ``../shared/data`` beside it;
* an installed package (``pip install``): the curated tables and notebooks are read from the
  package (``analysis/data/curated``, ``analysis/notebooks``), and what a run writes or
  downloads goes under the *work folder*: ``MALI_WORK_DIR``, else the folder the command was
  started in, never ``site-packages``.

Each folder can be moved with its variable (``VARIABLES``); a relative value is taken from the
working folder at import and made absolute, so kernels running in other folders see the same.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: The installed or checked-out ``analysis`` package.
PACKAGE_DIR: Path = Path(__file__).resolve().parent
#: True in a clone of the repository, False for a package installed from a wheel or sdist.
SOURCE_CHECKOUT: bool = (PACKAGE_DIR.parent / "pyproject.toml").is_file()
#: Where the shipped files are (``data/curated``, ``notebooks``): the clone, or the package,
#: which holds them in the same layout.
PROJECT_ROOT: Path = PACKAGE_DIR.parent if SOURCE_CHECKOUT else PACKAGE_DIR
#: Name of the variable that fixes the work folder (the CLI sets it for the kernels it starts).
WORK_DIR_ENV = "MALI_WORK_DIR"


@dataclass(frozen=True)
class Variable:
    """An environment variable the package reads: its name, what it sets, its default."""

    name: str
    meaning: str
    default: str


#: Every environment variable the package reads (tests/test_install.py keeps this list, the
#: ``MALI_`` names in the code and the table in docs/install.md in step).
VARIABLES: tuple[Variable, ...] = (
    Variable(
        WORK_DIR_ENV,
        "the folder under which data/raw, data/cache, reports and ../shared/data are looked for",
        "the clone; installed: the folder the command or notebook runs in",
    ),
    Variable(
        "MALI_CURATED_DIR",
        "the curated tables (events.csv, groups.csv, ...)",
        "data/curated of the clone; installed: the tables shipped in the package",
    ),
    Variable(
        "MALI_NOTEBOOKS_DIR",
        "the report notebooks (`build --notebooks` overrides it for one build)",
        "notebooks/ of the clone; installed: the notebooks shipped in the package",
    ),
    Variable(
        "MALI_RAW_DIR",
        "downloaded publisher files (`data fetch`, ACLED exports, Afrobarometer .sav files)",
        "data/raw under the clone or the work folder",
    ),
    Variable(
        "MALI_CACHE_DIR",
        "columnar copies and checksums of large files (safe to delete)",
        "data/cache under the clone or the work folder",
    ),
    Variable(
        "MALI_REPORTS_DIR",
        "where `build` writes its dated runs (`build --out` overrides it)",
        "reports/ under the clone or the work folder",
    ),
    Variable(
        "MALI_SHARED_DATA",
        "the real public datasets kept beside the project (shared/data layout)",
        "../shared/data beside the clone or the work folder",
    ),
    Variable(
        "MALI_CHROMIUM",
        "the Chromium or Chrome program `build --pdf` drives",
        "/usr/bin/chromium, /usr/bin/chromium-browser or /usr/bin/google-chrome",
    ),
    Variable(
        "MALI_FIGURES_DIR",
        "set by the build for each notebook: where its figures and CSVs go (not for users)",
        "unset: figures are not saved to files",
    ),
    Variable(
        "MALI_BUILD_ORIGINS_LOG",
        "set by the build for each notebook: the log of what it read (not for users)",
        "unset: origins are kept in memory",
    ),
    Variable(
        "MALI_RUN_DATE",
        "set by the build: the run date relative dates are resolved against (not for users)",
        "unset: today",
    ),
)


def _folder(variable: str, default: Path) -> Path:
    """The folder a variable names (absolute, from the working folder), else ``default``."""
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser().absolute() if value else default


#: Where a run's own files go: MALI_WORK_DIR, else the clone, else (installed) the working folder.
WORK_DIR: Path = _folder(WORK_DIR_ENV, PROJECT_ROOT if SOURCE_CHECKOUT else Path.cwd())
DATA_DIR: Path = PROJECT_ROOT / "data"
#: The hand-curated tables; MALI_CURATED_DIR points elsewhere (tests build reports from fixtures).
CURATED_DIR: Path = _folder("MALI_CURATED_DIR", DATA_DIR / "curated")
NOTEBOOKS_DIR: Path = _folder("MALI_NOTEBOOKS_DIR", PROJECT_ROOT / "notebooks")
#: Downloaded publisher files (gitignored); `python -m analysis data fetch` fills it.
RAW_DIR: Path = _folder("MALI_RAW_DIR", WORK_DIR / "data" / "raw")
#: Columnar copies of large publisher files, parsed once (gitignored, safe to delete; see
#: analysis.sources.cache); MALI_CACHE_DIR points elsewhere.
CACHE_DIR: Path = _folder("MALI_CACHE_DIR", WORK_DIR / "data" / "cache")
REPORTS_DIR: Path = _folder("MALI_REPORTS_DIR", WORK_DIR / "reports")
#: The real public datasets shipped beside the project on development machines and CI.
SHARED_DATA_DIR: Path = _folder("MALI_SHARED_DATA", WORK_DIR.parent / "shared" / "data")


def pin_work_dir() -> None:
    """Fix the work folder in the environment, so that kernels and workers started in other
    folders put data and reports where this process does (installed package only)."""
    if not SOURCE_CHECKOUT:
        os.environ.setdefault(WORK_DIR_ENV, str(WORK_DIR))


def curated_path(table: str) -> Path:
    """Path of a curated table by name, e.g. ``curated_path("groups")``."""
    return CURATED_DIR / f"{table}.csv"


def display_path(path: Path | str) -> str:
    """A path as messages and manifests show it: in a clone, relative to it (``data/raw/x``,
    ``../shared/...``); for an installed package, the absolute path (where it really is)."""
    candidates = [Path(os.path.abspath(path)), Path(path).resolve()]
    if not SOURCE_CHECKOUT:
        return candidates[0].as_posix()
    for candidate in candidates:
        for base, prefix in ((PROJECT_ROOT, ""), (PROJECT_ROOT.parent, "../")):
            try:
                return prefix + candidate.relative_to(base).as_posix()
            except ValueError:
                continue
    return candidates[0].as_posix()
