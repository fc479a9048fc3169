"""Two tills of one shop on one PostgreSQL journal, under a real X server with a window manager.

    .venv/bin/python scripts/shop_screenshots.py docs/screenshots

Needs Xvfb, openbox, xdotool, ImageMagick and PostgreSQL (Debian: xvfb openbox xdotool imagemagick
postgresql). Starts a PostgreSQL of its own (``tests/postgres.py``), the simulator, and two real tills,
each on an X server of its own (two PCs: 1366x768, openbox), as ``tests/till_process.py`` runs the app
on the xcb platform (``kasir --journal … --counter …``, its keyring in memory); sells the same total on
both at once, pays one, then stops PostgreSQL. Every picture is a whole X screen
(``import -window root``); the two tills' screens side by side.
It exits 1 when what the pictures show is not what happened: two nominals, the paid one LUNAS on its
own till, the banner while the server is away, gone once it is back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kasir.simulator import OrkutSimulator  # noqa: E402
from tests.postgres import PostgresServer, binaries  # noqa: E402
from tests.processes import TillProcess  # noqa: E402

SCREEN = (1366, 768)
DISPLAYS = (":77", ":78")  # one X server per till: two PCs


def sh(*args: str, display: str = DISPLAYS[0]) -> str:
    env = {**os.environ, "DISPLAY": display}
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout


def grab(path: Path, displays: tuple[str, ...] = DISPLAYS) -> None:
    parts = []
    for display in displays:
        part = path.with_suffix(f".{display.strip(':')}.png")
        sh("import", "-window", "root", str(part), display=display)
        parts.append(str(part))
    sh("convert", *parts, "+append", str(path))
    for part in parts:
        Path(part).unlink()
    print("wrote", path)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    bindir = binaries()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed")
    size = f"{SCREEN[0]}x{SCREEN[1]}x24"
    xs = [subprocess.Popen(["Xvfb", d, "-screen", "0", size, "-nolisten", "tcp"]) for d in DISPLAYS]
    time.sleep(1)
    wms = [subprocess.Popen(["openbox"], env={**os.environ, "DISPLAY": d}) for d in DISPLAYS]
    server = PostgresServer(bindir).start()
    tills: list[TillProcess] = []
    try:
        dsn = server.dsn(server.create_database("toko"))
        with OrkutSimulator() as sim, tempfile.TemporaryDirectory() as tmp:
            for name, display in zip(("Kasir 1", "Kasir 2"), DISPLAYS, strict=True):
                data = Path(tmp) / name.replace(" ", "_") / "data"
                data.mkdir(parents=True)
                settings = {"username": sim.username, "merchant": sim.account_id, "api_url": sim.url}
                settings |= {"shop_name": sim.shop_name, "poll_interval_s": 1.0, "sound": False}
                (data / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
                env = {"KASIR_TEST_API_KEY": sim.api_key, "KASIR_TEST_TOKEN": sim.issue_token()}
                env |= {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
                args = ["--data-dir", str(data), "--journal", dsn, "--counter", name]
                till = TillProcess(args, home=data.parent, env=env)
                tills.append(till)
                till.wait_for(lambda e: e["event"] == "ready", 30)
            first, second = tills
            first.until(lambda: sum(bool(t.ask_state().get("polling")) for t in tills) == 1, 20)
            marks = [len(t.events) for t in tills]
            for till in tills:
                till.send("pay 25000")
            views = [
                t.wait_for(lambda e: e["event"] == "view" and e["state"] == "awaiting", since=m)
                for t, m in zip(tills, marks, strict=True)
            ]
            if views[0]["nominal"] == views[1]["nominal"]:
                print("FAILED: both tills show the same nominal", views)
                return 1
            time.sleep(1.0)  # the QR drawn on both screens
            grab(out / "two-tills-awaiting.png")
            sim.pay(int(views[1]["nominal"]), brand="DANA")  # type: ignore[call-overload]
            second.wait_for(lambda e: e["event"] == "view" and e["state"] == "paid", 20)
            time.sleep(0.8)
            if first.ask_state()["state"] != "awaiting":
                print("FAILED: the other till's payment settled this till's sale")
                return 1
            grab(out / "two-tills.png")
            server.stop()
            first.wait_for(lambda e: e["event"] == "banner" and "Jurnal bersama" in str(e["text"]), 20)
            mark = len(first.events)
            first.send("pay 5000")
            first.wait_for(lambda e: e["event"] == "notice" and e["level"] == "error", 10, since=mark)
            time.sleep(0.8)
            grab(out / "journal-down.png", DISPLAYS[:1])
            server.start()
            first.wait_for(lambda e: e["event"] == "banner" and e["text"] == "", 30, since=mark)
            print("OK: two nominals", views[0]["nominal"], views[1]["nominal"], "; banner while down, gone when back")
    finally:
        for till in tills:
            till.close()
        server.drop()
        for process in (*wms, *xs):
            process.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
