"""The simulator's fault lab: every way a hostile or broken server has been seen to answer.

Tests inject these into a running :class:`kasir.simulator.OrkutSimulator` (``inject``, or the
``/_sim/fault`` control route); the demo never does. Kept apart from the demo server, which plays the
service as it answers (its routes and the answer shapes public clients have met).
"""

from __future__ import annotations

import json
import time
import zlib
from http.server import BaseHTTPRequestHandler
from typing import Any, Protocol

from kasir import qris


class Server(Protocol):
    """What the fault lab needs of the simulator it plays in (kasir.simulator.OrkutSimulator)."""

    base_qr: str
    other_base_qr: str
    gateway_path: str

    @property
    def stopping(self) -> bool: ...

    def wait(self, seconds: float) -> None: ...

    def qr_answer(self, nominal: int, payload: str) -> dict[str, Any]: ...


FAULTS = (
    "http500",  # HTTP 500 with an HTML page
    "http401",  # API key refused
    "http429",  # rate limited by status
    "http469",  # rate limited, OrderKuota's own status
    "rate_message",  # HTTP 200 with "terlalu sering"
    "html",  # HTTP 200 with an HTML error page
    "malformed",  # truncated JSON
    "empty",  # empty body
    "wrong_shape",  # JSON of an unexpected shape (a list)
    "wrong_keys",  # a JSON object with none of the keys the route answers
    "hang",  # no answer until the client gives up (bounded)
    "drop",  # connection closed without an answer
    "session_expired",  # the token is refused
    "gen_error",  # {"error": "Gagal generate QRIS"}
    "bad_qr_crc",  # generate returns a QR whose CRC is wrong
    "bad_qr_amount",  # generate returns a valid QR for another amount
    "foreign_qr",  # generate returns a valid QR of another merchant
    "trickle",  # a valid answer, one byte every 0.5 s (each read is quick; the whole never ends in time)
    "trickle_headers",  # the status line and headers themselves, one byte every 0.5 s
    "huge",  # a 40 MB JSON answer
    "gzip_bomb",  # 0.5 MB of gzip that inflates to 512 MB
    "retry_huge",  # HTTP 429 with Retry-After: 1e300
    "retry_day",  # HTTP 429 with Retry-After: 86400
)
HANG_LIMIT_S = 30.0  # a hung or trickling answer gives up after this (the client should, long before)
WRITTEN = frozenset({"trickle", "trickle_headers", "gzip_bomb", "retry_huge", "retry_day"})  # see serve()
QR_FAULTS = frozenset({"bad_qr_crc", "bad_qr_amount", "foreign_qr"})
_JSON = "application/json"
_HTML = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
_SIMPLE: dict[str, tuple[int, bytes, str]] = {
    "http500": (500, _HTML.encode(), "text/html"),
    "http401": (401, b'{"success": false, "message": "Unauthorized"}', _JSON),
    "http429": (429, b'{"success": false, "message": "Too Many Requests"}', _JSON),
    "http469": (469, b'{"success": false, "message": "Anda terlalu sering melakukan request"}', _JSON),
    "rate_message": (200, b'{"success": false, "message": "Terlalu sering, coba kembali 5 menit lagi"}', _JSON),
    "html": (200, _HTML.encode(), "text/html"),
    "malformed": (200, b'{"status": "success", "data": [{"date": ', _JSON),
    "empty": (200, b"", _JSON),
    "wrong_shape": (200, b'["unexpected", 1, 2]', _JSON),
    "wrong_keys": (200, b'{"status": "success", "result": "ok"}', _JSON),
    "session_expired": (200, b'{"success": false, "message": "Token expired, silakan login ulang"}', _JSON),
    "gen_error": (200, b'{"error": "Gagal generate QRIS"}', _JSON),
}


def answer(sim: Server, kind: str, path: str, body: dict[str, Any]) -> tuple[int, bytes, str] | None:
    """The raw answer for a fault, or None when the fault is not answered this way on this route."""
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind == "huge":
        return 200, huge_body(), _JSON
    if kind in QR_FAULTS and path in ("/kasir/orkut/generate", sim.gateway_path):
        nominal = int(str(body.get("nominal", "1")) or 1)
        payload = bad_qr(sim, kind, nominal)
        answered = (
            sim.qr_answer(nominal, payload)
            if path != sim.gateway_path
            else {"status": "success", "data": {"qris_content": payload}}
        )
        return 200, json.dumps(answered).encode(), _JSON
    return None


def bad_qr(sim: Server, kind: str, nominal: int) -> str:
    """A QR the gate must refuse: a wrong CRC, another amount, or another merchant's."""
    if kind == "bad_qr_crc":
        good = qris.to_dynamic(sim.base_qr, nominal)
        return good[:-4] + ("0000" if not good.endswith("0000") else "FFFF")
    if kind == "bad_qr_amount":
        return qris.to_dynamic(sim.base_qr, nominal + 1000)
    return qris.to_dynamic(sim.other_base_qr, nominal)


def serve(handler: BaseHTTPRequestHandler, fault: str, sim: Server) -> None:
    """Write an answer that is hostile in how it travels (its timing, its encoding, its headers)."""
    try:
        if fault in ("retry_huge", "retry_day"):
            body = b'{"success": false, "message": "Too Many Requests"}'
            handler.send_response(429)
            handler.send_header("Retry-After", "1e300" if fault == "retry_huge" else "86400")
            _headers(handler, body)
            handler.wfile.write(body)
        elif fault == "gzip_bomb":
            body = gzip_bomb()
            handler.send_response(200)
            handler.send_header("Content-Encoding", "gzip")
            _headers(handler, body)
            handler.wfile.write(body)
        elif fault == "trickle_headers":  # the status line and headers, one byte every 0.5 s
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Pad: " + b"x" * 200 + b"\r\n"
            _trickle(handler, head, sim)
        else:  # trickle: a fine answer, one byte at a time, until the client gives up
            body = b'{"status": "success", "message": "no data"}' + b" " * 10_000
            handler.send_response(200)
            _headers(handler, body)
            _trickle(handler, body, sim)
    except OSError:
        pass  # the client gave up: that is the point
    handler.close_connection = True


def _headers(handler: BaseHTTPRequestHandler, body: bytes) -> None:
    handler.send_header("Content-Type", _JSON)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()


def _trickle(handler: BaseHTTPRequestHandler, data: bytes, sim: Server) -> None:
    """Every read the client makes is quick; the whole never arrives within any sane deadline."""
    deadline = time.monotonic() + HANG_LIMIT_S
    for i in range(len(data)):
        if sim.stopping or time.monotonic() > deadline:
            break
        handler.wfile.write(data[i : i + 1])
        handler.wfile.flush()
        sim.wait(0.5)


_BOMB: bytes | None = None
_HUGE: bytes | None = None


def gzip_bomb() -> bytes:
    """512 MB of zeros as ~0.5 MB of gzip, made once and kept."""
    global _BOMB
    if _BOMB is None:
        packer = zlib.compressobj(1, zlib.DEFLATED, 31)
        chunk = b"\0" * (1 << 20)
        _BOMB = b"".join(packer.compress(chunk) for _ in range(512)) + packer.flush()
    return _BOMB


def huge_body() -> bytes:
    """A 40 MB JSON answer, made once and kept."""
    global _HUGE
    if _HUGE is None:
        _HUGE = b'{"status": "success", "data": [], "pad": "' + b"x" * 40_000_000 + b'"}'
    return _HUGE
