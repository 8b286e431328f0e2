"""The UCDP GED API client against a loopback HTTP server that answers like UCDP's API:
token header, pages from 0 followed by NextPageUrl, TotalPages and TotalCount."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from analysis import config
from analysis.core import origins
from analysis.sources.ucdp_api import UcdpApiError, UcdpClient, save_csv
from analysis.tables import events
from tests.loopback import JsonHandler, serving

#: API answers' Result objects (hand-written, invented events; the fixture folder's README)
EVENTS = json.loads(
    (Path(__file__).parent / "fixtures" / "ucdp" / "api_gedevents_v26_1.json").read_text()
)
TOKEN = "fixture-token"


class FakeUcdp:
    """State shared with the handler: events to serve, failures to inject, requests seen."""

    def __init__(self) -> None:
        self.events: list[dict] = list(EVENTS)
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.requests: list[dict[str, str]] = []
        self.tokens: list[str | None] = []
        self.next_host: str | None = None  # serve NextPageUrl on another host
        self.lie_total_pages: int | None = None


def make_handler(state: FakeUcdp) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlparse(self.path)
            if not url.path.startswith("/api/gedevents/"):
                return self._json(404, {"message": "not found"})
            state.tokens.append(self.headers.get("x-ucdp-access-token"))
            if self.headers.get("x-ucdp-access-token") != TOKEN:
                return self._json(401, {"message": "API token required"})
            if state.failures:
                status, headers = state.failures.pop(0)
                return self._json(status, {"message": "slow down"}, headers)
            query = dict(urllib.parse.parse_qsl(url.query))
            state.requests.append({"path": url.path, **query})
            wanted = set(query.get("Country", "").split(",")) - {""}
            matching = [
                e
                for e in state.events
                if (not wanted or str(e["country_id"]) in wanted)
                and query.get("StartDate", "0000") <= e["date_start"][:10]
                and e["date_start"][:10] <= query.get("EndDate", "9999")
            ]
            size, page = int(query["pagesize"]), int(query["page"])
            pages = max(-(-len(matching) // size), 1)
            following = dict(query, page=str(page + 1))
            host = state.next_host or f"http://{self.headers['Host']}"
            next_url = (
                f"{host}{url.path}?{urllib.parse.urlencode(following)}" if page + 1 < pages else ""
            )
            self._json(
                200,
                {
                    "TotalCount": len(matching),
                    "TotalPages": state.lie_total_pages or pages,
                    "PreviousPageUrl": "",
                    "NextPageUrl": next_url,
                    "Result": matching[page * size : (page + 1) * size],
                },
            )

    return Handler


@pytest.fixture
def fake_ucdp(monkeypatch, tmp_path) -> Iterator[tuple[FakeUcdp, str]]:
    state = FakeUcdp()
    with serving(make_handler(state)) as base:
        monkeypatch.setenv("UCDP_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("UCDP_BASE_URL", base)
        monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
        yield state, base


def client(base: str, **options) -> UcdpClient:
    waits: list[float] = []
    made = UcdpClient(TOKEN, base_url=base, sleep=waits.append, **options)
    made.waits = waits  # type: ignore[attr-defined]
    return made


def test_pages_followed_by_next_page_url(fake_ucdp):
    state, base = fake_ucdp
    rows = client(base, page_size=2).events("26.1", countries=(432,))
    # three Mali events at two a page: pages 0 and 1, then NextPageUrl is empty
    assert [r["id"] for r in rows] == [910001, 910002, 910003]
    assert [q["page"] for q in state.requests] == ["0", "1"]
    assert {q["path"] for q in state.requests} == {"/api/gedevents/26.1"}
    assert state.requests[0]["Country"] == "432" and state.requests[0]["pagesize"] == "2"
    assert set(state.tokens) == {TOKEN}


def test_load_ucdp_api_gives_the_canonical_table_and_saves_the_answer(fake_ucdp):
    state, base = fake_ucdp
    log = origins.start_log()
    frame = events.load(
        "ucdp-api",
        country="Mali",
        start="2025-01-01",
        end="2025-12-31",
        resolve={"JNIM": "jnim", "IS": "islamic-state"}.get,
    )
    # by hand: the Mali events of 2025 are 910001 (best 12) and 910002 (best 7)
    assert list(frame["event_id"]) == ["910001", "910002"]
    assert int(frame["deaths_best"].sum()) == 19
    assert frame.iloc[0]["date"].date() == date(2025, 11, 8)  # "2025-11-08T00:00:00"
    assert frame.iloc[0]["group_ids"] == ["jnim"]
    assert set(frame["dataset"]) == {"ucdp-api"}
    assert list(frame["code_status"]) == ["Clear", "Clear"] and not frame["provisional"].any()
    assert frame.attrs["coverage"].text() == "2025-01-01 to 2025-12-31"
    assert state.requests[0]["StartDate"] == "2025-01-01"
    (origin,) = list(log)
    assert origin.kind == "api" and origin.dataset == "ucdp-api" and origin.version == "26.1"
    assert origin.where == f"{base}/api/gedevents/26.1"
    assert origin.query["Country"] == "432" and TOKEN not in json.dumps(origin.query)
    saved = list((config.RAW_DIR / "ucdp-api").iterdir())
    assert [p.name for p in saved] == ["GEDEvent_v26_1_api_432_2025-01-01_2025-12-31.csv"]
    assert saved[0].read_text(encoding="utf-8").startswith("id,relid,year,active_year,")


def test_retries_on_429_and_5xx_honouring_retry_after(fake_ucdp):
    state, base = fake_ucdp
    state.failures = [(429, {"Retry-After": "7"}), (503, {})]
    api = client(base, backoff_seconds=0.5)
    assert len(api.events("26.1", countries=(432,))) == 3
    assert api.waits == [7.0, 1.0]  # Retry-After 7, then 0.5 * 2**1


def test_missing_and_refused_token_are_clear_errors(fake_ucdp, monkeypatch):
    _, base = fake_ucdp
    with pytest.raises(UcdpApiError, match=r"refused the access token \(HTTP 401: API token"):
        UcdpClient("wrong", base_url=base).events("26.1")
    monkeypatch.delenv("UCDP_ACCESS_TOKEN")
    with pytest.raises(UcdpApiError, match="set UCDP_ACCESS_TOKEN to read the UCDP API"):
        events.load("ucdp-api", country="Mali")


def test_next_page_on_another_host_is_not_followed(fake_ucdp):
    state, base = fake_ucdp
    state.next_host = "http://example.org"
    with pytest.raises(UcdpApiError, match="is not on http://127.0.0.1:.*not following it"):
        client(base, page_size=1).events("26.1", countries=(432,))
    assert len(state.requests) == 1  # the token went to the API's host only


def test_answer_shorter_than_announced_is_refused(fake_ucdp):
    state, base = fake_ucdp
    state.lie_total_pages = 5
    with pytest.raises(UcdpApiError, match="1 page\\(s\\) read, but TotalPages announced 5"):
        client(base).events("26.1", countries=(432,))


def test_saved_csv_is_written_whole_or_not_at_all(tmp_path):
    target = tmp_path / "answer.csv"
    save_csv(EVENTS[:1], target)
    before = target.read_bytes()
    with pytest.raises(UcdpApiError, match="field\\(s\\) the GED layout does not know: extra"):
        save_csv([dict(EVENTS[0], extra=1)], target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["answer.csv"]  # no temporary left


def test_offline_is_a_clear_error():
    api = UcdpClient(TOKEN, base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(UcdpApiError, match="cannot reach the UCDP API"):
        api.events("26.1")
