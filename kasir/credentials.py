"""The API key and the session token: OS keyring only, or memory for this session.

Nothing here is ever written to a file the app owns. Where no keyring backend works
(a headless Linux box has none), the store says so and keeps the secrets in memory.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

log = logging.getLogger(__name__)

SERVICE = "kasir-qris"
API_KEY = "api_key"
AUTH_TOKEN = "auth_token"


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


class CachedStore:
    """Reads each secret from the store once, then from memory; writes go through at once.

    The OS keyring can block (a Secret Service asking to unlock, a slow Credential Manager):
    reading it at every Bayar on the GUI thread would freeze the counter. The app changes the
    secrets only through this object, so the copy cannot go stale.
    """

    def __init__(self, store: CredentialStore) -> None:
        self._store = store
        self._known: dict[str, str | None] = {}

    @property
    def persistent(self) -> bool:
        return self._store.persistent

    def get(self, name: str) -> str | None:
        if name not in self._known:
            self._known[name] = self._store.get(name)
        return self._known[name]

    def set(self, name: str, value: str) -> None:
        self._store.set(name, value)
        self._known[name] = value

    def delete(self, name: str) -> None:
        self._store.delete(name)
        self._known[name] = None

    def __repr__(self) -> str:
        return f"CachedStore({self._store!r})"
