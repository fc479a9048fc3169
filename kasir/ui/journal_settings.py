"""Pengaturan's part for a shop of several tills: the shared journal (PostgreSQL), its password (for the
keyring, never the settings file) and this till's name, with a "Tes koneksi" that runs on a worker."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from kasir.errors import ConfigError
from kasir.settings import Settings
from kasir.shop_tills import ONE_PC_PACKAGE, check_journal_url, counter_name
from kasir.ui.tasks import TaskRunner

RESTART_NOTE = "Jurnal bersama dan nama kasir berlaku setelah Kasir QRIS ditutup lalu dibuka lagi."


def reach(url: str, password: str | None, counter: str) -> str:
    """On a worker: connect once as the app would, and say what answered (psycopg is loaded here)."""
    try:
        from kasir.journal_pg import connect
    except ImportError as exc:
        raise ConfigError(ONE_PC_PACKAGE) from exc

    with connect(url, password, counter or "tes") as conn:
        row = conn.execute("SELECT current_setting('server_version') AS v, current_database() AS db").fetchone()
    assert row is not None
    return f"Terhubung: PostgreSQL {row['v']}, database {row['db']}."


class JournalSettings(QGroupBox):
    def __init__(
        self, settings: Settings, parent: QWidget | None = None, stored_password: Callable[[], str | None] | None = None
    ) -> None:
        """``stored_password``: the keyring's, used by the test when none is typed."""
        super().__init__("Jurnal bersama (PostgreSQL) — beberapa kasir, satu akun", parent)
        self._stored = stored_password or (lambda: None)
        self.setObjectName("journal_settings")
        self.url = QLineEdit(settings.journal_url)
        self.url.setObjectName("journal_url_edit")
        self.url.setPlaceholderText("kosong: jurnal di PC ini · contoh: postgresql://kasir@192.168.1.10/toko")
        self.password = QLineEdit()
        self.password.setObjectName("journal_password_edit")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("disimpan di keyring sistem; kosong: tidak diubah")
        self.counter = QLineEdit(settings.counter_name)
        self.counter.setObjectName("counter_name_edit")
        self.counter.setMaxLength(25)
        self.counter.setPlaceholderText("kosong: nama PC ini")
        self.test_button = QPushButton("Tes koneksi")
        self.test_button.setObjectName("journal_test_button")
        self.result = QLabel("")
        self.result.setObjectName("journal_test_result")
        self.result.setWordWrap(True)
        note = QLabel(RESTART_NOTE)
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addWidget(self.result, 1)
        form = QFormLayout(self)
        form.addRow("Alamat jurnal", self.url)
        form.addRow("Kata sandi", self.password)
        form.addRow("Nama kasir ini", self.counter)
        form.addRow(row)
        form.addRow(note)
        self._tasks: TaskRunner | None = None  # a thread only once a test is asked for
        self.test_button.clicked.connect(self.test_connection)

    def values(self) -> dict[str, str]:
        return {"journal_url": self.url.text().strip(), "counter_name": counter_name(self.counter.text())}

    def new_password(self) -> str | None:
        """The password typed now (for the keyring), or None when the field was left empty."""
        return self.password.text() or None

    def test_connection(self) -> None:
        try:
            url = check_journal_url(self.url.text())
        except ConfigError as exc:
            self.result.setText(f"⚠ {exc}")
            return
        self.test_button.setEnabled(False)
        self.result.setText("Menghubungi server…")
        typed, stored, name = self.new_password(), self._stored, self.values()["counter_name"]

        def done(text: str) -> None:
            self.test_button.setEnabled(True)
            self.result.setText(text)

        def failed(exc: Exception) -> None:
            self.test_button.setEnabled(True)
            user_message = getattr(exc, "user_message", "")
            detail = str(exc).split(": ", 1)[-1][:200]
            self.result.setText(f"⚠ {user_message or 'Tidak terhubung.'} ({detail})")

        if self._tasks is None:
            self._tasks = TaskRunner("journal-test", parent=self)
        self._tasks.call(lambda: reach(url, typed or stored(), name), done, failed)

    def stop(self) -> None:
        if self._tasks is not None:
            self._tasks.stop()
