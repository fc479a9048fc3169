"""The quiet label's words in a shop of several tills (issue 22): which till asks for payments."""

from __future__ import annotations

from kasir import sources
from kasir.source_status import cadence_text, shop_text, source_text
from kasir.sources import GatewayState, Source, SourceChoice
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


# ---- the shop's words (issue 24) ------------------------------------------------------------

JARGON = ("gateway", "server kasir", "belum")


def _label(serving: Source | None, gateway: GatewayState | None = None) -> str:
    choice = SourceChoice("pembayaran", sources.PAYMENT_ORDER, lambda: START)
    if serving is not None:
        choice.record(sources.Served([], serving))
    if gateway is not None:
        choice.gateway.record(gateway)
    return source_text(choice, serving, choice, poll_s=3, history_s=10)


def test_the_label_speaks_the_shops_words_on_every_route() -> None:
    """It said "gateway", "server kasir" and "belum"."""
    labels = [_label(None), _label(Source.SEED), _label(Source.HISTORY)]
    labels += [_label(Source.GATEWAY, state) for state in GatewayState]
    said = [(word, text) for text in labels for word in JARGON if word in text.lower()]
    assert said == []


def test_the_cadence_beside_the_countdown_says_how_often_payments_are_checked() -> None:
    choice = SourceChoice("pembayaran", sources.PAYMENT_ORDER, lambda: START)
    choice.record(sources.Served([], Source.HISTORY))
    assert cadence_text(choice, poll_s=3, history_s=10) == "Cek pembayaran tiap 10 detik"
    assert cadence_text(SourceChoice("pembayaran", sources.PAYMENT_ORDER, lambda: START), poll_s=3, history_s=10) == (
        "Cek pembayaran tiap 3 detik"
    )
