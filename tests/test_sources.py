"""Choosing the route that serves, without Qt, with a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kasir import sources
from kasir.errors import EndpointMissingError, ServerError
from kasir.sources import NoSourceError, Served, Source, SourceChoice, SourceFailedError, first_served
from kasir.wib import WIB


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=WIB)

    def __call__(self) -> datetime:
        return self.now


def not_served(source: Source) -> str:
    raise EndpointMissingError(source.value)


def test_the_first_source_that_serves_answers_and_the_missing_ones_are_named() -> None:
    def attempt(source: Source) -> str:
        if source is Source.HISTORY:
            return "rows"
        return not_served(source)

    served = first_served(sources.PAYMENT_ORDER, attempt)
    assert served == Served("rows", Source.HISTORY, (Source.SEED, Source.GATEWAY))


def test_a_source_failing_for_another_reason_is_raised_not_skipped() -> None:
    def attempt(source: Source) -> str:
        raise ServerError("boom", status=502)

    with pytest.raises(SourceFailedError) as caught:
        first_served(sources.PAYMENT_ORDER, attempt)
    assert caught.value.source is Source.SEED and isinstance(caught.value.error, ServerError)
    assert caught.value.user_message == caught.value.error.user_message


def test_when_no_source_serves_the_error_says_so() -> None:
    with pytest.raises(NoSourceError) as caught:
        first_served(sources.PANEL_ORDER, not_served)
    assert caught.value.missing == sources.PANEL_ORDER


def test_a_missing_source_is_skipped_for_the_session() -> None:
    choice = SourceChoice("pembayaran", sources.PAYMENT_ORDER, FakeClock())
    changed = choice.record(Served([], Source.HISTORY, (Source.SEED, Source.GATEWAY)))
    assert changed and choice.current is Source.HISTORY
    assert choice.candidates() == (Source.HISTORY,)
    assert not choice.record(Served([], Source.HISTORY))


def test_a_missing_source_is_probed_again_after_a_while() -> None:
    clock = FakeClock()
    choice = SourceChoice("pembayaran", sources.PAYMENT_ORDER, clock)
    choice.record(Served([], Source.HISTORY, (Source.SEED, Source.GATEWAY)))
    clock.now += sources.REPROBE_AFTER - timedelta(seconds=1)
    assert choice.candidates() == (Source.HISTORY,)
    clock.now += timedelta(seconds=1)
    assert choice.candidates() == sources.PAYMENT_ORDER


def test_a_login_probes_every_source_again() -> None:
    choice = SourceChoice("QR", sources.QR_ORDER, FakeClock())
    choice.record(Served(None, Source.LOCAL, (Source.SEED, Source.GATEWAY)))
    choice.reprobe()
    assert choice.candidates() == sources.QR_ORDER


def test_when_every_source_is_missing_all_are_still_asked_so_the_cashier_sees_why() -> None:
    choice = SourceChoice("mutasi", sources.PANEL_ORDER, FakeClock())
    choice.record_missing(sources.PANEL_ORDER)
    assert choice.candidates() == sources.PANEL_ORDER


def test_a_cool_down_is_shared_by_the_choices_that_use_the_same_route() -> None:
    clock = FakeClock()
    shared: dict[str, datetime] = {}
    payments = SourceChoice("pembayaran", sources.PAYMENT_ORDER, clock, routes=sources.PAYMENT_ROUTES, cooldowns=shared)
    panel = SourceChoice("mutasi", sources.PANEL_ORDER, clock, routes=sources.PANEL_ROUTES, cooldowns=shared)
    for choice in (payments, panel):
        choice.record(Served([], Source.HISTORY, (Source.SEED, Source.GATEWAY)))
    payments.cool_down(Source.HISTORY, 300)
    assert panel.cooldown_left() == timedelta(seconds=300)
    clock.now += timedelta(seconds=301)
    assert panel.cooldown_left() == timedelta(0)


def test_a_pause_on_the_status_route_leaves_the_other_payment_routes_asked() -> None:
    # QA: one Retry-After on status-pembayaran stopped every payment check for 10 minutes.
    clock = FakeClock()
    shared: dict[str, datetime] = {}
    payments = SourceChoice("pembayaran", sources.PAYMENT_ORDER, clock, routes=sources.PAYMENT_ROUTES, cooldowns=shared)
    panel = SourceChoice("mutasi", sources.PANEL_ORDER, clock, routes=sources.PANEL_ROUTES, cooldowns=shared)
    payments.record(Served([], Source.SEED))
    payments.cool_down(Source.SEED, 600)
    assert payments.ready() == (Source.GATEWAY, Source.HISTORY)
    assert payments.cooldown_left() == timedelta(0)  # something can still be asked
    assert payments.cooldown_left(Source.SEED) == timedelta(seconds=600)
    assert payments.serving() is Source.GATEWAY
    assert payments.interval_s(3.0, 10.0) == 10.0  # the route asked now, at its own cadence
    assert panel.ready() == sources.PANEL_ORDER  # /kasir/orkut/mutasi is another route
    clock.now += timedelta(seconds=600)
    assert payments.ready() == sources.PAYMENT_ORDER
    assert payments.serving() is Source.SEED


def test_the_gateway_and_the_history_are_one_upstream_menu_and_rest_together() -> None:
    clock = FakeClock()
    shared: dict[str, datetime] = {}
    payments = SourceChoice("pembayaran", sources.PAYMENT_ORDER, clock, routes=sources.PAYMENT_ROUTES, cooldowns=shared)
    panel = SourceChoice("mutasi", sources.PANEL_ORDER, clock, routes=sources.PANEL_ROUTES, cooldowns=shared)
    payments.cool_down(Source.GATEWAY, 300)  # "terlalu sering" from the account's QRIS history
    assert payments.ready() == (Source.SEED,)
    assert panel.ready() == (Source.SEED,)
    payments.cool_down(Source.SEED, 120)
    assert payments.ready() == ()
    assert payments.serving() is None
    assert payments.cooldown_left() == timedelta(seconds=120)  # until the first route may be asked
    assert panel.ready() == (Source.SEED,)


def test_a_missing_route_is_not_waited_for() -> None:
    clock = FakeClock()
    payments = SourceChoice("pembayaran", sources.PAYMENT_ORDER, clock, routes=sources.PAYMENT_ROUTES)
    payments.record(Served([], Source.HISTORY, (Source.SEED, Source.GATEWAY)))
    payments.cool_down(Source.HISTORY, 300)
    assert payments.ready() == ()
    assert payments.cooldown_left() == timedelta(seconds=300)


def test_the_history_has_its_own_slower_cadence() -> None:
    choice = SourceChoice("pembayaran", sources.PAYMENT_ORDER, FakeClock())
    assert choice.interval_s(3.0, 10.0) == 3.0  # nothing learned yet: the seed's status route first
    choice.record(Served([], Source.GATEWAY, (Source.SEED,)))
    assert choice.interval_s(3.0, 10.0) == 10.0


def test_a_local_qr_needs_the_shops_static_qris() -> None:
    with pytest.raises(sources.ShopQrisMissingError) as caught:
        sources.qr_from(None, None, Source.LOCAL, 25_001, None)
    assert "Pengaturan" in caught.value.user_message


def test_a_local_qr_is_the_shops_qris_made_dynamic_for_the_nominal() -> None:
    from kasir import qris
    from kasir.simulator import DEMO_BASE_QR

    made = sources.qr_from(None, None, Source.LOCAL, 25_001, DEMO_BASE_QR)
    assert qris.parse(made.qr_string).amount == "25001" and made.nominal == 25_001
