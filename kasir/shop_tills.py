"""A shop of several tills: where their shared journal is, and what each till is called.

No Qt, no psycopg: the address is checked before anything connects (the command line, Pengaturan),
and the till's name becomes the label its QRs carry (QRIS tag 62, sub-tag 07: the terminal label).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kasir.errors import ConfigError

SCHEMES = ("postgresql", "postgres")
JOURNAL_PASSWORD = "journal_password"  # the keyring entry of the shared journal's password
ONE_PC_PACKAGE = (
    "Paket Kasir QRIS ini untuk satu PC: jurnal bersama (PostgreSQL) tidak ada di dalamnya. Untuk beberapa"
    " kasir, pasang paket 'kasir-toko'."
)
COUNTER_LIMIT = 25  # EMV: the terminal label (62.07) holds at most 25 characters
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


def check_journal_url(url: str) -> str:
    """``postgresql://user@host:port/db``, trimmed; a password in it is refused (it would sit in
    settings.json and the log): the keyring or libpq's ``.pgpass`` keeps it."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"Alamat jurnal bersama tidak terbaca: {exc}") from exc
    if parts.scheme not in SCHEMES:
        raise ConfigError("Alamat jurnal bersama harus diawali postgresql:// (contoh: postgresql://kasir@server/toko).")
    if parts.password is not None:
        raise ConfigError(
            "Jangan tulis kata sandi di alamat jurnal bersama: isi di kolom kata sandi (disimpan di keyring)."
        )
    if not parts.hostname and "host=" not in parts.query:
        raise ConfigError("Alamat jurnal bersama tanpa nama server (contoh: postgresql://kasir@192.168.1.10/toko).")
    if port == 0:
        raise ConfigError("Port jurnal bersama tidak sah.")
    if not parts.path.strip("/"):
        raise ConfigError("Alamat jurnal bersama tanpa nama database (contoh: postgresql://kasir@server/toko).")
    return text


def default_counter() -> str:
    """A till's name when none is given: the PC's name (what the shop calls it already)."""
    import socket

    return counter_name(socket.gethostname()) or "Kasir"


def counter_name(text: str) -> str:
    """A till's name as stored and printed: printable ASCII (it goes into the QR), at most 25 characters."""
    return " ".join(_UNPRINTABLE.sub("", text).split())[:COUNTER_LIMIT].strip()


def account_id_of(merchant: str) -> str:
    """The account id a shared journal is bound to, from the merchant code as typed ("" when unreadable)."""
    from kasir.orkut.types import MerchantCode

    try:
        return MerchantCode.parse(merchant).account_id if merchant else ""
    except ConfigError:
        return ""
