"""The build's inputs: which files count, the package's own sources, and one hash over many.

Each file's sha256 is analysis.core.hashing's, remembered by the same rule as the readers'
digests: a large download's across builds (a no-change rebuild does not read it again), a small
file's within the process.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from analysis.config import CURATED_DIR, RAW_DIR, SHARED_DATA_DIR

#: Folders whose files are the reports' inputs, unless the build is told otherwise.
DEFAULT_INPUT_DIRS: tuple[Path, ...] = (CURATED_DIR, RAW_DIR, SHARED_DATA_DIR)
#: The package's own code and templates: a change to any of them invalidates cached results.
PACKAGE_DIR: Path = Path(__file__).resolve().parents[1]


def list_files(folders: Iterable[Path]) -> list[Path]:
    """Every regular file under the folders (recursively), skipping hidden files and folders."""
    found: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in files:
                if not name.startswith("."):
                    found.add(Path(root, name).resolve())
    return sorted(found)


def package_sources() -> list[Path]:
    """The package's Python sources, which every cached result depends on."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def combined_hash(hashes: dict[str, str]) -> str:
    """One sha256 over a mapping of name to hash (order-independent)."""
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()
