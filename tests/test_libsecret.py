"""The Linux keyring through the system's libsecret: a real gnome-keyring on a private D-Bus.

Each check runs in a process of its own, started inside that session: libsecret keeps its
connection to the bus for the life of a process, and the rest of the suite must never reach a
keyring. ``.ci/run`` installs gnome-keyring, libsecret and dbus; elsewhere these tests are
skipped when they are missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kasir import credentials
from kasir.credentials import KeyringStore

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "kata-sandi-keyring"

TOOLS = ("dbus-daemon", "dbus-send", "gnome-keyring-daemon")
# Skipped off Linux, and on a developer's machine without the tools; under CI (which installs them)
# a missing tool fails the tests instead of hiding them.
needs_keyring = pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or (not all(shutil.which(tool) for tool in TOOLS) and not os.environ.get("CI")),
    reason="needs dbus-daemon, dbus-send and gnome-keyring (installed by .ci/run)",
)


# A session bus of our own with no service files: nothing is started on demand behind the test.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy>
</busconfig>
"""


@contextmanager
def private_bus(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a process on a fresh session bus, with a home of its own."""
    home = tmp_path / "home"
    (home / ".local" / "share").mkdir(parents=True)
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG)
    env = {
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
    }
    bus = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert bus.stdout is not None
    env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
    try:
        yield env
    finally:
        bus.terminate()
        bus.wait(timeout=10)


def has_owner(env: dict[str, str], name: str) -> bool:
    ask = ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"]
    reply = subprocess.run(
        [*ask, "org.freedesktop.DBus.NameHasOwner", f"string:{name}"], capture_output=True, text=True, env=env
    )
    return "boolean true" in reply.stdout


@pytest.fixture
def keyring_session(tmp_path: Path) -> Iterator[dict[str, str]]:
    """gnome-keyring's Secret Service on a private bus, its login keyring created and unlocked."""
    with private_bus(tmp_path) as env:
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--components=secrets", "--unlock"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert daemon.stdin is not None
        daemon.stdin.write(PASSWORD)
        daemon.stdin.close()
        deadline = time.monotonic() + 20
        while not has_owner(env, "org.freedesktop.secrets"):  # a condition, not a sleep: ready when named
            assert daemon.poll() is None and time.monotonic() < deadline, "gnome-keyring did not start"
            time.sleep(0.05)
        try:
            yield env
        finally:
            daemon.terminate()
            daemon.wait(timeout=10)


def run_in(env: dict[str, str], code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split("\n")[:-1]


STORE = "from kasir.libsecret import LibsecretKeyring; vault = LibsecretKeyring()\n"
APP_STORE = "from kasir.credentials import KeyringStore\nstore = KeyringStore()\n"


@needs_keyring
def test_a_secret_stored_is_read_back_by_the_next_start(keyring_session: dict[str, str]) -> None:
    run_in(keyring_session, STORE + "vault.set_password('kasir-qris', 'api_key', 'kunci-rahasia-é')")
    assert run_in(keyring_session, STORE + "print(vault.get_password('kasir-qris', 'api_key'))") == ["kunci-rahasia-é"]


@needs_keyring
def test_a_secret_never_stored_reads_as_none(keyring_session: dict[str, str]) -> None:
    assert run_in(keyring_session, STORE + "print(vault.get_password('kasir-qris', 'auth_token'))") == ["None"]


@needs_keyring
def test_storing_again_replaces_the_secret(keyring_session: dict[str, str]) -> None:
    code = STORE + (
        "vault.set_password('kasir-qris', 'auth_token', 'lama')\n"
        "vault.set_password('kasir-qris', 'auth_token', 'baru')\n"
        "print(vault.get_password('kasir-qris', 'auth_token'))"
    )
    assert run_in(keyring_session, code) == ["baru"]


@needs_keyring
def test_a_deleted_secret_is_gone_and_deleting_nothing_is_fine(keyring_session: dict[str, str]) -> None:
    code = STORE + (
        "vault.set_password('kasir-qris', 'auth_token', 'token')\n"
        "vault.delete_password('kasir-qris', 'auth_token')\n"
        "vault.delete_password('kasir-qris', 'auth_token')\n"
        "print(vault.get_password('kasir-qris', 'auth_token'))"
    )
    assert run_in(keyring_session, code) == ["None"]


@needs_keyring
def test_each_name_and_service_keeps_its_own_secret(keyring_session: dict[str, str]) -> None:
    code = STORE + (
        "vault.set_password('kasir-qris', 'api_key', 'kunci')\n"
        "vault.set_password('kasir-qris', 'auth_token', 'token')\n"
        "vault.set_password('aplikasi-lain', 'api_key', 'milik-orang-lain')\n"
        "print(vault.get_password('kasir-qris', 'api_key'), vault.get_password('kasir-qris', 'auth_token'))"
    )
    assert run_in(keyring_session, code) == ["kunci token"]


@needs_keyring
def test_a_secret_saved_through_secretstorage_is_still_found(keyring_session: dict[str, str]) -> None:
    """Earlier versions stored through keyring's own Secret Service backend (secretstorage)."""
    pytest.importorskip("secretstorage")
    old = "from keyring.backends.SecretService import Keyring; Keyring().set_password('kasir-qris', 'api_key', 'lama')"
    run_in(keyring_session, old)
    assert run_in(keyring_session, STORE + "print(vault.get_password('kasir-qris', 'api_key'))") == ["lama"]


OLD_ITEMS = (
    "import secretstorage\n"
    "collection = secretstorage.get_default_collection(secretstorage.dbus_init())\n"
    "items = list(collection.search_items({'service': 'kasir-qris', 'username': 'api_key'}))\n"
)


@needs_keyring
def test_a_new_secret_replaces_one_saved_through_secretstorage(keyring_session: dict[str, str]) -> None:
    """libsecret adds xdg:schema to what it stores: without removing the old item first, the two
    stood side by side and a read got either (the old one in 2 of 3 fresh keyrings, measured)."""
    pytest.importorskip("secretstorage")
    old = "from keyring.backends.SecretService import Keyring; Keyring().set_password('kasir-qris', 'api_key', 'lama')"
    run_in(keyring_session, old)
    run_in(keyring_session, STORE + "vault.set_password('kasir-qris', 'api_key', 'baru')")
    count = OLD_ITEMS + "print(len(items), items[0].get_secret().decode())"
    assert run_in(keyring_session, count) == ["1 baru"]


LOCK = (
    "import secretstorage\n"
    "collection = secretstorage.get_default_collection(secretstorage.dbus_init())\n"
    "collection.lock()\n"
)


@needs_keyring
def test_a_locked_keyring_is_not_read_as_empty(keyring_session: dict[str, str]) -> None:
    """Its unlock prompt cannot be shown here (as when the cashier dismisses it): libsecret reads
    "nothing", and the app would have asked for a new login while saying the key is stored."""
    pytest.importorskip("secretstorage")
    run_in(keyring_session, STORE + "vault.set_password('kasir-qris', 'api_key', 'kunci')")
    run_in(keyring_session, LOCK)
    code = APP_STORE + "print(store.get('api_key'), store.persistent)"
    assert run_in(keyring_session, code) == ["None False"]


@needs_keyring
def test_a_logout_on_a_locked_keyring_says_the_secret_stayed(keyring_session: dict[str, str]) -> None:
    pytest.importorskip("secretstorage")
    run_in(keyring_session, STORE + "vault.set_password('kasir-qris', 'api_key', 'kunci')")
    run_in(keyring_session, LOCK)
    code = APP_STORE + "store.delete('api_key')\nprint(store.persistent)"
    assert run_in(keyring_session, code) == ["False"]


@needs_keyring
def test_the_app_keeps_its_secrets_in_the_linux_keyring(keyring_session: dict[str, str]) -> None:
    code = APP_STORE + "store.set('api_key', 'kunci')\nprint(store.persistent, KeyringStore().get('api_key'))"
    assert run_in(keyring_session, code) == ["True kunci"]


def test_without_a_secret_service_the_secrets_stay_for_this_session(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_keyring() -> credentials.Vault:
        from kasir.libsecret import SecretServiceError

        raise SecretServiceError("libsecret not found")

    monkeypatch.setattr(credentials, "os_keyring", no_keyring)
    store = KeyringStore()
    store.set("api_key", "kunci")
    assert store.get("api_key") == "kunci"
    assert not store.persistent
    assert [r.getMessage() for r in caplog.records if "keyring" in r.getMessage()] == [
        "keyring unavailable, secrets kept for this session only (SecretServiceError)"
    ]


@needs_keyring
def test_a_bus_with_no_secret_service_is_an_error_not_a_hang(tmp_path: Path) -> None:
    code = APP_STORE + "store.set('api_key', 'kunci')\nprint(store.persistent, store.get('api_key'))"
    with private_bus(tmp_path) as env:
        assert run_in(env, code) == ["False kunci"]
