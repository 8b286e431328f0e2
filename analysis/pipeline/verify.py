"""A new run is checked before it is put in place: every file the manifest lists is there,
whole, and as the manifest records it.

A write that failed without an error reaching the build (a 0-byte notebook left by a full
disk, a page cut short) must never replace a good run: the run is renamed into place only
when this check finds nothing wrong.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from analysis.pipeline.reuse import output_files
from analysis.pipeline.runs import MANIFEST_NAME

_CHUNK = 1 << 20


def _sha256(path: Path) -> str:
    """The file's sha256, read from the disk now (not remembered: the point is to re-read)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _whole(path: Path) -> str:
    """Why a written file is not whole (empty, a page or notebook cut short), or ""."""
    size = path.stat().st_size
    if size == 0:
        return "is empty (0 bytes)"
    if path.suffix == ".html":
        with path.open("rb") as handle:
            handle.seek(max(0, size - 64))
            if not handle.read().rstrip().lower().endswith(b"</html>"):
                return "is cut short (it does not end with </html>)"
    elif path.suffix == ".ipynb":
        try:
            notebook = json.loads(path.read_bytes())
        except ValueError:
            return "is not a whole notebook (not valid JSON)"
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            return "is not a whole notebook (no list of cells)"
    elif path.suffix == ".xlsx" and not zipfile.is_zipfile(path):
        return "is not a whole spreadsheet (not a zip file)"
    return ""


def verify_run(run_dir: Path, manifest: dict[str, Any]) -> str:
    """Why the run written in ``run_dir`` must not be put in place, or "" when every file its
    manifest lists is present, whole and has the recorded sha256, and the manifest on disk is
    the one written."""
    try:
        on_disk = json.loads((run_dir / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError):
        return f"{MANIFEST_NAME} was not written whole"
    if on_disk != json.loads(json.dumps(manifest)):
        return f"{MANIFEST_NAME} on the disk is not the one written"
    problem = _whole(run_dir / "index.html") if (run_dir / "index.html").is_file() else "is missing"
    if problem:
        return f"index.html {problem}"
    for entry in manifest.get("notebooks", []):
        recorded = entry.get("checksums") or {}
        for relative in entry.get("files", []):
            if not (run_dir / relative).exists():
                return f"{relative} is missing"
        for relative in output_files(run_dir, list(entry.get("files", []))):
            if relative not in recorded:
                return f"{relative} has no checksum in the manifest"
        for relative, digest in recorded.items():
            path = run_dir / relative
            if not path.is_file():
                return f"{relative} is missing"
            problem = _whole(path)
            if problem:
                return f"{relative} {problem}"
            if _sha256(path) != digest:
                return f"{relative} differs from its checksum in the manifest"
    return ""
