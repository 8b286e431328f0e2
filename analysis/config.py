"""Project paths: every module asks here, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the project checkout (the folder holding pyproject.toml).
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = PROJECT_ROOT / "data"
#: The hand-curated tables; MALI_CURATED_DIR points elsewhere (tests build reports from fixtures).
CURATED_DIR: Path = Path(os.environ.get("MALI_CURATED_DIR", DATA_DIR / "curated"))
#: Downloaded publisher files (gitignored); `python -m analysis data fetch` fills it.
RAW_DIR: Path = Path(os.environ.get("MALI_RAW_DIR", DATA_DIR / "raw"))
#: Columnar copies of large publisher files, parsed once (gitignored, safe to delete; see
#: analysis.sources.cache); MALI_CACHE_DIR points elsewhere.
CACHE_DIR: Path = Path(os.environ.get("MALI_CACHE_DIR", DATA_DIR / "cache"))
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = Path(os.environ.get("MALI_REPORTS_DIR", PROJECT_ROOT / "reports"))
#: The real public datasets shipped beside the project on development machines and CI.
SHARED_DATA_DIR: Path = Path(
    os.environ.get("MALI_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data")
)


def curated_path(table: str) -> Path:
    """Path of a curated table by name, e.g. ``curated_path("groups")``."""
    return CURATED_DIR / f"{table}.csv"


def display_path(path: Path | str) -> str:
    """A path as messages and manifests show it: relative to the project (``../shared/...``)."""
    candidates = [Path(os.path.abspath(path)), Path(path).resolve()]
    for candidate in candidates:
        for base, prefix in ((PROJECT_ROOT, ""), (PROJECT_ROOT.parent, "../")):
            try:
                return prefix + candidate.relative_to(base).as_posix()
            except ValueError:
                continue
    return candidates[0].as_posix()
