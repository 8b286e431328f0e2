"""sha256 of files, computed once per process for a file that has not changed."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

_CHUNK = 1 << 20
# A file modified this recently could change again within the same mtime tick: not remembered.
_RACY_SECONDS = 2.0
#: digests of this process, by (path, size, mtime_ns, inode)
_KNOWN: dict[tuple[str, int, int, int], str] = {}


def sha256_file(path: Path | str) -> str:
    """sha256 of a file's bytes, read in chunks; a file already hashed by this process and
    unchanged since (same size, mtime and inode) is not read again."""
    file = Path(path)
    stat = file.stat()
    key = (str(file.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _KNOWN.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    hexdigest = digest.hexdigest()
    if time.time() - stat.st_mtime > _RACY_SECONDS:
        _KNOWN[key] = hexdigest
    return hexdigest
