"""The shop's static QRIS from a picture or a paste: decoded, checked, matched to the account."""

from __future__ import annotations

import pytest

from kasir import qris
from kasir.orkut.types import AccountInfo, MerchantCode
from kasir.shop_qris import ShopQrisError, adopt_from_account, check_static, decode_grey, from_texts, normalise
from kasir.simulator import DEMO_BASE_QR, OTHER_BASE_QR, build_static_qr
from kasir.ui.images import decode_qr_image

# Shaped like the QRIS in the gateway operator's public code: the account id in the name
# ("... Ok<id>"), not in the merchant-account template. Made up: never pay to it.
OPERATOR_STYLE = build_static_qr("Warung Contoh Ok2747289", "BANYUMAS", "25123100000510")


def account(name: str = "TOKO DEMO KASIR", account_id: str = "1234567") -> AccountInfo:
    return AccountInfo(account_id, "demo", "Demo", name, None, "https://example.test/q.png")


def test_a_static_qris_is_accepted_with_its_name_and_nmid() -> None:
    found = check_static(DEMO_BASE_QR)
    assert found.merchant_name == "TOKO DEMO KASIR" and found.nmid == "ID2025000000001"
    assert found.matches_account is None  # nothing to compare with


def test_a_dynamic_qris_is_not_a_shops_qris() -> None:
    with pytest.raises(ShopQrisError, match="dinamis"):
        check_static(qris.to_dynamic(DEMO_BASE_QR, 25_001))


def test_a_broken_qris_is_refused_with_the_reason() -> None:
    with pytest.raises(ShopQrisError, match="Bukan QRIS"):
        check_static(DEMO_BASE_QR[:-4] + "0000")


def test_pasting_keeps_the_spaces_inside_and_drops_the_line_breaks_around() -> None:
    assert normalise(f"\n  {DEMO_BASE_QR}\r\n") == DEMO_BASE_QR
    assert " " in normalise(DEMO_BASE_QR)


# The shop's name, another account's id and NMID: what an attacker (or a mix-up) puts on the account.
LOOK_ALIKE = build_static_qr("TOKO DEMO KASIR", "JAKARTA", "7654321", "ID2025000000999")


def test_the_account_id_in_the_merchant_account_template_confirms_the_qris() -> None:
    assert check_static(DEMO_BASE_QR, account(), MerchantCode("1234567")).matches_account is True


def test_the_account_id_in_the_merchant_name_confirms_the_qris() -> None:
    assert check_static(OPERATOR_STYLE, merchant=MerchantCode("2747289")).matches_account is True


def test_another_merchants_qris_is_refused_for_the_account() -> None:
    with pytest.raises(ShopQrisError, match="OK1234567"):
        check_static(OTHER_BASE_QR, account(), MerchantCode("1234567"))
    with pytest.raises(ShopQrisError, match="OK1234567"):
        adopt_from_account([OTHER_BASE_QR], account(), MerchantCode("1234567"))


def test_a_look_alike_with_the_shops_name_but_another_account_id_is_refused() -> None:
    with pytest.raises(ShopQrisError, match="tidak memuat ID akun OK1234567"):
        adopt_from_account([LOOK_ALIKE], account(), MerchantCode("1234567"))


def test_a_qris_whose_name_names_another_account_is_refused_whatever_else_it_carries() -> None:
    with pytest.raises(ShopQrisError, match="milik akun OK2747289"):
        check_static(OPERATOR_STYLE, merchant=MerchantCode("1234567"))


def test_a_qris_whose_nmid_differs_from_the_shops_known_nmid_is_refused() -> None:
    with pytest.raises(ShopQrisError, match="NMID"):
        other_nmid = build_static_qr("TOKO DEMO KASIR", "JAKARTA", "1234567", "ID2025000000999")
        check_static(other_nmid, merchant=MerchantCode("1234567"), known_nmid="ID2025000000001")


def test_without_an_account_nothing_can_be_compared_and_the_qris_is_taken_as_the_shops_choice() -> None:
    assert check_static(LOOK_ALIKE).matches_account is None


def test_a_picture_with_no_qr_says_so() -> None:
    with pytest.raises(ShopQrisError, match="Tidak ada kode QR"):
        from_texts([])


def test_grey_pixels_of_a_rendered_qr_decode_to_its_text() -> None:
    from kasir.qrcheck import qr_matrix

    matrix = qr_matrix(DEMO_BASE_QR)
    px, quiet = 4, 4
    side = (len(matrix) + 2 * quiet) * px
    rows = []
    for y in range(side):
        my = y // px - quiet
        row = bytearray(b"\xff" * side)
        if 0 <= my < len(matrix):
            for x in range(side):
                mx = x // px - quiet
                if 0 <= mx < len(matrix) and matrix[my][mx]:
                    row[x] = 0
        rows.append(bytes(row))
    assert decode_grey(side, side, b"".join(rows)) == [DEMO_BASE_QR]


def test_a_png_picture_decodes_through_qt_without_an_imaging_library() -> None:
    from kasir.simulator import qr_png

    assert decode_qr_image(qr_png(DEMO_BASE_QR)) == [DEMO_BASE_QR]


def test_bytes_that_are_no_picture_are_refused() -> None:
    with pytest.raises(ShopQrisError, match="bukan gambar"):
        decode_qr_image(b"<html>not a png</html>")
