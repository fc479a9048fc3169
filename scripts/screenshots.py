"""Screenshots of the real app (demo mode) for the README.

Widget grabs (any X server, or Xvfb; one window at a time):

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py docs/screenshots

The counter as a cashier sees it (Linux; Xvfb, openbox, xrandr, xdotool, ImageMagick and zbarimg
installed): a real X server with a window manager and a 40 px taskbar, keys typed with xdotool,
whole-screen grabs, the QR decoded back from the picture:

    .venv/bin/python scripts/screenshots.py --real-x one docs/screenshots   # one monitor, 1366x768
    .venv/bin/python scripts/screenshots.py --real-x two docs/screenshots   # 1920x1080 + 1024x600

See ``scripts/screenshots_x.py``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from kasir.app import create_window, open_attach, open_recap


def pump(seconds: float, until: Callable[[], bool] = lambda: False) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def shot(widget: QWidget, path: Path) -> None:
    pump(0.3)
    widget.grab().save(str(path))
    print("wrote", path)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        window = create_window(["--demo", "--data-dir", tmp])
        controller, customer = window.controller, window.customer  # type: ignore[attr-defined]
        sim = window.context.simulator  # type: ignore[attr-defined]
        customer.resize(1280, 720)
        pump(10, lambda: controller.logged_in)
        for amount in (15_001, 42_002):  # earlier sales of the day, for the mutasi panel
            sim.pay(amount, brand="GOPAY")
        controller.refresh_mutasi()
        pump(1)
        shot(customer, out / "customer-idle.png")
        window.entry.set_value(25_000)
        shot(window, out / "main-entry.png")
        window.pay_button.click()
        pump(10, lambda: controller.view.state == "awaiting")
        shot(window, out / "main-awaiting.png")
        shot(customer, out / "customer-awaiting.png")
        window.simulate_pay_button.click()
        pump(10, lambda: controller.view.state == "paid")
        pump(1.5)
        shot(window, out / "main-paid.png")
        shot(customer, out / "customer-paid.png")
        controller.acknowledge()
        window.entry.set_value(18_500)
        window.pay_button.click()
        pump(10, lambda: controller.view.state == "awaiting")
        window.cancel_button.click()
        shot(customer, out / "customer-cancelled.png")
        controller.settings = controller.settings.with_changes(expiry_s=1)
        controller.acknowledge()
        window.entry.set_value(7_000)
        window.pay_button.click()
        pump(10, lambda: controller.view.state == "expired")
        shot(customer, out / "customer-expired.png")
        shot(window, out / "main-expired.png")
        sim.pay(controller.view.nominal, brand="ShopeePay")  # the customer paid after all
        controller.refresh_mutasi()
        pump(5, lambda: window.late_alert.isVisible())
        pump(0.5)
        shot(window, out / "main-late.png")
        sim.pay(12_000, brand="OVO")  # paid by the static QR on the counter: matches no sale
        controller.acknowledge()
        window.entry.set_value(12_000)
        window.pay_button.click()
        pump(10, lambda: controller.view.state == "awaiting")
        window.cancel_button.click()
        controller.refresh_mutasi()
        pump(2)
        window.mutasi_view.selectRow(0)
        dialog = open_attach(window, controller)
        if dialog is not None:
            dialog.sales_list.setCurrentRow(0)
            dialog.confirm.setChecked(True)
            shot(dialog, out / "attach-dialog.png")
            dialog.reject()
        recap = open_recap(window, controller)
        shot(recap, out / "recap.png")
        recap.close()
        window.force_close()
    app.quit()
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("--real-x", "--drive"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from screenshots_x import cli

        raise SystemExit(cli(sys.argv[1:]))
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
