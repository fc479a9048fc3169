"""The QRIS gate's three latent gaps found by the differential run (issue 20, items 15-17)."""

from __future__ import annotations

import pytest

from kasir import qris
from kasir.qrcheck import check_for_sale, prepare
from kasir.shop_qris import ShopQrisError, check_static
from kasir.simulator import DEMO_BASE_QR
from tests.test_core_defects import rebuild

DYNAMIC = qris.to_dynamic(DEMO_BASE_QR, 25_001)


# ---- 15: what is checked is what is drawn -------------------------------------------------


@pytest.mark.parametrize("edge", ["\n", " ", "\u00a0", "\t", "\r\n", "\u2003"], ids=repr)
@pytest.mark.parametrize("where", ["before", "after"])
def test_the_sale_gate_refuses_a_payload_with_white_space_around_it(edge: str, where: str) -> None:
    padded = edge + DYNAMIC if where == "before" else DYNAMIC + edge
    with pytest.raises(qris.QrisError, match="spasi"):
        check_for_sale(padded, 25_001, DEMO_BASE_QR)


def test_the_qr_prepared_for_a_sale_is_exactly_the_payload_that_was_checked() -> None:
    checked = prepare(DYNAMIC, 25_001, DEMO_BASE_QR)
    assert checked.payload == DYNAMIC


# ---- 16: a lone surrogate is an error, never an exception ----------------------------------


def test_inspect_reports_a_lone_surrogate_instead_of_raising() -> None:
    broken = DYNAMIC.replace("TOKO DEMO KASIR", "TOKO DEMO KAS\ud800R")
    report = qris.inspect(broken)
    assert "encoding" in [e.code for e in report.errors]


def test_parse_and_the_sale_gate_refuse_a_lone_surrogate_as_a_qris_error() -> None:
    broken = DYNAMIC[:-4] + "\ud800" + DYNAMIC[-3:]
    with pytest.raises(qris.QrisError):
        qris.parse(broken)
    with pytest.raises(qris.QrisError):
        check_for_sale(broken, 25_001, DEMO_BASE_QR)


def test_the_shops_qris_check_refuses_a_lone_surrogate_with_its_own_error() -> None:
    with pytest.raises(ShopQrisError):
        check_static(DEMO_BASE_QR.replace("JAKARTA", "JAKART\udfff"))


def test_the_crc_of_text_with_a_lone_surrogate_is_a_qris_error() -> None:
    with pytest.raises(qris.QrisError):
        qris.crc16("0002\ud800")


# ---- 17: the parser says what the spec says about tips and fees -----------------------------


@pytest.mark.parametrize(
    ("tags", "code"),
    [
        ({"55": "02"}, "fee_missing"),
        ({"55": "03"}, "fee_missing"),
        ({"55": "02", "56": "0"}, "fee_value"),
        ({"55": "02", "56": "abc"}, "fee_value"),
        ({"55": "02", "56": "1.5e3"}, "fee_value"),
        ({"55": "02", "56": "١٠٠٠"}, "fee_value"),
        ({"55": "03", "57": "0"}, "fee_value"),
        ({"55": "03", "57": "abc"}, "fee_value"),
        ({"55": "03", "57": "1.5e3"}, "fee_value"),
        ({"55": "03", "57": "٥"}, "fee_value"),
        ({"55": "03", "57": "100.01"}, "fee_value"),
    ],
    ids=lambda v: repr(v),
)
def test_tip_and_fee_values_outside_the_spec_are_errors(tags: dict[str, str], code: str) -> None:
    assert code in [e.code for e in qris.inspect(rebuild(DYNAMIC, extra=tags)).errors]


@pytest.mark.parametrize("tags", [{"55": "01"}, {"55": "02", "56": "1000"}, {"55": "03", "57": "2.5"}])
def test_tip_and_fee_tags_as_the_spec_writes_them_still_parse(tags: dict[str, str]) -> None:
    assert not qris.inspect(rebuild(DYNAMIC, extra=tags)).errors


# ---- with no shop QRIS known yet, a server's QR must still be the account's --------------------


def test_the_sale_gate_refuses_another_accounts_qr_when_only_the_account_is_known() -> None:
    from kasir.simulator import OTHER_BASE_QR

    with pytest.raises(qris.QrisError, match="merchant lain"):
        check_for_sale(qris.to_dynamic(OTHER_BASE_QR, 25_001), 25_001, None, "1234567")
    assert check_for_sale(DYNAMIC, 25_001, None, "1234567").amount == "25001"


def test_only_the_gate_makes_a_checked_qr() -> None:
    from kasir.qrcheck import CheckedQr

    with pytest.raises(TypeError, match="prepare"):
        CheckedQr(DYNAMIC, 25_001, "TOKO DEMO KASIR", None, ())
    assert prepare(DYNAMIC, 25_001, DEMO_BASE_QR, "1234567").nominal == 25_001  # the base decides, not the id
