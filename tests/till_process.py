"""One till as a process of its own: the real app, driven by lines on stdin, telling on stdout.

Tests that need another PC clock (libfaketime) or several tills on one journal start this with
``python -m tests.till_process -- <kasir arguments>``. It runs :func:`kasir.app.create_window`
offscreen, with an in-memory OS keyring holding the API key and token given in the environment
(``KASIR_TEST_API_KEY``, ``KASIR_TEST_TOKEN``), exactly as a shop PC with an account set up.

Commands, one per line: ``pay <total>``, ``cancel`` (Esc twice), ``state``, ``refresh``, ``quit``, and
``where <objectName>`` (a widget's or window's place on the screen, for tests under a real X server).
Events, one JSON object per line: ``ready`` (the keyring answered), ``view`` (every sale view),
``mutasi`` (the side panel's notes), ``notice``, ``clock`` (the PC-clock warning), ``state``, and
in a shop of several tills ``shop`` (reachable, polling, poller) and ``banner``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication


class _MemoryKeyring:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[username] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop(username, None)


def say(event: str, **fields: Any) -> None:
    """One event; ``t`` is when it was said, on this PC's wall clock (the benchmarks compare tills)."""
    print(json.dumps({"event": event, "t": time.time(), **fields}, default=str), flush=True)


class Commands(QObject):
    line = Signal(str)  # emitted from the stdin thread, handled on the GUI thread


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kasir import credentials

    secrets = {
        k: v for k, v in (("api_key", "KASIR_TEST_API_KEY"), ("auth_token", "KASIR_TEST_TOKEN")) if v in os.environ
    }
    keyring = _MemoryKeyring({name: os.environ[var] for name, var in secrets.items()})
    credentials.os_keyring = lambda: keyring  # type: ignore[assignment]

    from kasir.app import create_window
    from kasir.ui.main_window import MainWindow

    app = QApplication([sys.argv[0]])
    window = create_window(argv)
    assert isinstance(window, MainWindow)
    controller = window.controller  # type: ignore[attr-defined]

    def view_fields() -> dict[str, Any]:
        view = controller.view
        return {"state": view.state, "sale_id": view.sale_id, "nominal": view.nominal, "source": view.source}

    def notes() -> list[str]:
        model = controller.mutasi_model
        return [str(model.index(row, 4).data()) for row in range(model.rowCount())]

    controller.view_changed.connect(lambda _view: say("view", **view_fields()))
    controller.mutasi_changed.connect(lambda: say("mutasi", notes=notes()))
    controller.notice.connect(lambda level, text: say("notice", level=level, text=text))
    controller.clock_warning.connect(lambda text: say("clock", text=text))
    controller.started.connect(lambda: say("ready", logged_in=controller.logged_in, **view_fields()))
    shop = controller.shop

    def shop_fields() -> dict[str, Any]:
        if shop is None:
            return {}
        state = shop.state
        return {"reachable": state.reachable, "polling": state.polling, "poller": state.poller}

    if shop is not None:  # a shop of several tills: who polls, and the shared journal's reach
        shop.changed.connect(lambda: say("shop", **shop_fields()))
    controller.connection.connect(lambda text: say("banner", text=text))
    if controller.ready:  # the keyring answered inside create_window
        say("ready", logged_in=controller.logged_in, **view_fields())

    def run(line: str) -> None:
        words = line.split()
        if not words:
            return
        if words[0] == "pay":
            controller.press_pay(int(words[1]))
        elif words[0] == "cancel":
            controller.press_cancel(0)
            controller.press_cancel(0)
        elif words[0] == "refresh":
            controller.refresh_mutasi()
        elif words[0] == "state":
            typed = window.entry.value
            say("state", **view_fields(), notes=notes(), ready=controller.ready, typed=typed, **shop_fields())
        elif words[0] == "where":
            say("where", name=words[1], **where(words[1]))
        elif words[0] == "quit":
            window.force_close()
            app.quit()

    def where(name: str) -> dict[str, Any]:
        """A widget's rectangle on the screen (a window's with its frame) and its X window."""
        from PySide6.QtCore import QPoint
        from PySide6.QtWidgets import QWidget

        customer = window.customer
        widget = {"main_window": window, "customer_display": customer}.get(name) or window.findChild(QWidget, name)
        if widget is None:
            return {"found": False}
        if widget.isWindow():
            frame = widget.frameGeometry()
            rect = (frame.x(), frame.y(), frame.width(), frame.height())
        else:
            corner = widget.mapToGlobal(QPoint(0, 0))
            rect = (corner.x(), corner.y(), widget.width(), widget.height())
        handle = widget.window().windowHandle()
        owner = handle.transientParent() if handle is not None else None
        return {
            "found": True,
            "rect": rect,
            "visible": widget.isVisible(),
            "winid": int(widget.window().winId()),
            "owner": int(owner.winId()) if owner is not None else 0,
        }

    commands = Commands()
    commands.line.connect(run)

    def read_stdin() -> None:
        for raw in sys.stdin:
            commands.line.emit(raw.strip())
        commands.line.emit("quit")  # the test went away

    threading.Thread(target=read_stdin, name="stdin", daemon=True).start()
    if os.environ.get("KASIR_TEST_MAXIMIZED"):
        window.showMaximized()  # as the app opens the first time on a shop PC
    else:
        window.show()
    return app.exec()


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(main(args[1:] if args[:1] == ["--"] else args))
