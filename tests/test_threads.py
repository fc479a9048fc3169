"""What runs where: the keyring is read once, and no worker reads a widget."""

from __future__ import annotations

import threading

from kasir.credentials import API_KEY, KeyringStore, MemoryStore, SecretVault


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__({API_KEY: "key-1"})
        self.reads = 0

    def get(self, name: str) -> str | None:
        self.reads += 1
        return super().get(name)


def test_the_keyring_is_read_once_however_often_a_secret_is_needed() -> None:
    store = CountingStore()
    vault = SecretVault(store)
    vault.load([API_KEY], lambda _loaded: None)
    assert [vault.get(API_KEY) for _ in range(50)] == ["key-1"] * 50
    assert store.reads == 1


def test_a_secret_written_or_deleted_through_the_vault_is_seen_at_once_and_reaches_the_keyring() -> None:
    from tests.gui_helpers import MemoryKeyring

    backend = MemoryKeyring()
    store = KeyringStore()
    store._vault = backend  # the OS keyring, in memory
    vault = SecretVault(store)
    done = threading.Event()
    vault.load([API_KEY], lambda _loaded: done.set())
    assert done.wait(5)
    vault.set(API_KEY, "key-2")
    assert vault.get(API_KEY) == "key-2"
    assert vault.flush(5) and backend.store[("kasir-qris", API_KEY)] == "key-2"
    vault.delete(API_KEY)
    assert vault.get(API_KEY) is None
    assert vault.flush(5) and ("kasir-qris", API_KEY) not in backend.store


def test_the_login_dialog_reads_the_key_on_the_gui_thread_not_in_its_worker(qtbot) -> None:  # type: ignore[no-untyped-def]
    from kasir.ui.login_dialog import LoginDialog

    dialog = LoginDialog("http://127.0.0.1:9")
    qtbot.addWidget(dialog)
    dialog.api_key_input.setText("typed-key-1")
    factory = dialog._client_factory()  # what the worker will call
    dialog.api_key_input.setText("typed-key-2")  # the widget may change meanwhile
    client = factory()
    try:
        assert client._api_key == "typed-key-1"
    finally:
        client.close()
    dialog.reject()


def test_a_job_that_needs_the_server_without_a_key_tells_the_cashier_to_log_in(qtbot) -> None:  # type: ignore[no-untyped-def]
    from kasir.errors import NotLoggedInError
    from kasir.ui.tasks import TaskRunner, client_required

    runner = TaskRunner("test", lambda: None)
    errors: list[Exception] = []
    try:
        runner.call_api(lambda c: client_required(c).balance(), lambda _r: None, errors.append)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    finally:
        assert runner.stop()
    assert isinstance(errors[0], NotLoggedInError)
    assert errors[0].user_message == "Belum masuk ke akun. Buka menu Akun lalu masuk."


def test_a_result_callback_that_raises_reaches_the_log_and_the_runner_goes_on(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    """A bug in what handles an answer (an OverflowError from a hostile row) is a log line with its
    traceback, never a silent stop of the refresh behind it (issue 20, item 4)."""
    import logging

    from kasir.ui.tasks import TaskRunner

    runner = TaskRunner("test", lambda: None)
    results: list[int] = []

    def broken(_r: object) -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    try:
        with caplog.at_level(logging.ERROR):
            runner.call(lambda: 1, broken)
            runner.call(lambda: 2, results.append)
            qtbot.waitUntil(lambda: results == [2], timeout=5_000)
    finally:
        assert runner.stop()
    [record] = [r for r in caplog.records if r.exc_info]
    assert "OverflowError" in record.getMessage() + str(record.exc_info)
