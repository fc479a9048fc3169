"""A loopback simulator of the Orkut mutasi API, for tests and for demo mode.

It speaks the service over real HTTP, as a *profile* chooses:

- ``seed``: the seed document's routes (API-key check, OTP login, ``/kasir/orkut/generate`` with a
  real dynamic QRIS built from a static base, ``status-pembayaran`` filtering by amount only,
  today's ``/kasir/orkut/mutasi``) plus the documented ``/mutasi`` history and account;
- ``today``: the service as public clients see it since August 2025: ``/kasir/*`` answers 404
  (an HTML page), only login and ``/mutasi`` remain;
- ``gateway``: the operator's single route ``/orkut/pg-hidepulsa`` (``qris_generate``,
  ``mutasi_orkut``, ``cekaktif``) beside login; ``/kasir/*`` and ``/mutasi`` answer 404.

Every answer shape public clients have met is a switch (``SHAPES``), so each can be tested and
demonstrated. Controls (Python and ``/_sim/*`` routes) pay, add latency, skew the server's clock
and inject faults.

Run alone: ``python -m kasir.simulator --port 8787 [--profile today] [--shape balance_dash]``.
"""

from __future__ import annotations

import _socket  # the bare listening socket: socket.py's enums (3 ms) wait for the server's thread
import argparse
import json
import logging
import os
import random
import string
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kasir import qris, wib
from kasir.money import MAX_SALE, format_rupiah

if TYPE_CHECKING:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger(__name__)

DEMO_API_KEY = "demo-api-key-0000"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"
DEMO_OTP = "123456"
DEMO_ACCOUNT_ID = "1234567"
DEMO_MERCHANT = f"OK{DEMO_ACCOUNT_ID}"
DEMO_NAME = "TOKO DEMO KASIR"

PROFILES = ("seed", "today", "gateway")
GATEWAY_PATH = "/orkut/pg-hidepulsa"
SEED_PATHS = ("/kasir/orkut/generate", "/kasir/orkut/status-pembayaran", "/kasir/orkut/mutasi")
# Answer shapes seen in public clients of the real service (CONTRACT.md). Each is off by default.
SHAPES = (
    "balance_dash",  # side fields "-": balance / saldo_akhir unreadable
    "saldo_comma",  # saldo_akhir "1.893.938,00"
    "amount_int",  # amounts as JSON integers
    "amount_dots",  # seed amounts with thousands dots ("25.001")
    "date_minute",  # seed dates "YYYY-MM-DD HH:MM"
    "date_dmy_dash",  # seed dates "DD-MM-YYYY HH:MM:SS", history "DD-MM-YYYY HH:MM"
    "date_iso",  # seed dates ISO 8601 with +07:00
    "date_garbage",  # dates nobody can read ("kemarin sore")
    "history_seconds",  # history tanggal with seconds
    "status_true",  # "status": true instead of "success"
    "wrapped",  # answers wrapped in {"status": "success", "data": {...}}
    "otp_token",  # /minta-otp answers a token at once, no OTP step
    "otp_sms",  # the OTP goes out by SMS
    "json404",  # a route not served answers JSON instead of an HTML page
    "qris_look_alike",  # the account's QRIS image: the shop's name, another account's id and NMID
    # Seen in 2026 (CONTRACT.md): the /kasir list shape of OrderKuota's own merchant gateway ...
    "reff_history_id",  # seed issuer_reff = the history id ("160000001")
    "reff_id_prefix",  # seed issuer_reff = "id" + the history id ("id160000001")
    "date_dmy_zero",  # seed dates "DD-MM-YYYY HH:MM:00" (the seconds dropped)
    "date_dmy_minute",  # seed dates "DD-MM-YYYY HH:MM"
    "qris_brand",  # seed qris holds the brand ("DANA") instead of "static"
    "data_null",  # "no data" as {"status": "success", "data": null} (seed routes and the gateway)
    # ... the history under another key, and its rows' key aliases ...
    "ajaib_only",  # the history under qris_ajaib_history.results instead of qris_history.results
    "ajaib_beside",  # both histories: some payments in one, some in the other, the newest in both
    "key_aliases",  # history rows name their keys credit/debit/saldo/date/created_at/waktu/note/bank/...
    "rrn_in_note",  # the history row's keterangan carries the RRN as "R#…", "RRN:…" or "REF:…"
    # ... the account ...
    "balance_text",  # account balances as text only: "Rp 999.999" and "Rp 999,999"
    "account_flat",  # the account's fields at the answer's top level
    "account_under_balance",  # the account under "balance" instead of "account"
    "account_under_main_balance",  # the account under "main_balance"
    # ... and refusals: rate limits pause the history menu, the other two waiting does not fix.
    "rate_429",  # the history menu answers HTTP 429
    "rate_nested",  # {"success": false, "qris_withdraw": {"message": "... coba kembali 5 menit"}}
    "net_refused",  # "469: Gunakan Jaringan Internet Lainnya": the upstream refuses the proxy's network
    "version_gate",  # "Silakan perbarui aplikasi Order Kuota terlebih dahulu": the upstream's version gate
    "gateway_offline",  # the gateway's cekaktif answers account_status "OFFLINE"
)
# Refusals of the upstream reach every route that asks it about the account; a rate limit only the
# history menu (/mutasi and the gateway's mutasi_orkut).
RATE_LIMITS: dict[str, tuple[int, dict[str, Any]]] = {
    "rate_429": (429, {"success": False, "message": "Too Many Requests"}),
    "rate_nested": (
        200,
        {
            "success": False,
            "qris_withdraw": {"message": "Anda terlalu sering membuka menu qris merchant, coba kembali 5 menit"},
        },
    ),
}
REFUSALS: dict[str, tuple[int, dict[str, Any]]] = {
    "net_refused": (469, {"success": False, "message": "469: Gunakan Jaringan Internet Lainnya"}),
    "version_gate": (200, {"success": False, "message": "Silakan perbarui aplikasi Order Kuota terlebih dahulu"}),
}
RRN_MARKS = ("R#", "RRN:", "REF:")
NOT_FOUND_HTML = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
    b"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def build_static_qr(name: str, city: str, account_id: str, nmid: str = "ID2025000000001") -> str:
    """A static QRIS shaped like OrderKuota's (Nobu bank template)."""
    merchant = (
        _tlv("00", "COM.NOBUBANK.WWW")
        + _tlv("01", "936005030000087914")
        + _tlv("02", account_id.rjust(14, "0")[:14])
        + _tlv("03", "UMI")
    )
    national = _tlv("00", "ID.CO.QRIS.WWW") + _tlv("02", nmid) + _tlv("03", "UMI")
    body = (
        _tlv("00", "01")
        + _tlv("01", "11")
        + _tlv("26", merchant)
        + _tlv("51", national)
        + _tlv("52", "5411")
        + _tlv("53", "360")
        + _tlv("58", "ID")
        + _tlv("59", name[:25])
        + _tlv("60", city[:15])
        + _tlv("61", "10110")
        + _tlv("62", _tlv("07", "A01"))
        + "6304"
    )
    return body + qris.crc16(body)


DEMO_BASE_QR = build_static_qr(DEMO_NAME, "JAKARTA", DEMO_ACCOUNT_ID)
OTHER_BASE_QR = build_static_qr("TOKO LAIN", "BANDUNG", "7654321", "ID2025000000999")
LOOK_ALIKE_QR = build_static_qr(DEMO_NAME, "JAKARTA", "7654321", "ID2025000000999")


@dataclass
class SimPayment:
    id: int
    date: datetime
    amount: int
    brand: str
    issuer_reff: str
    buyer_reff: str
    type: str = "CR"
    balance: int = 0

    def as_kasir(self, shapes: frozenset[str] = frozenset()) -> dict[str, Any]:
        amount: Any = str(self.amount)
        if "amount_int" in shapes:
            amount = self.amount
        elif "amount_dots" in shapes:
            amount = format_rupiah(self.amount)[3:]
        return {
            "date": self._kasir_date(shapes),
            "amount": amount,
            "type": self.type,
            "qris": (self.brand if "qris_brand" in shapes else "static") if self.type == "CR" else "",
            "brand_name": self.brand,
            "issuer_reff": self._kasir_reff(shapes),
            "buyer_reff": self.buyer_reff,
            "balance": "-" if "balance_dash" in shapes else str(self.balance),
        }

    def _kasir_date(self, shapes: frozenset[str]) -> str:
        local = self.date.astimezone(wib.WIB)
        formats = {
            "date_minute": "%Y-%m-%d %H:%M",
            "date_dmy_dash": "%d-%m-%Y %H:%M:%S",
            "date_dmy_zero": "%d-%m-%Y %H:%M:00",
            "date_dmy_minute": "%d-%m-%Y %H:%M",
        }
        if "date_iso" in shapes:
            return local.isoformat(timespec="seconds")
        if "date_garbage" in shapes:
            return "kemarin sore"
        chosen = next((f for shape, f in formats.items() if shape in shapes), "%Y-%m-%d %H:%M:%S")
        return local.strftime(chosen)

    def _kasir_reff(self, shapes: frozenset[str]) -> str:
        if "reff_history_id" in shapes:
            return str(self.id)
        if "reff_id_prefix" in shapes:
            return f"id{self.id}"
        return self.issuer_reff

    def as_history(self, shapes: frozenset[str] = frozenset()) -> dict[str, Any]:
        dots = format_rupiah(self.amount)[3:]
        incoming = self.type == "CR"
        local = self.date.astimezone(wib.WIB)
        tanggal = local.strftime("%d/%m/%Y %H:%M:%S" if "history_seconds" in shapes else "%d/%m/%Y %H:%M")
        if "date_dmy_dash" in shapes:
            tanggal = local.strftime("%d-%m-%Y %H:%M")
        elif "date_garbage" in shapes:
            tanggal = "kemarin sore"
        saldo = format_rupiah(self.balance)[3:]
        if "balance_dash" in shapes:
            saldo = "-"
        elif "saldo_comma" in shapes:
            saldo += ",00"
        keterangan = self.buyer_reff if incoming else "Pencairan Saldo QRIS"
        if "rrn_in_note" in shapes:
            keterangan = f"{keterangan} {RRN_MARKS[self.id % len(RRN_MARKS)]}{self.issuer_reff}"
        row = {
            "id": self.id,
            "debet": "0",
            # Withdrawals really do show their amount in kredit; status tells them apart.
            "kredit": self.amount if "amount_int" in shapes else dots,
            "saldo_akhir": saldo,
            "keterangan": keterangan,
            "tanggal": tanggal,
            "status": "IN" if incoming else "OUT",
            "fee": "",
            "brand": {"name": self.brand, "logo": ""},
        }
        return self._aliased(row) if "key_aliases" in shapes else row

    def _aliased(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row under one of the sets of key names clients guard against (each payment its own)."""
        names = HISTORY_ALIASES[self.id % len(HISTORY_ALIASES)]
        brand = row["brand"]["name"]
        renamed = {names.get(key, key): value for key, value in row.items()}
        if "brand" in names:  # a flat brand name under another key
            renamed[names["brand"]] = brand
        return renamed


# Each set renames some keys of a history row; together they use every alias of CONTRACT.md.
HISTORY_ALIASES: tuple[dict[str, str], ...] = (
    {
        "kredit": "credit",
        "debet": "debit",
        "saldo_akhir": "saldo",
        "tanggal": "date",
        "keterangan": "description",
        "brand": "bank",
    },
    {
        "kredit": "credit",
        "debet": "debit",
        "saldo_akhir": "balance_after",
        "tanggal": "created_at",
        "keterangan": "note",
        "brand": "bank_name",
    },
    {"tanggal": "waktu", "brand": "issuer"},
)


@dataclass
class _Fault:
    kind: str
    remaining: int
    path: str | None


def _remembered(memory: Path | None) -> list[SimPayment]:
    """The payments a demo server kept in its file; none when there is no file or it cannot be read."""
    if memory is None or not memory.exists():
        return []
    try:
        rows = json.loads(memory.read_text(encoding="utf-8"))
        return [SimPayment(**{**row, "date": datetime.fromisoformat(row["date"])}) for row in rows]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("the demo server's memory %s is unreadable (%s): it starts empty", memory, exc)
        return []


class OrkutSimulator:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str = DEMO_API_KEY,
        username: str = DEMO_USERNAME,
        password: str = DEMO_PASSWORD,
        otp: str = DEMO_OTP,
        account_id: str = DEMO_ACCOUNT_ID,
        shop_name: str = DEMO_NAME,
        base_qr: str = DEMO_BASE_QR,
        clock: Callable[[], datetime] = wib.now,
        profile: str = "seed",
        shapes: tuple[str, ...] | frozenset[str] = (),
        memory: Path | None = None,
    ) -> None:
        """``memory``: a file where the server keeps its payments, so a demo restarted the same day
        lists the same money as the journal's recap (a real server remembers its day too)."""
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        unknown = set(shapes) - set(SHAPES)
        if unknown:
            raise ValueError(f"unknown shape(s) {sorted(unknown)}; known: {', '.join(SHAPES)}")
        self.api_key, self.username, self.password, self.otp = api_key, username, password, otp
        self.account_id, self.shop_name, self.base_qr = account_id, shop_name, base_qr
        self._clock = clock
        self.profile = profile
        self.shapes: frozenset[str] = frozenset(shapes)
        self.skew_s = 0.0  # the server's clock minus the real one: a PC whose clock is off sees this
        self.history_min_interval_s = 0.0  # > 0: answer "terlalu sering" to faster /mutasi callers
        self._last_history = 0.0
        self.cekaktif_bodies: list[dict[str, Any]] = []  # every body the gateway's cekaktif was sent
        self.image_requests: list[dict[str, str]] = []  # headers of every QRIS image download
        self.image_trickle = False  # the image host sends its headers one byte every 0.5 s
        self.image_delay_s = 0.0  # the image host takes this long to answer
        self.latency_s = 0.0
        self._memory = memory
        self.payments: list[SimPayment] = _remembered(memory)
        self.calls: dict[str, int] = {}
        self._tokens: set[str] = set()
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._rng = random.Random()
        self._host = host
        # Listening from here, so the address is known at once; the HTTP server around the socket
        # (http.server and what it imports: 15-20 ms) is built by start(), on the server's thread.
        # The demo starts serving soon after a sale can begin: a request sent before waits in the
        # listening queue and is answered then.
        self._listener = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        if os.name == "posix":  # as socket.create_server: a port of a stopped run is free at once
            self._listener.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen()
        self._port: int = self._listener.getsockname()[1]  # kept: the address outlives a stop
        self._server: ThreadingHTTPServer | None = None
        self._serving = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- lifecycle ---------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._port}"

    def start(self) -> OrkutSimulator:
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="orkut-sim", daemon=True)
            self._thread.start()
        return self

    def _serve(self) -> None:
        import socket
        from http.server import ThreadingHTTPServer

        address = self._listener.getsockname()[:2]
        server = ThreadingHTTPServer(address, _make_handler(self), bind_and_activate=False)
        server.socket.close()  # its own, unbound: the listening one takes its place
        server.socket = socket.socket(fileno=self._listener.detach())
        server.server_address = address
        server.server_name, server.server_port = self._host, address[1]  # no reverse DNS lookup
        server.daemon_threads = True
        self._server = server
        self._serving.set()
        # serve_forever checks for shutdown every poll interval: 0.5 s by default, which every
        # demo close and every test's teardown waited for. 50 ms costs nothing measurable idle.
        server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        self._stopping.set()  # releases hung and delayed requests at once
        if self._thread is not None:
            self._serving.wait(timeout=5)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()  # the listening socket with it
        else:
            self._listener.close()  # never served: the port goes all the same
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> OrkutSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def clock(self) -> datetime:
        """The server's own clock (skewed when a test says so)."""
        return self._clock() + timedelta(seconds=self.skew_s)

    @property
    def qris_image_url(self) -> str:
        return f"{self.url}/static/qris.png"

    def serves(self, path: str) -> bool:
        """Which API routes this profile answers; the rest are 404, as on the real server."""
        if path in ("/minta-otp", "/valid-otp"):
            return True
        if path in SEED_PATHS:
            return self.profile == "seed"
        if path == "/mutasi":
            return self.profile in ("seed", "today")
        if path == GATEWAY_PATH:
            return self.profile == "gateway"
        return False

    # ---- controls ----------------------------------------------------------------

    def pay(self, amount: int, brand: str = "DANA", at: datetime | None = None) -> SimPayment:
        """A customer pays ``amount`` by QRIS (at ``at``, default now)."""
        return self._record(amount, brand, at, "CR")

    def withdraw(self, amount: int, at: datetime | None = None) -> SimPayment:
        """The merchant withdraws QRIS balance: shows in mutasi, is not a payment."""
        return self._record(amount, "", at, "DB")

    def set_latency(self, seconds: float) -> None:
        self.latency_s = max(0.0, float(seconds))

    def set_shape(self, name: str, on: bool = True) -> None:
        if name not in SHAPES:
            raise ValueError(f"unknown shape {name!r}; known: {', '.join(SHAPES)}")
        with self._lock:
            self.shapes = self.shapes | {name} if on else self.shapes - {name}

    def set_profile(self, profile: str) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        self.profile = profile

    def inject(self, kind: str, count: int = 1, path: str | None = None) -> None:
        """Make the next ``count`` requests (to ``path``, or any API path) fail as ``kind``
        (:data:`kasir.sim_faults.FAULTS`)."""
        from kasir.sim_faults import FAULTS

        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self._faults.append(_Fault(kind, count, path))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def expire_sessions(self) -> None:
        """Every issued token stops working, as when the upstream session ends."""
        with self._lock:
            self._tokens.clear()

    def issue_token(self) -> str:
        token = f"{self.account_id}:" + "".join(self._rng.choices(string.ascii_letters + string.digits, k=32))
        with self._lock:
            self._tokens.add(token)
        return token

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "url": self.url,
                "profile": self.profile,
                "shapes": sorted(self.shapes),
                "skew_s": self.skew_s,
                "payments": len(self.payments),
                "latency_s": self.latency_s,
                "faults": [f.__dict__ for f in self._faults],
                "calls": dict(self.calls),
            }

    def _record(self, amount: int, brand: str, at: datetime | None, kind: str) -> SimPayment:
        if not isinstance(amount, int) or amount <= 0:
            raise ValueError("amount must be a positive int")
        with self._lock:
            balance = (self.payments[-1].balance if self.payments else 0) + (amount if kind == "CR" else -amount)
            payment = SimPayment(
                id=160_000_000 + len(self.payments) + 1,
                date=(at or self.clock()).astimezone(wib.WIB),
                amount=amount,
                brand=brand,
                issuer_reff="".join(self._rng.choices(string.digits, k=12)),
                buyer_reff=f"NOBU / {self._rng.choice(['BUDI', 'SITI', 'AGUS', 'DEWI', 'RINA'])} S*******",
                type=kind,
                balance=balance,
            )
            self.payments.append(payment)
            self._remember()
        return payment

    def _remember(self) -> None:
        if self._memory is None:
            return
        rows = [{**p.__dict__, "date": p.date.isoformat()} for p in self.payments]
        try:
            partial = self._memory.with_suffix(".tmp")
            partial.write_text(json.dumps(rows), encoding="utf-8")
            partial.replace(self._memory)  # whole or not at all
        except OSError as exc:
            log.warning("the demo server could not remember its payments: %s", exc)

    def _take_fault(self, path: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                if fault.path in (None, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault.kind
        return None

    def _count(self, path: str) -> None:
        with self._lock:
            self.calls[path] = self.calls.get(path, 0) + 1

    def wait(self, seconds: float) -> None:
        """Sleep in a request handler; cut short when the server stops."""
        self._stopping.wait(seconds)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    gateway_path = GATEWAY_PATH
    other_base_qr = OTHER_BASE_QR  # another merchant's QRIS, for the fault lab's "foreign_qr"

    # ---- endpoints (called on server threads) ------------------------------------

    def handle_api(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, Any]:
        if headers.get("authorization", "") != f"Bearer {self.api_key}":
            return 401, {"success": False, "message": "API key tidak valid"}
        routes: dict[str, Callable[[dict[str, Any]], tuple[int, Any]]] = {
            "/minta-otp": self._minta_otp,
            "/valid-otp": self._valid_otp,
            "/kasir/orkut/generate": self._generate,
            "/kasir/orkut/status-pembayaran": self._status,
            "/kasir/orkut/mutasi": self._mutasi_today,
            "/mutasi": self._mutasi_summary,
            GATEWAY_PATH: self._gateway,
        }
        route = routes.get(path)
        if route is None or not self.serves(path):
            return 404, {"success": False, "message": "Not found"}
        refused = self._upstream_refusal(path, body)
        if refused:
            return refused
        status, answer = route(body)
        return status, self._reshape(answer)

    def _upstream_refusal(self, path: str, body: dict[str, Any]) -> tuple[int, Any] | None:
        """A refusal of the upstream itself (its network gate, its version gate): every route that asks
        it about the account hears it; login, the QR and the gateway's own state do not."""
        asks_upstream = path in ("/kasir/orkut/status-pembayaran", "/kasir/orkut/mutasi", "/mutasi") or (
            path == GATEWAY_PATH and body.get("action") == "mutasi_orkut"
        )
        return next((REFUSALS[s] for s in REFUSALS if s in self.shapes), None) if asks_upstream else None

    def _reshape(self, answer: Any) -> Any:
        """Apply the envelope shapes public clients have seen to a successful answer."""
        if not isinstance(answer, dict):
            return answer
        ok = answer.get("success") is True or answer.get("status") == "success"
        if not ok:
            return answer
        if "status_true" in self.shapes and answer.get("status") == "success":
            answer = {**answer, "status": True}
        if "wrapped" in self.shapes and "data" not in answer:
            answer = {"status": "success", "data": answer}
        return answer

    def _minta_otp(self, body: dict[str, Any]) -> tuple[int, Any]:
        if body.get("username") != self.username or body.get("password") != self.password:
            return 200, {"success": False, "message": "Username atau password salah"}
        if "otp_token" in self.shapes:
            return self._login_answer()
        channel = "sms" if "otp_sms" in self.shapes else "email"
        where = "0812****7890" if channel == "sms" else "d***o@contoh.id"
        return 200, {"success": True, "results": {"otp": channel, "otp_value": where}}

    def _valid_otp(self, body: dict[str, Any]) -> tuple[int, Any]:
        if body.get("username") != self.username or body.get("otp") != self.otp:
            return 200, {"success": False, "message": "Kode OTP salah"}
        return self._login_answer()

    def _login_answer(self) -> tuple[int, Any]:
        token = self.issue_token()
        return 200, {
            "success": True,
            "results": {
                "token": token,
                "id": self.account_id,
                "name": self.shop_name,
                "username": self.username,
                "balance": "0",
            },
        }

    def _session_refusal(
        self, body: dict[str, Any], merchant_key: str, with_ok: bool, user_key: str = "auth_username"
    ) -> tuple[int, Any] | None:
        with self._lock:
            known = body.get("auth_token") in self._tokens
        if body.get(user_key) != self.username or not known:
            return 200, {"success": False, "message": "Token tidak valid atau sudah kadaluarsa, silakan login ulang"}
        expected = f"OK{self.account_id}" if with_ok else self.account_id
        if body.get(merchant_key) != expected:
            return 200, {"success": False, "message": "Fields tidak benar!"}
        return None

    def _generate(self, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self._session_refusal(body, "merchant", True)
        if refusal:
            return refusal
        nominal = str(body.get("nominal", ""))
        if not nominal.isdigit() or not 1 <= int(nominal) <= MAX_SALE:
            return 200, {"error": "Gagal generate QRIS"}
        return 200, self.qr_answer(int(nominal), qris.to_dynamic(self.base_qr, int(nominal)))

    def qr_answer(self, nominal: int, payload: str) -> dict[str, Any]:
        return {
            "success": True,
            "nominal": str(nominal),
            "image_url": f"{self.url}/static/qr-{nominal}.png",
            "qr_string": payload,
        }

    def _status(self, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self._session_refusal(body, "merchant", True)
        if refusal:
            return refusal
        nominal = str(body.get("nominal", ""))
        with self._lock:
            # Like the real endpoint: by amount only, any day, money in and out alike.
            rows = [p.as_kasir(self.shapes) for p in self.payments if str(p.amount) == nominal]
        if not rows:
            return 200, self._no_data({"status": "success", "message": "no data"})
        return 200, {"status": "success", "data": rows[::-1]}

    def _no_data(self, answer: dict[str, Any]) -> dict[str, Any]:
        """The seed's "no data", or ``data: null`` with no message at all (``data_null``)."""
        return {"status": "success", "data": None} if "data_null" in self.shapes else answer

    def _mutasi_today(self, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self._session_refusal(body, "merchant", True)
        if refusal:
            return refusal
        day = wib.today(self.clock)
        with self._lock:
            rows = [p.as_kasir(self.shapes) for p in self.payments if p.date.date() == day]
        import secrets  # hmac and hashlib: 3 ms the demo's start does not need

        key = secrets.token_hex(10)
        if not rows:
            empty = {"status": "success", "message": "no data", "data": None, "merchant": self.account_id, "key": key}
            return 200, self._no_data(empty)
        answer = {"status": "success", "message": None, "data": rows[::-1], "merchant": self.account_id, "key": key}
        return 200, answer

    def _history_menu(self) -> tuple[int, Any] | None:
        """The upstream's QRIS history menu refuses when asked too often (or a shape says it does)."""
        now = time.monotonic()
        with self._lock:
            too_soon = self.history_min_interval_s and now - self._last_history < self.history_min_interval_s
            self._last_history = now
        if too_soon:
            return 200, {"success": False, "message": "Anda terlalu sering, coba kembali 5 menit lagi"}
        return next((RATE_LIMITS[s] for s in RATE_LIMITS if s in self.shapes), None)

    def _histories(self) -> dict[str, Any]:
        """``qris_history`` and/or ``qris_ajaib_history`` (the upstream's dynamic-QR history)."""
        with self._lock:
            payments = self.payments[::-1]
        rows = [p.as_history(self.shapes) for p in payments]
        if "ajaib_only" in self.shapes:
            return {"qris_ajaib_history": {"success": True, "results": rows}}
        if "ajaib_beside" not in self.shapes:
            return {"qris_history": {"success": True, "total": len(rows), "page": 1, "pages": 1, "results": rows}}
        # Odd ids in one, even in the other, the newest in both (it must still be one payment).
        newest = payments[0].id if payments else None
        static = [r for p, r in zip(payments, rows, strict=True) if p.id % 2 or p.id == newest]
        dynamic = [r for p, r in zip(payments, rows, strict=True) if not p.id % 2 or p.id == newest]
        return {
            "qris_history": {"success": True, "results": static},
            "qris_ajaib_history": {"success": True, "results": dynamic},
        }

    def _mutasi_summary(self, body: dict[str, Any]) -> tuple[int, Any]:
        refusal = self._session_refusal(body, "merchant_id", False) or self._history_menu()
        if refusal:
            return refusal
        with self._lock:
            balance = self.payments[-1].balance if self.payments else 0
        return 200, {"success": True, **self._histories(), **self._account(balance)}

    def _account(self, qris_balance: int) -> dict[str, Any]:
        """The account as the answer's shape puts it: under account.results, flat, or another key."""
        fields: dict[str, Any] = {
            "id": int(self.account_id),
            "username": self.username,
            "name": self.shop_name,
            "email": "demo@contoh.id",
            "phone": "08000000000",
            "balance": 0,
            "balance_str": "Rp 0",
            "qris_balance": qris_balance,
            "qris_balance_str": format_rupiah(qris_balance),
            "qrcode": "",
            "qris": self.qris_image_url,
            "qris_name": self.shop_name,
        }
        if "balance_text" in self.shapes:  # text only, the QRIS balance with a comma for thousands
            del fields["balance"], fields["qris_balance"]
            fields["qris_balance_str"] = format_rupiah(qris_balance).replace(".", ",")
        if "account_flat" in self.shapes:
            return fields
        key = "account"
        if "account_under_balance" in self.shapes:
            key = "balance"
        elif "account_under_main_balance" in self.shapes:
            key = "main_balance"
        return {key: {"success": True, "results": fields}}

    def _gateway(self, body: dict[str, Any]) -> tuple[int, Any]:
        """The operator's single route: the action names the job."""
        action = body.get("action")
        if action == "cekaktif":
            return self._cekaktif(body)
        if action == "qris_generate":
            nominal = str(body.get("nominal", ""))
            static = str(body.get("qr_string", ""))
            if not nominal.isdigit() or not 1 <= int(nominal) <= MAX_SALE:
                return 200, {"status": "error", "message": "Nominal tidak valid"}
            try:
                content = qris.to_dynamic(static, int(nominal))
            except qris.QrisError:
                return 200, {"status": "error", "message": "QRIS statis tidak valid"}
            return 200, {"status": "success", "data": {"qris_content": content}}
        if action == "mutasi_orkut":
            refusal = self._session_refusal(body, "merchant", False, user_key="username") or self._history_menu()
            if refusal:
                return refusal
            with self._lock:
                empty = not self.payments
            if empty and "data_null" in self.shapes:
                return 200, {"status": "success", "data": None}
            return 200, {"status": "success", "data": self._histories()}
        return 200, {"status": "error", "message": f"Action tidak dikenal: {action}"}

    def _cekaktif(self, body: dict[str, Any]) -> tuple[int, Any]:
        """The gateway's on-line state, for the account the body names (the operator's 2026 body)."""
        with self._lock:
            self.cekaktif_bodies.append(dict(body))
        refusal = self._session_refusal(body, "merchant", False, user_key="username")
        if refusal:
            return refusal
        state = "OFFLINE" if "gateway_offline" in self.shapes else "ONLINE"
        return 200, {"status": "success", "account_status": state}

    def qris_png(self, request_headers: dict[str, str]) -> bytes:
        """The account's static QRIS as a PNG, like the upstream's image host serves it."""
        with self._lock:
            self.image_requests.append(dict(request_headers))
        if self.image_delay_s:
            self.wait(self.image_delay_s)
        return qr_png(LOOK_ALIKE_QR if "qris_look_alike" in self.shapes else self.base_qr)

    def handle_control(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        at = wib.parse_wib(body["at"]) if body.get("at") else None
        if path == "/_sim/pay":
            p = self.pay(int(body["amount"]), str(body.get("brand", "DANA")), at)
            return 200, {"ok": True, "payment": p.as_kasir()}
        if path == "/_sim/withdraw":
            p = self.withdraw(int(body["amount"]), at)
            return 200, {"ok": True, "payment": p.as_kasir()}
        if path == "/_sim/latency":
            self.set_latency(float(body.get("seconds", 0)))
            return 200, {"ok": True}
        if path == "/_sim/fault":
            self.inject(str(body["kind"]), int(body.get("count", 1)), body.get("path"))
            return 200, {"ok": True}
        if path == "/_sim/clear-faults":
            self.clear_faults()
            return 200, {"ok": True}
        if path == "/_sim/expire-session":
            self.expire_sessions()
            return 200, {"ok": True}
        if path == "/_sim/state":
            return 200, self.state()
        if path == "/_sim/shape":
            self.set_shape(str(body["name"]), bool(body.get("on", True)))
            return 200, {"ok": True, "shapes": sorted(self.shapes)}
        if path == "/_sim/profile":
            self.set_profile(str(body["profile"]))
            return 200, {"ok": True}
        if path == "/_sim/skew":
            self.skew_s = float(body.get("seconds", 0))
            return 200, {"ok": True}
        return 404, {"ok": False, "message": "unknown control"}


def qr_png(payload: str, module_px: int = 8) -> bytes:
    """A QR code as an 8-bit grey PNG, written with the stdlib (no image library needed)."""
    from kasir.qrcheck import qr_matrix

    matrix = qr_matrix(payload)
    quiet = 4
    side = (len(matrix) + 2 * quiet) * module_px
    white = b"\xff" * (quiet * module_px)
    rows = []
    blank = b"\0" + b"\xff" * side  # filter byte 0, then the pixels
    rows.extend([blank] * (quiet * module_px))
    for modules in matrix:
        line = b"".join((b"\x00" if dark else b"\xff") * module_px for dark in modules)
        rows.extend([b"\0" + white + line + white] * module_px)
    rows.extend([blank] * (quiet * module_px))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _make_handler(sim: OrkutSimulator) -> type[BaseHTTPRequestHandler]:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real server behind a proxy
        # Headers and body leave in two writes; with Nagle on, the second waits for a delayed ACK
        # (~40 ms per request on loopback). Real servers do not stall like that, so neither do we.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            log.debug("sim %s", format % args)

        def date_time_string(self, timestamp: float | None = None) -> str:
            # The Date header from the server's own (possibly skewed) clock: how the app measures a PC's offset.
            return super().date_time_string((timestamp or time.time()) + sim.skew_s)

        def do_GET(self) -> None:
            if self.path == "/_sim/state":
                self._send(200, json.dumps(sim.state()).encode(), "application/json")
            elif self.path.split("?")[0] == "/static/qris.png" and sim.image_trickle:
                from kasir import sim_faults

                sim_faults.serve(self, "trickle_headers", sim)
            elif self.path.split("?")[0] == "/static/qris.png":
                self._send(200, sim.qris_png({k.lower(): v for k, v in self.headers.items()}), "image/png")
            elif self.path.startswith("/static/go?to="):  # an image host that redirects (tests)
                from urllib.parse import unquote

                self.send_response(302)
                self.send_header("Location", unquote(self.path.removeprefix("/static/go?to=")))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._send(404, b'{"success": false, "message": "Not found"}', "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self._send(400, b'{"success": false, "message": "Fields tidak benar!"}', "application/json")
                return
            if self.path.startswith("/_sim/"):
                try:
                    status, answer = sim.handle_control(self.path, body)
                except (KeyError, ValueError) as exc:
                    status, answer = 400, {"ok": False, "message": str(exc)}
                self._send(status, json.dumps(answer).encode(), "application/json")
                return
            self._api(body)

        def _api(self, body: dict[str, Any]) -> None:
            sim._count(self.path)
            if sim.latency_s:
                sim.wait(sim.latency_s)
            fault = sim._take_fault(self.path)
            if fault:
                from kasir import sim_faults  # the fault lab: tests only, never the demo

                if fault == "hang":
                    sim.wait(sim_faults.HANG_LIMIT_S)
                if fault in ("hang", "drop"):
                    self.close_connection = True
                    return
                if fault in sim_faults.WRITTEN:
                    sim_faults.serve(self, fault, sim)
                    return
            if not fault and not sim.serves(self.path):
                if "json404" in sim.shapes:
                    self._send(404, b'{"success": false, "message": "Not Found"}', "application/json")
                else:
                    self._send(404, NOT_FOUND_HTML, "text/html")
                return
            if fault:
                raw = sim_faults.answer(sim, fault, self.path, body)
                if raw is not None:
                    self._send(*raw)
                    return
            status, answer = sim.handle_api(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            self._send(status, json.dumps(answer).encode(), "application/json")

        def _send(self, status: int, payload: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up first; nothing to tell it

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kasir.simulator", description="Simulator API Orkut di loopback")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--profile", choices=PROFILES, default="seed", help="which routes the server answers")
    parser.add_argument("--shape", action="append", default=[], choices=SHAPES, help="an answer shape (repeatable)")
    args = parser.parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the simulator listens on loopback only")
    sim = OrkutSimulator(host=args.host, port=args.port, profile=args.profile, shapes=tuple(args.shape)).start()
    print(f"Simulator Orkut berjalan di {sim.url} (profil {sim.profile})")
    print(f"  API key   : {sim.api_key}")
    print(f"  Username  : {sim.username}")
    print(f"  Password  : {sim.password}")
    print(f"  OTP       : {sim.otp}")
    print(f"  Merchant  : OK{sim.account_id}")
    print(f"  Bayar     : curl -X POST {sim.url}/_sim/pay -d '{{\"amount\": 25001}}'")
    print("Tekan Ctrl+C untuk berhenti.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
