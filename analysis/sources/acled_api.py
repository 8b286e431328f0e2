"""The ACLED API with the user's own account -> the same table as an ACLED export.

ACLED retired its key-and-e-mail access in 2025. The current flow, used here:

1. ``POST {base}/oauth/token`` with form fields ``username``, ``password``,
   ``grant_type=password`` and ``client_id=acled`` returns an OAuth ``access_token``.
2. ``GET {base}/api/acled/read?_format=json&country=...&event_date=START|END
   &event_date_where=BETWEEN&limit=N&page=P`` with ``Authorization: Bearer <token>``
   returns ``{"status": 200, "success": true, "count": n, "data": [...]}``. Pages are read
   until one comes back with fewer than ``limit`` rows.

Credentials come from the environment variables ``ACLED_USERNAME`` (the account's e-mail)
and ``ACLED_PASSWORD``; the base URL from ``ACLED_BASE_URL`` (default
https://acleddata.com), so that tests can point it at a local server. The client retries
politely on HTTP 429 and 5xx, waiting what ``Retry-After`` asks or else an exponential
backoff, and re-authenticates once if the token expires while paging. A request that
returns no rows for a country and period ACLED covers raises ``AcledEmptyResultError``:
it almost always means an account without access to that data, not a quiet year.

Bounds (analysis.sources.limits): at most MALI_ACLED_API_MAX_ROWS rows for one request (a
server that keeps sending full pages is stopped there), each answer at most MALI_API_MAX_MB,
read in chunks, within MALI_API_DEADLINE seconds.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from analysis.sources import acled, http_json, limits
from analysis.sources.declaration import Declaration

#: What an answer of ACLED's API gives: the events of an export (analysis.sources.acled).
DECLARATION = Declaration(
    "acled-api", "the ACLED API answer", left_out=acled.NOT_ATTACKS, types=acled.ACLED_TYPES
)
DEFAULT_BASE_URL = "https://acleddata.com"
TOKEN_PATH = "/oauth/token"
READ_PATH = "/api/acled/read"
CLIENT_ID = "acled"
USERNAME_ENV = "ACLED_USERNAME"
PASSWORD_ENV = "ACLED_PASSWORD"
BASE_URL_ENV = "ACLED_BASE_URL"
#: ACLED covers Africa from 1997; a request inside that span should return events.
COVERAGE_START = date(1997, 1, 1)
USER_AGENT = "mali-extremism-reports (+https://github.com/; research use)"


class AcledApiError(RuntimeError):
    """The ACLED API refused or failed a request; the message says what to do."""


class AcledEmptyResultError(AcledApiError):
    """ACLED returned no events for a country and period that it covers."""


@dataclass
class AcledClient:
    """A small ACLED API client: OAuth password grant, paging, polite retries."""

    username: str
    password: str
    base_url: str = DEFAULT_BASE_URL
    page_size: int = 5000
    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 120.0
    timeout_seconds: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    #: rows read for one request at most (None: MALI_ACLED_API_MAX_ROWS)
    max_rows: int | None = None
    #: seconds one HTTP request may take (None: MALI_API_DEADLINE)
    deadline_seconds: float | None = None
    #: bytes of the largest answer (None: MALI_API_MAX_MB)
    max_body_bytes: int | None = None
    _token: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, base_url: str | None = None, **options) -> AcledClient:
        """A client with the credentials in ACLED_USERNAME / ACLED_PASSWORD."""
        username = os.environ.get(USERNAME_ENV, "").strip()
        password = os.environ.get(PASSWORD_ENV, "")
        if not username or not password:
            raise AcledApiError(
                f"set {USERNAME_ENV} (your ACLED account e-mail) and {PASSWORD_ENV} to read "
                "the ACLED API; register at https://acleddata.com (the old API key and e-mail "
                "parameters were retired in 2025)"
            )
        base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        return cls(username=username, password=password, base_url=base, **options)

    def token(self) -> str:
        """An OAuth access token (fetched once, then reused)."""
        if self._token is None:
            form = urllib.parse.urlencode(
                {
                    "username": self.username,
                    "password": self.password,
                    "grant_type": "password",
                    "client_id": CLIENT_ID,
                }
            ).encode()
            request = urllib.request.Request(
                self._url(TOKEN_PATH),
                data=form,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "User-Agent": USER_AGENT,
                },
                method="POST",
            )
            answer = self._send(request, what="sign-in")
            token = answer.get("access_token") if isinstance(answer, dict) else None
            if not token:
                raise AcledApiError(
                    f"ACLED sign-in at {self._url(TOKEN_PATH)} answered without an access_token"
                )
            self._token = str(token)
        return self._token

    def read(self, country: str, start: date, end: date, allow_empty: bool = False) -> list[dict]:
        """Every event of a country between two dates (inclusive), page by page."""
        rows: list[dict] = []
        most = self.max_rows or limits.ACLED_API_ROWS.count()
        page = 1
        while True:
            batch = self._read_page(country, start, end, page)
            rows.extend(batch)
            if len(batch) < self.page_size:
                break
            if len(rows) >= most:
                raise AcledApiError(
                    f"ACLED read stopped after page {page}: {len(rows):,} rows for {country} "
                    f"from {start.isoformat()} to {end.isoformat()}, the most read for one "
                    f"request ({limits.ACLED_API_ROWS.env}={most}), and ACLED still sends full "
                    f"pages; ask for a shorter period, or {limits.ACLED_API_ROWS.raise_hint(most)}"
                )
            page += 1
        if not rows and not allow_empty and _covered(start, end):
            raise AcledEmptyResultError(
                f"ACLED returned 0 events for {country} from {start.isoformat()} to "
                f"{end.isoformat()}, a period ACLED covers. Check the country's spelling as "
                "ACLED writes it, and that your account's access level includes these dates "
                "(some accounts only see data older than a year, or aggregated data)."
            )
        return rows

    def _read_page(self, country: str, start: date, end: date, page: int) -> list[dict]:
        query = urllib.parse.urlencode(
            {
                "_format": "json",
                "country": country,
                "event_date": f"{start.isoformat()}|{end.isoformat()}",
                "event_date_where": "BETWEEN",
                "limit": self.page_size,
                "page": page,
            }
        )
        for attempt in range(2):
            request = urllib.request.Request(
                f"{self._url(READ_PATH)}?{query}",
                headers={
                    "Authorization": f"Bearer {self.token()}",
                    "Accept": "application/json",
                    "User-Agent": USER_AGENT,
                },
            )
            try:
                answer = self._send(request, what=f"read page {page}")
            except _Unauthorised:
                if attempt:
                    raise AcledApiError(
                        "ACLED refused the access token twice; check the account's API access"
                    ) from None
                self._token = None  # expired while paging: sign in again once
                continue
            break
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
            raise AcledApiError(
                f"ACLED read page {page}: unexpected answer (no 'data' list): {str(answer)[:200]}"
            )
        if answer.get("success") is False:
            raise AcledApiError(f"ACLED read page {page}: {answer.get('error') or answer}")
        return answer["data"]

    def _send(self, request: urllib.request.Request, what: str) -> object:
        """Send a request, retrying on 429 and 5xx; return the decoded JSON."""

        def refuse(status: int, detail: str) -> Exception | None:
            if status == 401 and what != "sign-in":
                return _Unauthorised()
            if status in (400, 401, 403) and what == "sign-in":
                return AcledApiError(
                    f"ACLED refused the sign-in (HTTP {status}: {detail}); check "
                    f"{USERNAME_ENV} and {PASSWORD_ENV}"
                )
            return None

        api = http_json.Api(
            "ACLED",
            f"ACLED at {self.base_url}",
            AcledApiError,
            self.max_retries,
            self.backoff_seconds,
            self.max_wait_seconds,
            self.timeout_seconds,
            self.sleep,
            self.deadline_seconds,
            self.max_body_bytes,
        )
        return http_json.get_json(api, request, what, refuse)

    def _url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


class _Unauthorised(Exception):
    """HTTP 401 on a data request: the token expired."""


def _covered(start: date, end: date) -> bool:
    return end >= COVERAGE_START and start <= date.today()
