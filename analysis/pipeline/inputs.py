"""The build's inputs: which files count, their sha256 (cached by size and mtime), and paths.

Hashing every input on every build would make a no-change rebuild slow once data/raw holds large
downloads, so hashes are remembered per file with its size, mtime and inode; a file that changed
in any of those is hashed again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from analysis.config import CURATED_DIR, RAW_DIR, SHARED_DATA_DIR
from analysis.core.hashing import sha256_file

#: Folders whose files are the reports' inputs, unless the build is told otherwise.
DEFAULT_INPUT_DIRS: tuple[Path, ...] = (CURATED_DIR, RAW_DIR, SHARED_DATA_DIR)
#: The package's own code and templates: a change to any of them invalidates cached results.
PACKAGE_DIR: Path = Path(__file__).resolve().parents[1]
# A file modified this recently could change again within the same mtime tick: do not cache it.
_RACY_SECONDS = 2.0


class FileHashCache:
    """sha256 of files, remembered in a JSON file by (size, mtime_ns, inode)."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._entries: dict[str, list] = {}
        self._changed = False
        try:
            self._entries = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._entries = {}

    def sha256(self, path: Path) -> str:
        """The file's sha256, from the cache when its size, mtime and inode are unchanged."""
        key = str(path.resolve())
        stat = path.stat()
        signature = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        cached = self._entries.get(key)
        if cached and cached[:3] == signature:
            return cached[3]
        digest = sha256_file(path)
        if time.time() - stat.st_mtime > _RACY_SECONDS:
            self._entries[key] = [*signature, digest]
            self._changed = True
        return digest

    def save(self) -> None:
        """Write the cache (atomically) if it learnt anything; entries of vanished files go."""
        if not self._changed:
            return
        entries = {k: v for k, v in self._entries.items() if os.path.exists(k)}
        self.store.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.store.with_name(f".{self.store.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(entries, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.store)


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
