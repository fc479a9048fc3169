"""The quiet label's words in a shop of several tills (issue 22): which till asks for payments."""

from __future__ import annotations

from kasir import sources
from kasir.source_status import shop_text, source_text
from kasir.sources import Source, SourceChoice
from tests.test_till import START


def test_the_polling_till_says_it_checks_for_every_till() -> None:
    text = shop_text(reachable=True, polling=True, poller="Kasir 1", counter="Kasir 1")
    assert text == "Kasir 1 memeriksa pembayaran untuk semua kasir"


def test_a_listening_till_names_the_till_that_checks() -> None:
    assert shop_text(reachable=True, polling=False, poller="Kasir 1", counter="Kasir 2") == (
        "Pembayaran diperiksa oleh Kasir 1"
    )
    assert "Menunggu" in shop_text(reachable=True, polling=False, poller="", counter="Kasir 2")
    assert "terputus" in shop_text(reachable=False, polling=False, poller="", counter="Kasir 2")


def test_a_till_that_does_not_ask_claims_no_cadence_of_its_own() -> None:
    choice = SourceChoice("pembayaran", sources.PAYMENT_ORDER, lambda: START)
    text = source_text(choice, Source.LOCAL, choice, poll_s=3, history_s=10, asks=False)
    assert text == "QR: QR lokal" and "Cek pembayaran" not in text
