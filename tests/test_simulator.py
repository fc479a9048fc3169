from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from kasir import qris
from kasir.sim_faults import FAULTS
from kasir.simulator import DEMO_BASE_QR, OrkutSimulator


def test_demo_base_qr_is_a_valid_static_qris() -> None:
    payload = qris.parse(DEMO_BASE_QR)
    assert not payload.is_dynamic and not payload.warnings


def test_control_routes_pay_and_report_state(sim: OrkutSimulator) -> None:
    answer = httpx.post(f"{sim.url}/_sim/pay", json={"amount": 25_001, "brand": "OVO"}).json()
    assert answer["payment"]["amount"] == "25001" and answer["payment"]["brand_name"] == "OVO"
    assert httpx.get(f"{sim.url}/_sim/state").json()["payments"] == 1


def test_control_routes_inject_faults_and_latency(sim: OrkutSimulator) -> None:
    httpx.post(f"{sim.url}/_sim/fault", json={"kind": "http500", "path": "/mutasi"})
    httpx.post(f"{sim.url}/_sim/latency", json={"seconds": 0.01})
    state = httpx.get(f"{sim.url}/_sim/state").json()
    assert state["faults"] == [{"kind": "http500", "remaining": 1, "path": "/mutasi"}]
    assert state["latency_s"] == 0.01


def test_unknown_fault_is_refused(sim: OrkutSimulator) -> None:
    with pytest.raises(ValueError):
        sim.inject("meteor")
    assert httpx.post(f"{sim.url}/_sim/fault", json={"kind": "meteor"}).status_code == 400
    assert "hang" in FAULTS


def test_requests_without_the_api_key_are_refused(sim: OrkutSimulator) -> None:
    assert httpx.post(f"{sim.url}/kasir/orkut/mutasi", json={}).status_code == 401


def test_simulator_runs_alone_and_prints_demo_credentials() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "kasir.simulator", "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(6)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    text = "".join(lines)
    assert "http://127.0.0.1:" in text and "API key" in text and "OTP" in text
