from __future__ import annotations

import pytest

from kasir.kode_unik import KodeUnikExhaustedError, KodeUnikRange, allocate
from kasir.money import MAX_SALE, MoneyError, check_sale_amount, format_rupiah, parse_rupiah


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("77.777", 77777),
        ("77777", 77777),
        ("Rp 25.137", 25137),
        ("Rp 999,999", 999999),
        ("1.000.000", 1_000_000),
        ("500", 500),
        (999999, 999999),
        ("10000,00", 10000),
    ],
)
def test_rupiah_is_read_with_or_without_thousands_separators(text: str | int, value: int) -> None:
    assert parse_rupiah(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.0000", "12.5", "1.000,50", "Rp", "--1"])
def test_unreadable_or_fractional_amounts_are_refused(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_rupiah(text)


@pytest.mark.parametrize(("value", "text"), [(25137, "Rp 25.137"), (0, "Rp 0"), (10_000_000, "Rp 10.000.000")])
def test_rupiah_is_formatted_with_dots(value: int, text: str) -> None:
    assert format_rupiah(value) == text


def test_sale_limits_are_one_rupiah_to_ten_million() -> None:
    check_sale_amount(1)
    check_sale_amount(MAX_SALE)
    with pytest.raises(MoneyError):
        check_sale_amount(0)
    with pytest.raises(MoneyError):
        check_sale_amount(MAX_SALE + 1)


def test_allocator_picks_the_smallest_free_code() -> None:
    assert allocate(25_000, set()).nominal == 25_001
    assert allocate(25_000, {25_001, 25_002}).code == 3


def test_a_nominal_reserved_by_another_total_is_skipped() -> None:
    # 24_999 + 2 == 25_000 + 1: two different totals can collide on one nominal.
    assert allocate(25_000, {25_001}).nominal == 25_002


def test_allocator_respects_a_configured_range() -> None:
    assert allocate(1000, set(), KodeUnikRange(100, 199)).code == 100


def test_exhausted_range_is_reported_not_reused() -> None:
    with pytest.raises(KodeUnikExhaustedError, match="sudah terpakai"):
        allocate(1000, {1001, 1002, 1003}, KodeUnikRange(1, 3))


def test_code_is_never_allowed_to_push_the_nominal_over_the_limit() -> None:
    assert allocate(MAX_SALE - 2, set()).nominal == MAX_SALE - 1
    with pytest.raises(KodeUnikExhaustedError):
        allocate(MAX_SALE - 2, {MAX_SALE - 1, MAX_SALE})
    with pytest.raises(MoneyError):
        allocate(MAX_SALE, set())


def test_empty_total_is_refused() -> None:
    with pytest.raises(MoneyError):
        allocate(0, set())


def test_a_boolean_is_never_read_as_an_amount() -> None:
    with pytest.raises(MoneyError):
        parse_rupiah(True)


def test_a_whole_float_is_read_and_a_fractional_one_refused() -> None:
    assert parse_rupiah(25_137.0) == 25_137
    with pytest.raises(MoneyError, match="pecahan"):
        parse_rupiah(25_137.5)


def test_a_kode_unik_range_that_runs_backwards_is_refused() -> None:
    with pytest.raises(MoneyError, match="rentang"):
        KodeUnikRange(low=10, high=5)
