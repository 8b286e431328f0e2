"""Whether an earlier run's manifest.json can be trusted by the build: the shape of every field
the build, its reuse and its indexes read from it.

A manifest is read back from the disk, where it can be damaged or edited: a field of the wrong
type would otherwise stop every later build with a traceback, and a file name such as
``../x`` or ``/etc/passwd`` in its list of files would have a build read or copy a file outside
the run folder. A manifest with any of these is "damaged": listed as such and never reused.
Fields that are missing take their defaults (older manifests lack the newer ones); fields the
build does not read are not checked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

Check = Callable[[Any], bool]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _optional(check: Check) -> Check:
    return lambda value: value is None or check(value)


def _list_of(check: Check) -> Check:
    return lambda value: isinstance(value, list) and all(check(item) for item in value)


def _mapping(check: Check = lambda value: True) -> Check:
    return lambda value: (
        isinstance(value, dict)
        and all(isinstance(key, str) and check(item) for key, item in value.items())
    )


def _fields(fields: Mapping[str, Check], required: tuple[str, ...] = ()) -> Check:
    """A mapping whose listed fields, where present, pass their checks, with every field in
    ``required`` present (the index templates read them without a default)."""
    return lambda value: (
        isinstance(value, dict)
        and all(name in value for name in required)
        and not _field_problem(value, fields)
    )


def inside_run(relative: Any) -> bool:
    """True for a path that stays inside the run folder: relative, with no '..' part (a
    folder entry ends with '/'), no backslash or NUL."""
    if not isinstance(relative, str) or not relative or "\\" in relative or "\0" in relative:
        return False
    path = PurePosixPath(relative)
    return not path.is_absolute() and ".." not in path.parts and path.parts[:1] != (".",)


def _simple_name(value: Any) -> bool:
    """A notebook name or figure slug: one path part, never '.' or '..'."""
    return isinstance(value, str) and inside_run(value) and "/" not in value


_ORIGIN = _fields(
    {
        "dataset": _text,
        "kind": _text,
        "where": _text,
        "sha256": _text,
        "version": _text,
        "query": _mapping(),
        "answered_at": _text,
        "rows": _optional(lambda v: isinstance(v, int) and not isinstance(v, bool)),
        "volatile": lambda v: isinstance(v, bool),
        "why_volatile": _text,
    }
)
_CHANGES = _fields(
    {
        "previous_run": _optional(_text),
        "summary": _text,
        "new": _list_of(_text),
        "changed": _list_of(_fields({"old": _text, "new": _text})),
        "gone": _list_of(_text),
        "unchanged": _number,
    },
    required=("summary", "new", "changed", "gone"),
)
_ERROR = _fields({"type": _text, "message": _text}, required=("type", "message"))

#: The fields of a notebook's entry that the build reads, and what each must be.
NOTEBOOK_FIELDS: dict[str, Check] = {
    "name": _simple_name,
    "status": lambda v: v in ("ok", "failed"),
    "title": _text,
    "source": _text,
    "duration_seconds": _number,
    "reused_from": _optional(_text),
    "parameters": _mapping(),
    "parameters_text": _text,
    "parameters_given": _mapping(),
    "parameters_resolved": _mapping(_text),
    "period_reported": _optional(_mapping(_text)),
    "files": _list_of(inside_run),
    "checksums": lambda v: (
        isinstance(v, dict)
        and all(inside_run(k) and isinstance(d, str) and _SHA256.match(d) for k, d in v.items())
    ),
    "error": _optional(_ERROR),
    "inputs_read": _list_of(_text),
    "origins": _list_of(_ORIGIN),
    "executed_because": _optional(_text),
    "key_findings": _list_of(_text),
    "changes": _optional(_CHANGES),
    "figures": _list_of(_fields({"slug": _simple_name, "title": _text})),
    "spreadsheet": _optional(inside_run),
    "warnings": _list_of(_text),
    "pdf_error": _optional(_text),
    "cache": _fields(
        {
            "exec_key": _text,
            "render_key": _text,
            "base_key": _text,
            "inputs": _mapping(_text),
        }
    ),
    "carried_over_from": _optional(_text),
}
#: The top-level fields the build and the indexes read.
RUN_FIELDS: dict[str, Check] = {
    "run_date": _text,
    "started_at": _text,
    "finished_at": _text,
    "duration_seconds": _number,
    "package": _mapping(),
    "git": _optional(_fields({"commit": _optional(_text), "dirty": lambda v: True})),
    "python": _text,
    "parameters": _fields({"given": _optional(_mapping()), "per_notebook": _optional(_mapping())}),
    "inputs": _list_of(_mapping()),
}


def _field_problem(value: Mapping[str, Any], fields: Mapping[str, Check]) -> str:
    """The first listed field present with a value its check refuses, or ""."""
    for name, check in fields.items():
        if name in value and not check(value[name]):
            return name
    return ""


def _outside(entry: Mapping[str, Any]) -> str | None:
    """The first file a notebook's entry names outside the run folder, or None."""
    files, checksums = entry.get("files"), entry.get("checksums")
    named = [*(files if isinstance(files, list) else [])]
    named += [*(checksums if isinstance(checksums, dict) else {})]
    if isinstance(entry.get("spreadsheet"), str):
        named.append(entry["spreadsheet"])
    return next((f for f in named if isinstance(f, str) and not inside_run(f)), None)


def manifest_problem(manifest: Any) -> str:
    """Why a manifest read from the disk cannot be used (a field and what is wrong), or ""."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("notebooks"), list):
        return "does not list the run's notebooks"
    bad = _field_problem(manifest, RUN_FIELDS)
    if bad:
        return f"has a damaged '{bad}' field"
    for number, entry in enumerate(manifest["notebooks"], start=1):
        if not isinstance(entry, dict) or not entry.get("name"):
            return "has a notebook entry without a name"
        if not _simple_name(entry["name"]):
            return f"has a damaged name for notebook {number} ({entry['name']!r})"
        which = f"notebook {entry['name']!r}"
        outside = _outside(entry)
        if outside is not None:
            return (
                f"lists {outside!r} for {which}, a path outside its run folder "
                "(it is never read or copied)"
            )
        bad = _field_problem(entry, NOTEBOOK_FIELDS)
        if bad:
            return f"has a damaged '{bad}' for {which}"
        if entry.get("status") not in ("ok", "failed"):
            return f"has no status for {which}"
        if entry["status"] != "ok" and not isinstance(entry.get("error"), dict):
            return f"has no error for the failed {which}"
    return ""
