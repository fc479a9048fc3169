"""``kasir`` / ``python -m kasir``: start the cashier app."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from kasir.cli import StartupError
    from kasir.ui.first_frame import FirstFrame


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if sys.stdout is None or sys.stderr is None:  # a windowed Windows build has no console
        import os

        sys.stdout = sys.stdout or open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        sys.stderr = sys.stderr or open(os.devnull, "w")  # noqa: SIM115
    if args[:1] == ["journal"]:  # kasir journal copy --to …: no window, no Qt
        from kasir.journal_copy import main as journal_main

        return journal_main(args[1:])
    from kasir.cli import parse_args

    parsed = parse_args(args)  # --version and --help exit here, before Qt starts
    # The start creates ~45,000 objects (Qt's enums, the dataclasses, the widgets) and next to no
    # garbage; the cyclic collector walked them again and again: 5 ms of the first paint, 9 ms more
    # before a sale could begin. It is back soon after that (_collector_back).
    gc.disable()
    application = load_qt()

    from kasir.cli import StartupError

    app = application.instance() or application([sys.argv[0], *args])
    app.setApplicationName("Kasir QRIS")
    if parsed.selftest:
        gc.enable()
        from kasir.selftest import run_selftest

        _set_icon(app)
        return run_selftest(args)
    from kasir.ui.first_frame import open_first_frame  # the cashier's window, nothing behind it yet

    try:
        frame = open_first_frame(parsed)
    except StartupError as exc:
        _set_icon(app)
        return _refuse_start(exc)
    frame.window.raise_()
    if parsed.startup_probe or parsed.ready_probe:
        frame.after_first_paint(lambda: print("PAINTED", flush=True))
    # The icon (QIcon's type, the PNG read and decoded: 2 ms) is nothing the first frame shows
    # but its title bar's corner; on Windows the taskbar has the executable's own icon meanwhile.
    frame.after_first_paint(lambda: _set_icon(app))
    frame.after_first_paint(lambda: _finish(frame, quit_after=parsed.startup_probe, ready_probe=parsed.ready_probe))
    return app.exec()


def load_qt() -> type[QApplication]:
    """PySide6's widgets, without its scan of every module imported after them.

    PySide6 hooks ``import`` to find modules that write ``from __feature__ import snake_case``: each
    new module's source file is read and searched for "PySide6" (``inspect.getsource``), 20-40 ms
    over the app's own imports between the first paint and the first sale. The app uses no such
    feature, so every module is taken as a plain PySide6 user (select id 0, PySide's default); a
    packaged app, which has no source files, skipped the read already. Guarded: another PySide6
    that lacks the hook is left as it is.
    """
    from PySide6.QtWidgets import QApplication

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda _module: True  # type: ignore[attr-defined]
    return QApplication


def _finish(frame: FirstFrame, *, quit_after: bool, ready_probe: bool = False) -> None:
    """Right after the first paint: the journal, the server, the controller (``kasir.app``)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kasir.app import finish_window
    from kasir.cli import StartupError

    try:
        window = finish_window(frame)
    except StartupError as exc:
        frame.window.force_close()
        QApplication.exit(_refuse_start(exc))
        return
    from kasir.ui.start_order import soon_after_able_to_sell, when_able_to_sell

    soon_after_able_to_sell(window.controller, _collector_back)  # type: ignore[attr-defined]
    if quit_after:  # the start-up probe: a whole start, then a clean close
        frame.window.force_close()
        QApplication.quit()
    elif ready_probe:  # how benchmarks time "able to sell": a demo, or an account in the keyring

        def ready() -> None:
            print("READY", flush=True)
            QTimer.singleShot(0, window.force_close)  # not inside the login's own signal
            QTimer.singleShot(0, QApplication.quit)

        # Posted: the event loop is free to take the cashier's Bayar only once what is queued ran.
        when_able_to_sell(window.controller, lambda: QTimer.singleShot(0, ready))  # type: ignore[attr-defined]


def _collector_back() -> None:
    """What the start built lives as long as the app: set aside (``gc.freeze``), a full collection
    during a sale walks only what came after it (6 ms of GUI thread less each time)."""
    gc.freeze()
    gc.enable()


def _refuse_start(exc: StartupError) -> int:
    from kasir.app import show_startup_error

    gc.enable()  # no start to finish: the collector is back at once
    print(f"Kasir QRIS tidak dapat dimulai: {exc}", file=sys.stderr)
    show_startup_error(exc)
    return 2


def _set_icon(app: object) -> None:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from kasir.resources import ICON, resource

    try:
        if isinstance(app, QApplication):
            app.setWindowIcon(QIcon(str(resource(ICON))))
    except FileNotFoundError as exc:
        print(f"Kasir QRIS: {exc}", file=sys.stderr)  # cosmetic; the self-test reports it as a failure


if __name__ == "__main__":
    raise SystemExit(main())
