"""Typed client for the Orkut mutasi API (see shared/api/CONTRACT.md).

One long-lived ``httpx.Client`` per instance (keep-alive, explicit timeouts). Every
endpoint sits behind this class so another upstream shape can be added in one place.
Parsing is tolerant where the contract says answers vary, strict where money is at stake.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from kasir import wib
from kasir.errors import (
    ApiError,
    ApiTimeoutError,
    BadResponseError,
    NetworkError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SessionExpiredError,
    UnauthorizedError,
)
from kasir.money import MoneyError, parse_rupiah

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://orkut.hidepulsa.com"
DEFAULT_COOLDOWN_S = 300.0  # public clients wait five minutes after "terlalu sering"
_RATE_LIMIT_WORDS = ("terlalu sering", "coba kembali 5 menit", "too many")
_SESSION_WORDS = ("token", "login", "sesi", "session", "expired", "kadaluarsa", "kedaluwarsa", "unauthori")


class ConfigError(ValueError):
    """A setting the client cannot work with (bad URL, bad merchant code)."""


def check_base_url(url: str) -> str:
    """Return the URL without a trailing slash; refuse plain http except on loopback."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"Alamat API tidak valid: {url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError("Alamat API harus https:// (http hanya untuk server lokal)")
    return url.strip().rstrip("/")


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
class OtpChallenge:
    channel: str | None
    destination: str | None
    message: str | None


@dataclass(frozen=True)
class LoginResult:
    token: str = field(repr=False)
    account_id: str | None = None
    name: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class GeneratedQr:
    nominal: int
    qr_string: str
    image_url: str | None


@dataclass(frozen=True)
class MutasiEntry:
    """One entry of ``/kasir/orkut/mutasi`` or ``status-pembayaran``."""

    date: datetime
    amount: int
    type: str
    qris: str
    brand_name: str
    issuer_reff: str
    buyer_reff: str
    balance: int | None

    @property
    def is_incoming(self) -> bool:
        return self.type.strip().upper() == "CR"

    @property
    def key(self) -> str:
        """Identity of the payment: ``issuer_reff``, or a stand-in built from what is there."""
        if self.issuer_reff:
            return self.issuer_reff
        return f"~{wib.format_wib(self.date)}|{self.amount}|{self.buyer_reff}"


@dataclass(frozen=True)
class HistoryEntry:
    """One entry of ``/mutasi``'s ``qris_history`` (its own id space and formats)."""

    id: str
    date: datetime
    debet: int
    kredit: int
    balance_after: int | None
    description: str
    status: str
    brand_name: str

    @property
    def is_incoming(self) -> bool:
        # Withdrawals ("Pencairan") have been seen with their amount in kredit.
        return self.status.strip().upper() == "IN"


@dataclass(frozen=True)
class AccountInfo:
    id: str
    username: str
    name: str
    qris_name: str
    qris_balance: int | None


@dataclass(frozen=True)
class AccountSummary:
    history: list[HistoryEntry]
    account: AccountInfo | None


class OrkutClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self._api_key = api_key
        self._secrets: set[str] = {api_key} if api_key else set()
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            transport=transport,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"OrkutClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

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
        results = _mapping(data.get("results")) or data
        return OtpChallenge(
            channel=_opt_str(results.get("otp")),
            destination=_opt_str(results.get("otp_value")),
            message=self._scrub(_opt_str(data.get("message"))),
        )

    def verify_otp(self, username: str, otp: str) -> LoginResult:
        data = self._post("/valid-otp", {"username": username, "otp": otp}, authed=False)
        for holder in (_mapping(data.get("results")), data, _mapping(data.get("data"))):
            token = _opt_str(holder.get("token"))
            if token:
                self._secrets.add(token)
                account_id = _opt_str(holder.get("id")) or (token.split(":", 1)[0] if ":" in token else None)
                return LoginResult(
                    token=token,
                    account_id=account_id if account_id and account_id.isdigit() else None,
                    name=_opt_str(holder.get("name")),
                    username=_opt_str(holder.get("username")),
                )
        raise RejectedError("no token", server_message=self._scrub(_message(data)) or "token tidak ditemukan")

    # ---- per-sale calls ----------------------------------------------------------

    def generate(self, session: Session, nominal: int) -> GeneratedQr:
        data = self._post("/kasir/orkut/generate", {**self._auth(session), "nominal": str(nominal)})
        qr_string = data.get("qr_string")
        if not isinstance(qr_string, str) or not qr_string.strip():
            raise BadResponseError("generate: no qr_string")
        try:
            answered = parse_rupiah(data.get("nominal", nominal))
        except MoneyError as exc:
            raise BadResponseError("generate: bad nominal") from exc
        return GeneratedQr(answered, qr_string.strip(), _opt_str(data.get("image_url")))

    def payment_status(self, session: Session, nominal: int) -> list[MutasiEntry]:
        data = self._post("/kasir/orkut/status-pembayaran", {**self._auth(session), "nominal": str(nominal)})
        return _mutasi_list(data, "status-pembayaran")

    def mutasi(self, session: Session) -> list[MutasiEntry]:
        data = self._post("/kasir/orkut/mutasi", self._auth(session))
        return _mutasi_list(data, "mutasi")

    def account_summary(self, session: Session) -> AccountSummary:
        body = {
            "merchant_id": session.merchant.account_id,
            "auth_username": session.username,
            "auth_token": session.token,
        }
        self._secrets.add(session.token)
        data = self._post("/mutasi", body)
        history = _mapping(data.get("qris_history"))
        rows = history.get("results") or []
        if not isinstance(rows, list):
            raise BadResponseError("/mutasi: results is not a list")
        return AccountSummary([_history_entry(r) for r in rows], _account_info(_mapping(data.get("account"))))

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

    def _post(self, path: str, body: Mapping[str, str], *, authed: bool = True) -> dict[str, Any]:
        try:
            response = self._http.post(path, json=dict(body))
        except httpx.TimeoutException as exc:
            log.warning("POST %s: timeout (%s)", path, type(exc).__name__)
            raise ApiTimeoutError(f"{path}: {type(exc).__name__}") from None
        except httpx.TransportError as exc:
            log.warning("POST %s: network error (%s)", path, type(exc).__name__)
            raise NetworkError(f"{path}: {type(exc).__name__}") from None
        log.info("POST %s -> HTTP %s", path, response.status_code)
        return self._interpret(path, response, authed=authed)

    def _interpret(self, path: str, response: httpx.Response, *, authed: bool) -> dict[str, Any]:
        status = response.status_code
        data = _json_object(response)
        message = self._scrub(_message(data)) if data is not None else None
        if status in (429, 469) or _mentions(message, _RATE_LIMIT_WORDS):
            raise RateLimitedError(f"{path}: HTTP {status}", server_message=message, cooldown_s=_retry_after(response))
        if status in (401, 403):
            raise UnauthorizedError(f"{path}: HTTP {status}", server_message=message)
        if status >= 500:
            raise ServerError(f"{path}: HTTP {status}", server_message=message, status=status)
        if data is None:
            kind = "empty body" if not response.content.strip() else "not a JSON object"
            raise BadResponseError(f"{path}: HTTP {status}, {kind}")
        if status >= 400 or _is_failure(data):
            if authed and _mentions(message, _SESSION_WORDS):
                raise SessionExpiredError(f"{path}: session refused", server_message=message)
            raise RejectedError(f"{path}: HTTP {status}", server_message=message)
        return data


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


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
    if data.get("success") is False:
        return True
    if str(data.get("status", "")).lower() in ("error", "failed", "gagal", "false"):
        return True
    return "error" in data and data.get("success") is not True and data.get("status") != "success"


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return DEFAULT_COOLDOWN_S


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _opt_str(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _mutasi_list(data: Mapping[str, Any], what: str) -> list[MutasiEntry]:
    if str(data.get("status", "")).lower() != "success" and data.get("success") is not True:
        raise BadResponseError(f"{what}: no success status")
    rows = data.get("data")
    if rows is None:
        return []  # "no data" with status success means: nothing (yet)
    if not isinstance(rows, list):
        raise BadResponseError(f"{what}: data is not a list")
    entries = []
    for row in rows:
        try:
            entries.append(_mutasi_entry(row))
        except (KeyError, TypeError, ValueError) as exc:
            # A row we cannot read can settle nothing; dropping it is safe, hiding it is not.
            log.warning("%s: skipped unreadable entry (%s)", what, type(exc).__name__)
    return entries


def _mutasi_entry(row: object) -> MutasiEntry:
    if not isinstance(row, Mapping):
        raise TypeError("entry is not an object")
    balance = row.get("balance")
    return MutasiEntry(
        date=wib.parse_wib(str(row["date"])),
        amount=parse_rupiah(row["amount"]),
        type=str(row.get("type") or ""),
        qris=str(row.get("qris") or ""),
        brand_name=str(row.get("brand_name") or ""),
        issuer_reff=str(row.get("issuer_reff") or "").strip(),
        buyer_reff=str(row.get("buyer_reff") or ""),
        balance=parse_rupiah(balance) if balance not in (None, "") else None,
    )


def _history_entry(row: object) -> HistoryEntry:
    if not isinstance(row, Mapping):
        raise BadResponseError("/mutasi: entry is not an object")
    try:
        saldo = row.get("saldo_akhir")
        return HistoryEntry(
            id=str(row["id"]),
            date=wib.parse_wib(str(row["tanggal"])),
            debet=parse_rupiah(row.get("debet") or 0),
            kredit=parse_rupiah(row.get("kredit") or 0),
            balance_after=parse_rupiah(saldo) if saldo not in (None, "") else None,
            description=str(row.get("keterangan") or ""),
            status=str(row.get("status") or ""),
            brand_name=str(_mapping(row.get("brand")).get("name") or ""),
        )
    except (KeyError, ValueError) as exc:
        raise BadResponseError(f"/mutasi: unreadable entry ({type(exc).__name__})") from None


def _account_info(results_holder: Mapping[str, Any]) -> AccountInfo | None:
    results = _mapping(results_holder.get("results"))
    if not results:
        return None
    balance = results.get("qris_balance")
    try:
        qris_balance = parse_rupiah(balance) if balance not in (None, "") else None
    except MoneyError:
        qris_balance = None
    return AccountInfo(
        id=str(results.get("id") or ""),
        username=str(results.get("username") or ""),
        name=str(results.get("name") or ""),
        qris_name=str(results.get("qris_name") or ""),
        qris_balance=qris_balance,
    )


__all__ = [
    "DEFAULT_BASE_URL",
    "AccountInfo",
    "AccountSummary",
    "ApiError",
    "ConfigError",
    "GeneratedQr",
    "HistoryEntry",
    "LoginResult",
    "MerchantCode",
    "MutasiEntry",
    "OrkutClient",
    "OtpChallenge",
    "Session",
    "check_base_url",
]
