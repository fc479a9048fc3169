"""What the Orkut service's answers mean, as plain typed values: no HTTP, no parsing.

The money modules (matching, the till, the journal, the recap) import these and nothing of the
client, so none of them sits above the HTTP client (the ollama-python split: types, answers, client).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from kasir import wib
from kasir.errors import ConfigError


class PaymentProblem(StrEnum):
    """What could not be read of a payment row. Values are what the journal stores."""

    DATE = "date"
    AMOUNT = "amount"

    @property
    def label(self) -> str:
        return _PROBLEM_LABELS[self]


_PROBLEM_LABELS = {PaymentProblem.DATE: "tanggal tidak terbaca", PaymentProblem.AMOUNT: "nominal tidak terbaca"}


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

    ``problems`` says what could not be read (its date, its amount): such a row is shown to the
    cashier as unmatched and never settles a sale by itself.
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
    problems: frozenset[PaymentProblem] = frozenset()
    claim_key: str = ""  # the key the journal recorded it under (a row read back from the journal)

    @property
    def is_incoming(self) -> bool:
        return self.type.strip().upper() == "CR"

    @property
    def when_text(self) -> str:
        """The time of day as a cashier reads it; never a time the row did not give."""
        if self.date_unknown:
            return "waktu tidak diketahui"
        minute_only = self.precision >= timedelta(minutes=1)  # "18:02" must not read as 18:02:00
        return self.date.astimezone(wib.WIB).strftime("%H:%M" if minute_only else "%H:%M:%S")

    @property
    def date_unknown(self) -> bool:
        """Its date could not be read: ``date`` is when the app saw it, never when it was paid."""
        return PaymentProblem.DATE in self.problems

    @property
    def problem_text(self) -> str:
        """What could not be read, as the cashier reads it ("" for a whole row)."""
        return ", ".join(p.label for p in sorted(self.problems))

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
    balance: int | None = None  # the account's main (non-QRIS) balance; None when unknown


@dataclass(frozen=True)
class AccountSummary:
    history: list[MutasiEntry]
    account: AccountInfo | None
