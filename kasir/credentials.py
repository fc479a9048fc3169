"""The API key and the session token: OS keyring only, or memory for this session.

Nothing here is ever written to a file the app owns. Where no keyring backend works
(a headless Linux box has none), the store says so and keeps the secrets in memory.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import queue

log = logging.getLogger(__name__)

SERVICE = "kasir-qris"
API_KEY = "api_key"
AUTH_TOKEN = "auth_token"
# A Secret Service that does not answer (a D-Bus call that waits for its own timeout, twice) froze the
# painted window for 50 s at start. This long, and the keyring counts as none for the session.
KEYRING_TIMEOUT_S = 5.0
SESSION_ONLY = "API key dan token disimpan untuk sesi ini saja; saat aplikasi dibuka lagi, Anda perlu masuk lagi."


class CredentialStore(Protocol):
    @property
    def persistent(self) -> bool: ...

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class Vault(Protocol):
    """What the OS keyring offers (keyring's backends and :class:`kasir.libsecret.LibsecretKeyring`)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def os_keyring() -> Vault:
    """The OS keyring: keyring's backend on Windows (Credential Manager) and macOS (Keychain);
    on Linux the desktop's Secret Service through the system's libsecret (``kasir.libsecret``
    says why not keyring's own). Raises when there is none; :class:`KeyringStore` then keeps
    the secrets in memory."""
    if sys.platform.startswith("linux"):
        from kasir.libsecret import LibsecretKeyring

        return LibsecretKeyring()
    import keyring

    return keyring.get_keyring()


class MemoryStore:
    """Secrets for this session only (demo mode, or no working keyring)."""

    persistent = False

    def __init__(self, initial: dict[str, str] | None = None) -> None:
        self._values = dict(initial or {})

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)

    def __repr__(self) -> str:
        return f"MemoryStore({sorted(self._values)})"


class KeyringStore:
    """The OS keyring (Windows Credential Manager, macOS Keychain, Secret Service).

    Falls back to memory on the first failure and stays there, so a broken backend
    costs one log line, not a secret written somewhere else.
    """

    def __init__(self, service: str = SERVICE) -> None:
        self._service = service
        self._memory = MemoryStore()
        self._broken = False
        self._vault: Vault | None = None

    def _os(self) -> Vault:
        if self._vault is None:
            self._vault = os_keyring()
        return self._vault

    @property
    def persistent(self) -> bool:
        return not self._broken

    def _fail(self, exc: Exception) -> None:
        if not self._broken:
            log.warning("keyring unavailable, secrets kept for this session only (%s)", type(exc).__name__)
        self._broken = True

    def get(self, name: str) -> str | None:
        if not self._broken:
            try:
                value = self._os().get_password(self._service, name)
                return value if value is not None else self._memory.get(name)
            except Exception as exc:  # noqa: BLE001 - any backend failure means "no keyring"
                self._fail(exc)
        return self._memory.get(name)

    def set(self, name: str, value: str) -> None:
        if not self._broken:
            try:
                self._os().set_password(self._service, name, value)
                return
            except Exception as exc:  # noqa: BLE001 - any backend failure means "no keyring"
                self._fail(exc)
        self._memory.set(name, value)

    def delete(self, name: str) -> None:
        self._memory.delete(name)
        if self._broken:
            return
        try:
            self._os().delete_password(self._service, name)
        except Exception as exc:  # noqa: BLE001 - any backend failure means "no keyring"
            if not _nothing_stored(exc):  # nothing stored is already the wanted state
                self._fail(exc)

    def __repr__(self) -> str:
        return f"KeyringStore({self._service!r}, persistent={self.persistent})"


def _nothing_stored(exc: Exception) -> bool:
    """keyring's backends refuse to delete what is not there; libsecret does not. Read from
    ``sys.modules``: the Linux package has no keyring, and nothing here may import it there."""
    errors = sys.modules.get("keyring.errors")
    return errors is not None and isinstance(exc, errors.PasswordDeleteError)


@dataclass(frozen=True)
class Loaded:
    """What the keyring gave at start."""

    values: dict[str, str | None] = field(default_factory=dict)
    answered: bool = True  # False: it did not answer in time, or failed: treated as empty
    persistent: bool = True  # False: what is set now is kept for this session only
    notice: str = ""  # for the cashier when the keyring cannot keep the secrets, else ""


class SecretVault:
    """The secrets, read and written on threads of their own: the OS keyring can block (a locked
    Secret Service asking to unlock, a D-Bus peer that never answers, a slow Credential Manager) and
    the GUI thread must never wait for it.

    :meth:`load` reads once and delivers a :class:`Loaded` (on another thread: the Qt layer marshals
    it); a keyring that does not answer within ``KEYRING_TIMEOUT_S`` is treated as empty and never
    asked again this session. Afterwards :meth:`get` answers from memory and :meth:`set` /
    :meth:`delete` take effect at once and reach the keyring on a writer thread; a keyring that
    refuses a write (a dismissed unlock prompt) is said once through ``on_problem``.
    """

    def __init__(self, store: CredentialStore, timeout_s: float | None = None) -> None:
        self._store = store
        self._timeout_s = timeout_s
        self._known: dict[str, str | None] = {}
        self._ready = threading.Event()
        self._stuck = False  # the keyring did not answer: nothing more is sent to it
        self._said = False
        self._writes: queue.Queue[Callable[[], None] | None] | None = None  # with the first write
        self.on_problem: Callable[[str], None] = lambda _text: None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def persistent(self) -> bool:
        return not self._stuck and self._store.persistent

    def load(self, names: Iterable[str], deliver: Callable[[Loaded], None]) -> None:
        """Read ``names`` off the calling thread; ``deliver`` is called exactly once, from another thread."""
        wanted = tuple(names)
        if isinstance(self._store, MemoryStore):  # nothing that can block: no thread for the demo
            deliver(self._loaded({n: self._store.get(n) for n in wanted}))
            return
        threading.Thread(target=self._load, args=(wanted, deliver), name="keyring-start", daemon=True).start()

    def _load(self, names: tuple[str, ...], deliver: Callable[[Loaded], None]) -> None:
        answer: dict[str, str | None] = {}
        done = threading.Event()

        def read() -> None:
            answer.update({n: self._store.get(n) for n in names})  # KeyringStore never raises
            done.set()

        threading.Thread(target=read, name="keyring-read", daemon=True).start()
        timeout = KEYRING_TIMEOUT_S if self._timeout_s is None else self._timeout_s
        if done.wait(timeout):
            deliver(self._loaded(answer))
            return
        self._stuck = True  # the read may still come back; it is ignored, and nothing else is sent
        log.warning("keyring did not answer within %.1f s; secrets kept for this session only", timeout)
        self._ready.set()
        deliver(Loaded({}, answered=False, persistent=False, notice=f"Keyring sistem tidak menjawab. {SESSION_ONLY}"))

    def _loaded(self, values: dict[str, str | None]) -> Loaded:
        self._known.update({k: v for k, v in values.items() if k not in self._known})
        self._ready.set()
        if self._store.persistent or isinstance(self._store, MemoryStore):
            return Loaded(dict(values))
        return Loaded(
            dict(values), answered=False, persistent=False, notice=f"Keyring sistem tidak dapat dipakai. {SESSION_ONLY}"
        )

    def get(self, name: str) -> str | None:
        return self._known.get(name)

    def set(self, name: str, value: str) -> None:
        self._known[name] = value
        self._write(lambda: self._store.set(name, value))

    def delete(self, name: str) -> None:
        self._known[name] = None
        self._write(lambda: self._store.delete(name))

    def _write(self, action: Callable[[], None]) -> None:
        if self._stuck:
            return  # it never answered: the value lives in memory for the session
        if self._writes is None:  # a start that writes nothing (most) needs neither queue nor thread
            import queue

            self._writes = queue.Queue()
            writer = threading.Thread(target=self._write_loop, args=(self._writes,), name="keyring-write", daemon=True)
            writer.start()
        self._writes.put(action)

    def _write_loop(self, writes: queue.Queue[Callable[[], None] | None]) -> None:
        while (action := writes.get()) is not None:
            try:
                was = self._store.persistent
                action()
                if was and not self._store.persistent and not self._said:
                    self._said = True
                    self.on_problem(f"Keyring sistem menolak menyimpan. {SESSION_ONLY}")
            finally:
                writes.task_done()

    def flush(self, timeout_s: float) -> bool:
        """Wait (tests, closing) until the writes so far reached the keyring; False after ``timeout_s``."""
        done = threading.Event()
        self._write(done.set)
        return self._stuck or done.wait(timeout_s)

    def __repr__(self) -> str:
        return f"SecretVault({self._store!r})"
