"""``python -m analysis data fetch [NAME ...] [--mirror DIR]``: get the open datasets into data/raw.

Each file is downloaded from its publisher (analysis.sources.register) to a temporary file in the
target folder, checked (complete, the right format, the expected columns), and only then
renamed into place, so a failed or partial download never replaces the copy already there.
Next to every file goes a sidecar ``<file>.json`` with the URL, the date accessed, the
sha256, the licence and the citation.

``--mirror DIR`` copies the files from a local folder laid out like ../shared/data instead
(CI and offline machines); the sidecar then records both the publisher's URL and the folder.
``python -m analysis data status`` lists what is present.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from analysis.sources import register as open_data
from analysis.sources.register import DATASETS, OpenDataset, version_from_name

USER_AGENT = "mali-extremism-reports data fetch (research use)"
CHUNK_BYTES = 1 << 20


class FetchError(RuntimeError):
    """A dataset could not be fetched or failed its checks; the message says what to do."""


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
    fetch_parser.add_argument("--raw-dir", type=Path, default=None, help="target folder")
    fetch_parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a stalled download fails"
    )
    status_parser = actions.add_parser("status", help="list the datasets present in data/raw")
    status_parser.add_argument("--raw-dir", type=Path, default=None, help="folder to inspect")


def run(args: argparse.Namespace) -> int:
    """Fetch the named datasets (or show their status); 1 when any failed."""
    if args.action == "status":
        for line in status_lines(args.raw_dir):
            print(line)
        return 0
    names = args.names or list(DATASETS)
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        print(
            f"unknown dataset(s): {', '.join(unknown)}; known: {', '.join(DATASETS)}",
            file=sys.stderr,
        )
        return 2
    failures = 0
    for name in names:
        spec = DATASETS[name]
        try:
            if args.mirror is not None:
                path = mirror(spec, args.mirror, args.raw_dir)
                print(f"{name}: copied {path.name} from {args.mirror}")
            else:
                path = fetch(spec, args.raw_dir, timeout=args.timeout)
                print(f"{name}: downloaded {path.name} ({path.stat().st_size:,} bytes)")
        except FetchError as exc:
            failures += 1
            print(f"{name}: FAILED: {exc}", file=sys.stderr)
    return 1 if failures else 0


def fetch(
    spec: OpenDataset,
    raw_dir: Path | None = None,
    timeout: float = 120.0,
    url: str | None = None,
    opener: Callable = urllib.request.urlopen,
) -> Path:
    """Download one dataset from its publisher into data/raw/<name>/, verified, with a sidecar."""
    url = url or spec.url
    folder = spec.raw_dir(raw_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / spec.filename
    previous = _previous_note(target)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    temporary = _temporary(folder, spec.filename)
    try:
        digest, size = _download(opener, request, temporary, timeout, url, previous)
        verify(temporary, spec, expected_sha256=spec.sha256, sha256=digest)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    write_sidecar(target, spec, spec.version, url=url, sha256=digest, size=size)
    return target


def mirror(spec: OpenDataset, mirror_dir: Path, raw_dir: Path | None = None) -> Path:
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
    temporary = _temporary(folder, source.name)
    try:
        shutil.copyfile(source, temporary)
        digest = sha256_of(temporary)
        verify(temporary, spec, sha256=digest)
        os.replace(temporary, target)
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
        mirrored_from=str(source),
        mirror_provenance=str(provenance) if provenance.exists() else None,
    )
    return target


def verify(
    path: Path, spec: OpenDataset, expected_sha256: str | None = None, sha256: str | None = None
) -> None:
    """Check a downloaded file before it may replace the cached copy; raise FetchError."""
    if path.stat().st_size == 0:
        raise FetchError(f"{spec.name}: the download is empty")
    if expected_sha256 and sha256 != expected_sha256:
        raise FetchError(
            f"{spec.name}: sha256 {sha256} differs from the expected {expected_sha256}"
        )
    if spec.kind == "geojson":
        _verify_geojson(path, spec)
    elif spec.kind == "zip-csv" and zipfile.is_zipfile(path):
        _verify_zip(path, spec)
    elif spec.kind in ("csv", "zip-csv"):
        # a mirror may hold the CSV the publisher zips
        with open(path, "rb") as handle:
            _verify_header(handle.read(64 * 1024), spec, path.name)
    else:
        raise FetchError(f"{spec.name}: unknown kind {spec.kind!r}")


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
    """One line per dataset: present or missing, with where it came from."""
    lines = []
    for name in DATASETS:
        path = open_data.raw_file(name, raw_dir)
        if path is None:
            lines.append(f"{name:<20} missing  (python -m analysis data fetch {name})")
            continue
        sidecar = open_data.read_sidecar(path) or {}
        origin = sidecar.get("mirrored_from") or sidecar.get("url") or "no sidecar"
        accessed = str(sidecar.get("accessed", "?"))[:10]
        lines.append(f"{name:<20} {path.name}  accessed {accessed}  from {origin}")
    return lines


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _download(
    opener: Callable,
    request: urllib.request.Request,
    temporary: Path,
    timeout: float,
    url: str,
    previous: str,
) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with opener(request, timeout=timeout) as response, open(temporary, "wb") as out:
            expected = response.headers.get("Content-Length")
            for chunk in iter(lambda: response.read(CHUNK_BYTES), b""):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url} answered HTTP {error.code} ({error.reason}).{previous}") from None
    except http.client.IncompleteRead as error:
        raise FetchError(
            f"{url}: the download stopped after {size + len(error.partial):,} bytes.{previous}"
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
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


def _verify_zip(path: Path, spec: OpenDataset) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            if broken is not None:
                raise FetchError(f"{spec.name}: the zip is damaged ({broken})")
            members = [m for m in archive.namelist() if m.lower().endswith(".csv")]
            if not members:
                raise FetchError(f"{spec.name}: the zip holds no CSV file")
            problems = []
            for member in members:
                with archive.open(member) as handle:
                    try:
                        _verify_header(handle.read(64 * 1024), spec, member)
                        return
                    except FetchError as exc:
                        problems.append(str(exc))
            raise FetchError("; ".join(problems))
    except zipfile.BadZipFile as exc:
        raise FetchError(f"{spec.name}: not a valid zip file ({exc})") from None


def _verify_header(head: bytes, spec: OpenDataset, name: str) -> None:
    if not head.strip():
        raise FetchError(f"{spec.name}: {name} is empty")
    first = head.decode("utf-8-sig", errors="replace").splitlines()[0]
    if first.lstrip().startswith(("<", "{")):
        raise FetchError(f"{spec.name}: {name} is a web page or JSON, not a CSV")
    columns = {c.strip().strip('"') for c in first.split(",")}
    missing = [c for c in spec.required_columns if c not in columns]
    if missing:
        raise FetchError(f"{spec.name}: {name} lacks the column(s) {', '.join(missing)}")


def _verify_geojson(path: Path, spec: OpenDataset) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"{spec.name}: not valid GeoJSON ({exc})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if data.get("type") != "FeatureCollection" or not features:
        raise FetchError(f"{spec.name}: not a GeoJSON FeatureCollection with features")
    if any(not f.get("geometry") for f in features):
        raise FetchError(f"{spec.name}: a feature has no geometry")


def _temporary(folder: Path, name: str) -> Path:
    handle = tempfile.NamedTemporaryFile(
        dir=folder, prefix=f".{name}.", suffix=".part", delete=False
    )
    handle.close()
    # tempfile makes the file private (0600); a dataset is readable like any other file
    os.chmod(handle.name, 0o644)
    return Path(handle.name)


def _previous_note(target: Path) -> str:
    if not target.exists():
        return ""
    sidecar = open_data.read_sidecar(target) or {}
    accessed = str(sidecar.get("accessed", "an earlier date"))[:10]
    return f" The previous copy ({target.name}, accessed {accessed}) is kept."
