"""The login dialog as a shop owner uses it, keyboard first (issue 24, item 9)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kasir.simulator import OrkutSimulator
from kasir.ui.login_dialog import LoginDialog


@pytest.fixture
def sim() -> Iterator[OrkutSimulator]:
    with OrkutSimulator() as server:
        yield server


def _dialog(qtbot: QtBot, sim: OrkutSimulator, *, key: str | None = None) -> LoginDialog:
    dialog = LoginDialog(sim.url)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.api_key_input.setText(key if key is not None else sim.api_key)
    dialog.username_input.setText(sim.username)
    dialog.password_input.setText(sim.password)
    return dialog


def test_enter_in_the_password_field_asks_for_the_otp(qtbot: QtBot, sim: OrkutSimulator) -> None:
    dialog = _dialog(qtbot, sim)
    qtbot.keyClick(dialog.password_input, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.otp_input.isEnabled, timeout=10_000)
    assert dialog.otp_input.hasFocus()


def test_enter_in_the_otp_field_verifies_it(qtbot: QtBot, sim: OrkutSimulator) -> None:
    """Enter in the OTP field did nothing: the owner had to reach for the mouse."""
    dialog = _dialog(qtbot, sim)
    qtbot.keyClick(dialog.password_input, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.otp_input.isEnabled, timeout=10_000)
    qtbot.keyClicks(dialog.otp_input, sim.otp)
    qtbot.keyClick(dialog.otp_input, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert dialog.save_button.text() in dialog.status_label.text()  # "tekan Simpan dan mulai": the button's own words


def test_a_refused_key_is_said_for_this_dialog_with_the_focus_on_the_key_and_the_password_kept(
    qtbot: QtBot, sim: OrkutSimulator
) -> None:
    """It pointed to "menu Akun → Masuk lagi" (this very dialog), put the focus on "Kode merchant",
    and the password had to be typed again."""
    dialog = _dialog(qtbot, sim, key="kunci-salah")
    qtbot.keyClick(dialog.password_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ditolak" in dialog.status_label.text(), timeout=10_000)
    assert "Masuk lagi" not in dialog.status_label.text() and "API key" in dialog.status_label.text()
    qtbot.waitUntil(dialog.api_key_input.hasFocus, timeout=2_000)
    assert dialog.password_input.text() == sim.password


def test_a_refused_otp_puts_the_focus_back_on_the_otp(qtbot: QtBot, sim: OrkutSimulator) -> None:
    dialog = _dialog(qtbot, sim)
    qtbot.keyClick(dialog.password_input, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.otp_input.isEnabled, timeout=10_000)
    qtbot.keyClicks(dialog.otp_input, "000000")
    qtbot.keyClick(dialog.otp_input, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: dialog.verify_otp_button.isEnabled() and "OTP" in dialog.status_label.text(), timeout=10_000
    )
    assert dialog.otp_input.hasFocus() and dialog.password_input.text() == ""


def test_the_save_button_keeps_its_words_when_qts_words_are_installed(qtbot: QtBot, sim: OrkutSimulator) -> None:
    """At the first start the button read "Simpan" (Qt renamed its standard Save), later "Simpan dan mulai"."""
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = _dialog(qtbot, sim)
    QCoreApplication.sendEvent(
        dialog.findChild(QDialogButtonBox), QEvent(QEvent.Type.LanguageChange)
    )  # as installing a translator does
    assert dialog.save_button.text() == "Simpan dan mulai"
