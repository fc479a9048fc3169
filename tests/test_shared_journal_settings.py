"""Choosing the shared journal (issue 22): on the command line and in Pengaturan, with its "Tes koneksi";
never a password in the settings file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kasir import settings as settings_rules
from kasir.cli import parse_args
from kasir.errors import ConfigError
from kasir.settings import Settings
from kasir.shop_tills import check_journal_url, counter_name
from kasir.ui.settings_dialog import SettingsDialog


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://kasir:rahasia@server/toko", "kata sandi"),
        ("mysql://kasir@server/toko", "postgresql://"),
        ("postgresql://kasir@server/", "nama database"),
        ("postgresql:///toko", "nama server"),
        ("postgresql://kasir@server:99999/toko", "tidak terbaca"),
    ],
)
def test_a_journal_address_that_cannot_be_used_is_refused_with_the_reason(url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        check_journal_url(url)


def test_a_journal_address_with_a_password_is_refused_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--journal", "postgresql://kasir:rahasia@server/toko"])
    assert exited.value.code == 2 and "kata sandi" in capsys.readouterr().err


def test_a_tills_name_is_printable_and_at_most_25_characters() -> None:
    assert counter_name("  Kasir\x07 Depan — lantai satu dekat pintu  ") == "Kasir Depan lantai satu d"
    assert parse_args(["--counter", "Kasir 2"]).counter == "Kasir 2"
    with pytest.raises(SystemExit):
        parse_args(["--counter", "\x07"])


def test_pengaturan_refuses_a_journal_address_with_a_password(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.journal_settings.url.setText("postgresql://kasir:rahasia@server/toko")
    dialog._validate_and_accept()
    assert "kata sandi" in dialog.error.text() and dialog.result() != SettingsDialog.DialogCode.Accepted


def test_pengaturan_keeps_the_address_and_name_and_hands_the_password_to_the_keyring_only(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.journal_settings.url.setText(" postgresql://kasir@192.168.1.10/toko ")
    dialog.journal_settings.password.setText("rahasia")
    dialog.journal_settings.counter.setText("Kasir Depan")
    chosen = dialog.result_settings()
    assert (chosen.journal_url, chosen.counter_name) == ("postgresql://kasir@192.168.1.10/toko", "Kasir Depan")
    assert "rahasia" not in repr(chosen) and dialog.journal_settings.new_password() == "rahasia"
    assert settings_rules.problem(chosen) is None


def test_tes_koneksi_says_which_server_answered(qtbot: QtBot, pg_dsn: str) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    part = dialog.journal_settings
    part.url.setText(pg_dsn)
    qtbot.mouseClick(part.test_button, qtbot_left())
    qtbot.waitUntil(lambda: part.test_button.isEnabled() and "Terhubung" in part.result.text(), timeout=10_000)
    assert "PostgreSQL" in part.result.text()
    part.stop()


def test_tes_koneksi_to_a_server_that_is_not_there_says_so_in_indonesian(qtbot: QtBot) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    part = dialog.journal_settings
    part.url.setText(f"postgresql://kasir@127.0.0.1:{port}/toko")
    part.test_connection()
    qtbot.waitUntil(lambda: part.test_button.isEnabled() and "⚠" in part.result.text(), timeout=10_000)
    assert "tidak dapat dihubungi" in part.result.text()
    part.stop()


def qtbot_left() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_settings_file_never_holds_the_journal_password(tmp_path: Path) -> None:
    settings_rules.save(tmp_path, Settings(journal_url="postgresql://kasir@server/toko", counter_name="Kasir 1"))
    text = (tmp_path / settings_rules.FILENAME).read_text(encoding="utf-8")
    assert "journal_url" in text and "password" not in text


def test_the_one_pc_package_says_which_package_a_shop_of_several_tills_needs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    from kasir import app, journal_copy
    from kasir.cli import StartupError
    from kasir.ui.journal_settings import reach

    monkeypatch.setitem(sys.modules, "kasir.journal_pg", None)  # as in the package built without it
    shared = Settings(journal_url="postgresql://kasir@server/toko")
    with pytest.raises(StartupError, match="kasir-toko"):
        app._open_shared(shared, lambda: None, "Kasir 1")
    with pytest.raises(ConfigError, match="kasir-toko"):
        reach("postgresql://kasir@server/toko", None, "Kasir 1")
    (tmp_path / "journal.sqlite3").write_bytes(b"")
    with pytest.raises(journal_copy.CopyRefusedError, match="kasir-toko"):
        journal_copy.copy_journal(tmp_path, "postgresql://kasir@server/toko")
