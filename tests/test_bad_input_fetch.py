"""Bad downloads and mirrors (issue 17): each is refused with a message naming the problem,
and the good copy already in data/raw is kept, byte for byte, with its sidecar.

Every download goes to a loopback HTTP server on 127.0.0.1 (port 0); waits are bounded.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from analysis import config
from analysis.cli import main
from analysis.sources import register as open_data
from analysis.sources.fetch import FetchError, fetch, mirror, status_lines
from analysis.sources.register import DATASETS, RawFileChangedError

FIXTURES = Path(__file__).parent / "fixtures" / "events"
OWID_NAME = "deaths-in-armed-conflicts-based-on-where-they-occurred.csv"


def owid_csv(rows: int = 40) -> bytes:
    lines = ["Entity,Code,Year,Deaths in all conflict types\n"]
    lines += [f"Mali,MLI,{1990 + i},{100 + i}\n" for i in range(rows)]
    return "".join(lines).encode()


class Handler(SimpleHTTPRequestHandler):
    """Serves the folder, plus misbehaving paths (see do_GET)."""

    busy_answers = 0

    def log_message(self, *args) -> None:
        pass

    def _body(self) -> bytes:
        return (Path(self.directory) / "body").read_bytes()

    def do_GET(self) -> None:
        if self.path.startswith("/nolength/"):
            # HTTP/1.0, no Content-Length: the body ends where the connection closes
            body = (Path(self.directory) / self.path.removeprefix("/nolength/")).read_bytes()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path == "/short.csv":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(owid_csv(3))
            return
        if self.path == "/loop.csv":
            self.send_response(302)
            self.send_header("Location", "/loop.csv")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/trickle-headers.csv":
            # the status line and headers a few bytes every 20 ms (at most ~8 s)
            head = b"HTTP/1.0 200 OK\r\n" + b"X-Slow: " + b"z" * 2000 + b"\r\n\r\n"
            try:
                for i in range(0, len(head), 5):
                    self.wfile.write(head[i : i + 5])
                    self.wfile.flush()
                    time.sleep(0.02)
            except OSError:
                pass
            return
        if self.path.startswith("/busy"):
            # HTTP 429 (Retry-After: 0) the first time, or every time for /busy-always
            Handler.busy_answers += 1
            if Handler.busy_answers == 1 or "always" in self.path:
                self.send_response(429)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.path = "/" + OWID_NAME
        if self.path == "/trickle.csv":
            self.send_response(200)
            self.end_headers()
            body = owid_csv(200)
            try:
                for i in range(400):  # at most ~8 s, whatever the client does
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.02)
            except OSError:  # the client gave up: what we want
                pass
            return
        super().do_GET()


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "served"
    folder.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def owid(server, tmp_path):
    """A good OWID copy fetched into raw/: (spec, served folder, base URL, cached file, bytes)."""
    folder, base = server
    (folder / OWID_NAME).write_bytes(owid_csv())
    spec = replace(DATASETS["owid-deaths"], url=f"{base}/{OWID_NAME}")
    good = fetch(spec, tmp_path / "raw")
    return spec, folder, base, good, good.read_bytes()


def assert_kept(good: Path, before: bytes) -> None:
    """The good copy and its sidecar are untouched; no partial file is left."""
    assert good.read_bytes() == before
    sidecar = open_data.read_sidecar(good)
    assert sidecar["sha256"] == hashlib.sha256(before).hexdigest()
    assert sorted(p.name for p in good.parent.iterdir()) == [good.name, good.name + ".json"]


def brd_zip_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "brd.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        text = (FIXTURES / "brd_dyadic.csv").read_text(encoding="utf-8")
        archive.writestr("BattleDeaths_v25_1.csv", text * 40)  # long enough to cut
    return path.read_bytes()


# --- A. a truncated copy must not replace the good one ---------------------------------------


def test_csv_cut_mid_line_without_content_length_is_refused(owid):
    spec, folder, base, good, before = owid
    (folder / "cut.csv").write_bytes(owid_csv()[:-7])  # closes early, mid-row
    with pytest.raises(FetchError) as raised:
        fetch(spec, good.parent.parent, url=f"{base}/nolength/cut.csv")
    message = str(raised.value)
    assert "cut.csv is cut short or damaged: line 41 has 3 fields where the header has 4" in message
    assert "the last line (line 41) is incomplete: no line break" in message
    assert f"The previous copy ({good.name}" in message
    assert_kept(good, before)


def test_zip_cut_without_content_length_is_refused(server, tmp_path):
    folder, base = server
    whole = brd_zip_bytes(tmp_path)
    (folder / "good.zip").write_bytes(whole)
    (folder / "cut.zip").write_bytes(whole[: len(whole) * 2 // 3])
    spec = replace(DATASETS["ucdp-brd"], url=f"{base}/nolength/good.zip")
    good = fetch(spec, tmp_path / "raw")
    before = good.read_bytes()
    with pytest.raises(FetchError, match=r"not a valid zip file, or one cut short or damaged"):
        fetch(spec, tmp_path / "raw", url=f"{base}/nolength/cut.zip")
    assert_kept(good, before)


def test_csv_cut_at_a_line_end_with_far_fewer_rows_needs_force_smaller(owid, capsys):
    spec, folder, base, good, before = owid
    (folder / "fewer.csv").write_bytes(owid_csv(10))  # 10 whole rows of 40
    with pytest.raises(FetchError, match=r"new copy has 10 rows, the previous one .* 40"):
        fetch(spec, good.parent.parent, url=f"{base}/nolength/fewer.csv")
    assert_kept(good, before)
    fetch(spec, good.parent.parent, url=f"{base}/nolength/fewer.csv", force_smaller=True)
    assert good.read_bytes() == owid_csv(10)
    assert open_data.read_sidecar(good)["rows"] == 10


def test_mirror_holding_a_cut_file_keeps_the_good_copy(tmp_path):
    shared = tmp_path / "shared" / "owid"
    shared.mkdir(parents=True)
    (shared / OWID_NAME).write_bytes(owid_csv())
    raw = tmp_path / "raw"
    good = mirror(DATASETS["owid-deaths"], tmp_path / "shared", raw)
    before = good.read_bytes()
    (shared / OWID_NAME).write_bytes(owid_csv()[:-30])
    with pytest.raises(FetchError, match=r"cut short or damaged: line 40 has 2 fields"):
        mirror(DATASETS["owid-deaths"], tmp_path / "shared", raw)
    assert_kept(good, before)


def test_trickling_server_is_stopped_by_the_deadline(owid):
    spec, _, base, good, before = owid
    with pytest.raises(FetchError, match=r"longer than the deadline of 0.3 s .*previous copy"):
        fetch(spec, good.parent.parent, url=f"{base}/trickle.csv", timeout=5, deadline=0.3)
    assert_kept(good, before)


def test_cli_deadline_and_force_smaller_options(owid, monkeypatch, capsys):
    spec, folder, base, good, before = owid
    args = ["data", "fetch", "owid-deaths", "--raw-dir", str(good.parent.parent)]
    monkeypatch.setitem(DATASETS, "owid-deaths", replace(spec, url=f"{base}/trickle.csv"))
    assert main([*args, "--deadline", "0.3", "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("owid-deaths: FAILED: ") and "deadline of 0.3 s" in err
    assert "Traceback" not in err
    assert_kept(good, before)
    (folder / "v2").mkdir()
    (folder / "v2" / OWID_NAME).write_bytes(owid_csv(10))
    monkeypatch.setitem(DATASETS, "owid-deaths", replace(spec, url=f"{base}/v2/{OWID_NAME}"))
    assert main(args) == 1
    assert "--force-smaller" in capsys.readouterr().err
    assert main([*args, "--force-smaller"]) == 0
    assert good.read_bytes() == owid_csv(10)


def test_pinned_sha256_is_checked_for_downloads_and_mirrored_copies(server, tmp_path):
    folder, base = server
    body = owid_csv()
    (folder / OWID_NAME).write_bytes(body)
    right = hashlib.sha256(body).hexdigest()
    wrong = "0" * 64
    pinned = replace(DATASETS["owid-deaths"], url=f"{base}/{OWID_NAME}", sha256=wrong)
    with pytest.raises(FetchError, match=rf"sha256 {right} differs from the pinned {wrong}"):
        fetch(pinned, tmp_path / "raw")
    assert not (tmp_path / "raw" / "owid-deaths" / OWID_NAME).exists()
    # a mirrored copy of the same file is held to the same checksum
    with pytest.raises(FetchError, match=rf"sha256 {right} differs from the pinned {wrong}"):
        mirror(pinned, folder, tmp_path / "raw")
    good = fetch(replace(pinned, sha256=right), tmp_path / "raw")
    assert open_data.read_sidecar(good)["sha256"] == right


def test_minimum_size_from_the_register_is_checked(server, tmp_path):
    folder, base = server
    (folder / OWID_NAME).write_bytes(owid_csv())
    spec = replace(DATASETS["owid-deaths"], url=f"{base}/{OWID_NAME}", min_bytes=1_000_000)
    with pytest.raises(FetchError, match=r"has 766 bytes, fewer than the 1,000,000 expected"):
        fetch(spec, tmp_path / "raw")


def test_file_edited_after_download_is_refused_naming_both_checksums(owid):
    spec, _, _, good, before = owid
    edited = before.replace(b"Mali,MLI,1990,100", b"Mali,MLI,1990,900")
    good.write_bytes(edited)
    raw = good.parent.parent
    with pytest.raises(RawFileChangedError) as raised:
        open_data.raw_file("owid-deaths", raw)
    message = str(raised.value)
    assert str(good) in message and "changed since it was downloaded" in message
    assert hashlib.sha256(edited).hexdigest() in message
    assert hashlib.sha256(before).hexdigest() in message
    assert "python -m analysis data fetch owid-deaths" in message
    status = "\n".join(status_lines(raw))
    assert "CHANGED since download" in status
    # the unedited file is accepted
    good.write_bytes(before)
    assert open_data.raw_file("owid-deaths", raw) == good


# --- other bad answers -------------------------------------------------------------------


def test_html_error_page_saved_as_csv_is_named(owid):
    spec, folder, base, good, before = owid
    (folder / "page.csv").write_text(
        "\n<!DOCTYPE html><html><head><title>Service Unavailable</title></head></html>"
    )
    with pytest.raises(FetchError, match=r"a web page \(HTML titled 'Service Unavailable'\)"):
        fetch(spec, good.parent.parent, url=f"{base}/page.csv")
    assert_kept(good, before)


def test_download_of_zero_bytes_of_nul_is_named(owid):
    spec, folder, base, good, before = owid
    (folder / "zeros.csv").write_bytes(b"\x00" * 200_000)
    with pytest.raises(FetchError, match=r"NUL bytes from byte 1 .*not a CSV"):
        fetch(spec, good.parent.parent, url=f"{base}/zeros.csv")
    assert_kept(good, before)


def test_empty_download_is_refused(owid):
    spec, folder, base, good, before = owid
    (folder / "empty.csv").write_bytes(b"")
    with pytest.raises(FetchError, match=r"empty.csv: the download is empty \(0 bytes\)"):
        fetch(spec, good.parent.parent, url=f"{base}/empty.csv")
    assert_kept(good, before)


def test_zip_without_a_csv_lists_what_it_holds(server, tmp_path):
    folder, base = server
    with zipfile.ZipFile(folder / "nocsv.zip", "w") as archive:
        archive.writestr("readme.txt", "moved to the new portal")
    with pytest.raises(FetchError, match=r"holds no CSV file \(it holds: readme.txt\)"):
        fetch(DATASETS["ucdp-brd"], tmp_path / "raw", url=f"{base}/nocsv.zip")


def test_corrupt_zip_is_named_not_a_zlib_traceback(server, tmp_path):
    folder, base = server
    data = bytearray(brd_zip_bytes(tmp_path))
    for i in range(80, 400):  # scramble the deflated data, keep the directory
        data[i] ^= 0x5A
    (folder / "corrupt.zip").write_bytes(bytes(data))
    with pytest.raises(FetchError, match=r"corrupt.zip.*(damaged|cut short)"):
        fetch(DATASETS["ucdp-brd"], tmp_path / "raw", url=f"{base}/corrupt.zip")


def test_semicolon_csv_is_named(server, tmp_path):
    folder, base = server
    (folder / "semi.csv").write_text("Entity;Code;Year;Deaths\nMali;MLI;2020;5\n")
    with pytest.raises(FetchError, match=r"line 1: the header is separated by semicolons"):
        fetch(DATASETS["owid-deaths"], tmp_path / "raw", url=f"{base}/semi.csv")


def test_404_says_the_file_may_have_moved(owid):
    spec, _, base, good, before = owid
    with pytest.raises(FetchError, match=r"HTTP 404 \(File not found\)\. The publisher may have"):
        fetch(spec, good.parent.parent, url=f"{base}/gone.csv")
    assert_kept(good, before)


def test_redirect_loop_is_named(owid):
    spec, _, base, good, before = owid
    with pytest.raises(FetchError) as raised:
        fetch(spec, good.parent.parent, url=f"{base}/loop.csv", timeout=5)
    message = str(raised.value)
    assert "redirects in a loop (HTTP 302" in message and "\n" not in message
    assert_kept(good, before)


def test_body_shorter_than_content_length_is_refused(owid):
    spec, _, base, good, before = owid
    with pytest.raises(FetchError, match=r"stopped at \d+ of 5,000 bytes\. The previous copy"):
        fetch(spec, good.parent.parent, url=f"{base}/short.csv", timeout=5)
    assert_kept(good, before)


def test_corrupt_sidecar_is_named(owid):
    spec, _, _, good, before = owid
    open_data.sidecar_path(good).write_text('{"sha256": ')
    with pytest.raises(RawFileChangedError, match=r"sidecar of .* is not valid JSON"):
        open_data.raw_file("owid-deaths", good.parent.parent)


def test_geojson_that_is_a_list_is_refused(server, tmp_path):
    folder, base = server
    (folder / "adm1.geojson").write_text("[]")
    with pytest.raises(FetchError, match="not a GeoJSON FeatureCollection"):
        fetch(DATASETS["geoboundaries-adm1"], tmp_path / "raw", url=f"{base}/adm1.geojson")


def test_mirror_keeps_a_good_copy_with_a_different_name(tmp_path):
    """The previous copy is the folder's data file even when the mirror's name differs."""
    shared = tmp_path / "shared" / "owid"
    shared.mkdir(parents=True)
    shutil.copy(FIXTURES / "owid_deaths_long_label.csv", shared / OWID_NAME)
    raw = tmp_path / "raw"
    good = mirror(DATASETS["owid-deaths"], tmp_path / "shared", raw)
    before = good.read_bytes()
    (shared / OWID_NAME).unlink()
    (shared / (OWID_NAME[:-4] + "_v2.csv")).write_bytes(before[: len(before) // 2] + b"\n")
    with pytest.raises(FetchError, match="the new copy has|cut short"):
        mirror(DATASETS["owid-deaths"], tmp_path / "shared", raw)
    assert good.read_bytes() == before
    assert json.loads(open_data.sidecar_path(good).read_text())["file"] == good.name


# --- UCDP GED 26.1 (issue 14): the register's current release ------------------------------

UCDP_FIXTURES = Path(__file__).parent / "fixtures" / "ucdp"


def ged_zip(path: Path, member: str, text: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, text)
    return path


def test_ged_26_1_is_fetched_under_its_published_name(server, tmp_path):
    folder, base = server
    assert DATASETS["ucdp-ged"].filename == "ged261-csv.zip"
    text = (UCDP_FIXTURES / "ged_v26_1.csv").read_text(encoding="utf-8")
    ged_zip(folder / "ged261-csv.zip", "GEDEvent_v26_1.csv", text)
    spec = replace(DATASETS["ucdp-ged"], url=f"{base}/ged261-csv.zip")
    path = fetch(spec, tmp_path / "raw")
    assert path.name == "ged261-csv.zip"
    sidecar = open_data.read_sidecar(path)
    assert sidecar["version"] == "26.1" and "version 26.1" in sidecar["citation"]
    assert sidecar["rows"] == 4  # the fixture's four events


def test_ged_zip_whose_csv_has_no_header_row_is_refused(server, tmp_path):
    folder, base = server
    # a candidate file without its header row, zipped under the final release's name
    text = (UCDP_FIXTURES / "GEDEvent_v26_0_2.csv").read_text(encoding="utf-8")
    ged_zip(folder / "ged261-csv.zip", "GEDEvent_v26_1.csv", text)
    spec = replace(DATASETS["ucdp-ged"], url=f"{base}/ged261-csv.zip")
    with pytest.raises(
        FetchError, match=r"lacks the column\(s\) id, type_of_violence, date_start, best, country"
    ):
        fetch(spec, tmp_path / "raw")
    assert not (tmp_path / "raw" / "ucdp-ged" / "ged261-csv.zip").exists()


def test_mirror_never_takes_a_candidate_file_for_the_final_release(tmp_path):
    shared = tmp_path / "shared" / "ucdp"
    shared.mkdir(parents=True)
    shutil.copy(UCDP_FIXTURES / "GEDEvent_v26_0_1.csv", shared / "GEDEvent_v26_0_1.csv")
    with pytest.raises(FetchError, match="no file for ucdp-ged in"):
        mirror(DATASETS["ucdp-ged"], tmp_path / "shared", tmp_path / "raw")
    shutil.copy(UCDP_FIXTURES / "ged_v26_1.csv", shared / "GEDEvent_v26_1.csv")
    copied = mirror(DATASETS["ucdp-ged"], tmp_path / "shared", tmp_path / "raw")
    assert copied.name == "GEDEvent_v26_1.csv"


# --- issue 27: deadlines over headers, the shared retry rule, UTF-8, pinned files -----------


def test_deadline_holds_while_the_server_trickles_its_headers(owid, capsys):
    spec, _, base, good, before = owid
    started = time.monotonic()
    with pytest.raises(FetchError) as raised:
        fetch(spec, good.parent.parent, url=f"{base}/trickle-headers.csv", timeout=5, deadline=0.3)
    assert str(raised.value) == (
        f"{base}/trickle-headers.csv: the download took longer than the deadline of 0.3 s (the "
        "server had not finished sending its headers; --deadline allows more). The previous "
        f"copy ({good.name}, accessed {open_data.read_sidecar(good)['accessed'][:10]}) is kept."
    )
    assert time.monotonic() - started < 4  # the headers trickle for ~8 s, the timeout is 5 s
    assert_kept(good, before)


def test_http_429_is_retried_by_make_data_as_by_the_api_clients(owid):
    spec, _, base, good, before = owid
    Handler.busy_answers = 0
    waits: list[float] = []
    fetch(spec, good.parent.parent, url=f"{base}/busy.csv", sleep=waits.append)
    assert waits == [0.0]  # Retry-After: 0, once; then the file
    assert good.read_bytes() == before  # the same file again, fetched after the retry
    Handler.busy_answers = 0
    with pytest.raises(FetchError) as raised:
        fetch(spec, good.parent.parent, url=f"{base}/busy-always.csv", sleep=waits.append)
    assert str(raised.value).startswith(
        f"{base}/busy-always.csv answered HTTP 429 (Too Many Requests) (4 tries; try again "
        "later). The previous copy"
    )
    assert Handler.busy_answers == 4
    assert_kept(good, before)


def test_download_that_is_not_utf8_never_replaces_the_good_copy(owid):
    spec, folder, base, good, before = owid
    latin1 = owid_csv().replace(b"Mali,MLI,1995", "Malí,MLI,1995".encode("latin-1"))
    (folder / "latin1.csv").write_bytes(latin1)
    with pytest.raises(FetchError) as raised:
        fetch(spec, good.parent.parent, url=f"{base}/latin1.csv")
    message = str(raised.value)
    assert message.startswith(
        f"owid-deaths: {base}/latin1.csv: line 7, column Entity: byte 0xed is not UTF-8 (the "
        "file looks Latin-1/Windows-1252 encoded: save it as UTF-8); the reports read UTF-8 only."
    )
    assert message.endswith("is kept.")
    assert_kept(good, before)


def test_a_copy_named_like_a_pinned_publisher_file_must_be_that_file(tmp_path):
    pinned = DATASETS["ucdp-brd"].pinned[0]
    assert pinned.name == "BattleDeaths_v24_1.csv" and pinned.size == 448_215
    shared = tmp_path / "shared" / "ucdp_brd_v24_1"
    shared.mkdir(parents=True)
    fake = (FIXTURES / "brd_dyadic.csv").read_bytes()  # a BRD file, but not UCDP's 24.1
    (shared / pinned.name).write_bytes(fake)
    with pytest.raises(FetchError) as raised:
        mirror(DATASETS["ucdp-brd"], tmp_path / "shared", tmp_path / "raw")
    assert (
        f"sha256 {hashlib.sha256(fake).hexdigest()} differs from the pinned {pinned.sha256}"
        in str(raised.value)
    )
    assert not (tmp_path / "raw" / "ucdp-brd" / pinned.name).exists()
    # zipped under the publisher's name, the same member is checked too
    with zipfile.ZipFile(shared / "ucdp-brd-dyadic-241-csv.zip", "w") as archive:
        archive.writestr(pinned.name, fake)
    (shared / pinned.name).unlink()
    with pytest.raises(FetchError, match=rf"{pinned.name} has sha256 .*, not the pinned"):
        mirror(DATASETS["ucdp-brd"], tmp_path / "shared", tmp_path / "raw")


@pytest.mark.parametrize("name", ["ucdp-brd", "ucdp-acd", "ucdp-actor"])
def test_pinned_publisher_files_in_shared_data_pass(name, tmp_path):
    spec = DATASETS[name]
    (pinned,) = spec.pinned
    found = list(config.SHARED_DATA_DIR.glob(f"*/{pinned.name}"))
    if not found:
        pytest.skip(f"../shared/data has no {pinned.name} (a fresh clone has no ../shared)")
    assert found[0].stat().st_size == pinned.size
    copied = mirror(spec, found[0].parent, tmp_path / "raw")
    assert open_data.read_sidecar(copied)["sha256"] == pinned.sha256
