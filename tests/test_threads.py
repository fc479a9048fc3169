"""What runs where: the keyring is read once, and no worker reads a widget."""

from __future__ import annotations

from kasir.credentials import API_KEY, CachedStore, MemoryStore


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__({API_KEY: "key-1"})
        self.reads = 0

    def get(self, name: str) -> str | None:
        self.reads += 1
        return super().get(name)


def test_the_keyring_is_read_once_however_often_a_secret_is_needed() -> None:
    store = CountingStore()
    cached = CachedStore(store)
    assert [cached.get(API_KEY) for _ in range(50)] == ["key-1"] * 50
    assert store.reads == 1


def test_a_secret_written_or_deleted_through_the_cache_is_seen_at_once() -> None:
    store = CountingStore()
    cached = CachedStore(store)
    cached.set(API_KEY, "key-2")
    assert cached.get(API_KEY) == "key-2" and store.get(API_KEY) == "key-2"
    cached.delete(API_KEY)
    assert cached.get(API_KEY) is None and store.get(API_KEY) is None


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
