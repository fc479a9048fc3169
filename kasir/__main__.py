"""``kasir`` / ``python -m kasir``: start the cashier app."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if sys.stdout is None or sys.stderr is None:  # a windowed Windows build has no console
        import os

        sys.stdout = sys.stdout or open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        sys.stderr = sys.stderr or open(os.devnull, "w")  # noqa: SIM115
    from kasir.app import parse_args

    parsed = parse_args(args)  # --version and --help exit here, before Qt starts
    from PySide6.QtWidgets import QApplication

    from kasir.app import StartupError, create_window, show_startup_error

    app = QApplication.instance() or QApplication([sys.argv[0], *args])
    app.setApplicationName("Kasir QRIS")
    _set_icon(app)
    if parsed.selftest:
        from kasir.selftest import run_selftest

        return run_selftest(args)
    try:
        window = create_window(args)
    except StartupError as exc:
        print(f"Kasir QRIS tidak dapat dimulai: {exc}", file=sys.stderr)
        show_startup_error(exc)
        return 2
    window.raise_()
    if parsed.startup_probe:
        _quit_after_first_paint(window)
    return app.exec()


def _quit_after_first_paint(window: object) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                print("PAINTED", flush=True)
                QTimer.singleShot(0, lambda: (window.force_close(), QApplication.quit()))  # type: ignore[attr-defined]
            return False

    assert isinstance(window, QMainWindow)
    probe = FirstPaint(window)
    window.installEventFilter(probe)


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
