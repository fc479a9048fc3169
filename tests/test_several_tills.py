"""Several tills, one merchant account, one shared journal on PostgreSQL (issue 22), as a shop runs them:
each till the real app in a process of its own (``tests/till_process.py``), against the simulator.

Before: each till kept its own SQLite journal; two tills selling Rp 25.000 at once both showed Rp 25.001,
and the first customer's payment turned both LUNAS.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kasir.journal_pg import PostgresJournal
from kasir.sale_state import SaleState
from kasir.simulator import OrkutSimulator
from tests.postgres import PostgresServer
from tests.processes import TillProcess

# Each till is killed and frozen with POSIX signals (SIGKILL, SIGSTOP): Linux, as .ci/run runs it.
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals kill and freeze the tills")

Event = dict[str, object]
STATUS = "/kasir/orkut/status-pembayaran"


@pytest.fixture
def sim() -> Iterator[OrkutSimulator]:
    with OrkutSimulator() as server:
        yield server


@pytest.fixture
def shop(sim: OrkutSimulator, pg_dsn: str, tmp_path: Path) -> Iterator[Callable[..., TillProcess]]:
    """Starts tills of one shop (each with its own data folder and name) on one journal; all closed after."""
    tills: list[TillProcess] = []

    def start(name: str, *, reachable: bool = True) -> TillProcess:
        home = tmp_path / f"{name.replace(' ', '_')}_{len(tills)}"
        data = home / "data"
        data.mkdir(parents=True)
        settings = {"username": sim.username, "merchant": sim.account_id, "api_url": sim.url, "poll_interval_s": 0.3}
        (data / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
        env = {"KASIR_TEST_API_KEY": sim.api_key, "KASIR_TEST_TOKEN": sim.issue_token()}
        till = TillProcess(["--data-dir", str(data), "--journal", pg_dsn, "--counter", name], home=home, env=env)
        tills.append(till)
        till.wait_for(lambda e: e["event"] == "ready" and e["logged_in"] is True)
        if reachable:
            till.wait_for(lambda e: e["event"] == "shop" and e["reachable"] is True)
        return till

    yield start
    for till in tills:
        till.close()


def one_polls(*tills: TillProcess, timeout: float = 15.0) -> TillProcess:
    """Waits until exactly one of the tills polls for the shop, and every till names it; returns it."""
    found: list[TillProcess] = []

    def settled() -> bool:
        states = [t.ask_state() for t in tills]
        pollers = [t for t, s in zip(tills, states, strict=True) if s.get("polling")]
        names = {s.get("poller") for s in states}
        found[:] = pollers
        return len(pollers) == 1 and len(names) == 1 and "" not in names

    tills[0].until(settled, timeout)
    return found[0]


def awaiting(till: TillProcess, total: int) -> Event:
    mark = len(till.events)
    till.send(f"pay {total}")
    return till.wait_for(lambda e: e["event"] == "view" and e["state"] == "awaiting", since=mark)


def paid(till: TillProcess, sale_id: object, timeout: float = 20.0) -> Event:
    return till.wait_for(lambda e: e["event"] == "view" and e["state"] == "paid" and e["sale_id"] == sale_id, timeout)


def test_two_tills_selling_the_same_total_at_once_show_two_nominals_and_one_payment_settles_one(
    shop: Callable[..., TillProcess], sim: OrkutSimulator, pg_dsn: str
) -> None:
    first, second = shop("Kasir 1"), shop("Kasir 2")
    one_polls(first, second)
    marks = len(first.events), len(second.events)
    first.send("pay 25000")
    second.send("pay 25000")
    one = first.wait_for(lambda e: e["event"] == "view" and e["state"] == "awaiting", since=marks[0])
    two = second.wait_for(lambda e: e["event"] == "view" and e["state"] == "awaiting", since=marks[1])
    assert one["nominal"] != two["nominal"]

    sim.pay(int(one["nominal"]), brand="DANA")  # type: ignore[call-overload]
    paid(first, one["sale_id"])
    polls = sim.calls.get(STATUS, 0)
    first.until(lambda: sim.calls.get(STATUS, 0) >= polls + 3)
    assert second.ask_state()["state"] == "awaiting"  # the first customer's money is not the second's

    sim.pay(int(two["nominal"]), brand="OVO")  # type: ignore[call-overload]
    paid(second, two["sale_id"])
    journal = PostgresJournal(pg_dsn)
    try:
        sales = journal.all_sales()
        assert sorted((s.counter, s.state) for s in sales) == [("Kasir 1", SaleState.PAID), ("Kasir 2", SaleState.PAID)]
        assert len({s.issuer_reff for s in sales}) == 2
    finally:
        journal.close()


def test_only_the_polling_till_asks_the_upstream_for_payments(
    shop: Callable[..., TillProcess], sim: OrkutSimulator
) -> None:
    tills = [shop(f"Kasir {n}") for n in (1, 2, 3)]
    poller = one_polls(*tills)
    sales = [awaiting(till, 10_000) for till in tills]
    assert len({s["nominal"] for s in sales}) == 3
    before = sim.calls.get(STATUS, 0)
    poller.until(lambda: sim.calls.get(STATUS, 0) >= before + 6)  # it asks for all three
    # Frozen, the polling till keeps its session (and the lock): the others must not start asking.
    poller.process.send_signal(signal.SIGSTOP)
    try:
        frozen_at = sim.calls.get(STATUS, 0)
        time.sleep(1.5)  # an absence needs a window: five of the tills' 0.3 s polling intervals
        assert sim.calls.get(STATUS, 0) - frozen_at <= 3  # at most the poll that was in flight
    finally:
        poller.process.send_signal(signal.SIGCONT)
    sim.pay(int(sales[2]["nominal"]), brand="DANA")  # type: ignore[call-overload]
    paid(tills[2], sales[2]["sale_id"])


def test_a_till_still_finds_its_payment_after_the_polling_till_is_killed(
    shop: Callable[..., TillProcess], sim: OrkutSimulator
) -> None:
    first, second = shop("Kasir 1"), shop("Kasir 2")
    poller = one_polls(first, second)
    other = second if poller is first else first
    sale = awaiting(other, 30_000)
    poller.process.send_signal(signal.SIGKILL)
    poller.process.wait(timeout=10)
    other.wait_for(lambda e: e["event"] == "shop" and e["polling"] is True, timeout=15)
    sim.pay(int(sale["nominal"]), brand="DANA")  # type: ignore[call-overload]
    paid(other, sale["sale_id"])


def test_postgresql_stopping_mid_sale_pauses_new_sales_and_loses_nothing(
    shop: Callable[..., TillProcess], sim: OrkutSimulator, postgres_server: PostgresServer
) -> None:
    till = shop("Kasir 1")
    one_polls(till)
    sale = awaiting(till, 20_000)
    postgres_server.stop()
    try:
        till.wait_for(lambda e: e["event"] == "banner" and "Jurnal bersama" in str(e["text"]), timeout=15)
        sim.pay(int(sale["nominal"]), brand="DANA")  # type: ignore[call-overload]  # paid while the server is away
        mark = len(till.events)
        till.send("pay 5000")
        refused = till.wait_for(lambda e: e["event"] == "notice" and e["level"] == "error", since=mark)
        assert "tidak dapat dihubungi" in str(refused["text"])
        assert till.ask_state()["state"] == "awaiting"  # the QR stays on the customer's screen
    finally:
        postgres_server.start()
    paid(till, sale["sale_id"], timeout=30)
    till.wait_for(lambda e: e["event"] == "banner" and e["text"] == "", timeout=15)


def test_a_second_till_started_under_a_name_in_use_does_not_sell(shop: Callable[..., TillProcess]) -> None:
    first = shop("Kasir 1")
    one_polls(first)
    second = shop("Kasir 1", reachable=False)  # the shop owner copied the first PC's settings
    banner = second.wait_for(lambda e: e["event"] == "banner" and "sudah dipakai" in str(e["text"]))
    assert "Pengaturan" in str(banner["text"])
    mark = len(second.events)
    second.send("pay 25000")
    second.wait_for(lambda e: e["event"] == "notice" and "sudah dipakai" in str(e["text"]), since=mark)
    assert second.ask_state()["state"] == "idle" and first.ask_state()["polling"] is True
