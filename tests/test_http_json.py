"""The retry wait shared by the ACLED and UCDP API clients (analysis.sources.http_json)."""

from __future__ import annotations

from analysis.sources import http_json


class _Refused(RuntimeError):
    pass


API = http_json.Api("Test API", "the test API", _Refused, 3, 2.0, 120.0, 1.0, lambda s: None)


def test_retry_wait_seconds_date_and_backoff():
    assert http_json.retry_wait(API, "7", 0) == 7.0
    assert http_json.retry_wait(API, "600", 0) == 120.0  # capped at max_wait_seconds
    # an HTTP date already past: no wait; one far ahead: the cap
    assert http_json.retry_wait(API, "Wed, 21 Oct 2015 07:28:00 GMT", 0) == 0.0
    assert http_json.retry_wait(API, "Fri, 01 Jan 2100 00:00:00 GMT", 0) == 120.0
    # no or unreadable Retry-After: 2, 4, 8 seconds (backoff_seconds * 2**attempt)
    assert [http_json.retry_wait(API, None, a) for a in range(3)] == [2.0, 4.0, 8.0]
    assert http_json.retry_wait(API, "soon", 1) == 4.0
