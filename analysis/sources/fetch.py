"""``python -m analysis data fetch [NAME ...] [--mirror DIR]``: get the open datasets into data/raw.

Each file is downloaded from its publisher (analysis.sources.register) to a temporary file in the
target folder, checked, and only then renamed into place, so a failed or partial download
never replaces the copy already there. The checks do not trust the server: the size it
announced when it announced one, the register's pinned sha256 and size (of the publishers'
versioned files whose bytes are known, analysis.sources.register), the zip's own CRCs and
central directory, text that is UTF-8 throughout, every CSV row as wide as the header and a
complete last line, a whole download within ``--deadline`` seconds (also while the server
trickles its headers: analysis.sources.transfer), and at least 90% of the previous copy's rows
(``--force-smaller`` accepts a smaller file). HTTP 429 and 5xx are retried like the API
clients retry them (transfer.retryable), within the deadline. Next to every file goes a sidecar
``<file>.json`` with the URL, the date accessed, the sha256, the size, the rows, the licence
and the citation; a file changed after its download no longer matches it and is refused
(analysis.sources.register.check_unchanged).

``--mirror DIR`` copies the files from a local folder laid out like ../shared/data instead
(CI and offline machines), with the same checks; the sidecar then records both the
publisher's URL and the folder. ``python -m analysis data status`` lists what is present.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import http.client
import io
import json
import logging
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from analysis import config
from analysis.core.hashing import sha256_file
from analysis.sources import register as open_data
from analysis.sources import transfer
from analysis.sources.event_frames import HEAD_BYTES, EventDataError, csv_header, utf8_problem
from analysis.sources.register import DATASETS, OpenDataset, version_from_name

log = logging.getLogger(__name__)
USER_AGENT = "mali-extremism-reports data fetch (research use)"
CHUNK_BYTES = 1 << 20
#: seconds a whole download may take (a server trickling a byte at a time never stalls)
DEADLINE_SECONDS = 3600.0
#: a new copy with fewer rows than this share of the previous one is refused (--force-smaller)
SMALLER_SHARE = 0.9
#: tries after the first when the server answers HTTP 429 or 5xx (transfer.retryable)
RETRIES = 3
#: seconds of the first wait between tries (doubled each time) and of the longest
BACKOFF_SECONDS = 2.0
MAX_WAIT_SECONDS = 120.0


class FetchError(RuntimeError):
    """A dataset could not be fetched or failed its checks; the message says what to do."""


def _shown(path: Path) -> str:
    """A default folder as the help shows it (argparse formats help with %: one is doubled)."""
    return config.display_path(path).replace("%", "%%")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the data command."""
    actions = parser.add_subparsers(dest="action", required=True)
    fetch_parser = actions.add_parser(
        "fetch", help="download the open datasets (or copy them from --mirror)"
    )
    fetch_parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"datasets to fetch (default: all): {', '.join(DATASETS)}",
    )
    fetch_parser.add_argument(
        "--mirror",
        type=Path,
        default=None,
        help="copy the files from this local folder (e.g. ../shared/data) instead of downloading",
    )
    fetch_parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help=f"target folder (default {_shown(config.RAW_DIR)})",
    )
    fetch_parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a stalled download fails"
    )
    fetch_parser.add_argument(
        "--deadline",
        type=float,
        default=DEADLINE_SECONDS,
        help=f"seconds a whole download may take (default {DEADLINE_SECONDS:.0f})",
    )
    fetch_parser.add_argument(
        "--force-smaller",
        action="store_true",
        # argparse formats help with %: the percent sign is written %%
        help=f"accept a copy with fewer than {SMALLER_SHARE * 100:.0f}%% of the previous copy's rows",
    )
    status_parser = actions.add_parser("status", help="list the datasets present in data/raw")
    status_parser.add_argument(
        "--raw-dir",
        type=Path,
        default=None,
        help=f"folder to inspect (default {_shown(config.RAW_DIR)})",
    )


def run(args: argparse.Namespace) -> int:
    """Fetch the named datasets (or show their status); 1 when any failed."""
    if args.action == "status":
        for line in status_lines(args.raw_dir):
            print(line)
        return 0
    names = args.names or list(DATASETS)
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        log.error("unknown dataset(s): %s; known: %s", ", ".join(unknown), ", ".join(DATASETS))
        return 2
    failures = 0
    for name in names:
        spec = DATASETS[name]
        try:
            if args.mirror is not None:
                path = mirror(spec, args.mirror, args.raw_dir, force_smaller=args.force_smaller)
                log.info("%s: copied %s from %s", name, path.name, args.mirror)
            else:
                path = fetch(
                    spec,
                    args.raw_dir,
                    timeout=args.timeout,
                    deadline=args.deadline,
                    force_smaller=args.force_smaller,
                )
                log.info(
                    "%s: downloaded %s (%s bytes)", name, path.name, f"{path.stat().st_size:,}"
                )
        except FetchError as exc:
            failures += 1
            log.error("%s: FAILED: %s", name, exc)
    return 1 if failures else 0


def fetch(
    spec: OpenDataset,
    raw_dir: Path | None = None,
    timeout: float = 120.0,
    url: str | None = None,
    deadline: float = DEADLINE_SECONDS,
    force_smaller: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Download one dataset from its publisher into data/raw/<name>/, verified, with a sidecar.

    ``timeout`` bounds each wait for data, ``deadline`` the whole download (retries and the
    server's headers included); ``force_smaller`` accepts a copy with far fewer rows than the
    cached one; ``sleep`` waits between tries after HTTP 429 or 5xx."""
    url = url or spec.url
    folder = spec.raw_dir(raw_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / spec.filename
    before = _previous_copy(spec, raw_dir)
    previous = _previous_note(before)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    temporary = _temporary(folder, spec.filename)
    try:
        digest, size = _download(request, temporary, timeout, url, previous, deadline, sleep)
        pinned = spec.pinned_sha256(spec.filename)
        rows = verify(temporary, spec, expected_sha256=pinned, sha256=digest, label=url)
        _check_not_smaller(spec, rows, before, force_smaller)
        os.replace(temporary, target)
    except FetchError as exc:
        temporary.unlink(missing_ok=True)
        raise _with_note(exc, previous) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    write_sidecar(target, spec, spec.version, url=url, sha256=digest, size=size, rows=rows)
    return target


def mirror(
    spec: OpenDataset,
    mirror_dir: Path,
    raw_dir: Path | None = None,
    force_smaller: bool = False,
) -> Path:
    """Copy one dataset from a local folder (e.g. ../shared/data), verified, with a sidecar."""
    if not mirror_dir.is_dir():
        raise FetchError(f"mirror folder {mirror_dir} does not exist")
    source = open_data.best_match(mirror_dir, spec.mirror_patterns, spec.subset_markers)
    if source is None:
        raise FetchError(
            f"no file for {spec.name} in {mirror_dir} (looked for "
            f"{', '.join(spec.mirror_patterns)}); download it with "
            f"`python -m analysis data fetch {spec.name}`"
        )
    folder = spec.raw_dir(raw_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    before = _previous_copy(spec, raw_dir)
    previous = _previous_note(before)
    temporary = _temporary(folder, source.name)
    try:
        shutil.copyfile(source, temporary)
        digest = sha256_file(temporary)
        # a pinned checksum is that of one publisher's file: it applies to a copy of it
        pinned = spec.pinned_sha256(source.name)
        rows = verify(temporary, spec, expected_sha256=pinned, sha256=digest, label=str(source))
        _check_not_smaller(spec, rows, before, force_smaller)
        os.replace(temporary, target)
    except FetchError as exc:
        temporary.unlink(missing_ok=True)
        raise _with_note(exc, previous) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    provenance = source.parent / "PROVENANCE.md"
    write_sidecar(
        target,
        spec,
        version_from_name(source.name),
        url=spec.url,
        sha256=digest,
        size=target.stat().st_size,
        rows=rows,
        mirrored_from=str(source),
        mirror_provenance=str(provenance) if provenance.exists() else None,
    )
    return target


def verify(
    path: Path,
    spec: OpenDataset,
    expected_sha256: str | None = None,
    sha256: str | None = None,
    label: str | None = None,
) -> int | None:
    """Check a downloaded file before it may replace the cached copy; raise FetchError.

    Returns the number of data rows of a CSV (None for GeoJSON). Nothing here trusts the
    server: a file cut short without a Content-Length fails the zip's CRCs and central
    directory, or the CSV's row widths and last line."""
    label = label or path.name
    size = path.stat().st_size
    if size == 0:
        raise FetchError(f"{spec.name}: {label}: the download is empty (0 bytes)")
    if expected_sha256 and sha256 != expected_sha256:
        raise FetchError(
            f"{spec.name}: {label}: sha256 {sha256} differs from the pinned {expected_sha256} "
            "(analysis/sources/register.py): the file is cut short, damaged or a new release"
        )
    if size < spec.min_bytes:
        raise FetchError(
            f"{spec.name}: {label} has {size:,} bytes, fewer than the {spec.min_bytes:,} "
            "expected: cut short?"
        )
    if spec.kind == "geojson":
        _verify_geojson(path, spec)
        return None
    if spec.kind not in ("csv", "zip-csv"):
        raise FetchError(f"{spec.name}: unknown kind {spec.kind!r}")
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if spec.kind == "zip-csv" and (magic == b"PK\x03\x04" or zipfile.is_zipfile(path)):
        return _verify_zip(path, spec, label)
    # a mirror may hold the CSV the publisher zips
    with open(path, "rb") as handle:
        return _verify_csv(handle, spec, label, lambda: open(path, "rb"))


def write_sidecar(data_file: Path, spec: OpenDataset, version: str | None, **facts: object) -> Path:
    """Write ``<file>.json`` with URL, date accessed, sha256, licence and citation (atomically)."""
    record = {
        "dataset": spec.name,
        "title": spec.title,
        "version": version or "unknown (not in the file name)",
        "publisher": spec.publisher,
        "file": data_file.name,
        "accessed": datetime.now(UTC).isoformat(timespec="seconds"),
        "licence": spec.licence,
        "citation": spec.cite(version),
        **{k: v for k, v in facts.items() if v is not None},
    }
    sidecar = open_data.sidecar_path(data_file)
    temporary = _temporary(sidecar.parent, sidecar.name)
    temporary.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, sidecar)
    return sidecar


def status_lines(raw_dir: Path | None = None) -> list[str]:
    """One line per dataset: present or missing, with where it came from, or changed."""
    lines = []
    for name in DATASETS:
        path = open_data.raw_file(name, raw_dir, check=False)
        if path is None:
            lines.append(f"{name:<20} missing  (python -m analysis data fetch {name})")
            continue
        try:
            open_data.check_unchanged(path)
        except open_data.RawFileChangedError as exc:
            lines.append(f"{name:<20} {path.name}  CHANGED since download: {exc}")
            continue
        sidecar = open_data.read_sidecar(path) or {}
        origin = sidecar.get("mirrored_from") or sidecar.get("url") or "no sidecar"
        accessed = str(sidecar.get("accessed", "?"))[:10]
        lines.append(f"{name:<20} {path.name}  accessed {accessed}  from {origin}")
    return lines


def _download(
    request: urllib.request.Request,
    temporary: Path,
    timeout: float,
    url: str,
    previous: str,
    deadline: float = DEADLINE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str, int]:
    """Download into ``temporary``: its sha256 and size; 429 and 5xx retried in the deadline."""
    deadline_at = time.monotonic() + deadline
    for attempt in range(RETRIES + 1):
        try:
            return _download_once(request, temporary, timeout, url, previous, deadline_at)
        except transfer.HttpStatus as error:
            wait = transfer.retry_wait(
                error.headers.get("Retry-After"), attempt, BACKOFF_SECONDS, MAX_WAIT_SECONDS
            )
            if (
                not transfer.retryable(error.code)
                or attempt == RETRIES
                or time.monotonic() + wait >= deadline_at
            ):
                raise FetchError(_status_problem(url, error, attempt + 1) + previous) from None
            sleep(wait)
        except transfer.DeadlineExceeded as exc:
            progress = (
                "the server had not finished sending its headers"
                if exc.in_headers
                else f"{exc.received:,} bytes so far"
            )
            raise FetchError(
                f"{url}: the download took longer than the deadline of {deadline:g} s "
                f"({progress}; --deadline allows more).{previous}"
            ) from None
    raise AssertionError("unreachable: the last try returns or raises")


def _download_once(
    request: urllib.request.Request,
    temporary: Path,
    timeout: float,
    url: str,
    previous: str,
    deadline_at: float,
) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with (
            transfer.opened(request, timeout, deadline_at) as got,
            open(temporary, "wb") as out,
        ):
            expected = got.headers.get("Content-Length")
            for chunk in got.chunks(CHUNK_BYTES):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except http.client.IncompleteRead as error:
        raise FetchError(
            f"{url}: the download stopped after {size + len(error.partial):,} bytes.{previous}"
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(
            f"cannot download {url} ({reason}); are you offline?{previous} To fill data/raw "
            "from a local copy instead: python -m analysis data fetch --mirror DIR"
        ) from None
    if expected is not None and expected.isdigit() and int(expected) != size:
        raise FetchError(
            f"{url}: the download stopped at {size:,} of {int(expected):,} bytes.{previous}"
        )
    return digest.hexdigest(), size


def _status_problem(url: str, error: transfer.HttpStatus, attempts: int) -> str:
    """What an error status means for a download, in a sentence (the note follows it)."""
    if 300 <= error.code < 400:
        return (
            f"{url}: the server redirects in a loop (HTTP {error.code}, too many "
            "redirects); the publisher may have moved the file."
        )
    hint = (
        " The publisher may have moved or renamed the file: check the URL in "
        "analysis/sources/register.py."
        if error.code in (404, 410)
        else ""
    )
    tries = f" ({attempts} tries; try again later)" if transfer.retryable(error.code) else ""
    return f"{url} answered HTTP {error.code} ({error.reason}){tries}.{hint}"


def _verify_zip(path: Path, spec: OpenDataset, label: str) -> int:
    """The zip's central directory and CRCs, then its CSV (the first that passes)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            members = [m for m in names if m.lower().endswith(".csv")]
            if not members:
                raise FetchError(
                    f"{spec.name}: {label}: the zip holds no CSV file (it holds: "
                    f"{', '.join(names[:10]) or 'nothing'})"
                )
            broken = archive.testzip()
            if broken is not None:
                raise FetchError(f"{spec.name}: {label}: the zip is damaged ({broken}: bad CRC)")
            problems = []
            for member in members:
                _check_pinned_member(archive, member, spec, label)
                with archive.open(member) as handle:
                    try:
                        return _verify_csv(
                            handle, spec, f"{label}: {member}", lambda m=member: archive.open(m)
                        )
                    except FetchError as exc:
                        problems.append(str(exc))
            raise FetchError("; ".join(problems))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise FetchError(
            f"{spec.name}: {label}: not a valid zip file, or one cut short or damaged ({exc})"
        ) from None


def _check_pinned_member(
    archive: zipfile.ZipFile, member: str, spec: OpenDataset, label: str
) -> None:
    """A zip member named like a pinned file of the publisher must be that file."""
    pinned = spec.pinned_sha256(Path(member).name)
    if pinned is None:
        return
    with archive.open(member) as handle:
        found = hashlib.file_digest(handle, "sha256").hexdigest()
    if found != pinned:
        raise FetchError(
            f"{spec.name}: {label}: {member} has sha256 {found}, not the pinned {pinned} of "
            "the publisher's file of that name (analysis/sources/register.py): damaged or "
            "edited"
        )


class _Stream(io.RawIOBase):
    """A block already read, then the rest of a stream; remembers the last byte read."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head = head
        self.rest = rest
        self.last = head[-1:]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            data, self.head = self.head[: len(buffer)], self.head[len(buffer) :]
        else:
            data = self.rest.read(len(buffer))
            if data:
                self.last = data[-1:]
        buffer[: len(data)] = data
        return len(data)


def _verify_csv(
    handle: BinaryIO, spec: OpenDataset, label: str, reopen: Callable[[], BinaryIO]
) -> int:
    """The whole CSV, streamed: the header, UTF-8 text throughout (the readers refuse any
    other), every row as wide as the header, a complete last line. ``reopen`` opens the CSV
    again, to name the lines that are not UTF-8."""
    head = handle.read(HEAD_BYTES)
    try:
        header = csv_header(head, f"{spec.name}: {label}", "a CSV", len(head) >= HEAD_BYTES)
    except EventDataError as exc:
        raise FetchError(str(exc)) from None
    missing = [c for c in spec.required_columns if c not in header]
    if missing:
        raise FetchError(
            f"{spec.name}: {label} lacks the column(s) {', '.join(missing)}; the header has: "
            f"{', '.join(header[:10])}"
        )
    raw = _Stream(head, handle)
    text = io.TextIOWrapper(
        io.BufferedReader(raw, CHUNK_BYTES), encoding="utf-8-sig", errors="strict", newline=""
    )
    reader = csv.reader(text)
    rows = 0
    ragged: list[str] = []
    try:
        next(reader)
        for row in reader:
            if not row:
                continue
            rows += 1
            if len(row) != len(header) and len(ragged) < 5:
                ragged.append(f"line {reader.line_num} has {len(row)} fields")
    except csv.Error as exc:
        raise FetchError(
            f"{spec.name}: {label}: line {reader.line_num}: not a readable CSV ({exc})"
        ) from None
    except UnicodeDecodeError:
        where = utf8_problem(f"{spec.name}: {label}", reopen, header)
        raise FetchError(f"{where}; the reports read UTF-8 only") from None
    problems = []
    if ragged:
        problems.append(f"{'; '.join(ragged)} where the header has {len(header)}")
    if raw.last not in (b"\n", b"\r"):
        problems.append(f"the last line (line {reader.line_num}) is incomplete: no line break")
    if problems:
        raise FetchError(f"{spec.name}: {label} is cut short or damaged: {'; '.join(problems)}")
    return rows


def _previous_copy(spec: OpenDataset, raw_dir: Path | None) -> Path | None:
    return open_data.raw_file(spec.name, raw_dir, check=False)


def _rows_of(path: Path, spec: OpenDataset) -> int | None:
    """The data rows of the cached copy: from its sidecar, else counted (None: unknown)."""
    try:
        recorded = json.loads(open_data.sidecar_path(path).read_text(encoding="utf-8"))["rows"]
        if isinstance(recorded, int):
            return recorded
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        return verify(path, spec)
    except (FetchError, OSError):
        return None


def _check_not_smaller(
    spec: OpenDataset, rows: int | None, before: Path | None, force: bool
) -> None:
    """Refuse a copy with far fewer rows than the cached one (a file cut at a line end)."""
    if rows is None or before is None or force:
        return
    had = _rows_of(before, spec)
    if had and rows < SMALLER_SHARE * had:
        raise FetchError(
            f"{spec.name}: the new copy has {rows:,} rows, the previous one ({before.name}) "
            f"{had:,}: fewer than {SMALLER_SHARE:.0%} of them, so it may be cut short. If the "
            "publisher really shrank the file: python -m analysis data fetch --force-smaller"
        )


def _with_note(exc: FetchError, previous: str) -> FetchError:
    """The error, saying once that the previous copy is kept."""
    message = str(exc)
    if not previous or previous in message:
        return FetchError(message)
    return FetchError(message + ("" if message.endswith(".") else ".") + previous)


def _verify_geojson(path: Path, spec: OpenDataset) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{spec.name}: {path.name}: not valid GeoJSON ({exc})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not features:
        raise FetchError(f"{spec.name}: not a GeoJSON FeatureCollection with features")
    if any(not isinstance(f, dict) or not f.get("geometry") for f in features):
        raise FetchError(f"{spec.name}: a feature has no geometry")


def _temporary(folder: Path, name: str) -> Path:
    handle = tempfile.NamedTemporaryFile(
        dir=folder, prefix=f".{name}.", suffix=".part", delete=False
    )
    handle.close()
    # tempfile makes the file private (0600); a dataset is readable like any other file
    os.chmod(handle.name, 0o644)
    return Path(handle.name)


def _previous_note(target: Path | None) -> str:
    if target is None or not target.exists():
        return ""
    try:
        sidecar = open_data.read_sidecar(target) or {}
    except (OSError, ValueError):
        sidecar = {}
    accessed = str(sidecar.get("accessed", "an earlier date"))[:10]
    return f" The previous copy ({target.name}, accessed {accessed}) is kept."
