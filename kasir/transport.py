"""Bounded HTTP: every request has an overall deadline and a body-size cap, whatever the server does.

A server that trickles one byte every few seconds keeps each read under its timeout forever,
and a small gzip body can inflate to gigabytes. So bodies are read raw, decompressed here with
a running limit, and abandoned when the deadline passes. ``httpx`` is imported on first use:
the first paint of the window does not need it.
"""

from __future__ import annotations

import functools
import logging
import math
import sys
import time
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any

from kasir.errors import ApiTimeoutError, NetworkError, ResponseTooLargeError

if TYPE_CHECKING:
    import ssl

    import httpx

log = logging.getLogger(__name__)

# httpx imports its command-line tool (click, rich: 60 ms, ahead of the first login) wherever a
# developer's tools installed them; the app never runs it and the package leaves it out (build.spec).
# An entry of None makes that import fail, so httpx takes its own fallback, here as in the package.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

MAX_BODY_BYTES = 5 * 1024 * 1024  # a month of busy mutasi is well under 1 MB
DEFAULT_DEADLINE_S = 20.0
MIN_COOLDOWN_S = 1.0
MAX_COOLDOWN_S = 600.0
DEFAULT_COOLDOWN_S = 300.0  # public clients wait five minutes after "terlalu sering"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)  # wall clock, for the server's Date


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context (certifi's CA bundle, as httpx builds it) for every https client of a run:
    reading the bundle costs 20 ms, which the worker's client and the login's each paid before."""
    import httpx

    return httpx.create_ssl_context()


def read_capped(response: httpx.Response, deadline: float, max_bytes: int) -> bytes:
    """The decompressed body, or an error once it passes ``max_bytes`` or ``deadline`` (monotonic)."""
    declared = response.headers.get("Content-Length", "")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if declared.isdigit() and encoding == "identity" and int(declared) > max_bytes:
        raise ResponseTooLargeError(f"declared {declared} bytes")
    if response.is_stream_consumed:  # a body already in memory (httpx.MockTransport in tests)
        if len(response.content) > max_bytes:
            raise ResponseTooLargeError(f"more than {max_bytes} bytes")
        return response.content
    decoder = _decoder(encoding)
    parts: list[bytes] = []
    size = 0
    for raw in response.iter_raw():  # no chunk size: httpx would buffer a trickle until it fills
        data = raw if decoder is None else _inflate(decoder, raw, max_bytes - size)
        size += len(data)
        if size > max_bytes:
            raise ResponseTooLargeError(f"more than {max_bytes} bytes")
        parts.append(data)
        if time.monotonic() > deadline:
            raise ApiTimeoutError("overall deadline passed while reading the body")
    if decoder is not None:
        tail = decoder.flush()
        if size + len(tail) > max_bytes:
            raise ResponseTooLargeError(f"more than {max_bytes} bytes")
        parts.append(tail)
    return b"".join(parts)


def _decoder(encoding: str) -> Any:
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(47)  # 32 + 15: gzip or zlib header, detected
    raise NetworkError(f"unsupported Content-Encoding {encoding!r}")


def _inflate(decoder: Any, raw: bytes, room: int) -> bytes:
    """Inflate at most ``room + 1`` bytes: a bomb is noticed before it is expanded.

    Output longer than ``room`` tells the caller the cap is passed; what zlib kept back
    (``unconsumed_tail``) is never expanded.
    """
    try:
        return bytes(decoder.decompress(raw, max(1, room + 1)))  # max_length 0 would mean "no limit"
    except zlib.error as exc:
        raise NetworkError(f"corrupt compressed body ({exc})") from None


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date), clamped to 1 s–10 min.

    Anything unreadable means the documented five minutes; ``86400`` or ``1e300`` must not stop
    payment polling for a day or crash the watcher.
    """
    text = (headers.get("Retry-After") or "").strip()
    if not text:
        return DEFAULT_COOLDOWN_S
    try:
        seconds = float(text)
    except ValueError:
        when = _http_date(text)
        if when is None:
            return DEFAULT_COOLDOWN_S
        seconds = when - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return DEFAULT_COOLDOWN_S
    return min(MAX_COOLDOWN_S, max(MIN_COOLDOWN_S, seconds))


def server_offset(headers: Mapping[str, str], received_at: float) -> float | None:
    """Server clock minus this PC's clock, in seconds, from the HTTP ``Date`` header (±1 s)."""
    when = _http_date(headers.get("Date") or "")
    if when is None:
        return None
    # Date has whole seconds and is stamped somewhere inside the last second: +0.5 centres it.
    return when + 0.5 - received_at


def _http_date(text: str) -> float | None:
    """An HTTP date (``Wed, 25 Nov 2026 10:00:00 GMT``) as a Unix time, or None when unreadable."""
    if not text:
        return None
    import email.utils  # deferred: ~10 ms at start, and only an answer (on the worker) needs it

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def abortable_backend() -> Any:
    """An httpcore network backend that bounds a whole request and can cut it from another thread.

    - Every socket operation of a request started under :meth:`deadline` gets at most the time left
      until that moment: a server that trickles its status line and headers a byte at a time keeps
      each read under the read timeout forever, so a per-read timeout alone never ends it (a request
      stayed blocked over 100 s). The body is bounded by :func:`read_capped` as well.
    - Closing an httpx client does not wake a thread blocked reading a socket; shutting the socket
      down does. Closing the app with a hung request must take under two seconds, not the deadline.
    """
    import socket
    import threading
    import weakref
    from contextlib import contextmanager, suppress

    import httpcore

    class Backend(httpcore.SyncBackend):
        def __init__(self) -> None:
            super().__init__()
            self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
            self._local = threading.local()

        @contextmanager
        def deadline(self, at: float) -> Any:
            """Requests made inside this block, on this thread, end by ``at`` (``time.monotonic``)."""
            self._local.at = at
            try:
                yield
            finally:
                self._local.at = None

        def remaining(self, timeout: float | None) -> float | None:
            at: float | None = getattr(self._local, "at", None)
            if at is None:
                return timeout
            left = at - time.monotonic()
            if left <= 0:
                raise httpcore.ReadTimeout("the request's overall deadline passed")
            return left if timeout is None else min(timeout, left)

        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            if len(args) > 2:
                args = (*args[:2], self.remaining(args[2]), *args[3:])
            else:
                kwargs["timeout"] = self.remaining(kwargs.get("timeout"))
            stream = super().connect_tcp(*args, **kwargs)
            sock = stream.get_extra_info("socket")
            if sock is not None:
                self._sockets.add(sock)
            return Stream(stream, self)

        def abort(self) -> None:
            for sock in list(self._sockets):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    class Stream(httpcore.NetworkStream):
        """A connection whose every read and write waits no longer than its request has left."""

        def __init__(self, inner: httpcore.NetworkStream, backend: Backend) -> None:
            self._inner, self._backend = inner, backend

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, self._backend.remaining(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, self._backend.remaining(timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
            inner = self._inner.start_tls(ssl_context, server_hostname, self._backend.remaining(timeout))
            return Stream(inner, self._backend)

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    return Backend()


def install_backend(client: httpx.Client) -> Any:
    """Put :func:`abortable_backend` under an httpx client's connection pool; None when the client
    has no such pool (a mock transport in tests)."""
    pool = getattr(client._transport, "_pool", None)  # httpx.HTTPTransport's httpcore pool
    if pool is None or not hasattr(pool, "_network_backend"):
        return None
    backend = abortable_backend()
    pool._network_backend = backend
    return backend


@contextmanager
def bounded_request(backend: Any, deadline: float) -> Iterator[None]:
    """Inside this block a request on ``backend`` ends by ``deadline``, headers and connect included."""
    if backend is None:
        yield
        return
    with backend.deadline(deadline):
        yield
