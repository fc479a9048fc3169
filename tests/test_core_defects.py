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


def test_the_sale_gate_refuses_a_qr_for_another_amount_and_names_both_in_rupiah() -> None:
    with pytest.raises(qris.QrisError, match=r"nominal di QR \(Rp 25\.001\) tidak sama dengan Rp 26\.001"):
        check_for_sale(DYNAMIC, 26_001, DEMO_BASE_QR)


def test_the_sale_gate_refuses_an_amount_with_cents_and_shows_it_as_written() -> None:
    with pytest.raises(qris.QrisError, match=r"\(Rp 25001\.50\)"):
        check_for_sale(rebuild(DYNAMIC, replace={"54": "25001.50"}), 25_001, DEMO_BASE_QR)


def test_the_sale_gate_passes_the_shops_own_qr_for_the_right_amount() -> None:
    assert check_for_sale(DYNAMIC, 25_001, DEMO_BASE_QR).amount_rupiah == 25_001


def test_a_qr_encoder_that_draws_an_unexpected_picture_is_an_error_not_a_wrong_qr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import zxingcpp

    from kasir import qrcheck

    class Blank(bytearray):  # one dark pixel in the top-right corner: no symbol where one must be
        shape = (50, 50)

    class Barcode:
        def to_image(self) -> Blank:
            return Blank([255] * 49 + [0] + [255] * 2450)

    monkeypatch.setattr(zxingcpp, "create_barcode", lambda *_a, **_k: Barcode(), raising=False)
    monkeypatch.setattr(zxingcpp, "write_barcode", lambda *_a, **_k: Barcode(), raising=False)
    with pytest.raises(RuntimeError, match="unexpected QR image"):
        qrcheck.qr_matrix("x")


def test_qris_reader_edges() -> None:
    parsed = qris.parse(DYNAMIC)
    assert parsed.ok and parsed.field("26") is not None
    assert parsed.field("26").child("99") is None  # type: ignore[union-attr]
    assert qris.inspect(rebuild(DYNAMIC, replace={"54": "25001.50"})).amount_rupiah is None
    assert qris.inspect(rebuild(DYNAMIC, replace={"54": "25001.00"})).amount_rupiah == 25_001
    assert qris.inspect(rebuild(DYNAMIC, replace={"54": "abc"})).amount_rupiah is None


def test_a_qr_without_the_national_template_has_no_nmid() -> None:
    fields = {f.tag: f for f in qris.parse(DYNAMIC).fields}
    national = [tag for tag, f in fields.items() if f.children and f.child("00") == "ID.CO.QRIS.WWW"]
    assert national
    assert qris.inspect(rebuild(DYNAMIC, replace=dict.fromkeys(national))).nmid is None


def test_a_crc_that_is_not_four_characters_is_an_error() -> None:
    body = DYNAMIC[:-8]
    report = qris.inspect(body + "6303ABC")
    assert "crc_length" in [e.code for e in report.errors]


def test_an_initiation_method_other_than_11_or_12_is_an_error() -> None:
    report = qris.inspect(rebuild(DYNAMIC, replace={"01": "13"}))
    assert "initiation" in [e.code for e in report.errors]


@pytest.mark.parametrize(
    ("tags", "code"),
    [({"55": "04"}, "tip_indicator"), ({"55": "02", "57": "5"}, "fee_orphan"), ({"56": "1000"}, "fee_orphan")],
)
def test_tip_and_fee_tags_that_do_not_fit_together_are_errors(tags: dict[str, str], code: str) -> None:
    assert code in [e.code for e in qris.inspect(rebuild(DYNAMIC, extra=tags)).errors]


def test_a_value_longer_than_99_characters_cannot_be_written() -> None:
    with pytest.raises(qris.QrisError, match="terlalu panjang"):
        qris._tlv("59", "X" * 100)


def test_a_static_qr_without_tag_01_gets_one_when_made_dynamic() -> None:
    bare = rebuild(DEMO_BASE_QR, replace={"01": None})
    dynamic = qris.parse(qris.to_dynamic(bare, 25_001))
    assert dynamic.is_dynamic and dynamic.amount == "25001"
