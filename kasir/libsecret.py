"""The Linux keyring (the desktop's Secret Service) through the system's libsecret, via ctypes.

Why not keyring's own Secret Service backend: it reaches the service through ``secretstorage``,
which encrypts the secret on the session bus with ``cryptography`` — 11.6 MB in the package, a
second OpenSSL in its compiled core beside the one Python's ssl module brings. libsecret is the
C library GNOME and KDE programs use for the same service: it does the same encryption on the
bus and asks the user to unlock a locked keyring. It comes from the system, as CUPS does for
printing (see the README, Packaging); the libgcrypt it encrypts with is the package's, which
Qt's D-Bus brings in as into any PySide6 package. Windows and macOS keep keyring's own backends
(the Credential Manager, the Keychain).

Only the ``…v_sync`` calls are used: they take the attributes as a GHashTable instead of C
varargs, so ctypes calls them the same way on every architecture. Items are stored as keyring's
backends store them (``service``, ``username``, ``application``), and found by those attributes
alone, so a secret saved by an earlier version through ``secretstorage`` is still found; a write
removes it first (libsecret adds an ``xdg:schema`` attribute, so its item would otherwise stand
beside the old one, and a read would get either).

A locked keyring whose unlock prompt is dismissed (or cannot be shown) reads as "nothing" and
refuses deletes without saying so; both are told apart from "nothing stored" by a search that
does not unlock, and raised, so the app keeps the secrets for the session and says so.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from contextlib import contextmanager

from kasir.errors import KasirError

APPLICATION = "Python keyring library"  # what keyring's backends write: their items stay ours
SCHEMA_NAME = "org.freedesktop.Secret.Generic"
ATTRIBUTES = (b"service", b"username", b"application")
COLLECTION_DEFAULT = b"default"
_DONT_MATCH_NAME = 1 << 1  # SECRET_SCHEMA_DONT_MATCH_NAME: items without xdg:schema match too
_STRING = 0  # SECRET_SCHEMA_ATTRIBUTE_STRING
_SEARCH_ALL = 1 << 1  # SECRET_SEARCH_ALL, without SECRET_SEARCH_UNLOCK: locked items too, no prompt


class SecretServiceError(KasirError):
    """libsecret is missing, no Secret Service answers, or it refused (locked, cancelled)."""

    @property
    def user_message(self) -> str:
        return "Keyring sistem tidak dapat dipakai; kunci API hanya disimpan selama aplikasi terbuka."


class _Attribute(ctypes.Structure):
    _fields_ = (("name", ctypes.c_char_p), ("type", ctypes.c_int))


class _Schema(ctypes.Structure):
    # SecretSchema from <libsecret/secret-schema.h>; the reserved fields are part of its size.
    _fields_ = (
        ("name", ctypes.c_char_p),
        ("flags", ctypes.c_int),
        ("attributes", _Attribute * 32),
        ("reserved", ctypes.c_int),
        *((f"reserved{i}", ctypes.c_void_p) for i in range(1, 8)),
    )


class _GError(ctypes.Structure):
    _fields_ = (("domain", ctypes.c_uint32), ("code", ctypes.c_int), ("message", ctypes.c_char_p))


_GErrorPointer = ctypes.POINTER(_GError)


class _Libraries:
    """libsecret and GLib, loaded once, with every function's C signature declared."""

    def __init__(self) -> None:
        # By soname, not ctypes.util.find_library: that runs ldconfig in a child process.
        try:
            self.secret = ctypes.CDLL("libsecret-1.so.0")
            self.glib = ctypes.CDLL("libglib-2.0.so.0")
            self.gobject = ctypes.CDLL("libgobject-2.0.so.0")
        except OSError as exc:
            raise SecretServiceError(f"libsecret not found ({exc})") from exc
        s, g = self.secret, self.glib
        ptr, text, err = ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(_GErrorPointer)
        schema = ctypes.POINTER(_Schema)
        s.secret_password_storev_sync.argtypes = [schema, ptr, text, text, text, ptr, err]
        s.secret_password_storev_sync.restype = ctypes.c_int
        # Returned as a raw pointer: it must go back to secret_password_free, never to Python's free.
        s.secret_password_lookupv_sync.argtypes = [schema, ptr, ptr, err]
        s.secret_password_lookupv_sync.restype = ptr
        s.secret_password_clearv_sync.argtypes = [schema, ptr, ptr, err]
        s.secret_password_clearv_sync.restype = ctypes.c_int
        s.secret_password_free.argtypes = [ptr]
        s.secret_password_free.restype = None
        # libsecret 0.19 and later; older ones cannot tell a locked keyring from an empty one.
        self.search = getattr(s, "secret_password_searchv_sync", None)
        if self.search is not None:
            self.search.argtypes = [schema, ptr, ctypes.c_int, ptr, err]
            self.search.restype = ptr
        g.g_list_length.argtypes = [ptr]
        g.g_list_length.restype = ctypes.c_uint
        g.g_list_free_full.argtypes = [ptr, ptr]
        g.g_list_free_full.restype = None
        self.object_unref = ctypes.cast(self.gobject.g_object_unref, ctypes.c_void_p)
        g.g_hash_table_new.argtypes = [ptr, ptr]
        g.g_hash_table_new.restype = ptr
        g.g_hash_table_insert.argtypes = [ptr, ptr, ptr]
        g.g_hash_table_insert.restype = ctypes.c_int
        g.g_hash_table_unref.argtypes = [ptr]
        g.g_hash_table_unref.restype = None
        g.g_error_free.argtypes = [_GErrorPointer]
        g.g_error_free.restype = None
        self.str_hash = ctypes.cast(g.g_str_hash, ctypes.c_void_p)
        self.str_equal = ctypes.cast(g.g_str_equal, ctypes.c_void_p)
        self.schema = _Schema(name=SCHEMA_NAME.encode(), flags=_DONT_MATCH_NAME)
        for i, name in enumerate(ATTRIBUTES):
            self.schema.attributes[i] = _Attribute(name, _STRING)


_loaded: _Libraries | None = None


def _libraries() -> _Libraries:
    global _loaded  # loaded once per process, on the keyring's first use
    if _loaded is None:
        _loaded = _Libraries()
    return _loaded


class LibsecretKeyring:
    """Secrets by (service, name) in the desktop's default keyring."""

    def __init__(self) -> None:
        self._lib = _libraries()

    def get_password(self, service: str, name: str) -> str | None:
        lib = self._lib
        with self._attributes(service, name) as table:
            with _raising("read") as error:
                found = lib.secret.secret_password_lookupv_sync(ctypes.byref(lib.schema), table, None, error)
            if not found:
                self._refuse_if_locked(table, "read")
                return None
        try:
            value = ctypes.string_at(found)
        finally:
            lib.secret.secret_password_free(found)  # wipes the copy libsecret made
        return value.decode("utf-8")

    def set_password(self, service: str, name: str, value: str) -> None:
        lib = self._lib
        label = f"Password for '{name}' on '{service}'".encode()
        self.delete_password(service, name)  # an item an earlier version wrote would stay beside it
        with self._attributes(service, name) as table, _raising("write") as error:
            lib.secret.secret_password_storev_sync(
                ctypes.byref(lib.schema), table, COLLECTION_DEFAULT, label, value.encode("utf-8"), None, error
            )

    def delete_password(self, service: str, name: str) -> None:
        """Removes every item of (service, name); nothing stored is not an error."""
        lib = self._lib
        with self._attributes(service, name) as table:
            with _raising("delete") as error:
                removed = lib.secret.secret_password_clearv_sync(ctypes.byref(lib.schema), table, None, error)
            if not removed:
                self._refuse_if_locked(table, "delete")

    def _refuse_if_locked(self, table: int, action: str) -> None:
        """Nothing read or removed: raise if items match all the same (they are locked)."""
        lib = self._lib
        if lib.search is None:
            return
        with _raising(action) as error:
            found = lib.search(ctypes.byref(lib.schema), table, _SEARCH_ALL, None, error)
        if found:
            count = lib.glib.g_list_length(found)
            lib.glib.g_list_free_full(found, lib.object_unref)
            raise SecretServiceError(f"Secret Service {action} refused: {count} item(s) locked")

    @contextmanager
    def _attributes(self, service: str, name: str) -> Iterator[int]:
        """A GHashTable of the item's attributes; its strings live in ``keep`` for the call."""
        lib = self._lib
        table = lib.glib.g_hash_table_new(lib.str_hash, lib.str_equal)
        keep = [ctypes.create_string_buffer(text.encode("utf-8")) for text in (service, name, APPLICATION)]
        for key, value in zip(ATTRIBUTES, keep, strict=True):
            lib.glib.g_hash_table_insert(table, ctypes.c_char_p(key), ctypes.addressof(value))
        try:
            yield table
        finally:
            lib.glib.g_hash_table_unref(table)
            del keep


@contextmanager
def _raising(action: str) -> Iterator[object]:
    """A GError** for one call; a GError set by it becomes a SecretServiceError (and is freed)."""
    error = _GErrorPointer()
    yield ctypes.byref(error)
    if error:
        message = (error.contents.message or b"").decode("utf-8", "replace")
        code = error.contents.code
        _libraries().glib.g_error_free(error)
        raise SecretServiceError(f"Secret Service {action} refused (code {code}): {message}")
