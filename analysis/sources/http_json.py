"""One JSON request to a publisher's API (ACLED's, UCDP's), retried politely, within bounds.

HTTP 429 and 5xx, and a connection dropped mid-answer, are retried (analysis.sources.transfer's
rule, the one ``make data`` follows too), waiting what ``Retry-After`` asks (seconds or an HTTP
date) or else an exponential backoff, capped; a refusal the caller recognises (a bad token, a
failed sign-in) is raised as the caller's own error; anything else is one sentence naming the
API, the request and what went wrong. Each request has a deadline (MALI_API_DEADLINE seconds,
headers included) and a largest body (MALI_API_MAX_MB), read in chunks.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from analysis.sources import limits, transfer


@dataclass(frozen=True)
class Api:
    """How to talk about one API in errors, how patiently to retry it, and its bounds."""

    name: str  # 'ACLED', 'UCDP API': starts "<name> <request> failed with HTTP ..."
    place: str  # 'ACLED at https://...': "cannot reach <place> (...); are you offline?"
    error: type[Exception]
    max_retries: int
    backoff_seconds: float
    max_wait_seconds: float
    timeout_seconds: float
    sleep: Callable[[float], None]
    #: seconds one request may take, headers and body (None: limits.API_DEADLINE)
    deadline_seconds: float | None = None
    #: bytes of the largest answer read (None: limits.API_BODY_MB)
    max_body_bytes: int | None = None


def get_json(
    api: Api,
    request: urllib.request.Request,
    what: str,
    refuse: Callable[[int, str], BaseException | None] = lambda status, detail: None,
) -> object:
    """Send ``request``, retrying on 429, 5xx and a dropped connection; the decoded JSON
    answer. ``refuse(status, detail)`` may return the exception to raise for a refusal."""
    deadline = _deadline(api)
    max_bytes = _max_bytes(api)
    for attempt in range(api.max_retries + 1):
        last = attempt == api.max_retries
        try:
            with transfer.opened(request, api.timeout_seconds, time.monotonic() + deadline) as got:
                body = got.read_all(max_bytes)
            break
        except transfer.HttpStatus as error:
            detail = error_detail(error.detail, error.reason)
            refusal = refuse(error.code, detail)
            if refusal is not None:
                raise refusal from None
            retry = transfer.retryable(error.code)
            if not retry or last:
                raise api.error(
                    f"{api.name} {what} failed with HTTP {error.code}: {detail}"
                    + (f" after {attempt + 1} attempts" if retry else "")
                ) from None
            api.sleep(retry_wait(api, error.headers.get("Retry-After"), attempt))
        except transfer.DeadlineExceeded as exc:
            raise api.error(_late(api, what, deadline, exc)) from None
        except transfer.BodyTooLarge as exc:
            raise api.error(_too_large(api, what, max_bytes, exc)) from None
        except urllib.error.URLError as error:
            raise api.error(
                f"cannot reach {api.place} ({error.reason}); are you offline?"
            ) from None
        except (http.client.HTTPException, OSError) as error:
            # the connection dropped or stalled mid-answer: worth another try
            if last:
                raise api.error(
                    f"{api.name} {what}: the connection broke before the answer was complete "
                    f"({_reason(error)}) after {attempt + 1} attempts; try again later"
                ) from None
            api.sleep(retry_wait(api, None, attempt))
    return decode(api, body, what)


def decode(api: Api, body: bytes, what: str) -> object:
    """The JSON of an answer; text that is not UTF-8 or not JSON is one sentence."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise api.error(
            f"{api.name} {what}: the answer is not UTF-8 text: byte {exc.start + 1:,} is "
            f"0x{body[exc.start]:02x} ({body[max(exc.start - 40, 0) : exc.start + 10]!r}); "
            "JSON from the API is UTF-8, so this answer is damaged or not from the API"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise api.error(f"{api.name} {what}: the answer is not JSON: {body[:200]!r}") from None


def retry_wait(api: Api, retry_after: str | None, attempt: int) -> float:
    """Seconds to wait: what Retry-After asks (seconds or an HTTP date), else backoff."""
    return transfer.retry_wait(retry_after, attempt, api.backoff_seconds, api.max_wait_seconds)


def error_detail(body: bytes, reason: str) -> str:
    """The server's own words of an HTTP error: its JSON message, its text, or the reason."""
    text = body[:500].decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict):
            return str(
                parsed.get("error_description")
                or parsed.get("message")
                or parsed.get("error")
                or parsed
            )
    except json.JSONDecodeError:
        pass
    return text.strip() or reason


def _deadline(api: Api) -> float:
    return api.deadline_seconds or limits.API_DEADLINE.value()


def _max_bytes(api: Api) -> int:
    return api.max_body_bytes or int(limits.API_BODY_MB.value() * 1e6)


def _late(api: Api, what: str, deadline: float, exc: transfer.DeadlineExceeded) -> str:
    progress = (
        "the server had not finished sending its headers"
        if exc.in_headers
        else f"{exc.received:,} bytes of the answer had arrived"
    )
    return (
        f"{api.name} {what}: no complete answer within {deadline:g} s, the deadline of one "
        f"request ({progress}); {limits.API_DEADLINE.raise_hint(deadline)} (in seconds), or "
        "try again later"
    )


def _too_large(api: Api, what: str, max_bytes: int, exc: transfer.BodyTooLarge) -> str:
    said = f" (its Content-Length says {exc.received:,} bytes)" if exc.announced else ""
    return (
        f"{api.name} {what}: the answer is larger than {max_bytes / 1e6:g} MB{said}, the most "
        f"read for one request; {limits.API_BODY_MB.raise_hint(max_bytes / 1e6)} (in MB)"
    )


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__
