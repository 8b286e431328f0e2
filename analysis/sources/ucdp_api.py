"""The UCDP GED API with the user's access token -> the events, saved as a GED CSV.

UCDP's API answers ``GET {base}/api/gedevents/{version}?pagesize=N&page=P`` (pages count from
0; optional filters ``StartDate``, ``EndDate`` as YYYY-MM-DD and ``Country`` as Gleditsch-Ward
numbers) with ``{"TotalCount": n, "TotalPages": p, "PreviousPageUrl": ..., "NextPageUrl": ...,
"Result": [event, ...]}``, each event with GED's 49 columns. The API needs a token, sent as the
``x-ucdp-access-token`` header; it is read from ``UCDP_ACCESS_TOKEN`` and never recorded. The
base URL comes from ``UCDP_BASE_URL`` (default https://ucdpapi.pcr.uu.se), so that tests can
point it at a local server.

Pages are followed through ``NextPageUrl`` (only on the API's own host: the token is never sent
elsewhere) until it is empty, and checked against ``TotalPages`` and ``TotalCount``. The client
retries on HTTP 429 and 5xx, waiting what ``Retry-After`` asks or an exponential backoff. The
answer is written as a GED CSV (header in the documented order) to a temporary file that is
then renamed, so that the rows read are the rows kept.

Bounds (analysis.sources.limits): at most MALI_UCDP_API_MAX_PAGES pages (an answer announcing
more, or a NextPageUrl that does not lead to the next page, is refused at once), each answer at
most MALI_API_MAX_MB, read in chunks, within MALI_API_DEADLINE seconds.
"""

from __future__ import annotations

import csv
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from analysis.sources import http_json, limits, ucdp_ged
from analysis.sources.declaration import Declaration
from analysis.sources.ucdp_ged import GED_20_1_COLUMNS

#: What an answer of UCDP's GED API gives: the events of a GED release (or candidate release).
DECLARATION = Declaration("ucdp-api", "the UCDP API answer", types=ucdp_ged.TYPES_OF_VIOLENCE)
DEFAULT_BASE_URL = "https://ucdpapi.pcr.uu.se"
EVENTS_PATH = "/api/gedevents/{version}"
TOKEN_ENV = "UCDP_ACCESS_TOKEN"
BASE_URL_ENV = "UCDP_BASE_URL"
TOKEN_HEADER = "x-ucdp-access-token"
USER_AGENT = "mali-extremism-reports (research use)"


class UcdpApiError(RuntimeError):
    """The UCDP API refused or failed a request; the message says what to do."""


@dataclass
class UcdpClient:
    """A small UCDP API client: token header, paging by NextPageUrl, polite retries."""

    token: str
    base_url: str = DEFAULT_BASE_URL
    page_size: int = 1000
    max_retries: int = 5
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 120.0
    timeout_seconds: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    #: pages read for one request at most (None: MALI_UCDP_API_MAX_PAGES)
    max_pages: int | None = None
    #: seconds one HTTP request may take (None: MALI_API_DEADLINE)
    deadline_seconds: float | None = None
    #: bytes of the largest answer (None: MALI_API_MAX_MB)
    max_body_bytes: int | None = None

    @classmethod
    def from_environment(cls, base_url: str | None = None, **options) -> UcdpClient:
        """A client with the token in UCDP_ACCESS_TOKEN (a clear error when it is not set)."""
        token = os.environ.get(TOKEN_ENV, "").strip()
        if not token:
            raise UcdpApiError(
                f"set {TOKEN_ENV} to read the UCDP API: UCDP gives access tokens on request "
                "(https://ucdp.uu.se/apidocs/); without one, download the GED file with "
                "`make data` instead"
            )
        base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        return cls(token=token, base_url=base, **options)

    def events_url(self, version: str) -> str:
        """The endpoint of a GED version ('26.1', or a candidate version such as '26.0.3')."""
        return self.base_url.rstrip("/") + EVENTS_PATH.format(version=version)

    def query(
        self, start: date | None = None, end: date | None = None, countries: tuple[int, ...] = ()
    ) -> dict[str, str]:
        """The filters of a request (no credentials: the token travels in a header)."""
        query = {"pagesize": str(self.page_size), "page": "0"}
        if start is not None:
            query["StartDate"] = start.isoformat()
        if end is not None:
            query["EndDate"] = end.isoformat()
        if countries:
            query["Country"] = ",".join(str(c) for c in countries)
        return query

    def events(
        self,
        version: str,
        start: date | None = None,
        end: date | None = None,
        countries: tuple[int, ...] = (),
    ) -> list[dict]:
        """Every event of a GED version matching the filters, page after page."""
        url: str | None = (
            f"{self.events_url(version)}?"
            f"{urllib.parse.urlencode(self.query(start, end, countries))}"
        )
        rows: list[dict] = []
        pages = 0
        total_pages = total_count = None
        most = self.max_pages or limits.UCDP_API_PAGES.count()
        while url:
            answer = self._get(url, f"page {pages}")
            pages += 1
            if total_pages is None:
                total_pages, total_count = answer["TotalPages"], answer.get("TotalCount")
                self._check_totals(version, total_pages, total_count, most)
            rows.extend(answer["Result"])
            url = answer.get("NextPageUrl") or None
            if url is not None:
                self._check_next(url, pages)
            if pages > max(int(total_pages), 1):
                raise UcdpApiError(
                    f"UCDP API {self.events_url(version)}: NextPageUrl goes on after the "
                    f"{total_pages} pages TotalPages announced"
                )
        if pages < int(total_pages):
            raise UcdpApiError(
                f"UCDP API {self.events_url(version)}: {pages} page(s) read, but TotalPages "
                f"announced {total_pages}: the answer is incomplete; try again"
            )
        if isinstance(total_count, int) and total_count != len(rows):
            raise UcdpApiError(
                f"UCDP API {self.events_url(version)}: {len(rows)} events read, but TotalCount "
                f"announced {total_count}: the answer is incomplete; try again"
            )
        return rows

    def _check_totals(self, version: str, total_pages: int, total_count: object, most: int) -> None:
        """Refuse an answer announcing more pages than the bound, or a negative size."""
        where = f"UCDP API {self.events_url(version)}"
        if total_pages < 0 or (isinstance(total_count, int) and total_count < 0):
            raise UcdpApiError(
                f"{where}: TotalPages {total_pages} and TotalCount {total_count} are not sizes "
                "of an answer; the API answered wrongly, try again later"
            )
        if total_pages > most:
            raise UcdpApiError(
                f"{where}: TotalPages announces {total_pages:,} pages of {self.page_size:,} "
                f"events, more than the {most:,} pages read for one request "
                f"({limits.UCDP_API_PAGES.env}); ask for fewer countries or a shorter period, "
                f"or {limits.UCDP_API_PAGES.raise_hint(most)}"
            )

    def _check_next(self, url: str, pages: int) -> None:
        """Follow NextPageUrl only on the API's own host (the token goes with the request),
        and only to the page after the one read (never back, never far ahead)."""
        own = urllib.parse.urlsplit(self.base_url)
        other = urllib.parse.urlsplit(url)
        if (other.scheme, other.netloc) != (own.scheme, own.netloc):
            raise UcdpApiError(
                f"UCDP API: NextPageUrl {url} is not on {self.base_url}; not following it "
                "with the access token"
            )
        page = urllib.parse.parse_qs(other.query).get("page", [str(pages)])[-1]
        if page.strip() != str(pages):
            raise UcdpApiError(
                f"UCDP API: NextPageUrl {url[:200]} asks for page {page[:20]!r} after page "
                f"{pages - 1}, not page {pages}; the paging is broken, not following it"
            )

    def _get(self, url: str, what: str) -> dict:
        """One page, retried on 429 and 5xx; the decoded and checked JSON answer."""
        request = urllib.request.Request(
            url,
            headers={
                TOKEN_HEADER: self.token,
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
        )

        def refuse(status: int, detail: str) -> UcdpApiError | None:
            if status in (401, 403):
                return UcdpApiError(
                    f"UCDP refused the access token (HTTP {status}: {detail}); check "
                    f"{TOKEN_ENV}, or ask UCDP for a token (https://ucdp.uu.se/apidocs/)"
                )
            return None

        answer = http_json.get_json(self._api(), request, what, refuse)
        if (
            not isinstance(answer, dict)
            or not isinstance(answer.get("Result"), list)
            or not isinstance(answer.get("TotalPages"), int)
        ):
            raise UcdpApiError(
                f"UCDP API {what}: unexpected answer (no 'Result' list and 'TotalPages'): "
                f"{str(answer)[:200]}"
            )
        return answer

    def _api(self) -> http_json.Api:
        return http_json.Api(
            "UCDP API",
            f"the UCDP API at {self.base_url}",
            UcdpApiError,
            self.max_retries,
            self.backoff_seconds,
            self.max_wait_seconds,
            self.timeout_seconds,
            self.sleep,
            self.deadline_seconds,
            self.max_body_bytes,
        )


def save_csv(rows: list[dict], target: Path) -> Path:
    """Write API events as a GED CSV (the documented 49 columns, in order) to a temporary file
    in the target's folder, then rename it into place."""
    unknown = sorted({k for row in rows for k in row} - set(GED_20_1_COLUMNS))
    if unknown:
        raise UcdpApiError(
            f"UCDP API answer has field(s) the GED layout does not know: {', '.join(unknown)}; "
            "is this a newer GED version? Update GED_20_1_COLUMNS from its codebook"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(GED_20_1_COLUMNS)
            for row in rows:
                writer.writerow([_cell(row.get(name)) for name in GED_20_1_COLUMNS])
        os.chmod(temporary, 0o644)  # mkstemp makes it private; data/raw files are readable
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _cell(value: object) -> str:
    """A JSON value as GED's CSV writes it (true -> 1, null -> empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)
