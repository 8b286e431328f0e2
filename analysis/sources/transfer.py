"""HTTP transfers a server cannot stretch: one deadline for the whole request, a body read in
chunks up to a size, and the one retry rule of ``make data`` and the API clients.

A socket timeout bounds each wait for data, not a transfer: a server that sends a byte every
few seconds, in its headers or its body, never trips it. So each connection is cut at the
request's deadline (a timer shuts its socket down, which wakes a read blocked on it, whether
urllib is still reading the status line and headers or the caller the body), and the caller
gets ``DeadlineExceeded`` instead of a half answer. HTTP 429 and 5xx are worth retrying
(``retryable``), after what ``Retry-After`` asks (seconds or an HTTP date) or an exponential
backoff, capped (``retry_wait``).
"""

from __future__ import annotations

import email.utils
import functools
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.message import Message

#: Bytes asked for per read of a body.
CHUNK_BYTES = 1 << 20


class DeadlineExceeded(Exception):
    """The request passed its deadline; ``received`` bytes of the body had arrived, and
    ``in_headers`` says the server had not even finished its status line and headers."""

    def __init__(self, received: int = 0, in_headers: bool = False) -> None:
        super().__init__(f"deadline passed after {received} bytes")
        self.received = received
        self.in_headers = in_headers


class HttpStatus(Exception):
    """The server answered with an error status (4xx, 5xx, or 3xx when redirects loop):
    ``detail`` is the start of its body (at most 500 bytes, read within the deadline)."""

    def __init__(self, code: int, reason: str, headers: Message, detail: bytes) -> None:
        super().__init__(f"HTTP {code} {reason}")
        self.code = code
        self.reason = reason
        self.headers = headers
        self.detail = detail


class BodyTooLarge(Exception):
    """The body is larger than the size the caller reads (``announced``: the server said so
    in Content-Length before sending it)."""

    def __init__(self, received: int, announced: bool = False) -> None:
        super().__init__(f"body larger than allowed after {received} bytes")
        self.received = received
        self.announced = announced


def retryable(status: int) -> bool:
    """HTTP statuses worth another try: 429 (too many requests) and 5xx (server trouble)."""
    return status == 429 or 500 <= status < 600


def retry_wait(retry_after: str | None, attempt: int, backoff: float, max_wait: float) -> float:
    """Seconds to wait before another try: what Retry-After asks (seconds or an HTTP date),
    else ``backoff * 2**attempt``; never more than ``max_wait``."""
    if retry_after:
        retry_after = retry_after.strip()
        if retry_after.isdigit():
            return min(float(retry_after), max_wait)
        try:
            moment = email.utils.parsedate_to_datetime(retry_after)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            delay = (moment - datetime.now(UTC)).total_seconds()
            return min(max(delay, 0.0), max_wait)
    return min(backoff * 2**attempt, max_wait)


class _Cutter:
    """Shuts down every socket of one request when its deadline comes."""

    def __init__(self, deadline_at: float) -> None:
        self.deadline_at = deadline_at
        self.fired = False
        self.timers: list[threading.Timer] = []

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()

    def watch(self, sock: socket.socket) -> None:
        timer = threading.Timer(max(self.remaining(), 0.0), self.cut, args=(sock,))
        timer.daemon = True  # never keeps the interpreter alive
        self.timers.append(timer)
        timer.start()

    def cut(self, sock: socket.socket) -> None:
        self.fired = True
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed: the transfer ended in time
            pass

    def cancel(self) -> None:
        for timer in self.timers:
            timer.cancel()


class _Connection(http.client.HTTPConnection):
    """An HTTP connection whose socket is shut down at the request's deadline."""

    def __init__(self, *args, deadline_cutter: _Cutter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_cutter = deadline_cutter

    def connect(self) -> None:
        # connecting, too, ends by the deadline
        self.timeout = _bounded_timeout(self.timeout, self.deadline_cutter)
        super().connect()
        self.deadline_cutter.watch(self.sock)


class _SecureConnection(http.client.HTTPSConnection):
    """An HTTPS connection whose socket is shut down at the request's deadline."""

    def __init__(self, *args, deadline_cutter: _Cutter, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_cutter = deadline_cutter

    def connect(self) -> None:
        self.timeout = _bounded_timeout(self.timeout, self.deadline_cutter)
        super().connect()
        self.deadline_cutter.watch(self.sock)


def _bounded_timeout(timeout: object, cutter: _Cutter) -> float:
    remaining = cutter.remaining()
    if remaining <= 0:
        cutter.fired = True
        raise TimeoutError("the deadline passed before connecting")
    if isinstance(timeout, int | float):
        return min(float(timeout), remaining)
    return remaining


class _HttpHandler(urllib.request.HTTPHandler):
    def __init__(self, cutter: _Cutter) -> None:
        super().__init__()
        self.deadline_cutter = cutter

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            functools.partial(_Connection, deadline_cutter=self.deadline_cutter), req
        )


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The system's certificates, loaded once (a UCDP read may take hundreds of pages)."""
    return ssl.create_default_context()


class _HttpsHandler(urllib.request.HTTPSHandler):
    def __init__(self, cutter: _Cutter) -> None:
        self.ssl_context = _ssl_context()
        super().__init__(context=self.ssl_context)
        self.deadline_cutter = cutter

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            functools.partial(_SecureConnection, deadline_cutter=self.deadline_cutter),
            req,
            context=self.ssl_context,
        )


class Body:
    """The answer of an opened request: its headers, and its body read in chunks within the
    deadline (``received`` counts the bytes so far)."""

    def __init__(self, response: http.client.HTTPResponse, cutter: _Cutter) -> None:
        self.response = response
        self.headers = response.headers
        self.received = 0
        self._cutter = cutter

    def chunks(self, size: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The body, chunk by chunk as it arrives; DeadlineExceeded when it is cut."""
        # read1 returns what has arrived: a trickle cannot hold one read past the deadline
        read = getattr(self.response, "read1", self.response.read)
        while True:
            try:
                chunk = read(size)
            except (http.client.HTTPException, OSError, ValueError):
                if self._cutter.fired:
                    raise DeadlineExceeded(self.received) from None
                raise
            if not chunk:
                if self._cutter.fired:  # cut at the deadline, not the end of the body
                    raise DeadlineExceeded(self.received)
                return
            self.received += len(chunk)
            if self._cutter.remaining() < 0:
                raise DeadlineExceeded(self.received)
            yield chunk

    def read_all(self, max_bytes: int) -> bytes:
        """The whole body, refused (BodyTooLarge) past ``max_bytes``, at once when the
        server announces more; shorter than announced, http.client.IncompleteRead."""
        announced = self.headers.get("Content-Length", "")
        if announced.strip().isdigit() and int(announced) > max_bytes:
            raise BodyTooLarge(int(announced), announced=True)
        parts = []
        for chunk in self.chunks():
            if self.received > max_bytes:
                raise BodyTooLarge(self.received)
            parts.append(chunk)
        body = b"".join(parts)
        if announced.strip().isdigit() and len(body) < int(announced):
            # read1 ends quietly where the connection does: a cut answer is not a whole one
            raise http.client.IncompleteRead(body, int(announced) - len(body))
        return body


@contextmanager
def opened(request: urllib.request.Request, timeout: float, deadline_at: float) -> Iterator[Body]:
    """Open ``request`` (urllib: redirects followed, HTTPError for 4xx/5xx) with ``timeout``
    seconds per wait for data and its connection cut at ``deadline_at`` (time.monotonic());
    a deadline passed while the server still sends its headers raises DeadlineExceeded, an
    error status HttpStatus."""
    cutter = _Cutter(deadline_at)
    if cutter.remaining() <= 0:
        raise DeadlineExceeded(0, in_headers=True)
    opener = urllib.request.build_opener(_HttpHandler(cutter), _HttpsHandler(cutter))
    try:
        try:
            response = opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            raise HttpStatus(error.code, str(error.reason), error.headers, _detail(error)) from None
        except (http.client.HTTPException, OSError):
            if cutter.fired:
                raise DeadlineExceeded(0, in_headers=True) from None
            raise
        with response:
            if cutter.fired:  # http.client takes the end of the stream for the end of headers
                raise DeadlineExceeded(0, in_headers=True)
            yield Body(response, cutter)
    finally:
        cutter.cancel()


def _detail(error: urllib.error.HTTPError) -> bytes:
    """The start of an error answer's body (an error page can be huge or trickle)."""
    try:
        return error.read(500)
    except (http.client.HTTPException, OSError, ValueError):
        return b""
