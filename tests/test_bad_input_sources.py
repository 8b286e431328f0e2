"""Hostile and broken sources (issue 27): every API client keeps its bounds (rows, pages,
bytes, seconds) and says, in one sentence, which bound stopped it and how to raise it; a broken
connection or an answer that is not UTF-8 is a sentence, not a traceback; one file that cannot
be read is named and skipped, and fails only what needs it.

Every server is a loopback HTTP server on 127.0.0.1 (tests/loopback.py); each bound is made
small through its environment variable or parameter, so no test sends more than a few MB or
waits more than a second or two.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.parse
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from analysis import config
from analysis.sources import boundaries
from analysis.sources.acled_api import AcledApiError, AcledClient
from analysis.sources.register import DATASETS
from analysis.sources.ucdp_api import UcdpApiError, UcdpClient
from analysis.tables import coverage, events
from analysis.tables.events import DatasetMissingError, EventDataError
from tests import attack_report
from tests.loopback import JsonHandler, serving

TOKEN = "fixture-token"


def acled_row(number: int) -> dict:
    return {"event_id_cnty": f"MLI{number}", "event_date": "2023-01-01", "country": "Mali"}


class EndlessAcled(JsonHandler):
    """ACLED's flow, but every page of events is full, for ever (each with new ids)."""

    reads: list[int] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._json(200, {"access_token": "t"})

    def do_GET(self) -> None:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(self.path).query))
        limit, page = int(query["limit"]), int(query["page"])
        type(self).reads.append(page)
        data = [acled_row(page * limit + i) for i in range(limit)]
        self._json(200, {"status": 200, "success": True, "count": limit, "data": data})


def test_acled_api_that_keeps_sending_full_pages_is_stopped_at_the_row_bound(monkeypatch):
    EndlessAcled.reads = []
    monkeypatch.setenv("MALI_ACLED_API_MAX_ROWS", "12")
    with serving(EndlessAcled) as base:
        api = AcledClient("a@b.c", "x", base_url=base, page_size=5)
        with pytest.raises(AcledApiError) as raised:
            api.read("Mali", date(2023, 1, 1), date(2023, 12, 31))
    # 5 rows a page: after page 3, 15 rows >= 12, and the page was full
    assert str(raised.value) == (
        "ACLED read stopped after page 3: 15 rows for Mali from 2023-01-01 to 2023-12-31, the "
        "most read for one request (MALI_ACLED_API_MAX_ROWS=12), and ACLED still sends full "
        "pages; ask for a shorter period, or set MALI_ACLED_API_MAX_ROWS to more than 12 to "
        "allow more"
    )
    assert EndlessAcled.reads == [1, 2, 3]


class HugeBody(BaseHTTPRequestHandler):
    """A JSON body far larger than allowed: announced (Content-Length) or not (streamed until
    the client hangs up, at most 8 MB)."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        if "announced" in self.path or self.path.startswith("/oauth"):
            self.send_header("Content-Length", str(10**9))
        self.end_headers()
        try:
            self.wfile.write(b'{"access_token": "')
            for _ in range(128):
                self.wfile.write(b"x" * 65536)
        except OSError:
            pass

    do_GET = do_POST


def test_api_answer_larger_than_the_bound_is_refused_announced_or_streamed(monkeypatch):
    monkeypatch.setenv("MALI_API_MAX_MB", "0.1")
    with serving(HugeBody) as base:
        announced = AcledClient("a@b.c", "x", base_url=base, max_retries=0)
        with pytest.raises(AcledApiError) as raised:
            announced.token()
        assert str(raised.value) == (
            "ACLED sign-in: the answer is larger than 0.1 MB (its Content-Length says "
            "1,000,000,000 bytes), the most read for one request; set MALI_API_MAX_MB to more "
            "than 0.1 to allow more (in MB)"
        )
        streamed = UcdpClient(TOKEN, base_url=base, max_retries=0)
        with pytest.raises(UcdpApiError) as raised:
            streamed.events("26.1")
        assert str(raised.value) == (
            "UCDP API page 0: the answer is larger than 0.1 MB, the most read for one request; "
            "set MALI_API_MAX_MB to more than 0.1 to allow more (in MB)"
        )


class UcdpPages(JsonHandler):
    """UCDP answers with a chosen TotalPages and NextPageUrl (``mode``)."""

    mode = "huge"
    requests: list[str] = []

    def do_GET(self) -> None:
        url = urllib.parse.urlparse(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        type(self).requests.append(query["page"])
        host = f"http://{self.headers['Host']}"
        following = dict(query, page="0")  # "loop": back to page 0 for ever
        answer = {
            "TotalCount": 10**12 if self.mode == "huge" else 3000,
            "TotalPages": 10**9 if self.mode == "huge" else 3,
            "NextPageUrl": f"{host}{url.path}?{urllib.parse.urlencode(following)}",
            "Result": [],
        }
        self._json(200, answer)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        (
            "huge",
            "UCDP API {base}/api/gedevents/26.1: TotalPages announces 1,000,000,000 pages of "
            "1,000 events, more than the 50 pages read for one request (MALI_UCDP_API_MAX_PAGES); "
            "ask for fewer countries or a shorter period, or set MALI_UCDP_API_MAX_PAGES to more "
            "than 50 to allow more",
        ),
        (
            "loop",
            "UCDP API: NextPageUrl {base}/api/gedevents/26.1?pagesize=1000&page=0 asks for page "
            "'0' after page 0, not page 1; the paging is broken, not following it",
        ),
    ],
)
def test_ucdp_api_absurd_total_pages_or_a_looping_next_page_is_refused_at_once(
    mode, expected, monkeypatch
):
    UcdpPages.mode, UcdpPages.requests = mode, []
    monkeypatch.setenv("MALI_UCDP_API_MAX_PAGES", "50")
    with serving(UcdpPages) as base:
        with pytest.raises(UcdpApiError) as raised:
            UcdpClient(TOKEN, base_url=base).events("26.1")
    assert str(raised.value) == expected.format(base=base)
    assert UcdpPages.requests == ["0"]  # refused after the first page, not 10**9 later


class Trickle(BaseHTTPRequestHandler):
    """Sends its answer a few bytes at a time, every 50 ms (at most ~8 s): the headers
    (``/headers``) or the body (anything else)."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        body = json.dumps({"TotalPages": 1, "Result": [], "NextPageUrl": ""}).encode() * 40
        head = (
            b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
            + b"".join(f"X-Padding-{i}: {'y' * 40}\r\n".encode() for i in range(40))
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        quick, slow = (b"", head + body) if "headers" in self.path else (head, body)
        try:
            self.wfile.write(quick)
            for i in range(0, min(len(slow), 640), 4):
                self.wfile.write(slow[i : i + 4])
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:  # the client gave up: what we want
            pass


@pytest.mark.parametrize(
    ("path", "progress"),
    [
        ("/headers", "the server had not finished sending its headers"),
        ("/body", r"\d+ bytes of the answer had arrived"),
    ],
)
def test_trickling_api_is_stopped_by_the_request_deadline(path, progress, monkeypatch):
    monkeypatch.setenv("MALI_API_DEADLINE", "0.4")
    with serving(Trickle) as base:
        api = UcdpClient(TOKEN, base_url=base + path, max_retries=0, timeout_seconds=5)
        started = time.monotonic()
        with pytest.raises(UcdpApiError) as raised:
            api.events("26.1")
        took = time.monotonic() - started
    message = str(raised.value)
    assert message.startswith("UCDP API page 0: no complete answer within 0.4 s, the deadline")
    assert "set MALI_API_DEADLINE to more than 0.4 to allow more (in seconds)" in message
    assert re.search(progress, message)
    # not a timing test: the server trickles for ~8 s, the socket timeout is 5 s
    assert took < 4


class Broken(BaseHTTPRequestHandler):
    """Closes the connection without an answer (``/drop``), announces more than it sends
    (``/short``) or answers JSON in Latin-1 (``/latin1``)."""

    seen: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        if self.path.startswith("/drop"):
            self.close_connection = True
            return
        body = '{"TotalPages": 1, "Result": [], "Note": "Ménaka"}'.encode("latin-1")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body) + (500 if "short" in self.path else 0)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/drop",
            "UCDP API page 0: the connection broke before the answer was complete (Remote end "
            "closed connection without response) after 2 attempts; try again later",
        ),
        (
            "/short",
            "UCDP API page 0: the connection broke before the answer was complete "
            "(IncompleteRead(49 bytes read, 500 more expected)) after 2 attempts; try again later",
        ),
        (
            "/latin1",
            "UCDP API page 0: the answer is not UTF-8 text: byte 43 is 0xe9 "
            '(b\'TotalPages": 1, "Result": [], "Note": "M\\xe9naka"}\'); JSON from '
            "the API is UTF-8, so this "
            "answer is damaged or not from the API",
        ),
    ],
)
def test_broken_connection_and_latin1_json_are_sentences(path, expected):
    Broken.seen = []
    waits: list[float] = []
    with serving(Broken) as base:
        api = UcdpClient(TOKEN, base_url=base + path, max_retries=1, sleep=waits.append)
        with pytest.raises(UcdpApiError) as raised:
            api.events("26.1")
    assert str(raised.value) == expected
    # a dropped or cut answer is retried like a 5xx (the shared rule); a damaged one is not
    assert len(Broken.seen) == (1 if path == "/latin1" else 2)
    assert waits == ([] if path == "/latin1" else [2.0])


# --- one bad file stays one problem ------------------------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"
ATTACK_RAW = FIXTURES / "attack_trends" / "raw"
CURATED = FIXTURES / "curated_min"
#: a workbook cut short at the start: its zip's central directory is gone
DAMAGED_NAME = "Western_Africa_aggregated_data_up_to-2024-01-19.xlsx"


@pytest.fixture
def machine(tmp_path, monkeypatch) -> Path:
    """data/raw with the attack fixtures' OWID and BRD files, a good UCDP GED file (25.1) and,
    in data/raw/acled, a damaged workbook; no ../shared/data; the minimal curated tables."""
    raw = tmp_path / "raw"
    shutil.copytree(ATTACK_RAW, raw)
    (raw / "ucdp-ged").mkdir()
    shutil.copy(FIXTURES / "events" / "ged_v25_1.csv", raw / "ucdp-ged" / "ged251.csv")
    (raw / "acled").mkdir()
    whole = (FIXTURES / "acled_aggregated" / (WEEKLY_NAME + ".xlsx")).read_bytes()
    (raw / "acled" / DAMAGED_NAME).write_bytes(whole[: len(whole) // 2])
    monkeypatch.setattr(config, "RAW_DIR", raw)
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "no-shared")
    monkeypatch.setattr(config, "CURATED_DIR", CURATED)
    return raw


WEEKLY_NAME = "Western_Africa_aggregated_data_up_to_week_of-2024-01-13"


def build_attack_report(**given) -> attack_report.Built:
    return attack_report.build(CURATED, **given)


def test_a_damaged_workbook_in_the_acled_folder_does_not_sink_a_ged_report(machine):
    damaged = machine / "acled" / DAMAGED_NAME
    sentence = (
        f"{damaged}: not a readable xlsx workbook: its zip is damaged or cut short (File is "
        "not a zip file); download it again"
    )
    built = build_attack_report()
    assert built.inputs.selection.dataset == "ucdp-ged"  # the good GED file's events
    assert len(built.inputs.events) == 5  # the fixture's Mali events (900006 is in Burkina Faso)
    # the build's log names the file and what is wrong; readers read that a file was skipped
    assert built.inputs.selection.build_hints[0] == f"{sentence}; skipped."
    assert built.inputs.selection.notes[0] == coverage.UNREADABLE_NOTE
    assert str(damaged) not in " ".join(built.inputs.selection.notes)
    status = built.tables["datasets"].frame.set_index("dataset")
    aggregated = status.loc[coverage.TITLES["acled-aggregated"]]
    assert aggregated["status"] == "could not be read"
    appendix = built.report["appendix-coverage"]
    assert (
        f"{coverage.TITLES['acled-aggregated']}: cannot be read: acled-aggregated: {sentence}"
        in (appendix.build_hints)
    )
    # a report that needs the file fails with the same sentence
    with pytest.raises(EventDataError) as raised:
        build_attack_report(data_source="acled-aggregated")
    assert str(raised.value) == f"acled-aggregated: {sentence}"
    # asked for an export, the folder says what it holds instead of "no file"
    with pytest.raises(DatasetMissingError) as missing:
        events.locate("acled")
    assert f"(it holds files that are not: {sentence})" in str(missing.value)


def test_unrecognised_files_are_named_not_said_to_be_missing(machine):
    folder = machine / "acled"
    (folder / DAMAGED_NAME).unlink()
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["event_id_cnty", "event_date", "country"])  # an export saved as xlsx
    book.save(folder / "export.xlsx")
    (folder / "readme.txt").write_text("from ACLED\n")
    with pytest.raises(DatasetMissingError) as missing:
        events.locate("acled")
    assert str(missing.value).startswith(
        f"acled: no ACLED export in {folder} (it holds files that are not: "
        f"{folder / 'export.xlsx'}: an xlsx workbook whose sheets do not start with the header "
        "of ACLED's aggregated data; an event export is read as CSV (export it as CSV); "
        f"{folder / 'readme.txt'}: a .txt file, neither an ACLED export (.csv) nor ACLED's "
        "aggregated data (.xlsx or .csv)). ACLED data needs a free account"
    )
    candidates = machine / "ucdp-candidate"
    candidates.mkdir()
    (candidates / "ged_candidate_march.csv").write_text("id\n1\n")
    with pytest.raises(DatasetMissingError) as missing:
        events.load("ucdp-candidate")
    assert (
        "(it holds ged_candidate_march.csv: not named like a candidate release, which is how "
        "its months are known)" in str(missing.value)
    )


def test_a_cut_boundaries_file_fails_only_the_map(machine):
    whole = (FIXTURES / "events" / "boundaries_adm1_geoboundaries_style.geojson").read_bytes()
    folder = machine / "geoboundaries-adm1"
    folder.mkdir()
    cut = folder / "geoBoundaries-MLI-ADM1.geojson"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(boundaries.BoundaryFileError) as raised:
        boundaries.load_boundaries("adm1")
    sentence = str(raised.value)
    assert sentence.startswith(f"{cut}: not valid GeoJSON at line ")
    assert sentence.endswith(
        "the file is cut short or damaged; get it again with `python -m analysis data fetch "
        "geoboundaries-adm1`"
    )
    built = build_attack_report()  # Mali: the maps need the boundaries
    assert "map-regions" not in built.charts
    assert built.missing["map-regions"].what == (
        "maps per region: this edition was built without the boundaries of Mali's regions"
    )
    # the rest is there
    assert built.inputs.selection.dataset == "ucdp-ged" and built.report.key_findings
    row = (
        built.tables["datasets"]
        .frame.set_index("dataset")
        .loc[coverage.TITLES["geoboundaries-adm1"]]
    )
    assert row["status"] == "could not be read"
    # the file and what is wrong with it: the build's log, not the page
    assert cut.name in sentence
    assert f"{coverage.TITLES['geoboundaries-adm1']}: cannot be read: {sentence}" in (
        built.report["appendix-coverage"].build_hints
    )


def test_the_faults_doc_names_tests_that_exist_and_every_pinned_file():
    """docs/faults.md promises what the tests keep: each test it names exists, and its table of
    pinned files is the register's (no file pinned in one and not the other)."""
    root = Path(__file__).resolve().parents[1]
    doc = (root / "docs" / "faults.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_\w+)`", doc))
    defined = {
        name
        for path in (root / "tests").glob("test_*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    assert named and not named - defined, f"named in docs/faults.md, not defined: {named - defined}"
    pinned = [p for spec in DATASETS.values() for p in spec.pinned]
    assert len(pinned) == 3
    for file in pinned:
        assert f"| `{file.name}` | {file.size:,} | `{file.sha256}` |" in doc
