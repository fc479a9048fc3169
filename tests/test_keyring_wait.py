"""The OS keyring never blocks the window: read and written on a thread of its own, a keyring that
does not answer in time is treated as none, and every way it fails is said (issue 20, item 6)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kasir import credentials
from kasir.credentials import API_KEY, AUTH_TOKEN, KeyringStore, Loaded, MemoryStore, SecretVault
from kasir.simulator import OrkutSimulator
from tests.gui_helpers import MemoryKeyring, OpenApp, controller_of, open_app, type_total, write_settings

__all__ = ["open_app"]  # fixture


class HangingKeyring(MemoryKeyring):
    """A Secret Service that never answers (two D-Bus timeouts froze the painted window 50.4 s)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        self.release.wait(60)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        self.release.wait(60)


class RefusingKeyring(MemoryKeyring):
    """A locked keyring whose unlock prompt the cashier dismissed."""

    def set_password(self, service: str, username: str, password: str) -> None:
        from kasir.libsecret import SecretServiceError

        raise SecretServiceError("Secret Service store refused (code 2): dismissed")


@pytest.fixture
def hanging(monkeypatch: pytest.MonkeyPatch) -> Iterator[HangingKeyring]:
    backend = HangingKeyring()
    monkeypatch.setattr(credentials, "os_keyring", lambda: backend)
    monkeypatch.setattr(credentials, "KEYRING_TIMEOUT_S", 0.3)
    yield backend
    backend.release.set()  # let its thread end


def loaded(vault: SecretVault, names: tuple[str, ...] = (API_KEY, AUTH_TOKEN), wait: float = 5.0) -> Loaded:
    got: list[Loaded] = []
    done = threading.Event()
    vault.load(names, lambda result: (got.append(result), done.set()))
    assert done.wait(wait)
    return got[0]


# ---- the core, no Qt ------------------------------------------------------------------------


def test_secrets_are_read_off_the_calling_thread_and_delivered_once() -> None:
    store = MemoryStore({API_KEY: "k", AUTH_TOKEN: "t"})
    vault = SecretVault(store)
    result = loaded(vault)
    assert result.values == {API_KEY: "k", AUTH_TOKEN: "t"} and result.answered
    assert vault.get(API_KEY) == "k" and vault.ready


def test_a_keyring_that_does_not_answer_in_time_is_treated_as_none(hanging: HangingKeyring) -> None:
    vault = SecretVault(KeyringStore())
    started = time.monotonic()
    result = loaded(vault)
    assert time.monotonic() - started < 2.0
    assert not result.answered and result.values == {} and vault.get(API_KEY) is None
    assert not vault.persistent and "sesi ini saja" in result.notice
    calls = hanging.calls
    vault.set(API_KEY, "typed-key")  # kept for the session, never queued behind the stuck call
    assert vault.get(API_KEY) == "typed-key" and hanging.calls == calls


def test_a_write_the_keyring_refuses_is_said_once(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = RefusingKeyring()
    monkeypatch.setattr(credentials, "os_keyring", lambda: backend)
    vault = SecretVault(KeyringStore())
    loaded(vault)
    problems: list[str] = []
    done = threading.Event()
    vault.on_problem = lambda text: (problems.append(text), done.set())
    vault.set(API_KEY, "k")
    vault.set(AUTH_TOKEN, "t")
    assert done.wait(5)
    vault.flush(5)
    assert len(problems) == 1 and "sesi ini saja" in problems[0]
    assert vault.get(API_KEY) == "k" and vault.get(AUTH_TOKEN) == "t"  # the session goes on


# ---- the app --------------------------------------------------------------------------------


def test_the_window_takes_keys_while_the_keyring_is_silent_and_then_says_why_it_asks_again(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, hanging: HangingKeyring
) -> None:
    from kasir.ui.login_dialog import LoginDialog

    with OrkutSimulator() as sim:
        write_settings(tmp_path, username=sim.username, merchant=sim.account_id, api_url=sim.url)
        started = time.monotonic()
        window = open_app(["--data-dir", str(tmp_path)])
        assert time.monotonic() - started < 2.0  # no read of the keyring on the GUI thread
        type_total(qtbot, window, "25000")
        assert window.entry.value == 25_000
        qtbot.waitUntil(lambda: window.findChild(LoginDialog, "login_dialog") is not None, timeout=5_000)
        dialog = window.findChild(LoginDialog, "login_dialog")
        assert dialog is not None and "keyring" in dialog.status_label.text().lower()
        assert "sesi ini saja" in window.notice_label.text()
        window.force_close()


def test_bayar_before_the_keyring_answered_says_to_wait_and_keeps_the_total(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, hanging: HangingKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(credentials, "KEYRING_TIMEOUT_S", 30.0)
    with OrkutSimulator() as sim:
        write_settings(tmp_path, username=sim.username, merchant=sim.account_id, api_url=sim.url)
        window = open_app(["--data-dir", str(tmp_path)])
        type_total(qtbot, window, "25000")
        qtbot.keyClick(window, Qt.Key.Key_Return)
        assert "keyring" in window.amount_note.text().lower() and window.entry.value == 25_000
        assert controller_of(window).view.state == "idle"
        window.force_close()


def test_a_key_the_keyring_refused_to_keep_is_said_at_login(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.gui_helpers import login_through_dialog

    backend = RefusingKeyring()
    monkeypatch.setattr(credentials, "os_keyring", lambda: backend)
    with OrkutSimulator() as sim:
        window = open_app(["--api-url", sim.url, "--data-dir", str(tmp_path)])
        dialog = login_through_dialog(qtbot, window, sim)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "sesi ini saja" in window.notice_label.text(), timeout=5_000)
        assert controller_of(window).logged_in  # the session goes on with the key in memory
        window.force_close()


def test_an_account_whose_key_is_not_in_the_keyring_is_told_why_it_must_log_in_again(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kasir.ui.login_dialog import LoginDialog

    backend = MemoryKeyring()  # answers, but holds nothing: the last session's key was never kept
    monkeypatch.setattr(credentials, "os_keyring", lambda: backend)
    with OrkutSimulator() as sim:
        write_settings(tmp_path, username=sim.username, merchant=sim.account_id, api_url=sim.url)
        window = open_app(["--data-dir", str(tmp_path)])
        qtbot.waitUntil(lambda: window.findChild(LoginDialog, "login_dialog") is not None, timeout=5_000)
        dialog = window.findChild(LoginDialog, "login_dialog")
        assert dialog is not None and "tidak ada di keyring" in dialog.status_label.text()
        window.force_close()
