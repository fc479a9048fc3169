"""The counter under a real X server: one monitor (1366x768) or two (1920x1080 + 1024x600).

``--real-x LAYOUT OUT`` starts Xvfb, openbox, a fake 40 px taskbar (a dock window with a strut,
so "maximized" means what it means on a shop PC) and, for two monitors, two RandR monitors on the
one X screen; then runs this file again with ``--drive`` inside that display and stops it all.

``--drive`` starts the app exactly as ``kasir --demo`` does and plays a cashier from a second
thread: keys go through ``xdotool`` to whichever window has the focus (so a focus bug shows as a
sale that never starts), the simulator is told to pay, and every picture is the whole X screen
(``import -window root``), cut per monitor. It checks what the pictures alone cannot prove and
exits 1 when something is wrong: the keys reached the cashier, the decoded QR is the sale's
payload, the window fits above the taskbar, and on one monitor the customer window (F7) leaves
the keypad visible.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

LAYOUTS: dict[str, dict[str, Any]] = {
    # X screen size, monitors (name, w, h, x, y), the cashier's monitor
    "one": {"screen": (1366, 768), "monitors": [], "cashier": (1366, 768, 0, 0)},
    "two": {
        "screen": (2944, 1080),
        "monitors": [("M1", 1920, 1080, 0, 0), ("M2", 1024, 600, 1920, 0)],
        "cashier": (1920, 1080, 0, 0),
        "customer": (1024, 600, 1920, 0),
    },
}
TASKBAR_PX = 40
TASKBAR = """
import subprocess, sys, tkinter as tk
w, sh, h = (int(a) for a in sys.argv[1:4])
root = tk.Tk(className="fakebar")
root.attributes("-type", "dock")
root.geometry(f"{w}x{h}+0+{sh - h}")
root.configure(bg="#20262e")
tk.Label(root, text="  Start  |  Kasir QRIS", fg="white", bg="#20262e").pack(side="left")
root.update()
wid = subprocess.run(["xdotool", "search", "--classname", "fakebar"], capture_output=True, text=True).stdout.split()[0]
for prop, value in (("_NET_WM_STRUT_PARTIAL", f"0,0,0,{h},0,0,0,0,0,0,0,{w - 1}"), ("_NET_WM_STRUT", f"0,0,0,{h}")):
    subprocess.run(["xprop", "-id", wid, "-f", prop, "32c", "-set", prop, value], check=True)
print("ready", flush=True)
root.mainloop()
"""


def cli(argv: list[str]) -> int:
    mode, layout = argv[0], argv[1]
    out = Path(argv[2] if len(argv) > 2 else "docs/screenshots")
    if layout not in LAYOUTS:
        print(f"layout must be one of {', '.join(LAYOUTS)}", file=sys.stderr)
        return 2
    return run_x(layout, out) if mode == "--real-x" else drive(layout, out)


# ---- the X server ---------------------------------------------------------------------------


def _free_display() -> int:
    for number in range(71, 99):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


def _wait(what: str, ready: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)


def run_x(layout: str, out: Path) -> int:
    missing = [t for t in ("Xvfb", "openbox", "xrandr", "xdotool", "xprop", "import", "zbarimg") if not shutil.which(t)]
    if missing:
        print("missing: " + ", ".join(missing), file=sys.stderr)
        return 2
    spec = LAYOUTS[layout]
    width, height = spec["screen"]
    number = _free_display()
    env = {**os.environ, "DISPLAY": f":{number}"}
    env.pop("QT_QPA_PLATFORM", None)
    started: list[subprocess.Popen[bytes]] = []
    quiet = subprocess.DEVNULL
    try:
        xvfb = ["Xvfb", f":{number}", "-screen", "0", f"{width}x{height}x24", "-noreset"]
        started.append(subprocess.Popen(xvfb, stdout=quiet, stderr=quiet))
        _wait("Xvfb", lambda: Path(f"/tmp/.X11-unix/X{number}").exists())
        started.append(subprocess.Popen(["openbox"], env=env, stdout=quiet, stderr=quiet))
        _wait("openbox", lambda: b"_NET_SUPPORTING_WM_CHECK(WINDOW)" in _x(env, "xprop", "-root"))
        for name, w, h, x, y in spec["monitors"]:
            output = "screen" if x == 0 else "none"
            # millimetres at 96 dpi: Qt reads the physical size to pick a DPI
            geometry = f"{w}/{round(w * 25.4 / 96)}x{h}/{round(h * 25.4 / 96)}+{x}+{y}"
            subprocess.run(["xrandr", "--setmonitor", name, geometry, output], env=env, check=True, stdout=quiet)
        bar_w, bar_h = spec["cashier"][0], spec["cashier"][1]
        bar = subprocess.Popen(
            [sys.executable, "-c", TASKBAR, str(bar_w), str(bar_h), str(TASKBAR_PX)], env=env, stdout=subprocess.PIPE
        )
        started.append(bar)
        assert bar.stdout is not None
        bar.stdout.readline()  # "ready": the work area now ends above the taskbar
        return subprocess.run([sys.executable, __file__, "--drive", layout, str(out)], env=env, check=False).returncode
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(10)


def _x(env: dict[str, str], *command: str) -> bytes:
    return subprocess.run(command, env=env, capture_output=True, check=False).stdout


# ---- the cashier ----------------------------------------------------------------------------


def drive(layout: str, out: Path) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kasir.app import create_window

    class Bridge(QObject):
        """Runs a callable on the GUI thread for the cashier thread, and hands back its result."""

        call = Signal(object)

        def __init__(self) -> None:
            super().__init__()
            self.call.connect(self.run)

        @Slot(object)
        def run(self, job: Any) -> None:
            job()

    from kasir.__main__ import _set_icon

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Kasir QRIS")
    _set_icon(app)  # as `kasir` does: the title bars show the app's icon
    out.mkdir(parents=True, exist_ok=True)
    spec = LAYOUTS[layout]
    bridge = Bridge()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        window = create_window(["--demo", "--data-dir", tmp])
        cashier = Cashier(window, bridge, spec, layout, out, Path(tmp), problems)
        thread = threading.Thread(target=cashier.run_safely, daemon=True)
        thread.start()
        app.exec()
        thread.join(5)
    for line in cashier.notes:
        print(line)
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


class Cashier:
    """The steps a cashier takes, on a thread of their own: the GUI thread stays free to answer."""

    def __init__(
        self, window: Any, bridge: Any, spec: dict[str, Any], layout: str, out: Path, tmp: Path, problems: list[str]
    ) -> None:
        self.window, self.bridge, self.spec, self.layout = window, bridge, spec, layout
        self.controller = window.controller
        self.sim = window.context.simulator
        self.out, self.tmp, self.problems = out, tmp, problems
        self.notes: list[str] = []

    # helpers

    def on_gui(self, job: Callable[[], Any]) -> Any:
        """``job()`` on the GUI thread; its result (waits for it)."""
        done = threading.Event()
        box: list[Any] = []

        def run() -> None:
            try:
                box.append(job())
            finally:
                done.set()

        self.bridge.call.emit(run)
        if not done.wait(10):
            raise TimeoutError("the GUI thread did not answer")
        return box[0] if box else None

    def on_gui_later(self, job: Callable[[], Any]) -> None:
        """``job()`` on the GUI thread without waiting (a modal dialog's exec() does not return)."""
        self.bridge.call.emit(job)

    def xdo(self, *args: str) -> str:
        return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=False).stdout.strip()

    def active(self) -> str:
        return self.xdo("getactivewindow", "getwindowname")

    def until(self, what: str, ready: Callable[[], bool], seconds: float = 15) -> None:
        _wait(what, ready, seconds)
        time.sleep(0.6)  # let the paint reach the screen before the picture

    def grab(self, name: str, region: tuple[int, int, int, int] | None = None, scale: int = 100) -> Path:
        raw = self.tmp / f"{name}.raw.png"
        subprocess.run(["import", "-window", "root", str(raw)], check=True)
        path = self.out / f"{name}.png"
        crop = ["-crop", "{}x{}+{}+{}".format(*region), "+repage"] if region else []
        resize = ["-resize", f"{scale}%"] if scale != 100 else []
        # 64 flat colours, no dithering: text stays sharp, the reds and blues stay, a fraction of the size
        small = ["+dither", "-colors", "64", "-quality", "95", "-strip"]
        subprocess.run(["convert", str(raw), *crop, *resize, *small, f"PNG8:{path}"], check=True)
        print("wrote", path, f"({path.stat().st_size // 1024} KB)", flush=True)
        return raw

    def shots(self, name: str) -> Path:
        """One picture per layout: one monitor whole; two monitors side by side at half size."""
        if self.layout == "one":
            return self.grab(f"one-{name}")
        return self.grab(f"two-{name}", scale=50)

    def check(self, ok: bool, text: str) -> None:
        (self.notes if ok else self.problems).append(("ok: " if ok else "") + text)

    # the day

    def run_safely(self) -> None:
        try:
            self.run()
        except Exception as exc:  # noqa: BLE001 - reported, then the app closes either way
            self.problems.append(f"{type(exc).__name__}: {exc}")
        finally:
            self.on_gui_later(self.window.force_close)
            self.on_gui_later(QApplication.quit)

    def run(self) -> None:
        controller, sim = self.controller, self.sim
        self.until("demo login", lambda: controller.logged_in)
        self.until("the window is mapped", lambda: "MODE DEMO" in self.active(), 10)
        self.check_fits()
        self.shots("idle")
        focused = self.active()
        self.check("MODE DEMO" in focused, f"the window with the focus at start: {focused}")
        self.xdo("type", "--delay", "60", "25000")
        self.xdo("key", "Return")
        self.until("the QR", lambda: controller.view.state == "awaiting")
        self.check(controller.view.base == 25_000, f"typed keys reached the cashier: total {controller.view.base}")
        raw = self.shots("qr")
        if self.layout == "two":
            raw = self.grab("two-qr-customer", self.spec["customer"])
        self.check_qr(raw)
        if self.layout == "one":
            self.xdo("key", "F7")  # the customer's own window, beside the keypad
            self.until("customer window", lambda: self.on_gui(self.window.customer.isVisible))
            self.check_keypad_visible()
            self.shots("qr-separate")
            self.xdo("type", "7")
            self.check(self.on_gui(lambda: self.window.entry.value) == 7, "keys still reach the cashier beside it")
            self.xdo("key", "BackSpace", "F7")
        sim.pay(controller.view.nominal, brand="DANA")  # the customer pays
        self.until("LUNAS", lambda: controller.view.state == "paid")
        self.shots("paid")
        if self.layout == "two":
            self.grab("two-paid-customer", self.spec["customer"])
            self.xdo("key", "F7")  # the customer screen shown again on its monitor: keys stay here
            time.sleep(1)
            self.xdo("type", "7")
            self.check(self.on_gui(lambda: self.window.entry.value) == 7, "keys reach the cashier after F7")
            self.xdo("key", "BackSpace")
            self.check_customer_full_screen("after F7")
        self.xdo("key", "F4")
        self.until("Penjualan hari ini", lambda: self.active() == "Penjualan hari ini")
        self.shots("sales")
        self.xdo("key", "Escape")
        self.until("back to the cashier", lambda: "MODE DEMO" in self.active())
        self.xdo("key", "F6")
        self.until("Rekap harian", lambda: self.active() == "Rekap harian")
        time.sleep(1)  # the recap is read on a worker
        self.shots("recap")
        self.xdo("key", "Escape")
        self.until("back to the cashier", lambda: "MODE DEMO" in self.active())
        if self.layout == "two":
            self.check_customer_full_screen("after the dialogs")
        settings = self.on_gui(lambda: self.window.findChild(QAction, "settings_action"))
        self.on_gui_later(settings.trigger)  # Pengaturan has no F-key; the menu's action, as a click does
        self.until("Pengaturan", lambda: self.active() == "Pengaturan")
        self.shots("settings")
        self.xdo("key", "Escape")
        self.until("back to the cashier", lambda: "MODE DEMO" in self.active())

    def check_customer_full_screen(self, when: str) -> None:
        rect = self.on_gui(lambda: self.window.customer.frameGeometry().getRect())
        full = self.on_gui(self.window.customer.isFullScreen)
        w, h, x, y = self.spec["customer"]
        self.check(full and rect == (x, y, w, h), f"customer display full screen on its monitor {when}: {rect}")

    def check_fits(self) -> None:
        def frame() -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
            f = self.window.frameGeometry()
            a = self.window.screen().availableGeometry()
            return (f.x(), f.y(), f.width(), f.height()), (a.x(), a.y(), a.width(), a.height())

        (x, y, w, h), (ax, ay, aw, ah) = self.on_gui(frame)
        # Qt reports a whole monitor as available when there are several: the window manager's
        # work area (the X screen less the taskbar's strut) is the truth.
        numbers = subprocess.run(["xprop", "-root", "_NET_WORKAREA"], capture_output=True, text=True, check=False)
        wx, wy, ww, wh = (int(n) for n in numbers.stdout.split("=")[1].split(",")[:4])
        right, bottom = min(ax + aw, wx + ww), min(ay + ah, wy + wh)
        inside = x >= max(ax, wx) and y >= max(ay, wy) and x + w <= right and y + h <= bottom
        self.check(inside, f"window frame {w}x{h}+{x}+{y} inside the work area, above the taskbar (ends at y={bottom})")

    def check_qr(self, picture: Path) -> None:
        found = subprocess.run(["zbarimg", "-q", "--raw", str(picture)], capture_output=True, text=True, check=False)
        payloads = {line for line in found.stdout.splitlines() if line}
        expected = self.controller.view.payload
        self.check(expected in payloads, f"QR decoded from the screen is the sale's payload ({len(payloads)} QR seen)")

    def check_keypad_visible(self) -> None:
        def overlap() -> bool:
            pad = self.window.keypad
            pad_rect = pad.rect().translated(pad.mapToGlobal(pad.rect().topLeft()) - pad.rect().topLeft())
            return bool(self.window.customer.frameGeometry().intersects(pad_rect))

        self.check(not self.on_gui(overlap), "the separate customer window leaves the keypad visible")
        frame = self.on_gui(lambda: self.window.customer.frameGeometry().getRect())
        self.check(frame[1] >= 0, f"the separate customer window's title bar is on screen (frame {frame})")


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
