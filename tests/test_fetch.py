"""`python -m analysis data fetch`: the real download path against a loopback HTTP server."""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.sources import register as open_data
from analysis.sources.fetch import FetchError, fetch, mirror
from analysis.sources.register import DATASETS
from analysis.tables import events
from tests.conftest import shared_file

FIXTURES = Path(__file__).parent / "fixtures" / "events"


class Handler(SimpleHTTPRequestHandler):
    """Serves the folder; /truncated.zip promises more bytes than it sends."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/truncated.zip":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"PK\x03\x04 only the start")
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[Path, str]]:
    """A loopback server over a temporary folder: (folder, base URL)."""
    folder = tmp_path / "served"
    folder.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def brd_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(FIXTURES / "brd_dyadic.csv", "BattleDeaths_v25_1.csv")
    return path


def test_download_verify_rename_and_sidecar(server, tmp_path):
    folder, base = server
    published = brd_zip(folder / "ucdp-brd-dyadic-261-csv.zip")
    raw = tmp_path / "raw"
    spec = DATASETS["ucdp-brd"]
    path = fetch(spec, raw, url=f"{base}/ucdp-brd-dyadic-261-csv.zip")
    assert path == raw / "ucdp-brd" / "ucdp-brd-dyadic-261-csv.zip"
    assert path.read_bytes() == published.read_bytes()
    sidecar = json.loads((path.parent / (path.name + ".json")).read_text())
    assert sidecar["url"] == f"{base}/ucdp-brd-dyadic-261-csv.zip"
    assert sidecar["sha256"] == hashlib.sha256(published.read_bytes()).hexdigest()
    assert sidecar["size"] == published.stat().st_size
    assert sidecar["accessed"][:10] == datetime.now(UTC).date().isoformat()
    assert "CC BY 4.0" in sidecar["licence"] and "Uppsala" in sidecar["citation"]
    assert sidecar["version"] == "26.1" and "version 26.1" in sidecar["citation"]
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []
    # the cached zip is what the loader reads
    assert open_data.raw_file("ucdp-brd", raw) == path
    frame = events.load("ucdp-brd", path, country="Mali")
    assert int(frame["deaths_best"].sum()) == 100 + 80 + 50 + 30


def test_failed_downloads_keep_the_previous_copy(server, tmp_path):
    folder, base = server
    raw = tmp_path / "raw"
    spec = replace(DATASETS["ucdp-brd"], url=f"{base}/ucdp-brd-dyadic-251-csv.zip")
    brd_zip(folder / "ucdp-brd-dyadic-251-csv.zip")
    good = fetch(spec, raw)
    before = good.read_bytes()
    # the publisher now serves an HTML error page under the same name
    (folder / "ucdp-brd-dyadic-251-csv.zip").write_text("<html>maintenance</html>")
    with pytest.raises(FetchError, match="web page"):
        fetch(spec, raw)
    with pytest.raises(FetchError, match=r"HTTP 404.*previous copy \(ucdp-brd-dyadic-251-csv.zip"):
        fetch(spec, raw, url=f"{base}/gone.zip")
    with pytest.raises(FetchError, match="download stopped at 19 of 5,000 bytes"):
        fetch(spec, raw, url=f"{base}/truncated.zip")
    assert good.read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir()) == [good.name, good.name + ".json"]


def test_wrong_columns_and_bad_geojson_are_refused(server, tmp_path):
    folder, base = server
    (folder / "owid.csv").write_text("country,year,value\nMali,2020,1\n")
    with pytest.raises(FetchError, match="lacks the column"):
        fetch(DATASETS["owid-deaths"], tmp_path / "raw", url=f"{base}/owid.csv")
    (folder / "adm1.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(FetchError, match="FeatureCollection"):
        fetch(DATASETS["geoboundaries-adm1"], tmp_path / "raw", url=f"{base}/adm1.geojson")


def test_offline_gives_a_clear_error(tmp_path):
    with pytest.raises(FetchError, match="are you offline.*--mirror"):
        fetch(DATASETS["owid-deaths"], tmp_path / "raw", url="http://127.0.0.1:9/x.csv", timeout=5)


def test_mirror_prefers_full_files_and_records_provenance(tmp_path):
    mirror_dir = tmp_path / "shared"
    (mirror_dir / "owid_conflict_deaths").mkdir(parents=True)
    full = (
        mirror_dir
        / "owid_conflict_deaths"
        / "deaths-in-armed-conflicts-based-on-where-they-occurred.csv"
    )
    shutil.copy(FIXTURES / "owid_deaths_long_label.csv", full)
    shutil.copy(FIXTURES / "owid_deaths_long_label.csv", full.with_name(full.stem + "_sahel3.csv"))
    (full.parent / "PROVENANCE.md").write_text("# test provenance\n")
    path = mirror(DATASETS["owid-deaths"], mirror_dir, tmp_path / "raw")
    assert path.name == full.name
    sidecar = open_data.read_sidecar(path)
    assert sidecar["mirrored_from"] == str(full)
    assert sidecar["url"] == DATASETS["owid-deaths"].url
    assert sidecar["mirror_provenance"].endswith("PROVENANCE.md")
    with pytest.raises(FetchError, match="no file for ucdp-acd"):
        mirror(DATASETS["ucdp-acd"], mirror_dir, tmp_path / "raw")


def test_cli_fetch_with_mirror_and_status(tmp_path, capsys):
    mirror_dir = tmp_path / "shared" / "owid"
    mirror_dir.mkdir(parents=True)
    shutil.copy(
        FIXTURES / "owid_deaths_long_label.csv",
        mirror_dir / "deaths-in-armed-conflicts-based-on-where-they-occurred.csv",
    )
    raw = tmp_path / "raw"
    code = main(
        [
            "data",
            "fetch",
            "owid-deaths",
            "--mirror",
            str(tmp_path / "shared"),
            "--raw-dir",
            str(raw),
        ]
    )
    assert code == 0
    assert "owid-deaths: copied" in capsys.readouterr().out
    assert (
        main(
            [
                "data",
                "fetch",
                "ucdp-acd",
                "--mirror",
                str(tmp_path / "shared"),
                "--raw-dir",
                str(raw),
            ]
        )
        == 1
    )
    assert "ucdp-acd: FAILED" in capsys.readouterr().err
    assert main(["data", "status", "--raw-dir", str(raw)]) == 0
    out = capsys.readouterr().out
    assert "owid-deaths" in out and "ucdp-ged" in out and "missing" in out
    assert main(["data", "fetch", "gtd", "--raw-dir", str(raw)]) == 2


@pytest.mark.shared
def test_mirror_every_dataset_from_shared_data(tmp_path):
    shared = shared_file("README.md").parent
    raw = tmp_path / "raw"
    copied = {name: mirror(spec, shared, raw).name for name, spec in DATASETS.items()}
    assert copied["ucdp-brd"] == "BattleDeaths_v24_1.csv"  # the full file, not the Mali subset
    assert copied["ucdp-acd"] == "UcdpPrioConflict_v24_1.csv"
    assert copied["ucdp-actor"] == "ucdp-actor-221.csv"
    assert copied["owid-deaths"] == "deaths-in-armed-conflicts-based-on-where-they-occurred.csv"
    assert copied["geoboundaries-adm1"].startswith("mli_adm1")
    assert copied["ucdp-ged"] == "ged191_MMR_BGD_subset.csv"  # the format sample
    for name in DATASETS:
        path = open_data.raw_file(name, raw)
        assert (
            open_data.read_sidecar(path)["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        )
