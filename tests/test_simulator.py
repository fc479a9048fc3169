from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


# ---- the demo's server remembers its day (issue 24) -----------------------------------------


def test_a_simulator_with_a_memory_file_remembers_its_payments_across_a_restart(tmp_path: Path) -> None:
    """The demo restarted: the side panel showed this run's money only, the recap the whole day's."""
    memory = tmp_path / "demo-server.json"
    with OrkutSimulator(memory=memory) as first:
        paid = first.pay(25_001, brand="DANA")
        first.withdraw(5_000)
    with OrkutSimulator(memory=memory) as second:
        assert [(p.id, p.amount, p.type, p.issuer_reff, p.date) for p in second.payments] == [
            (p.id, p.amount, p.type, p.issuer_reff, p.date) for p in first.payments
        ]
        assert second.pay(10_001).id == paid.id + 2  # ids go on, never reused


def test_a_broken_memory_file_starts_the_simulator_empty(tmp_path: Path) -> None:
    memory = tmp_path / "demo-server.json"
    memory.write_text("{not json", encoding="utf-8")
    with OrkutSimulator(memory=memory) as sim:
        assert sim.payments == []


def test_a_new_simulator_has_its_address_at_once_and_loads_no_http_server_until_it_starts() -> None:
    """The demo's server is made at the start and served soon after: http.server and what it imports
    (15-20 ms) are not the first sale's to wait for."""
    code = (
        "import sys; from kasir.simulator import OrkutSimulator; sim = OrkutSimulator();"
        " print(sim.url.startswith('http://127.0.0.1:'), 'http.server' in sys.modules); sim.stop()"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["True", "False"]


def test_a_request_sent_before_the_simulator_serves_is_answered_once_it_does() -> None:
    sim = OrkutSimulator()
    try:
        with httpx.Client(timeout=10) as client:
            import threading

            answers: list[int] = []
            asking = threading.Thread(
                target=lambda: answers.append(client.post(f"{sim.url}/_sim/state", json={}).status_code)
            )
            asking.start()  # the listening socket holds the connection until start()
            sim.start()
            asking.join(timeout=10)
        assert answers == [200]
    finally:
        sim.stop()


def test_a_simulator_stopped_before_it_served_lets_its_port_go() -> None:
    sim = OrkutSimulator()
    port = int(sim.url.rsplit(":", 1)[1])
    sim.stop()
    import socket

    with socket.create_server(("127.0.0.1", port)):  # free again
        pass
