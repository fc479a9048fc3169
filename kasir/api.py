"""Typed client for the Orkut mutasi API as it answers today (see shared/api/CONTRACT.md).

One long-lived ``httpx.Client`` per instance (keep-alive), every request bounded by
:mod:`kasir.transport` (overall deadline, body cap). Every route the service has been seen
to serve sits behind this class:

- the seed's ``/kasir/orkut/generate``, ``status-pembayaran`` and ``/kasir/orkut/mutasi``;
- the operator's gateway ``/orkut/pg-hidepulsa`` (``qris_generate``, ``mutasi_orkut``);
- the documented ``/mutasi`` (the account and its QRIS history).

A route that is not served (404/405) raises :class:`EndpointMissingError`, so the caller can
move to the next source. Parsing is tolerant where answers are known to vary and loud where
money is at stake: an answer of unknown shape is a :class:`BadResponseError`, never "no
payments"; a payment row with an odd side field is still a payment.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kasir import transport as bounded
from kasir import wib
from kasir.errors import (
    ApiError,
    ApiTimeoutError,
    BadResponseError,
    EndpointMissingError,
    InvalidValueError,
    NetworkError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SessionExpiredError,
    UnauthorizedError,
)
from kasir.money import MoneyError, parse_rupiah

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

GATEWAY_PATH = "/orkut/pg-hidepulsa"
# A QR is asked while the customer waits at the counter: a server slower than this is passed over
# for the QR made here from the shop's QRIS (the real service answers in well under a second).
QR_DEADLINE_S = 8.0
_RATE_LIMIT_WORDS = ("terlalu sering", "coba kembali 5 menit", "too many")
# Phrases that mean the token is no longer accepted. A message that merely contains the word
# "token" (say "token QR tidak dikenal") is not one of them.
_SESSION_PHRASES = (
    "login ulang",
    "silakan login",
    "silahkan login",
    "sesi",
    "session",
    "expired",
    "kadaluarsa",
    "kedaluwarsa",
    "kadaluwarsa",
    "token tidak valid",
    "token invalid",
    "invalid token",
    "token salah",
    "unauthori",
)
_NO_DATA_WORDS = ("no data", "tidak ada data", "data tidak ditemukan", "belum ada")
_UNKNOWN_ACTION_WORDS = ("action tidak", "unknown action", "invalid action", "action not")


class ConfigError(InvalidValueError):
    """A setting the client cannot work with (bad URL, bad merchant code)."""


def check_base_url(url: str) -> str:
    """Return the URL without a trailing slash; refuse plain http except on loopback.

    A user name or password in the URL would make httpx send Basic auth instead of the API key
    (and end up in settings.json); a query or fragment would be glued to every route.
    """
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        hostname, _port = parts.hostname, parts.port  # both raise on "http://[::1" or a bad port
    except ValueError:
        raise ConfigError(f"Alamat API tidak valid: {text[:80]!r}") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise ConfigError(f"Alamat API tidak valid: {text[:80]!r} (contoh: https://orkut.hidepulsa.com)")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("Alamat API tidak boleh memuat nama pengguna atau kata sandi.")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ConfigError("Alamat API tidak boleh memuat '?' atau '#'.")
    if parts.scheme == "http" and not _is_loopback(hostname):
        raise ConfigError("Alamat API harus https:// (http hanya untuk server lokal)")
    return text.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class MerchantCode:
    """``OK1234567`` for ``/kasir/*``, ``1234567`` for ``/mutasi``: whichever the user typed."""

    account_id: str

    @classmethod
    def parse(cls, text: str) -> MerchantCode:
        cleaned = "".join(str(text).split()).upper()
        digits = cleaned[2:] if cleaned.startswith("OK") else cleaned
        if not digits.isdigit() or not digits.isascii():
            raise ConfigError(f"Kode merchant tidak valid: {text!r} (contoh: OK1234567)")
        return cls(digits)

    @property
    def with_ok(self) -> str:
        return f"OK{self.account_id}"

    def __str__(self) -> str:
        return self.with_ok


@dataclass(frozen=True)
class Session:
    """What every per-sale call needs. The token never appears in a repr."""

    username: str
    token: str = field(repr=False)
    merchant: MerchantCode


@dataclass(frozen=True)
class LoginResult:
    token: str = field(repr=False)
    account_id: str | None = None
    name: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class OtpChallenge:
    channel: str | None  # "email", "sms", ...
    destination: str | None
    message: str | None
    # Some accounts get a token from the first step already: then there is no OTP to type.
    login: LoginResult | None = None


@dataclass(frozen=True)
class GeneratedQr:
    nominal: int
    qr_string: str
    image_url: str | None


@dataclass(frozen=True)
class MutasiEntry:
    """One movement of money, from any route: the seed's entries or a ``qris_history`` row.

    ``problem`` names what could not be read ("tanggal tidak terbaca"): such a row is shown to
    the cashier as unmatched and never settles a sale by itself.
    """

    date: datetime  # the earliest moment the server's stamp can mean; when unreadable, when it was seen
    amount: int
    type: str  # "CR" money in, anything else is not a customer payment
    qris: str
    brand_name: str
    issuer_reff: str
    buyer_reff: str
    balance: int | None
    history_id: str = ""  # the qris_history id: its own id space, never an issuer_reff
    precision: timedelta = wib.SECOND  # "18:02" can be any moment of that minute
    description: str = ""
    problem: str = ""
    claim_key: str = ""  # the key the journal recorded it under (a row read back from the journal)

    @property
    def is_incoming(self) -> bool:
        return self.type.strip().upper() == "CR"

    @property
    def when_text(self) -> str:
        """The time of day as a cashier reads it; never a time the row did not give."""
        if "tanggal" in self.problem:
            return "waktu tidak diketahui"
        minute_only = self.precision >= timedelta(minutes=1)  # "18:02" must not read as 18:02:00
        return self.date.astimezone(wib.WIB).strftime("%H:%M" if minute_only else "%H:%M:%S")

    @property
    def latest(self) -> datetime:
        return self.date + self.precision - timedelta(microseconds=1)

    @property
    def key(self) -> str:
        """The claim key of this payment: one payment can settle one sale, ever.

        History ids and issuer references come from different id spaces; ``h:`` keeps them apart
        (an issuer reference that happened to start with a prefix of ours is escaped with ``r:``).
        """
        if self.claim_key:
            return self.claim_key
        if self.history_id:
            return f"h:{self.history_id}"
        if self.issuer_reff:
            return f"r:{self.issuer_reff}" if self.issuer_reff.startswith(("h:", "~", "r:")) else self.issuer_reff
        return f"~{wib.format_wib(self.date)}|{self.amount}|{self.buyer_reff}|{self.description}"


@dataclass(frozen=True)
class AccountInfo:
    id: str
    username: str
    name: str
    qris_name: str
    qris_balance: int | None
    qris_image_url: str = ""  # the account's static QRIS as an image, on the upstream's host


@dataclass(frozen=True)
class AccountSummary:
    history: list[MutasiEntry]
    account: AccountInfo | None


class OrkutClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        deadline_s: float = bounded.DEFAULT_DEADLINE_S,
        max_bytes: int = bounded.MAX_BODY_BYTES,
        server_clock: wib.ServerClock | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx  # deferred: ~70 ms the first paint does not need

        self.base_url = check_base_url(base_url)
        self._api_key = api_key
        self._secrets: set[str] = {api_key} if api_key else set()
        self._deadline_s = deadline_s
        self._max_bytes = max_bytes
        self.server_clock = server_clock
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                # Only what bounded.read_capped can inflate with a limit.
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(min(read_timeout, deadline_s), connect=min(connect_timeout, deadline_s)),
            transport=transport,
            follow_redirects=False,
        )
        self._backend = bounded.install_backend(self._http) if transport is None else None

    def __repr__(self) -> str:
        return f"OrkutClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """From any thread: make a request blocked on the network fail now (the app is closing)."""
        if self._backend is not None:
            self._backend.abort()

    def __enter__(self) -> OrkutClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- login -------------------------------------------------------------------

    def request_otp(self, username: str, password: str) -> OtpChallenge:
        self._secrets.add(password)
        try:
            data = self._post("/minta-otp", {"username": username, "password": password}, authed=False)
        finally:
            self._secrets.discard(password)
        holders = list(_holders(data))
        results = next((_mapping(h.get("results")) for h in holders if _mapping(h.get("results"))), data)
        return OtpChallenge(
            channel=_opt_str(results.get("otp")),
            destination=_opt_str(results.get("otp_value")),
            message=self._scrub(_message(data)),
            login=self._login_in(data),
        )

    def verify_otp(self, username: str, otp: str) -> LoginResult:
        data = self._post("/valid-otp", {"username": username, "otp": otp}, authed=False)
        login = self._login_in(data)
        if login is None:
            raise RejectedError("no token", server_message=self._scrub(_message(data)) or "token tidak ditemukan")
        return login

    def _login_in(self, data: Mapping[str, Any]) -> LoginResult | None:
        for outer in _holders(data):
            for holder in (_mapping(outer.get("results")), outer):
                token = _opt_str(holder.get("token"))
                if token:
                    self._secrets.add(token)
                    account_id = _opt_str(holder.get("id")) or (token.split(":", 1)[0] if ":" in token else None)
                    name, username = _opt_str(holder.get("name")), _opt_str(holder.get("username"))
                    return LoginResult(
                        token=token,
                        account_id=account_id
                        if account_id and account_id.isdigit() and len(account_id) <= 20
                        else None,
                        name=_bounded(name, "name") if name else None,
                        username=_bounded(username, "name") if username else None,
                    )
        return None

    # ---- the seed's routes ---------------------------------------------------------

    def generate(self, session: Session, nominal: int) -> GeneratedQr:
        data = self._post(
            "/kasir/orkut/generate", {**self._auth(session), "nominal": str(nominal)}, deadline_s=QR_DEADLINE_S
        )
        holder = next((h for h in _holders(data) if "qr_string" in h), None)
        qr_string = holder.get("qr_string") if holder else None
        if not isinstance(qr_string, str) or not qr_string.strip():
            raise BadResponseError(f"/kasir/orkut/generate: no qr_string{_keys(data)}")
        try:
            answered = parse_rupiah(holder.get("nominal", nominal) if holder else nominal)
        except MoneyError as exc:
            raise BadResponseError("/kasir/orkut/generate: unreadable nominal") from exc
        return GeneratedQr(answered, qr_string.strip(), _opt_str(holder.get("image_url") if holder else None))

    def payment_status(self, session: Session, nominal: int) -> list[MutasiEntry]:
        data = self._post("/kasir/orkut/status-pembayaran", {**self._auth(session), "nominal": str(nominal)})
        return _seed_entries(data, "/kasir/orkut/status-pembayaran")

    def mutasi(self, session: Session) -> list[MutasiEntry]:
        data = self._post("/kasir/orkut/mutasi", self._auth(session))
        return _seed_entries(data, "/kasir/orkut/mutasi")

    # ---- the operator's gateway ------------------------------------------------------

    def gateway_generate(self, nominal: int, static_qr: str) -> GeneratedQr:
        body = {"action": "qris_generate", "nominal": str(nominal), "qr_string": static_qr}
        data = self._gateway(body, deadline_s=QR_DEADLINE_S)
        holder = next((h for h in _holders(data) if "qris_content" in h), None)
        content = holder.get("qris_content") if holder else None
        if not isinstance(content, str) or not content.strip():
            raise BadResponseError(f"{GATEWAY_PATH} qris_generate: no qris_content{_keys(data)}")
        return GeneratedQr(nominal, content.strip(), None)

    def gateway_history(self, session: Session) -> list[MutasiEntry]:
        self._secrets.add(session.token)
        body = {
            "action": "mutasi_orkut",
            "username": session.username,
            "auth_token": session.token,
            "merchant": session.merchant.account_id,
            "mutasi": "in",
        }
        return _history_entries(self._gateway(body), f"{GATEWAY_PATH} mutasi_orkut")

    def _gateway(self, body: Mapping[str, str], *, deadline_s: float | None = None) -> dict[str, Any]:
        try:
            return self._post(GATEWAY_PATH, body, deadline_s=deadline_s)
        except RejectedError as exc:
            # A gateway that does not know the action does not serve it: the next source takes over.
            if _mentions(exc.server_message, _UNKNOWN_ACTION_WORDS):
                raise EndpointMissingError(f"{GATEWAY_PATH}: {body.get('action')}") from None
            raise

    # ---- the documented account route -----------------------------------------------

    def account_summary(self, session: Session) -> AccountSummary:
        body = {
            "merchant_id": session.merchant.account_id,
            "auth_username": session.username,
            "auth_token": session.token,
        }
        self._secrets.add(session.token)
        data = self._post("/mutasi", body)
        history = _history_entries(data, "/mutasi")
        holder = next((h for h in _holders(data) if "account" in h), data)
        return AccountSummary(history, _account_info(_mapping(holder.get("account"))))

    def history(self, session: Session) -> list[MutasiEntry]:
        return self.account_summary(session).history

    # ---- plumbing ----------------------------------------------------------------

    def _auth(self, session: Session) -> dict[str, str]:
        self._secrets.add(session.token)
        return {
            "auth_username": session.username,
            "auth_token": session.token,
            "merchant": session.merchant.with_ok,
        }

    def _scrub(self, text: str | None) -> str | None:
        if not text:
            return text
        for secret in self._secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text[:300]

    def _post(
        self, path: str, body: Mapping[str, str], *, authed: bool = True, deadline_s: float | None = None
    ) -> dict[str, Any]:
        answer = self._send(path, body, min(deadline_s or self._deadline_s, self._deadline_s))
        log.info("POST %s -> HTTP %s", path, answer.status)
        if self.server_clock is not None:
            offset = bounded.server_offset(answer.headers, answer.received_at)
            if offset is not None:
                self.server_clock.observe(offset)
        return self._interpret(path, answer, authed=authed)

    def _send(self, path: str, body: Mapping[str, str], deadline_s: float) -> bounded.Answer:
        import httpx

        deadline = time.monotonic() + deadline_s
        try:
            with (
                bounded.bounded_request(self._backend, deadline),
                self._http.stream("POST", path, json=dict(body)) as response,
            ):
                content = bounded.read_capped(response, deadline, self._max_bytes)
                return bounded.Answer(response.status_code, response.headers, content)
        except httpx.TimeoutException as exc:
            log.warning("POST %s: timeout (%s)", path, type(exc).__name__)
            raise ApiTimeoutError(f"{path}: {type(exc).__name__}") from None
        except httpx.TransportError as exc:
            log.warning("POST %s: network error (%s)", path, type(exc).__name__)
            raise NetworkError(f"{path}: {type(exc).__name__}") from None
        except ApiError as exc:
            log.warning("POST %s: %r", path, exc)
            raise

    def _interpret(self, path: str, answer: bounded.Answer, *, authed: bool) -> dict[str, Any]:
        status = answer.status
        data = _json_object(answer.body)
        message = self._scrub(_message(data)) if data is not None else None
        if status in (429, 469) or _mentions(message, _RATE_LIMIT_WORDS):
            cooldown = bounded.retry_after(answer.headers)
            raise RateLimitedError(f"{path}: HTTP {status}", server_message=message, cooldown_s=cooldown)
        if status in (404, 405):
            raise EndpointMissingError(f"{path}: HTTP {status}")
        if status in (401, 403):
            raise UnauthorizedError(f"{path}: HTTP {status}", server_message=message)
        if status >= 500:
            raise ServerError(f"{path}: HTTP {status}", server_message=message, status=status)
        if data is None:
            raise BadResponseError(f"{path}: HTTP {status}, {_unreadable(answer)}")
        if status >= 400 or _is_failure(data):
            if authed and _mentions(message, _SESSION_PHRASES):
                raise SessionExpiredError(f"{path}: session refused", server_message=message)
            raise RejectedError(f"{path}: HTTP {status}", server_message=message)
        return data


MAX_IMAGE_HOPS = 3


def download(url: str, *, max_bytes: int = 2 * 1024 * 1024, deadline_s: float = 15.0) -> bytes:
    """Fetch a public file (the account's QRIS image) with no API key, token or cookie attached.

    The image lives on the upstream's host, which must never see the proxy's API key. Redirects are
    followed by hand, each hop checked before it is asked (:func:`image_hop_problem`): a hop into the
    shop's network, a cloud's metadata address or plain http is never fetched.
    """
    import httpx

    deadline = time.monotonic() + deadline_s
    current = url
    try:
        with httpx.Client(timeout=httpx.Timeout(deadline_s), follow_redirects=False) as client:
            backend = bounded.install_backend(client)
            for _hop in range(MAX_IMAGE_HOPS + 1):
                problem = image_hop_problem(current, start=url)
                if problem:
                    raise ConfigError(f"Alamat gambar QRIS tidak aman: {problem}")
                with (
                    bounded.bounded_request(backend, deadline),
                    client.stream("GET", current, headers={"Accept-Encoding": "gzip, deflate"}) as response,
                ):
                    if response.is_redirect and "Location" in response.headers:
                        current = str(response.url.join(response.headers["Location"]))
                        continue
                    if response.status_code != 200:
                        raise BadResponseError(f"image: HTTP {response.status_code}")
                    return bounded.read_capped(response, deadline, max_bytes)
    except httpx.TimeoutException:
        raise ApiTimeoutError("image download timed out") from None
    except httpx.TransportError as exc:
        raise NetworkError(f"image download: {type(exc).__name__}") from None
    raise ConfigError(f"Alamat gambar QRIS dialihkan lebih dari {MAX_IMAGE_HOPS} kali; tidak diikuti.")


def image_hop_problem(url: str, *, start: str) -> str | None:
    """Why the image may not be fetched from ``url`` (a hop of a download that began at ``start``).

    https to a public address; plain http and loopback only for a download that began on loopback
    (the simulator, tests). Never a private, link-local, multicast or reserved address, by name or
    number: the QRIS image comes from the upstream's public host.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"alamat tidak terbaca ({url[:60]!r})"
    local_start = _is_loopback(urlsplit(start).hostname or "")
    if not host:
        return f"alamat tanpa host ({url[:60]!r})"
    if parts.scheme != "https" and not (parts.scheme == "http" and local_start and _is_loopback(host)):
        return f"bukan https ({url[:60]!r})"
    for address in _addresses(host):
        if address.is_loopback and local_start:
            continue
        if not address.is_global:
            return f"alamat {address} bukan alamat internet publik"
    return None


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses a host name stands for (a literal is itself); none when it does not resolve
    (the request then fails by itself)."""
    import socket

    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


# ---- reading answers ----------------------------------------------------------------


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _holders(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The answer itself, then what it wraps: ``{"status": "success", "data": {...}}`` one or two deep."""
    current: Mapping[str, Any] = data
    for _ in range(3):
        yield current
        inner = current.get("data")
        if not isinstance(inner, Mapping):
            return
        current = inner


def _unreadable(answer: bounded.Answer) -> str:
    """What is wrong with a body that is not a JSON object, for the log (never the body itself)."""
    body = answer.body.strip()
    if not body:
        return "empty body"
    content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "text/html" or body[:1] == b"<":
        return f"HTML page ({content_type or 'no Content-Type'}), not JSON"
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return f"malformed JSON ({len(body)} bytes)"
    return f"JSON {_JSON_KINDS.get(type(data), type(data).__name__)}, not an object"


_JSON_KINDS = {list: "list", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}


def _keys(data: Mapping[str, Any]) -> str:
    """The top-level key names of an answer of the wrong shape, for the log: names, never values."""
    names = sorted(k for k in data if isinstance(k, str) and len(k) <= 24 and k.isidentifier())[:8]
    return f" (keys: {', '.join(names)})" if names else " (no keys)"


def _message(data: Mapping[str, Any] | None) -> str | None:
    if not data:
        return None
    for key in ("message", "error", "msg"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _mentions(message: str | None, words: tuple[str, ...]) -> bool:
    lowered = (message or "").lower()
    return any(w in lowered for w in words)


def _is_failure(data: Mapping[str, Any]) -> bool:
    if data.get("success") is False or data.get("status") is False:
        return True
    if str(data.get("status", "")).lower() in ("error", "failed", "fail", "gagal", "false"):
        return True
    ok = data.get("success") is True or data.get("status") is True or data.get("status") == "success"
    return "error" in data and not ok


def _says_success(data: Mapping[str, Any]) -> bool:
    status = data.get("status")
    return data.get("success") is True or status is True or str(status).lower() == "success"


def _says_no_data(data: Mapping[str, Any]) -> bool:
    return _mentions(_message(data), _NO_DATA_WORDS)


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _opt_str(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return text or None


# No movement of money on a merchant account is this large; a row that says so was not written by
# one (an integer past SQLite's 64 bits stopped every refresh with an OverflowError).
MAX_ROW_AMOUNT = 10**12
# Server texts are kept to what a screen, a receipt or the settings file can hold: a 4.8 M-character
# shop name was saved to settings.json and froze every later start.
TEXT_LIMITS = {"name": 100, "brand": 60, "note": 200, "reference": 100, "id": 64, "url": 2000}


def _bounded(value: object, kind: str) -> str:
    """A server text as the app keeps it: a string, stripped, at most ``TEXT_LIMITS[kind]`` characters."""
    return str(value if value is not None else "")[: TEXT_LIMITS[kind] * 2].strip()[: TEXT_LIMITS[kind]]


def _rupiah_in_range(value: object) -> int:
    amount = parse_rupiah(value)  # type: ignore[arg-type]
    if not 0 <= amount <= MAX_ROW_AMOUNT:
        raise MoneyError(f"nominal di luar batas: {str(value)[:40]!r}")
    return amount


def _side_amount(value: object) -> int | None:
    """A side field (balance, saldo_akhir): unreadable means unknown, never a dropped payment."""
    if value in (None, ""):
        return None
    try:
        return _rupiah_in_range(value)
    except (MoneyError, TypeError, ValueError):
        return None


def _seed_entries(data: Mapping[str, Any], what: str) -> list[MutasiEntry]:
    """``{"status": "success", "data": [...]}``; "no data" or ``data: null`` means none (yet)."""
    for holder in _holders(data):
        if not _says_success(holder) and holder is data:
            raise BadResponseError(f"{what}: no success status{_keys(data)}")
        rows = holder.get("data", ...)
        if isinstance(rows, list):
            return [_seed_entry(row, what) for row in rows]
        if rows is None or (rows is ... and _says_no_data(holder)):
            return []  # "no data" with status success means: nothing (yet)
    raise BadResponseError(f"{what}: answer of unknown shape{_keys(data)}")


def _seed_entry(row: object, what: str) -> MutasiEntry:
    if not isinstance(row, Mapping):
        raise BadResponseError(f"{what}: entry is not an object")
    stamp, problems = _stamp(row.get("date"))
    amount = _amount(row.get("amount"), problems)
    return MutasiEntry(
        date=stamp.at,
        amount=amount,
        type=_bounded(row.get("type"), "id"),
        qris=_bounded(row.get("qris"), "brand"),
        brand_name=_bounded(row.get("brand_name"), "brand"),
        issuer_reff=_bounded(row.get("issuer_reff"), "reference"),
        buyer_reff=_bounded(row.get("buyer_reff"), "note"),
        balance=_side_amount(row.get("balance")),
        precision=stamp.precision,
        problem=", ".join(problems),
    )


def _history_entries(data: Mapping[str, Any], what: str) -> list[MutasiEntry]:
    """``qris_history.results`` wherever the answer wraps it."""
    for holder in _holders(data):
        history = holder.get("qris_history")
        if isinstance(history, Mapping):
            rows = history.get("results", ...)
            if isinstance(rows, list):
                return [_history_entry(row, what) for row in rows]
            if rows is None or (rows is ... and _says_no_data(history)):
                return []
            raise BadResponseError(f"{what}: qris_history.results is not a list")
    if _says_no_data(data):
        return []
    raise BadResponseError(f"{what}: no qris_history in the answer{_keys(data)}")


def _history_entry(row: object, what: str) -> MutasiEntry:
    if not isinstance(row, Mapping):
        raise BadResponseError(f"{what}: entry is not an object")
    stamp, problems = _stamp(row.get("tanggal"))
    description = _bounded(row.get("keterangan"), "note")
    status = str(row.get("status") or "").strip().upper()
    kredit = _side_amount(row.get("kredit")) or 0
    debet = _side_amount(row.get("debet")) or 0
    # Money in is status IN, never "kredit is non-zero": withdrawals ("Pencairan") carry their
    # amount in kredit too, and a withdrawal is never income whatever its status says.
    incoming = status == "IN" and not _is_withdrawal(description)
    amount = _amount(row.get("kredit"), problems) if incoming else kredit or debet
    reference = row.get("id")
    return MutasiEntry(
        date=stamp.at,
        amount=amount,
        type="CR" if incoming else "DB",
        qris="",
        brand_name=_bounded(_mapping(row.get("brand")).get("name"), "brand"),
        issuer_reff="",
        buyer_reff=description,
        balance=_side_amount(row.get("saldo_akhir")),
        history_id=_bounded(reference, "id"),
        precision=stamp.precision,
        description=description,
        problem=", ".join(problems),
    )


def _is_withdrawal(description: str) -> bool:
    lowered = description.lower()
    return "pencairan" in lowered or "tarik saldo" in lowered or "penarikan" in lowered


def _stamp(value: object, /) -> tuple[wib.Stamp, list[str]]:
    try:
        return wib.parse_stamp(str(value)), []
    except ValueError:
        # Shown to the cashier as unmatched; matching never accepts a moment it cannot prove.
        log.warning("payment row with an unreadable date (%r)", str(value)[:40])
        return wib.Stamp(wib.now()), ["tanggal tidak terbaca"]


def _amount(value: object, problems: list[str]) -> int:
    try:
        return _rupiah_in_range(value)
    except (MoneyError, TypeError, ValueError):
        log.warning("payment row with an unreadable amount (%r)", str(value)[:40])
        problems.append("nominal tidak terbaca")
        return 0


def _account_info(holder: Mapping[str, Any]) -> AccountInfo | None:
    results = _mapping(holder.get("results"))
    if not results:
        return None
    return AccountInfo(
        id=_bounded(results.get("id"), "id"),
        username=_bounded(results.get("username"), "name"),
        name=_bounded(results.get("name"), "name"),
        qris_name=_bounded(results.get("qris_name"), "name"),
        qris_balance=_side_amount(results.get("qris_balance")),
        qris_image_url=_bounded(results.get("qris"), "url"),
    )


__all__ = [
    "GATEWAY_PATH",
    "AccountInfo",
    "AccountSummary",
    "ApiError",
    "ConfigError",
    "GeneratedQr",
    "LoginResult",
    "MerchantCode",
    "MutasiEntry",
    "OrkutClient",
    "OtpChallenge",
    "Session",
    "check_base_url",
    "download",
]
