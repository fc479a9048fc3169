"""``kasir`` / ``python -m kasir``: start the cashier app."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from kasir.app import parse_args

    parsed = parse_args(args)  # --version and --help exit here, before Qt starts
    from PySide6.QtWidgets import QApplication

    from kasir.app import StartupError, create_window, show_startup_error

    app = QApplication.instance() or QApplication([sys.argv[0], *args])
    app.setApplicationName("Kasir QRIS")
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
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
