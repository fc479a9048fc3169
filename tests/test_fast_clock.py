"""A PC whose clock runs fast, against a server on real time, under libfaketime (issue 20, item 1).

A customer pays Rp 14.001 to the static QR on the counter; the cashier then sells Rp 14.000. With the
PC ten minutes fast, the new sale got 14.001 and turned LUNAS at once, settled by the old payment.
The app runs in a process of its own with its clock moved; the simulator runs here on real time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kasir import wib
from kasir.simulator import OrkutSimulator
from tests.processes import TillProcess


def _libfaketime() -> str | None:
    if shutil.which("dpkg") is None:
        return None
    listed = subprocess.run(["dpkg", "-L", "libfaketime"], capture_output=True, text=True, check=False).stdout
    return next((line for line in listed.splitlines() if line.endswith("/libfaketime.so.1")), None)


@pytest.fixture(scope="module")
def libfaketime() -> str:
    path = _libfaketime()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("libfaketime is missing; .ci/run installs it (Debian: libfaketime)")
        pytest.skip("needs libfaketime (Debian: apt-get install libfaketime); .ci/run installs it")
    return path


@pytest.fixture
def sim() -> Iterator[OrkutSimulator]:
    with OrkutSimulator() as server:
        yield server


def till_ahead(sim: OrkutSimulator, home: Path, libfaketime: str, ahead_s: int) -> TillProcess:
    data = home / "data"
    data.mkdir(parents=True)
    settings = {"username": sim.username, "merchant": sim.account_id, "api_url": sim.url, "poll_interval_s": 0.3}
    (data / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    env = {
        "KASIR_TEST_API_KEY": sim.api_key,
        "KASIR_TEST_TOKEN": sim.issue_token(),
        "LD_PRELOAD": libfaketime,
        "FAKETIME": f"+{ahead_s}",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # Qt's timers keep the real monotonic clock
    }
    return TillProcess(["--data-dir", str(data)], home=home, env=env)


@pytest.mark.parametrize("ahead_s", [60, 600], ids=["PC +1 min", "PC +10 min"])
def test_a_static_qr_payment_before_bayar_never_settles_the_next_sale_on_a_fast_pc(
    sim: OrkutSimulator, tmp_path: Path, libfaketime: str, ahead_s: int
) -> None:
    sim.pay(14_001, brand="DANA", at=wib.now() - timedelta(seconds=20))  # the static QR on the counter
    till = till_ahead(sim, tmp_path, libfaketime, ahead_s)
    try:
        till.wait_for(lambda e: e["event"] == "ready" and e["logged_in"] is True)
        till.wait_for(lambda e: e["event"] == "mutasi" and any("Tidak cocok" in n for n in e["notes"]))  # type: ignore[attr-defined]
        mark = len(till.events)
        till.send("pay 14000")
        shown = till.wait_for(lambda e: e["event"] == "view" and e["state"] == "awaiting", since=mark)
        assert shown["nominal"] == 14_002  # 14.001 is reserved: money for it was just seen
        polls = sim.calls.get("/kasir/orkut/status-pembayaran", 0)
        till.until(lambda: sim.calls.get("/kasir/orkut/status-pembayaran", 0) >= polls + 3)
        assert till.ask_state()["state"] == "awaiting"  # never settled by the old payment
    finally:
        till.close()


def test_the_fast_pc_is_told_its_clock_is_off(sim: OrkutSimulator, tmp_path: Path, libfaketime: str) -> None:
    till = till_ahead(sim, tmp_path, libfaketime, 600)
    try:
        said = till.wait_for(lambda e: e["event"] == "clock" and bool(e["text"]))
        assert "selisih 10 menit" in str(said["text"]) and "terlalu cepat" in str(said["text"])
    finally:
        till.close()
