from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kasir import wib
from kasir.matching import SaleTerms, find_settlement, match_late, settles
from kasir.orkut.types import MutasiEntry

CREATED = datetime(2026, 11, 24, 10, 0, 0, tzinfo=wib.WIB)


def entry(at: datetime, amount: int = 25_001, type_: str = "CR", reff: str = "REF1") -> MutasiEntry:
    return MutasiEntry(at, amount, type_, "static", "DANA", reff, "NOBU / X", None)


TERMS = SaleTerms(nominal=25_001, created_at=CREATED)


def test_a_payment_of_the_exact_nominal_after_creation_settles() -> None:
    assert settles(entry(CREATED + timedelta(seconds=30)), TERMS)


def test_an_older_payment_of_the_same_amount_does_not_settle() -> None:
    assert not settles(entry(CREATED - timedelta(hours=2)), TERMS)
    assert not settles(entry(CREATED - timedelta(days=1)), TERMS)


def test_a_minute_precision_timestamp_inside_the_grace_settles() -> None:
    # Paid at 10:00:40 but shown as 10:00 by a minute-precision feed; created at 10:00:30.
    terms = SaleTerms(25_001, CREATED + timedelta(seconds=30))
    assert settles(entry(CREATED), terms)


def test_a_different_amount_does_not_settle() -> None:
    assert not settles(entry(CREATED + timedelta(seconds=5), amount=25_000), TERMS)


@pytest.mark.parametrize("type_", ["DB", "", "OUT"])
def test_money_out_never_settles(type_: str) -> None:
    assert not settles(entry(CREATED + timedelta(seconds=5), type_=type_), TERMS)


def test_a_payment_claimed_by_another_sale_does_not_settle() -> None:
    assert not settles(entry(CREATED + timedelta(seconds=5)), TERMS, claimed={"REF1"})


def test_one_payment_cannot_settle_two_sales() -> None:
    payment = entry(CREATED + timedelta(seconds=5))
    claimed: set[str] = set()
    first = find_settlement([payment], TERMS, claimed)
    assert first is payment
    claimed.add(first.key)
    assert find_settlement([payment], SaleTerms(25_001, CREATED + timedelta(seconds=1)), claimed) is None


def test_the_earliest_eligible_payment_is_chosen() -> None:
    late, early = entry(CREATED + timedelta(minutes=3), reff="B"), entry(CREATED + timedelta(minutes=1), reff="A")
    assert find_settlement([late, early], TERMS) is early


@pytest.mark.parametrize("offset_h", [0, 1, -7])  # WIB, WITA, UTC
def test_result_does_not_depend_on_the_zone_the_sale_time_is_expressed_in(offset_h: int) -> None:
    zone = timezone(timedelta(hours=offset_h + 7)) if offset_h else wib.WIB
    terms = SaleTerms(25_001, CREATED.astimezone(zone))
    assert settles(entry(CREATED + timedelta(seconds=10)), terms)
    assert not settles(entry(CREATED - timedelta(minutes=30)), terms)


def test_a_payment_after_the_watch_window_does_not_settle() -> None:
    terms = SaleTerms(25_001, CREATED, not_after=CREATED + timedelta(minutes=10))
    assert not settles(entry(CREATED + timedelta(minutes=11)), terms)


def test_naive_creation_time_is_refused() -> None:
    with pytest.raises(ValueError):
        SaleTerms(1, datetime(2026, 1, 1))


def test_late_matching_gives_one_payment_to_one_sale_only() -> None:
    late = entry(CREATED + timedelta(minutes=20), reff="LATE")
    first = (1, SaleTerms(25_001, CREATED))
    second = (2, SaleTerms(25_001, CREATED + timedelta(minutes=1)))
    assert match_late([late], [second, first]) == [(1, late)]


def test_late_matching_skips_payments_already_claimed() -> None:
    late = entry(CREATED + timedelta(minutes=20), reff="TAKEN")
    assert match_late([late], [(1, TERMS)], claimed={"TAKEN"}) == []


def test_late_matching_ignores_money_older_than_the_sale() -> None:
    old = entry(CREATED - timedelta(hours=3), reff="OLD")
    assert match_late([old], [(1, TERMS)]) == []


def test_late_matching_pairs_each_sale_with_its_own_amount() -> None:
    a = entry(CREATED + timedelta(minutes=9), amount=25_001, reff="A")
    b = entry(CREATED + timedelta(minutes=8), amount=30_002, reff="B")
    pairs = match_late([a, b], [(1, TERMS), (2, SaleTerms(30_002, CREATED))])
    assert pairs == [(1, a), (2, b)]
