"""Reading the service's JSON answers into :mod:`kasir.orkut.types`: tolerant where answers are
known to vary, loud where money is at stake. An answer of unknown shape is a
:class:`~kasir.errors.BadResponseError`, never "no payments"; a payment row with an odd side field
is still a payment; a row whose date or amount cannot be read is kept and marked.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kasir import wib
from kasir.errors import BadResponseError
from kasir.money import MoneyError, parse_rupiah
from kasir.orkut.types import AccountInfo, LoginResult, MutasiEntry, PaymentProblem

if TYPE_CHECKING:
    from kasir.transport import Answer

log = logging.getLogger(__name__)

RATE_LIMIT_WORDS = ("terlalu sering", "coba kembali 5 menit", "too many")
# Refusals waiting does not fix (CONTRACT.md, "Seen in 2026"): told apart from a rate limit, and read
# first, since the network refusal comes as "469: ..." (469 is also the upstream's rate-limit status).
NETWORK_REFUSED_WORDS = ("gunakan jaringan internet lain",)
VERSION_GATE_WORDS = ("perbarui aplikasi", "perbaharui aplikasi", "update aplikasi")
# Phrases that mean the token is no longer accepted. A message that merely contains the word
# "token" (say "token QR tidak dikenal") is not one of them.
SESSION_PHRASES = (
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
# The upstream's static-QR history, and its own dynamic-QR history: either, or both, may come.
HISTORY_KEYS = ("qris_history", "qris_ajaib_history")
_ANSWER_PARTS = frozenset({"data", *HISTORY_KEYS})  # a failure of these is the answer's own
NO_DATA_WORDS = ("no data", "tidak ada data", "data tidak ditemukan", "belum ada")
UNKNOWN_ACTION_WORDS = ("action tidak", "unknown action", "invalid action", "action not")


def login_in(data: Mapping[str, Any]) -> LoginResult | None:
    """The token (and the account it names) wherever a login answer puts it; None when there is none."""
    for outer in holders(data):
        for holder in (mapping(outer.get("results")), outer):
            token = opt_str(holder.get("token"))
            if token:
                account_id = opt_str(holder.get("id")) or (token.split(":", 1)[0] if ":" in token else None)
                name, username = opt_str(holder.get("name")), opt_str(holder.get("username"))
                return LoginResult(
                    token=token,
                    account_id=account_id if account_id and account_id.isdigit() and len(account_id) <= 20 else None,
                    name=bounded_text(name, "name") if name else None,
                    username=bounded_text(username, "name") if username else None,
                )
    return None


def json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def holders(data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The answer itself, then what it wraps: ``{"status": "success", "data": {...}}`` one or two deep."""
    current: Mapping[str, Any] = data
    for _ in range(3):
        yield current
        inner = current.get("data")
        if not isinstance(inner, Mapping):
            return
        current = inner


def unreadable(answer: Answer) -> str:
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


def keys_of(data: Mapping[str, Any]) -> str:
    """The top-level key names of an answer of the wrong shape, for the log: names, never values."""
    names = sorted(k for k in data if isinstance(k, str) and len(k) <= 24 and k.isidentifier())[:8]
    return f" (keys: {', '.join(names)})" if names else " (no keys)"


def message_of(data: Mapping[str, Any] | None) -> str | None:
    if not data:
        return None
    for key in ("message", "error", "msg"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def refusal_texts(data: Mapping[str, Any]) -> list[str]:
    """The answer's own message, then those of its failed parts that speak for the whole answer: any
    part of a failed answer (``{"success": false, "qris_withdraw": {"message": "... coba kembali 5
    menit"}}``), or, in a successful envelope, a failed wrapper or history part. Another menu's failure
    beside a good history (a failed ``qris_withdraw``) is no refusal of the history."""
    texts = [own] if (own := message_of(data)) else []
    failed = is_failure(data)
    for holder in holders(data):
        for key, part in holder.items():
            if not isinstance(part, Mapping) or not (failed or (key in _ANSWER_PARTS and is_failure(part))):
                continue
            if said := message_of(part):
                texts.append(said)
    return texts


def mentions(message: str | None, words: tuple[str, ...]) -> bool:
    lowered = (message or "").lower()
    return any(w in lowered for w in words)


def is_failure(data: Mapping[str, Any]) -> bool:
    if data.get("success") is False or data.get("status") is False:
        return True
    if str(data.get("status", "")).lower() in ("error", "failed", "fail", "gagal", "false"):
        return True
    ok = data.get("success") is True or data.get("status") is True or data.get("status") == "success"
    return "error" in data and not ok


def says_success(data: Mapping[str, Any]) -> bool:
    status = data.get("status")
    return data.get("success") is True or status is True or str(status).lower() == "success"


def says_no_data(data: Mapping[str, Any]) -> bool:
    return mentions(message_of(data), NO_DATA_WORDS)


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def opt_str(value: object) -> str | None:
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


def bounded_text(value: object, kind: str) -> str:
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


def seed_entries(data: Mapping[str, Any], what: str) -> list[MutasiEntry]:
    """``{"status": "success", "data": [...]}``; "no data" or ``data: null`` means none (yet)."""
    for holder in holders(data):
        if not says_success(holder) and holder is data:
            raise BadResponseError(f"{what}: no success status{keys_of(data)}")
        rows = holder.get("data", ...)
        if isinstance(rows, list):
            return [_seed_entry(row, what) for row in rows]
        if rows is None or (rows is ... and says_no_data(holder)):
            return []  # "no data" with status success means: nothing (yet)
    raise BadResponseError(f"{what}: answer of unknown shape{keys_of(data)}")


def _seed_entry(row: object, what: str) -> MutasiEntry:
    if not isinstance(row, Mapping):
        raise BadResponseError(f"{what}: entry is not an object")
    stamp, problems = _stamp(row.get("date"))
    amount = _amount(row.get("amount"), problems)
    issuer_reff = bounded_text(row.get("issuer_reff"), "reference")
    return MutasiEntry(
        date=stamp.at,
        amount=amount,
        type=bounded_text(row.get("type"), "id"),
        qris=bounded_text(row.get("qris"), "brand"),
        brand_name=bounded_text(row.get("brand_name"), "brand"),
        issuer_reff=issuer_reff,
        buyer_reff=bounded_text(row.get("buyer_reff"), "note"),
        balance=_side_amount(row.get("balance")),
        history_id=_history_id_in(issuer_reff),
        precision=stamp.precision,
        problems=frozenset(problems),
    )


# OrderKuota's own merchant gateway (2026) answers the history id as issuer_reff, written "id" + the id
# ("id160644687"): the same payment as the history's row of that id, so it takes that row's claim key.
_HISTORY_REFF = re.compile(r"id([0-9]{1,20})", re.IGNORECASE)


def _history_id_in(issuer_reff: str) -> str:
    found = _HISTORY_REFF.fullmatch(issuer_reff)
    return found.group(1) if found else ""


def history_entries(data: Mapping[str, Any], what: str) -> list[MutasiEntry]:
    """``qris_history.results`` and ``qris_ajaib_history.results`` wherever the answer wraps them; a
    payment listed in both (one history id) is one payment."""
    for holder in holders(data):
        parts = [(key, holder[key]) for key in HISTORY_KEYS if isinstance(holder.get(key), Mapping)]
        if parts:
            entries: list[MutasiEntry] = []
            for key, history in parts:
                seen = {e.history_id for e in entries if e.history_id}
                entries += [e for e in _history_part(history, f"{what}: {key}") if e.history_id not in seen]
            return entries
        if says_success(holder) and "data" in holder and holder["data"] is None:
            return []  # {"status": "success", "data": null}: no history (yet)
    if says_no_data(data):
        return []
    raise BadResponseError(f"{what}: no qris_history in the answer{keys_of(data)}")


def _history_part(history: Mapping[str, Any], what: str) -> list[MutasiEntry]:
    rows = history.get("results", ...)
    if isinstance(rows, list):
        return [_history_entry(row, what) for row in rows]
    if rows is None or (rows is ... and says_no_data(history)):
        return []
    raise BadResponseError(f"{what}.results is not a list")


# Key names clients of the upstream guard against in history rows (CONTRACT.md, "Seen in 2026"), the
# documented name first.
ROW_ALIASES = {
    "kredit": ("kredit", "credit"),
    "debet": ("debet", "debit"),
    "saldo_akhir": ("saldo_akhir", "saldo", "balance_after"),
    "tanggal": ("tanggal", "date", "created_at", "waktu"),
    "keterangan": ("keterangan", "description", "note"),
    "brand": ("bank", "bank_name", "issuer"),  # after brand.name
}
# An RRN written into the note: "R#576037816490", "RRN:576037816490", "REF: 576037816490".
_RRN = re.compile(r"(?<![A-Za-z0-9])(?:R#|RRN\s*[:#]|REF\s*[:#])\s*([A-Za-z0-9]{6,32})", re.IGNORECASE)


def _field(row: Mapping[str, Any], name: str) -> object:
    """A row's field under the first of its names that holds a value."""
    return next((row[key] for key in ROW_ALIASES[name] if row.get(key) not in (None, "")), None)


def _brand(row: Mapping[str, Any]) -> str:
    nested = mapping(row.get("brand")).get("name")
    flat = row.get("brand") if isinstance(row.get("brand"), str) else None
    return bounded_text(nested or flat or _field(row, "brand"), "brand")


def _history_entry(row: object, what: str) -> MutasiEntry:
    if not isinstance(row, Mapping):
        raise BadResponseError(f"{what}: entry is not an object")
    stamp, problems = _stamp(_field(row, "tanggal"))
    description = bounded_text(_field(row, "keterangan"), "note")
    status = str(row.get("status") or "").strip().upper()
    kredit = _side_amount(_field(row, "kredit")) or 0
    debet = _side_amount(_field(row, "debet")) or 0
    # Money in is status IN, never "kredit is non-zero": withdrawals ("Pencairan") carry their
    # amount in kredit too, and a withdrawal is never income whatever its status says.
    incoming = status == "IN" and not _is_withdrawal(description)
    amount = _amount(_field(row, "kredit"), problems) if incoming else kredit or debet
    rrn = _RRN.search(description)
    return MutasiEntry(
        date=stamp.at,
        amount=amount,
        type="CR" if incoming else "DB",
        qris="",
        brand_name=_brand(row),
        issuer_reff=bounded_text(rrn.group(1), "reference") if rrn else "",
        buyer_reff=description,
        balance=_side_amount(_field(row, "saldo_akhir")),
        history_id=bounded_text(row.get("id"), "id"),
        precision=stamp.precision,
        description=description,
        problems=frozenset(problems),
    )


def _is_withdrawal(description: str) -> bool:
    lowered = description.lower()
    return "pencairan" in lowered or "tarik saldo" in lowered or "penarikan" in lowered


def _stamp(value: object, /) -> tuple[wib.Stamp, list[PaymentProblem]]:
    try:
        return wib.parse_stamp(str(value)), []
    except ValueError:
        # Shown to the cashier as unmatched; matching never accepts a moment it cannot prove.
        log.warning("payment row with an unreadable date (%r)", str(value)[:40])
        return wib.Stamp(wib.now()), [PaymentProblem.DATE]


def _amount(value: object, problems: list[PaymentProblem]) -> int:
    try:
        return _rupiah_in_range(value)
    except (MoneyError, TypeError, ValueError):
        log.warning("payment row with an unreadable amount (%r)", str(value)[:40])
        problems.append(PaymentProblem.AMOUNT)
        return 0


# Where the account has been seen: under account.results (documented), or under balance or main_balance,
# or flat in the answer itself. A key of these that holds a plain value (a flat "balance": "Rp 0") is a field.
ACCOUNT_KEYS = ("account", "balance", "main_balance")
_ACCOUNT_FIELDS = ("qris_name", "qris_balance", "qris_balance_str", "qris", "username")


def account_in(data: Mapping[str, Any]) -> AccountInfo | None:
    """The account wherever the answer puts it; None when it has none. Its side fields are never a
    reason to drop the history beside it: what cannot be read is unknown."""
    for holder in holders(data):
        for key in ACCOUNT_KEYS:
            part = mapping(holder.get(key))
            fields = mapping(part.get("results")) or part
            if any(name in fields for name in _ACCOUNT_FIELDS):
                return account_info(fields)
        if any(name in holder for name in _ACCOUNT_FIELDS):
            return account_info(holder)
    return None


def account_info(fields: Mapping[str, Any]) -> AccountInfo:
    balance = fields.get("balance")
    return AccountInfo(
        id=bounded_text(fields.get("id"), "id"),
        username=bounded_text(fields.get("username"), "name"),
        name=bounded_text(fields.get("name"), "name"),
        qris_name=bounded_text(fields.get("qris_name"), "name"),
        qris_balance=_balance(fields.get("qris_balance"), fields.get("qris_balance_str")),
        qris_image_url=bounded_text(fields.get("qris"), "url"),
        balance=_balance(None if isinstance(balance, Mapping) else balance, fields.get("balance_str")),
    )


def _balance(value: object, text: object) -> int | None:
    """A balance as a number, or else as its text ("Rp 999.999", "Rp 999,999"); unknown when neither reads."""
    number = _side_amount(value)
    return number if number is not None else _side_amount(text)
