"""settings.json cannot lie: written atomically, read strictly, and a broken one never means demo."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kasir import settings as settings_io
from kasir.settings import RANGES, Settings, SettingsUnreadableError
from kasir.ui.login_dialog import LoginDialog
from tests.gui_helpers import OpenApp, controller_of, open_app
from tests.processes import run_kasir

__all__ = ["open_app"]  # fixture
BROKEN = [b'{"api_url": "https://orkut.hidepulsa.com", "username": "to', b"\x00\xff garbage", b"[1, 2, 3]"]


@pytest.mark.parametrize("content", BROKEN, ids=["truncated", "garbage", "a list"])
def test_a_broken_settings_file_is_an_error_not_the_defaults(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "settings.json").write_bytes(content)
    with pytest.raises(SettingsUnreadableError) as caught:
        settings_io.load(tmp_path)
    assert "rusak" in caught.value.user_message


def test_no_settings_file_means_the_defaults(tmp_path: Path) -> None:
    assert settings_io.load(tmp_path) == Settings()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("poll_interval_s", math.nan, Settings().poll_interval_s),
        ("poll_interval_s", 1e308, RANGES["poll_interval_s"][1]),
        ("mutasi_interval_s", 0, Settings().mutasi_interval_s),
        ("mutasi_interval_s", 0.5, RANGES["mutasi_interval_s"][0]),
        ("history_interval_s", -5, Settings().history_interval_s),
        ("expiry_s", 10**12, RANGES["expiry_s"][1]),
        # QA: 0 and -5 became a 1-second QR that expired before anyone could scan it
        ("expiry_s", 0, Settings().expiry_s),
        ("expiry_s", -5, Settings().expiry_s),
        ("expiry_s", 5, 60),
    ],
)
def test_intervals_and_limits_are_clamped_to_sane_ranges(
    tmp_path: Path, key: str, value: float, expected: float
) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({key: value}), encoding="utf-8")
    assert getattr(settings_io.load(tmp_path), key) == expected


def test_a_reversed_kode_unik_range_in_the_file_falls_back_to_the_default(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text(json.dumps({"kode_unik_low": 50, "kode_unik_high": 5}))
    loaded = settings_io.load(tmp_path)
    assert (loaded.kode_unik_low, loaded.kode_unik_high) == (1, 999)


def test_saving_leaves_no_temporary_file_and_reads_back_the_same(tmp_path: Path) -> None:
    wanted = Settings(username="toko", merchant="OK1", shop_name="Warung Ibu Sri", poll_interval_s=2.5)
    settings_io.save(tmp_path, wanted)
    assert settings_io.load(tmp_path) == wanted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_a_broken_settings_file_is_kept_aside_and_the_shop_is_asked_for_its_account(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path
) -> None:
    (tmp_path / "settings.json").write_bytes(b"\x00\x00\x00")
    window = open_app(["--data-dir", str(tmp_path)])
    assert not window.context.demo  # type: ignore[attr-defined]
    assert "MODE DEMO" not in window.windowTitle()
    assert [p.name.startswith("settings.json.rusak-") for p in tmp_path.glob("settings.json.*")] == [True]
    assert "rusak" in window.notice_label.text()
    dialog = window.findChild(LoginDialog, "login_dialog")
    assert dialog is not None and "rusak" in dialog.status_label.text()
    assert not controller_of(window).logged_in


def test_a_broken_settings_file_never_starts_the_demo_in_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"username": "toko", "merch', encoding="utf-8")
    result = run_kasir("--data-dir", str(tmp_path), "--startup-probe", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "PAINTED" in result.stdout
    assert not (tmp_path / "demo").exists()  # the demo keeps its data in DIR/demo
    assert list(tmp_path.glob("settings.json.rusak-*"))
    assert "settings unreadable" in (tmp_path / "logs" / "kasir.log").read_text(encoding="utf-8")


def test_a_settings_file_far_larger_than_any_settings_is_refused_unread(tmp_path: Path) -> None:
    """A 100 MB settings.json hung the start for more than 90 s (issue 20, item 12)."""
    import time

    with (tmp_path / "settings.json").open("wb") as handle:
        handle.write(b'{"shop_name": "' + b"x" * (100 * 1024 * 1024) + b'"}')
    started = time.monotonic()
    with pytest.raises(SettingsUnreadableError) as caught:
        settings_io.load(tmp_path)
    assert time.monotonic() - started < 1.0
    assert "terlalu besar" in caught.value.user_message


def test_every_text_setting_is_bounded_when_read_and_saved(tmp_path: Path) -> None:
    huge = "N" * 4_800_000
    settings_io.save(tmp_path, Settings(shop_name=huge, receipt_address=huge, receipt_footer=huge, username=huge))
    assert (tmp_path / "settings.json").stat().st_size < 64 * 1024
    loaded = settings_io.from_mapping({"shop_name": huge, "base_qr": huge, "api_url": huge})
    assert len(loaded.shop_name) <= 100 and len(loaded.base_qr) <= 512 and len(loaded.api_url) <= 2000


def test_the_history_is_never_asked_faster_than_every_10_s_of_a_real_server() -> None:
    """settings.json's history_interval_s 0.5 was obeyed: twice a second (issue 20, item 8)."""
    real = settings_io.from_mapping({"history_interval_s": 0.5, "api_url": "https://orkut.hidepulsa.com"})
    assert real.history_interval == 10.0
    assert real.with_changes(history_interval_s=45.0).history_interval == 45.0
    # The simulator on loopback (the demo, the tests) may be asked faster: it has no upstream to annoy.
    assert real.with_changes(api_url="http://127.0.0.1:8787").history_interval == 0.5
