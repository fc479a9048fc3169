"""What the cashier reads about the routes and the clocks, in the shop's words (no Qt).

The quiet label at the bottom right says which route serves each job and which rests; the orange
one says when this PC's clock is off the server's; F5 says when the next check comes.
"""

from __future__ import annotations

import math
from datetime import timedelta

from kasir import sources
from kasir.sources import GatewayState, Source, SourceChoice

CLOCK_WARN_AFTER = timedelta(minutes=2)


def source_text(
    payments: SourceChoice,
    qr: Source | None,
    panel: SourceChoice,
    *,
    poll_s: float,
    history_s: float,
    asks: bool = True,
) -> str:
    """ "Cek pembayaran: riwayat mutasi (tiap 10 detik) · QR: QR lokal · Mutasi: riwayat mutasi".
    ``asks=False``: another till of the shop asks for payments and the mutasi; only the QR's route is this till's."""
    serving, resting = payments.serving(), payments.resting()
    if not asks:
        return f"QR: {sources.LABEL[qr]}" if qr is not None else ""
    if serving is None:  # every route rests: nothing is asked meanwhile, so never claim a cadence
        parts = [f"Cek pembayaran: dijeda server ({clock_text(payments.cooldown_left())})"]
    elif payments.current is None:
        parts = ["Cek pembayaran: mulai saat QR tampil"]
    else:
        every = seconds_text(payments.interval_s(poll_s, history_s))
        paused = "".join(f"; {sources.LABEL[s]} dijeda {clock_text(left)}" for s, left in resting)
        parts = [f"Cek pembayaran: {sources.LABEL[serving]} (tiap {every}{paused})"]
    gateway = payments.gateway.state
    if gateway is not None and payments.current is Source.GATEWAY:  # the operator's cekaktif, in the shop's words
        parts.append(
            f"Server pembayaran {'aktif' if gateway is GatewayState.ONLINE else 'tidak aktif'} ({gateway.value})"
        )
    if qr is not None:
        parts.append(f"QR: {sources.LABEL[qr]}")
    if not panel.ready():
        parts.append(f"Mutasi: dijeda server ({clock_text(panel.cooldown_left())})")
    elif panel.current is not None:
        parts.append(f"Mutasi: {sources.LABEL[panel.serving() or panel.current]}")
    return " · ".join(parts)


def cadence_text(payments: SourceChoice, *, poll_s: float, history_s: float) -> str:
    """Beside the countdown of a waiting QR: how often this till looks for its money, so a cashier
    knows why LUNAS may take a few seconds ("Cek pembayaran tiap 10 detik")."""
    if payments.serving() is None and payments.current is not None:
        return f"Cek pembayaran dijeda server ({clock_text(payments.cooldown_left())})"
    return f"Cek pembayaran tiap {seconds_text(payments.interval_s(poll_s, history_s))}"


def clock_warning(offset: timedelta) -> str:
    """The orange line when this PC's clock is off the server's by more than two minutes, else ""."""
    if abs(offset) <= CLOCK_WARN_AFTER:
        return ""
    minutes = round(abs(offset).total_seconds() / 60)
    way = "terlambat" if offset > timedelta(0) else "terlalu cepat"
    return f"Jam komputer selisih {minutes} menit ({way}) dari jam server. Perbaiki jam Windows."


def clock_text(left: timedelta) -> str:
    minutes, seconds = divmod(int(left.total_seconds()), 60)
    return f"{minutes}:{seconds:02d}"


def wait_text(left: timedelta) -> str:
    """A wait in whole minutes, rounded up (seconds under one minute): "10 menit", "25 detik"."""
    seconds = math.ceil(left.total_seconds())
    return f"{math.ceil(seconds / 60)} menit" if seconds >= 60 else f"{seconds} detik"


def seconds_text(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")  # Indonesian decimal comma
    return f"{text} detik"


def shop_text(*, reachable: bool, polling: bool, poller: str, counter: str) -> str:
    """The label's word on a shop of several tills: which till asks the upstream for payments."""
    if not reachable:
        return "Jurnal bersama terputus"
    if polling:
        return f"{counter or 'Kasir ini'} memeriksa pembayaran untuk semua kasir"
    if poller:
        return f"Pembayaran diperiksa oleh {poller}"
    return "Menunggu kasir yang memeriksa pembayaran"
