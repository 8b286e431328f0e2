"""The ACLED API client against a loopback HTTP server that speaks ACLED's OAuth flow."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from analysis.sources.acled_api import AcledApiError, AcledClient, AcledEmptyResultError
from analysis.tables import events
from tests.loopback import JsonHandler, serving

ROWS = json.loads(
    (Path(__file__).parent / "fixtures" / "events" / "acled_api_rows.json").read_text()
)


class FakeAcled:
    """State shared with the handler: rows to serve, failures to inject, requests seen."""

    def __init__(self) -> None:
        self.rows: list[dict] = list(ROWS)
        self.failures: list[tuple[int, dict[str, str]]] = []  # (status, headers) before success
        self.expire_token_once = False
        self.tokens_issued = 0
        self.reads: list[dict[str, str]] = []
        self.token_forms: list[dict[str, str]] = []


def make_handler(state: FakeAcled) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            state.token_forms.append(form)
            if self.path != "/oauth/token":
                return self._json(404, {"error": "not found"})
            ok = (
                form.get("grant_type") == "password"
                and form.get("client_id") == "acled"
                and form.get("username") == "researcher@example.org"
                and form.get("password") == "s3cret"
            )
            if not ok:
                return self._json(
                    400, {"error": "invalid_grant", "error_description": "bad credentials"}
                )
            state.tokens_issued += 1
            self._json(200, {"access_token": f"token-{state.tokens_issued}", "expires_in": 86400})

        def do_GET(self) -> None:
            url = urllib.parse.urlparse(self.path)
            if url.path != "/api/acled/read":
                return self._json(404, {"error": "not found"})
            if self.headers.get("Authorization") != f"Bearer token-{state.tokens_issued}":
                return self._json(401, {"message": "Unauthorized"})
            if state.expire_token_once:
                state.expire_token_once = False
                return self._json(401, {"message": "token expired"})
            if state.failures:
                status, headers = state.failures.pop(0)
                return self._json(status, {"message": "slow down"}, headers)
            query = dict(urllib.parse.parse_qsl(url.query))
            state.reads.append(query)
            first, last = query["event_date"].split("|")
            matching = [
                r
                for r in state.rows
                if r["country"] == query["country"] and first <= r["event_date"] <= last
            ]
            limit, page = int(query["limit"]), int(query["page"])
            data = matching[(page - 1) * limit : page * limit]
            self._json(200, {"status": 200, "success": True, "count": len(data), "data": data})

    return Handler


@pytest.fixture
def fake_acled(monkeypatch) -> Iterator[tuple[FakeAcled, str]]:
    state = FakeAcled()
    with serving(make_handler(state)) as base:
        monkeypatch.setenv("ACLED_USERNAME", "researcher@example.org")
        monkeypatch.setenv("ACLED_PASSWORD", "s3cret")
        monkeypatch.setenv("ACLED_BASE_URL", base)
        yield state, base


def client(base: str, **options) -> AcledClient:
    waits: list[float] = []
    made = AcledClient(
        "researcher@example.org", "s3cret", base_url=base, sleep=waits.append, **options
    )
    made.waits = waits  # type: ignore[attr-defined]
    return made


def test_oauth_flow_and_paging(fake_acled):
    state, base = fake_acled
    api = client(base, page_size=2)
    rows = api.read("Mali", date(2023, 1, 1), date(2023, 12, 31))
    assert [r["event_id_cnty"] for r in rows] == ["MLI90401", "MLI90402", "MLI90403"]
    form = state.token_forms[0]
    assert form["grant_type"] == "password" and form["client_id"] == "acled"
    # three rows at two per page: page 1 full, page 2 short, then stop
    assert [q["page"] for q in state.reads] == ["1", "2"]
    assert state.reads[0]["event_date_where"] == "BETWEEN"
    assert state.reads[0]["_format"] == "json"
    assert state.tokens_issued == 1


def test_load_acled_api_gives_the_canonical_table(fake_acled):
    frame = events.load(
        "acled-api",
        country="Mali",
        start="2023-07-01",
        end="2023-07-31",
        resolve={"JNIM: Group for Support of Islam and Muslims": "jnim"}.get,
    )
    assert list(frame["event_id"]) == ["MLI90401", "MLI90402"]
    first = frame.iloc[0]
    assert first["dataset"] == "acled-api"
    assert first["deaths_best"] == 4
    assert first["group_ids"] == ["jnim"]
    assert first["actors"] == [
        "JNIM: Group for Support of Islam and Muslims",
        "Military Forces of Mali (2021-)",
        "Wagner Group",
    ]
    assert frame.iloc[1]["civilian_targeted"]
    assert frame.iloc[1]["latitude"] == pytest.approx(15.18)


def test_retries_on_429_and_5xx_honouring_retry_after(fake_acled):
    state, base = fake_acled
    state.failures = [(429, {"Retry-After": "7"}), (503, {}), (502, {})]
    api = client(base, backoff_seconds=0.5)
    rows = api.read("Mali", date(2023, 1, 1), date(2023, 12, 31))
    assert len(rows) == 3
    # Retry-After: 7 is honoured; then exponential backoff 0.5 * 2**1, 0.5 * 2**2
    assert api.waits == [7.0, 1.0, 2.0]


def test_gives_up_after_max_retries(fake_acled):
    state, base = fake_acled
    state.failures = [(500, {})] * 3
    api = client(base, max_retries=2, backoff_seconds=0)
    with pytest.raises(AcledApiError, match="HTTP 500.*after 3 attempts"):
        api.read("Mali", date(2023, 1, 1), date(2023, 12, 31))


def test_signs_in_again_when_the_token_expires(fake_acled):
    state, base = fake_acled
    api = client(base)
    api.token()
    state.expire_token_once = True
    assert len(api.read("Mali", date(2023, 1, 1), date(2023, 12, 31))) == 3
    assert state.tokens_issued == 2


def test_zero_rows_for_a_covered_period_fails_loudly(fake_acled):
    _, base = fake_acled
    with pytest.raises(AcledEmptyResultError, match="0 events for Mali from 2020-01-01"):
        client(base).read("Mali", date(2020, 1, 1), date(2020, 12, 31))
    assert client(base).read("Mali", date(2020, 1, 1), date(2020, 12, 31), allow_empty=True) == []


def test_bad_credentials_and_missing_credentials(fake_acled, monkeypatch):
    _, base = fake_acled
    wrong = AcledClient("researcher@example.org", "nope", base_url=base)
    with pytest.raises(AcledApiError, match="refused the sign-in .*bad credentials"):
        wrong.read("Mali", date(2023, 1, 1), date(2023, 12, 31))
    monkeypatch.delenv("ACLED_PASSWORD")
    with pytest.raises(AcledApiError, match="set ACLED_USERNAME .* and ACLED_PASSWORD"):
        AcledClient.from_environment()


def test_offline_is_a_clear_error():
    api = AcledClient("a@b.c", "x", base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(AcledApiError, match="cannot reach ACLED"):
        api.token()
