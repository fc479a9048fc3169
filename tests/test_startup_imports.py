"""The first paint imports only what it draws; the rest is loaded on the worker right after it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.gui_helpers import OpenApp, controller_of, demo, open_app

__all__ = ["open_app"]  # fixtures


def fresh_process(code: str) -> list[str]:
    """The words ``code`` prints, run in a fresh interpreter (PySide6 makes each type once per
    process, and a module imported once stays imported) on Qt's offscreen platform."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
    )
    return out.stdout.split()


# Not needed for the first frame. httpx is not listed: kasir.orkut.client decides when it loads.
DEFERRED = (
    "kasir.simulator",
    "kasir.ui.attach_dialog",
    "kasir.ui.recap_dialog",
    "kasir.ui.login_dialog",
    "kasir.ui.settings_dialog",
    "PySide6.QtPrintSupport",
    "logging.handlers",
    "email.utils",
    "keyring",
    "zxingcpp",
    "qrcode",
    "psycopg",  # a shop of several tills only (--journal)
    "kasir.journal_pg",
)


def test_importing_the_app_loads_nothing_the_first_frame_does_not_need() -> None:
    code = f"import sys, kasir.app; print(' '.join(m for m in {DEFERRED!r} if m in sys.modules))"
    assert fresh_process(code) == []


# What the first frame (python -m kasir paints it before anything else) must not wait for.
BEHIND_THE_FIRST_FRAME = (
    "kasir.app",
    "kasir.ui.controller",
    "kasir.journal",
    "sqlite3",
    "kasir.orkut.client",
    "kasir.transport",
    "kasir.credentials",
    "kasir.simulator",
    "datetime",  # imported for annotations only before it (1.9 ms)
    "kasir.sale_view",  # the controller's: the first frame draws idle without it (1.3 ms)
    *DEFERRED,
)


def test_the_first_frame_loads_neither_journal_nor_client_nor_controller() -> None:
    code = (
        "import sys, kasir.cli, kasir.ui.first_frame;"
        f" print(' '.join(m for m in {BEHIND_THE_FIRST_FRAME!r} if m in sys.modules))"
    )
    assert fresh_process(code) == []


def test_a_till_of_its_own_never_loads_the_postgresql_driver(tmp_path: Path) -> None:
    """The single-PC package and start pay nothing for several tills (issue 22): a whole start, the
    sale loop running, and psycopg still not imported."""
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        " from kasir.app import create_window;"
        f" w = create_window(['--demo', '--data-dir', {str(tmp_path)!r}]); app.processEvents();"
        " wanted = ('psycopg', 'kasir.journal_pg', 'kasir.ui.shop_link');"
        " print(' '.join(m for m in wanted if m in sys.modules) or 'none');"
        " w.force_close()"
    )
    assert fresh_process(code) == ["none"]


def test_warm_up_loads_what_the_first_sale_and_dialogs_need(open_app: OpenApp, qtbot: QtBot, tmp_path: Path) -> None:
    from kasir import app

    controller = controller_of(demo(open_app, qtbot, tmp_path))
    done: list[object] = []
    controller.tasks.call(lambda: None, done.append)  # queued behind the warm-up on the one worker
    app.warm_up(controller)
    controller.tasks.call(lambda: None, done.append)
    qtbot.waitUntil(lambda: len(done) == 2)
    assert all(name in sys.modules for name in app.WARM_MODULES)


def test_the_receipt_printer_loads_after_the_first_paint_not_before(tmp_path: Path) -> None:
    code = f"""
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kasir.app import create_window
window = create_window(["--demo", "--data-dir", {str(tmp_path)!r}])
before = "PySide6.QtPrintSupport" in sys.modules
from kasir.ui.receipt_printing import find_printer
missing_before = find_printer(window) is None
from PySide6.QtCore import QDeadlineTimer
deadline = QDeadlineTimer(10_000)
while find_printer(window) is None and not deadline.hasExpired():
    app.processEvents()
print(before, missing_before, find_printer(window) is not None)
window.force_close()
"""
    out = fresh_process(code)
    assert out == ["False", "True", "True"]


def first_frame_facts(tmp_path: Path, facts: str) -> list[str]:
    """Open the first frame in a fresh process and print ``facts`` (a Python expression) when it
    has painted: a process of its own, because PySide6 creates each type once per process."""
    code = f"""
import sys
from PySide6.QtWidgets import QApplication
import PySide6.QtCore as core
from kasir.cli import parse_args
from kasir.ui.first_frame import open_first_frame
app = QApplication([])
frame = open_first_frame(parse_args(["--demo", "--data-dir", {str(tmp_path)!r}]))
def painted():
    print({facts})
    frame.window.force_close()
    app.quit()
frame.after_first_paint(painted)
app.exec()
"""
    return fresh_process(code)


def test_the_first_frame_never_creates_the_qt_namespace(tmp_path: Path) -> None:
    # PySide6 builds the ~90 Python enums of ``Qt`` on first touch (25-40 ms here, 15-20 % of a
    # bare window's start): the first frame sets its flags by property instead.
    assert first_frame_facts(tmp_path, '"Qt" in vars(core)') == ["False"]


def test_the_customer_display_is_built_after_the_first_paint(tmp_path: Path) -> None:
    facts = '[w.objectName() for w in QApplication.topLevelWidgets() if w.objectName() == "customer_display"]'
    assert first_frame_facts(tmp_path, facts) == ["[]"]


def test_the_mutasi_table_is_built_after_the_first_paint(tmp_path: Path) -> None:
    # It has no rows before the journal and the server answer; the table, its headers and their
    # eleven Python enums were a tenth of the first frame's own work. Its place is held meanwhile.
    facts = (
        '"QTableView" in vars(sys.modules["PySide6.QtWidgets"]),'
        ' frame.window.findChild(sys.modules["PySide6.QtWidgets"].QFrame, "mutasi_placeholder") is not None'
    )
    assert first_frame_facts(tmp_path, facts) == ["False", "True"]


def test_the_window_icon_is_set_right_after_the_first_paint(tmp_path: Path) -> None:
    # QIcon's type and the PNG's decoding (2 ms) are not what the first frame is for.
    code = f"""
import builtins
from PySide6.QtWidgets import QApplication
from kasir.__main__ import main
real_print, at_paint = builtins.print, []
def spy(*args, **kwargs):
    if args == ("PAINTED",):
        at_paint.append(QApplication.instance().windowIcon().isNull())
    real_print(*args, **kwargs)
builtins.print = spy
main(["--demo", "--data-dir", {str(tmp_path)!r}, "--startup-probe"])
real_print("icon-at-paint", not at_paint[0], "icon-after", not QApplication.instance().windowIcon().isNull())
"""
    out = fresh_process(code)
    assert out[-4:] == ["icon-at-paint", "False", "icon-after", "True"]


def test_a_client_never_loads_httpxs_command_line_tool() -> None:
    """httpx's CLI pulls in click and rich (60 ms here, ahead of the first login) where a developer's
    tools installed them; the package excludes it (build.spec), and the app in a venv does too."""
    code = (
        "import sys; from kasir.orkut.client import OrkutClient; OrkutClient('http://127.0.0.1:9', 'k');"
        " print(' '.join(m for m in ('httpx._main', 'click', 'rich') if sys.modules.get(m)))"
    )
    assert fresh_process(code) == []


def test_clients_share_one_certificate_store_and_plain_loopback_builds_none() -> None:
    """Reading the CA bundle into a TLS context costs 20 ms per client: the worker's client and the
    login's each paid it before the first sale. One context serves every https client of a run, and
    the simulator's plain http on loopback needs none."""
    code = (
        "import ssl; from kasir.orkut import client as c; made = []; real = ssl.SSLContext.load_verify_locations\n"
        "def counted(self, *a, **k):\n made.append(1); return real(self, *a, **k)\n"
        "ssl.SSLContext.load_verify_locations = counted\n"
        "c.OrkutClient('http://127.0.0.1:9', 'k'); print(len(made))\n"
        "c.OrkutClient('https://orkut.example', 'k'); c.OrkutClient('https://orkut.example', 'k'); print(len(made))"
    )
    assert fresh_process(code) == ["0", "1"]


def test_modules_imported_after_qt_are_not_read_back_as_source() -> None:
    """PySide6 reads the source of every module imported after it (inspect.getsource, to find
    ``from __feature__ import``, which the app never uses): 20-40 ms of the app's own imports
    between the first paint and the first sale. The app's start turns that scan off."""
    code = (
        "import linecache, kasir.__main__ as m; read = []; real = linecache.updatecache\n"
        "def counted(*a, **k):\n read.append(a[0]); return real(*a, **k)\n"
        "linecache.updatecache = counted; m.load_qt(); read.clear()\n"
        "import kasir.app, kasir.simulator; print(len(read))"
    )
    assert fresh_process(code) == ["0"]
