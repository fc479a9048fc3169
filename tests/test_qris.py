from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasir import qris
from tests.conftest import load_vectors

VECTORS = load_vectors()
AGIN_STATIC = VECTORS[41]["payload"]
AGIN_DYNAMIC_10001 = VECTORS[57]["payload"]


def _verdict(payload: str) -> str:
    report = qris.inspect(payload)
    if report.errors:
        return "invalid"
    return "valid_with_warning" if report.warnings else "valid"


@pytest.mark.parametrize("vector", VECTORS, ids=[f"v{i}" for i in range(len(VECTORS))])
def test_each_shared_vector_gets_its_expected_verdict(vector: dict[str, Any]) -> None:
    verdict = _verdict(vector["payload"])
    if vector["expect"] == "invalid":
        assert verdict == "invalid", qris.inspect(vector["payload"]).warnings
    elif vector["expect"] == "valid_with_warning" and vector["payload"] == AGIN_STATIC:
        # Vector 59 claims a lowercase CRC, but its CRC (9492) has no hex letters: it is
        # byte-identical to vector 41. test_lowercase_crc_is_a_warning covers the intent.
        assert verdict == "valid"
    elif vector["expect"] == "valid_with_warning":
        assert verdict == "valid_with_warning"
    else:
        assert verdict != "invalid", qris.inspect(vector["payload"]).errors


@pytest.mark.parametrize("vector", [v for v in VECTORS if v["expect"] != "invalid"])
def test_readers_agree_with_vector_metadata(vector: dict[str, Any]) -> None:
    payload = qris.parse(vector["payload"])
    assert payload.merchant_name == vector["merchant_name"]
    assert payload.is_dynamic == (vector["static_or_dynamic"] == "dynamic")
    assert payload.amount == (str(vector["amount"]) if vector["amount"] is not None else None)


@pytest.mark.parametrize("vector", [v for v in VECTORS if v["expect"] != "invalid"])
def test_every_valid_vector_converts_to_a_valid_dynamic_qr(vector: dict[str, Any]) -> None:
    converted = qris.parse(qris.to_dynamic(vector["payload"], 12_345))
    assert converted.is_dynamic
    assert converted.amount == "12345"
    assert converted.merchant_identity() == qris.parse(vector["payload"]).merchant_identity()


def test_conversion_matches_the_reference_conversion_byte_for_byte() -> None:
    assert qris.to_dynamic(AGIN_STATIC, 10001) == AGIN_DYNAMIC_10001


def test_crc_is_ccitt_false_over_utf8() -> None:
    assert qris.crc16("123456789") == "29B1"  # the catalogue check value of CRC-16/CCITT-FALSE
    assert qris.crc16("Ü") != qris.crc16("U")


def test_lengths_count_characters_not_bytes() -> None:
    kopi = next(v["payload"] for v in VECTORS if v["merchant_name"] == "KOPI SÜSU")
    assert qris.parse(kopi).merchant_name == "KOPI SÜSU"
    assert qris.parse(qris.to_dynamic(kopi, 5000)).merchant_name == "KOPI SÜSU"


def test_lowercase_crc_is_a_warning_not_an_error() -> None:
    body = AGIN_DYNAMIC_10001[:-4]
    crc = qris.crc16(body)
    assert any(c.isalpha() for c in crc)
    report = qris.inspect(body + crc.lower())
    assert not report.errors
    assert [w.code for w in report.warnings] == ["crc_lowercase"]


def test_converter_refuses_a_source_whose_crc_fails() -> None:
    with pytest.raises(qris.QrisError, match="CRC"):
        qris.to_dynamic(AGIN_STATIC[:-4] + "0000", 1000)


@pytest.mark.parametrize("amount", [0, -5, 10**13, True])
def test_converter_refuses_non_positive_or_oversized_amounts(amount: int) -> None:
    with pytest.raises(qris.QrisError):
        qris.to_dynamic(AGIN_STATIC, amount)


def test_converting_an_already_dynamic_qr_replaces_its_amount_instead_of_duplicating() -> None:
    again = qris.parse(qris.to_dynamic(AGIN_DYNAMIC_10001, 777))
    assert again.amount == "777"
    assert [f.tag for f in again.fields].count("54") == 1


def test_converter_drops_tip_and_fee_tags() -> None:
    tims = VECTORS[4]["payload"]  # carries 55=03 and 57 (percentage fee)
    converted = qris.parse(qris.to_dynamic(tims, 50000))
    assert converted.get("55") is None and converted.get("57") is None


def test_name_containing_010211_and_value_containing_5802id_survive_conversion() -> None:
    # The traps of naive string replacement.
    body = "00020101021126310016COM.NOBUBANK.WWW0207X5802ID5204541153033605802ID5911TOKO 0102116007JAKARTA6304"
    static = body + qris.crc16(body)
    converted = qris.parse(qris.to_dynamic(static, 1500))
    assert converted.merchant_name == "TOKO 010211"
    assert converted.field("26") == qris.parse(static).field("26")
    assert converted.amount == "1500"


def test_unknown_tags_are_kept_byte_for_byte() -> None:
    best = next(v["payload"] for v in VECTORS if v["merchant_name"] == "BEST TRANSPORT")
    source = qris.parse(best)
    converted = qris.parse(qris.to_dynamic(best, 99))
    for tag in ("64", "91", "62", "29", "31"):
        assert converted.field(tag) == source.field(tag)


def test_amount_is_inserted_in_ascending_position() -> None:
    tags = [f.tag for f in qris.parse(qris.to_dynamic(AGIN_STATIC, 5)).fields]
    assert tags.index("53") < tags.index("54") < tags.index("58")


def test_out_of_order_and_long_names_are_warnings_only() -> None:
    report = qris.inspect(VECTORS[15]["payload"])  # 25-char name, fine
    assert not report.errors
    long_name = qris.inspect(VECTORS[23]["payload"])  # 26 chars
    assert not long_name.errors and "name_length" in [w.code for w in long_name.warnings]
    starbucks = qris.inspect(VECTORS[9]["payload"])
    assert not starbucks.errors and "order" in [w.code for w in starbucks.warnings]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("", "empty"),
        (AGIN_STATIC[:120], "truncated"),
        (AGIN_STATIC[:-8], "crc_missing"),
        (AGIN_STATIC.replace("5303360", "53X3360"), "structure"),
    ],
)
def test_structural_errors_are_named(payload: str, code: str) -> None:
    assert code in [e.code for e in qris.inspect(payload).errors]


def test_parse_raises_qris_error_which_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        qris.parse("000201")


def test_nmid_city_and_currency_are_read() -> None:
    payload = qris.parse(AGIN_STATIC)
    assert payload.nmid == "ID2025376275140"
    assert payload.merchant_city == "CIAMIS"
    assert payload.currency == "360" and payload.country == "ID"


@given(st.integers(min_value=1, max_value=10_000_000))
def test_any_amount_converts_to_a_payload_that_parses_back_to_it(amount: int) -> None:
    payload = qris.parse(qris.to_dynamic(AGIN_STATIC, amount))
    assert payload.amount_rupiah == amount


@given(st.text(alphabet=st.characters(), max_size=60))  # lone surrogates included
def test_inspect_never_raises_on_arbitrary_text(text: str) -> None:
    report = qris.inspect(text)
    assert report.errors or report.fields


@given(st.integers(min_value=0, max_value=len(AGIN_STATIC) - 1), st.characters(codec="ascii"))
def test_any_single_character_change_is_caught(position: int, char: str) -> None:
    mutated = AGIN_STATIC[:position] + char + AGIN_STATIC[position + 1 :]
    if mutated != AGIN_STATIC and mutated.upper() != AGIN_STATIC:
        assert qris.inspect(mutated).errors


# ---- the till's label (tag 62, sub-tag 07: a shop of several tills, issue 22) --------------------


def test_a_till_label_goes_into_the_terminal_label_and_the_qr_still_passes_the_gate() -> None:
    from kasir.qrcheck import prepare
    from kasir.simulator import DEMO_BASE_QR

    labelled = qris.to_dynamic(DEMO_BASE_QR, 25_001, terminal_label="Kasir 2")
    field = qris.parse(labelled).field("62")
    assert field is not None and field.child("07") == "Kasir 2"
    assert prepare(labelled, 25_001, DEMO_BASE_QR).nominal == 25_001


def test_a_till_label_replaces_the_static_qris_terminal_label_and_keeps_the_other_sub_tags() -> None:
    body = qris.to_dynamic(BASE_WITH_62, 10_000, terminal_label="B02")
    field = qris.parse(body).field("62")
    assert field is not None and field.child("07") == "B02" and field.child("01") == "INV1"


def test_without_a_till_label_tag_62_is_copied_byte_for_byte() -> None:
    assert qris.parse(qris.to_dynamic(BASE_WITH_62, 10_000)).get("62") == qris.parse(BASE_WITH_62).get("62")


def _base_with_62() -> str:
    from kasir.simulator import DEMO_BASE_QR

    fields = [f.raw for f in qris.parse(DEMO_BASE_QR).fields if f.tag not in ("62", "63")]
    body = "".join(fields) + "6214" + "0104INV1" + "0702A1" + "6304"
    return body + qris.crc16(body)


BASE_WITH_62 = _base_with_62()
