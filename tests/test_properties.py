"""Properties of the kode unik allocator and of late matching, for any input hypothesis finds."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kasir import wib
from kasir.kode_unik import KodeUnikExhaustedError, KodeUnikRange, allocate
from kasir.matching import DEFAULT_GRACE, SaleTerms, match_late
from kasir.money import MAX_SALE, MoneyError
from kasir.orkut.types import MutasiEntry

START = datetime(2026, 11, 25, 8, 0, tzinfo=wib.WIB)


@given(
    base=st.integers(min_value=1, max_value=MAX_SALE),
    reserved=st.sets(st.integers(min_value=1, max_value=MAX_SALE + 1000), max_size=50),
    low=st.integers(min_value=0, max_value=20),
    span=st.integers(min_value=0, max_value=30),
)
def test_the_allocator_gives_the_smallest_free_code_never_a_reserved_nominal_never_past_the_limit(
    base: int, reserved: set[int], low: int, span: int
) -> None:
    codes = KodeUnikRange(low, low + span)
    try:
        got = allocate(base, reserved, codes)
    except (KodeUnikExhaustedError, MoneyError):
        free = [c for c in range(codes.low, codes.high + 1) if base + c not in reserved and base + c <= MAX_SALE]
        assert not free or base + codes.low > MAX_SALE
        return
    assert got.nominal == base + got.code and got.nominal not in reserved and got.nominal <= MAX_SALE
    assert codes.low <= got.code <= codes.high
    assert all(base + c in reserved for c in range(codes.low, got.code))  # nothing smaller was free


payment = st.builds(
    lambda minute, amount, incoming, reff: MutasiEntry(
        START + timedelta(minutes=minute), amount, "CR" if incoming else "DB", "", "DANA", f"R{reff}", "X", None
    ),
    st.integers(min_value=-60, max_value=600),
    st.sampled_from([10_001, 10_002, 20_001]),
    st.booleans(),
    st.integers(min_value=0, max_value=40),
)
sale = st.tuples(st.integers(min_value=0, max_value=300), st.sampled_from([10_001, 10_002, 20_001]))


@settings(max_examples=200)
@given(entries=st.lists(payment, max_size=12), sales=st.lists(sale, max_size=6), claimed=st.sets(st.integers(0, 40)))
def test_late_matching_never_gives_one_payment_twice_nor_money_out_nor_money_before_the_qr(
    entries: list[MutasiEntry], sales: list[tuple[int, int]], claimed: set[int]
) -> None:
    candidates = [
        (i, SaleTerms(nominal, START + timedelta(minutes=minute), not_after=START + timedelta(hours=12)))
        for i, (minute, nominal) in enumerate(sales)
    ]
    taken = {f"R{c}" for c in claimed}
    pairs = match_late(entries, candidates, taken)
    keys = [entry.key for _, entry in pairs]
    assert len(keys) == len(set(keys))  # one payment, one sale
    assert len({sale_id for sale_id, _ in pairs}) == len(pairs)  # one sale, one payment
    terms = dict(candidates)
    for sale_id, entry in pairs:
        assert entry.is_incoming and entry.key not in taken
        assert entry.amount == terms[sale_id].nominal
        assert entry.latest >= terms[sale_id].created_at - DEFAULT_GRACE


@given(entries=st.lists(payment, max_size=10, unique_by=lambda e: e.key), sales=st.lists(sale, max_size=5))
def test_late_matching_does_not_depend_on_the_order_the_server_lists_payments(
    entries: list[MutasiEntry], sales: list[tuple[int, int]]
) -> None:
    candidates = [(i, SaleTerms(n, START + timedelta(minutes=m))) for i, (m, n) in enumerate(sales)]
    forward = match_late(entries, candidates)
    backward = match_late(list(reversed(entries)), candidates)
    assert sorted((s, e.key) for s, e in forward) == sorted((s, e.key) for s, e in backward)
