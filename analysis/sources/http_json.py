"""One JSON request to a publisher's API (ACLED's, UCDP's), retried politely.

HTTP 429 and 5xx are retried, waiting what ``Retry-After`` asks (seconds or an HTTP date) or
else an exponential backoff, capped; a refusal the caller recognises (a bad token, a failed
sign-in) is raised as the caller's own error; anything else is one sentence naming the API,
the request and the HTTP status with the server's own words.
"""

from __future__ import annotations

import email.utils
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Api:
    """How to talk about one API in errors, and how patiently to retry it."""

    name: str  # 'ACLED', 'UCDP API': starts "<name> <request> failed with HTTP ..."
    place: str  # 'ACLED at https://...': "cannot reach <place> (...); are you offline?"
    error: type[Exception]
    max_retries: int
    backoff_seconds: float
    max_wait_seconds: float
    timeout_seconds: float
    sleep: Callable[[float], None]


def get_json(
    api: Api,
    request: urllib.request.Request,
    what: str,
    refuse: Callable[[int, str], BaseException | None] = lambda status, detail: None,
) -> object:
    """Send ``request``, retrying on 429 and 5xx; the decoded JSON answer. ``refuse(status,
    detail)`` may return the exception to raise for a refusal (401, 403...)."""
    for attempt in range(api.max_retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=api.timeout_seconds) as response:
                body = response.read()
            break
        except urllib.error.HTTPError as error:
            detail = error_detail(error)
            refusal = refuse(error.code, detail)
            if refusal is not None:
                raise refusal from None
            retryable = error.code == 429 or 500 <= error.code < 600
            if not retryable or attempt == api.max_retries:
                raise api.error(
                    f"{api.name} {what} failed with HTTP {error.code}: {detail}"
                    + (f" after {attempt + 1} attempts" if retryable else "")
                ) from None
            api.sleep(retry_wait(api, error.headers.get("Retry-After"), attempt))
        except urllib.error.URLError as error:
            raise api.error(
                f"cannot reach {api.place} ({error.reason}); are you offline?"
            ) from None
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        raise api.error(f"{api.name} {what}: the answer is not JSON: {body[:200]!r}") from None


def retry_wait(api: Api, retry_after: str | None, attempt: int) -> float:
    """Seconds to wait: what Retry-After asks (seconds or an HTTP date), else backoff."""
    if retry_after:
        retry_after = retry_after.strip()
        if retry_after.isdigit():
            return min(float(retry_after), api.max_wait_seconds)
        try:
            moment = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            delay = (moment - datetime.now(UTC)).total_seconds()
            return min(max(delay, 0.0), api.max_wait_seconds)
    return min(api.backoff_seconds * 2**attempt, api.max_wait_seconds)


def error_detail(error: urllib.error.HTTPError) -> str:
    """The server's own words of an HTTP error: its JSON message, its text, or the reason."""
    try:
        body = error.read()[:500].decode("utf-8", errors="replace")
    except OSError:
        body = ""
    try:
        parsed = json.loads(body)
        if isinstance(parsed, dict):
            return str(
                parsed.get("error_description")
                or parsed.get("message")
                or parsed.get("error")
                or parsed
            )
    except json.JSONDecodeError:
        pass
    return body.strip() or str(error.reason)
