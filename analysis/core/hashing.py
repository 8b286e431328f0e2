"""sha256 of files, computed once for a file that has not changed.

A digest is remembered for the process by (path, size, mtime_ns, inode). A large file's digest
(REMEMBER_FROM_BYTES and more: an ACLED export of a million rows takes a third of a second to
hash) is also remembered across processes, in a small sidecar per file under
``config.CACHE_DIR/sha256/``, so that loading an unchanged export again does not read it all.
A file rewritten in place gets a new mtime (and usually a new size): its sidecar no longer
matches and it is hashed again. Sidecars are written to a temporary file then renamed, and are
safe to delete. The readers (their origins) and the build (its inputs and the package's sources)
both hash through here: one memo, one rule.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import uuid
from pathlib import Path

from analysis import config

_CHUNK = 1 << 20
# A file modified this recently could change again within the same mtime tick: not remembered.
_RACY_SECONDS = 2.0
#: Files at least this large have their digest remembered across processes (a sidecar).
REMEMBER_FROM_BYTES = 16 << 20
#: Folder of the sidecars, under config.CACHE_DIR.
SIDECAR_FOLDER = "sha256"
#: A sidecar is a few hundred bytes; no more than this is read of one.
_SIDECAR_MAX_BYTES = 4096
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: digests of this process, by (path, size, mtime_ns, inode)
_KNOWN: dict[tuple[str, int, int, int], str] = {}


def sha256_file(path: Path | str) -> str:
    """sha256 of a file's bytes, read in chunks; a file already hashed (by this process, or
    by any process for a large file) and unchanged since (same size, mtime and inode) is not
    read again."""
    file = Path(path)
    stat = file.stat()
    key = (str(file.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _KNOWN.get(key)
    if known is not None:
        return known
    remember = stat.st_size >= REMEMBER_FROM_BYTES
    sidecar = sidecar_path(key[0]) if remember else None
    if sidecar is not None:
        known = _read_sidecar(sidecar, key)
        if known is not None:
            _KNOWN[key] = known
            return known
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    hexdigest = digest.hexdigest()
    if time.time() - stat.st_mtime > _RACY_SECONDS:
        _KNOWN[key] = hexdigest
        if sidecar is not None:
            _write_sidecar(sidecar, key, hexdigest)
    return hexdigest


def known_sha256(path: Path | str) -> str | None:
    """The digest of a file already hashed and unchanged since (this process, or a sidecar),
    without reading the file; None when it would have to be read."""
    file = Path(path)
    stat = file.stat()
    key = (str(file.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    known = _KNOWN.get(key)
    if known is None and stat.st_size >= REMEMBER_FROM_BYTES:
        known = _read_sidecar(sidecar_path(key[0]), key)
    return known


def is_settled(path: Path | str) -> bool:
    """True when a digest taken now would be remembered: the file was last modified more than
    _RACY_SECONDS ago (a file written just now is hashed again on every load)."""
    return time.time() - Path(path).stat().st_mtime > _RACY_SECONDS


class PendingDigest:
    """A file's sha256 to be taken on a thread (hashlib releases the GIL on large chunks):
    ``start`` it when a core is free (the parse of the file uses both), call it to wait for
    the digest (it starts then if not yet started, and raises what hashing raised)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._thread: threading.Thread | None = None
        self._result: dict[str, str | BaseException] = {}

    def start(self) -> PendingDigest:
        """Begin hashing on a thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._work, name=f"sha256 {self.path.name}", daemon=True
            )
            self._thread.start()
        return self

    def _work(self) -> None:
        try:
            self._result["digest"] = sha256_file(self.path)
        except BaseException as exc:  # handed to the caller, who waits for it
            self._result["error"] = exc

    def __call__(self) -> str:
        self.start().join()
        if "error" in self._result:
            raise self._result["error"]
        return str(self._result["digest"])

    def join(self) -> None:
        """Wait for the thread hashing the file."""
        if self._thread is not None:
            self._thread.join()


def sidecar_path(resolved: str) -> Path:
    """Where the digest of the file at ``resolved`` (an absolute path) is remembered."""
    name = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return Path(config.CACHE_DIR) / SIDECAR_FOLDER / f"{name}.json"


def _read_sidecar(sidecar: Path, key: tuple[str, int, int, int]) -> str | None:
    """The remembered digest when the sidecar names exactly this file state; else None."""
    try:
        with sidecar.open("rb") as handle:
            raw = handle.read(_SIDECAR_MAX_BYTES + 1)
        if len(raw) > _SIDECAR_MAX_BYTES:
            return None  # not a sidecar (one is a few hundred bytes): hash again, rewrite it
        saved = json.loads(raw)
        state = (saved["path"], saved["size"], saved["mtime_ns"], saved["inode"])
        digest = saved["sha256"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None  # missing, damaged, half-written by an old version, or not ours: hash again
    if state != key or not isinstance(digest, str) or not _HEX64.fullmatch(digest):
        return None
    return digest


def _write_sidecar(sidecar: Path, key: tuple[str, int, int, int], digest: str) -> None:
    """Remember a digest (temporary file, then rename); a folder that cannot be written to
    only means the file is hashed again next time."""
    path, size, mtime_ns, inode = key
    record = {"path": path, "size": size, "mtime_ns": mtime_ns, "inode": inode, "sha256": digest}
    temporary = sidecar.with_name(f".{sidecar.name}.{uuid.uuid4().hex}.tmp")
    try:
        sidecar.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(record), encoding="utf-8")
        os.replace(temporary, sidecar)
    except OSError:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
