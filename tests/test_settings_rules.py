"""What Pengaturan may save: the rules live in the core, the dialog only shows them."""

from __future__ import annotations

from pathlib import Path

from kasir import qris
from kasir.settings import Settings, problem
from kasir.simulator import DEMO_BASE_QR

LEGACY_DYNAMIC = qris.to_dynamic(DEMO_BASE_QR, 25_001)  # what an earlier version learned from a server QR


def test_sane_settings_can_be_saved() -> None:
    assert problem(Settings(merchant="OK1234567", base_qr=DEMO_BASE_QR)) is None


def test_plain_http_to_a_remote_host_is_refused() -> None:
    assert "https" in (problem(Settings(api_url="http://example.com")) or "")


def test_a_reversed_kode_unik_range_is_refused() -> None:
    assert problem(Settings(kode_unik_low=10, kode_unik_high=5)) == "Rentang kode unik terbalik."


def test_local_qr_mode_needs_the_shops_qris() -> None:
    assert "QRIS toko" in (problem(Settings(generate_mode="local")) or "")


def test_a_changed_shop_qris_must_be_a_static_one() -> None:
    assert "dinamis" in (problem(Settings(base_qr=LEGACY_DYNAMIC), Settings()) or "")


def test_a_shop_qris_kept_from_an_earlier_version_does_not_block_saving() -> None:
    before = Settings(base_qr=LEGACY_DYNAMIC)
    assert problem(before.with_changes(sound=False), before) is None


def test_a_regular_file_chosen_as_the_receipt_printers_port_is_refused(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    journal.write_bytes(b"SQLite format 3\x00")
    said = problem(Settings(printer_kind="device", printer_target=str(journal)))
    assert said is not None and "bukan port printer" in said


def test_a_network_printer_port_over_65535_is_refused() -> None:
    said = problem(Settings(printer_kind="network", printer_target="192.168.1.50:99999"))
    assert said is not None and "1-65535" in said
