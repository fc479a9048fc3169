"""Money defects of the QRIS gate, the parser and the rupiah reader (issue 10), each pinned."""

from __future__ import annotations

import pytest

from kasir import qris
from kasir.money import MoneyError, parse_rupiah
from kasir.qrcheck import check_for_sale
from kasir.simulator import DEMO_BASE_QR


def rebuild(payload: str, replace: dict[str, str | None] | None = None, extra: dict[str, str] | None = None) -> str:
    """A payload with some top-level tags replaced, removed (None) or added, and a fresh CRC."""
    fields = {f.tag: f.value for f in qris.parse(payload).fields if f.tag != "63"}
    for tag, value in (replace or {}).items():
        if value is None:
            fields.pop(tag, None)
        else:
            fields[tag] = value
    fields.update(extra or {})
    body = "".join(f"{tag}{len(value):02d}{value}" for tag, value in sorted(fields.items())) + "6304"
    return body + qris.crc16(body)


DYNAMIC = qris.to_dynamic(DEMO_BASE_QR, 25_001)


@pytest.mark.parametrize(
    "tip",
    [{"55": "01"}, {"55": "02", "56": "1000"}, {"55": "03", "57": "5.00"}],
    ids=["customer tip", "fixed fee", "percent fee"],
)
def test_the_sale_gate_refuses_a_qr_that_asks_for_a_tip_or_a_fee(tip: dict[str, str]) -> None:
    with pytest.raises(qris.QrisError, match=r"tip atau biaya"):
        check_for_sale(rebuild(DYNAMIC, extra=tip), 25_001, DEMO_BASE_QR)


def test_the_sale_gate_refuses_a_static_qr() -> None:
    with pytest.raises(qris.QrisError, match="dinamis"):
        check_for_sale(rebuild(DYNAMIC, replace={"01": "11"}), 25_001, DEMO_BASE_QR)


def test_the_sale_gate_refuses_a_non_rupiah_qr() -> None:
    with pytest.raises(qris.QrisError, match="Rupiah"):
        check_for_sale(rebuild(DYNAMIC, replace={"53": "840"}), 25_001, None)


def test_the_sale_gate_refuses_another_merchants_qr() -> None:
    from kasir.simulator import OTHER_BASE_QR

    with pytest.raises(qris.QrisError, match="merchant lain"):
        check_for_sale(qris.to_dynamic(OTHER_BASE_QR, 25_001), 25_001, DEMO_BASE_QR)


@pytest.mark.parametrize("amount", ["٢٥٠٠١", "25001\n", "25001 ", "+25001"])
def test_an_amount_that_is_not_plain_ascii_digits_is_an_error(amount: str) -> None:
    report = qris.inspect(rebuild(DYNAMIC, replace={"54": amount}))
    assert "amount" in [e.code for e in report.errors]


def test_an_empty_value_is_an_error() -> None:
    report = qris.inspect(rebuild(DYNAMIC, replace={"60": ""}))
    assert "empty_value" in [e.code for e in report.errors]


def test_a_duplicate_sub_tag_inside_a_template_is_an_error() -> None:
    template = qris.parse(DYNAMIC).field("26")
    assert template is not None
    doubled = template.value + "0203XYZ"  # a second 02 inside the merchant account template
    report = qris.inspect(rebuild(DYNAMIC, replace={"26": doubled}))
    assert "duplicate_sub_tag" in [e.code for e in report.errors]


def test_a_qr_without_a_merchant_account_is_an_error() -> None:
    report = qris.inspect(rebuild(DYNAMIC, replace={"26": None, "51": None}))
    assert "merchant_account" in [e.code for e in report.errors]


@pytest.mark.parametrize("tag", ["52", "53", "58", "59", "60"])
def test_a_qr_missing_a_mandatory_tag_is_never_shown_to_a_customer(tag: str) -> None:
    # The parser reads such QRs (public libraries make them; the shared vectors hold some), but the
    # gate refuses them: a customer's wallet may refuse or misread the payment.
    incomplete = rebuild(DYNAMIC, replace={tag: None})
    assert "missing" in [w.code for w in qris.inspect(incomplete).warnings]
    with pytest.raises(qris.QrisError, match="tag wajib"):
        check_for_sale(incomplete, 25_001, None)


def test_a_static_qris_missing_a_mandatory_tag_is_not_kept_as_the_shops() -> None:
    from kasir.shop_qris import ShopQrisError, check_static

    with pytest.raises(ShopQrisError, match="tag wajib"):
        check_static(rebuild(DEMO_BASE_QR, replace={"60": None}))


@pytest.mark.parametrize(
    ("text", "value"),
    [("25.137,00", 25_137), ("1.893.938,00", 1_893_938), ("25137,00", 25_137), ("Rp 25.137,00", 25_137)],
)
def test_rupiah_with_zero_cents_after_a_comma_is_read(text: str, value: int) -> None:
    assert parse_rupiah(text) == value


@pytest.mark.parametrize("text", ["25.137,50", "25.137,5", "1.893.938,01"])
def test_rupiah_with_real_cents_is_refused(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_rupiah(text)
