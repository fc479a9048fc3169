"""The journal survives SIGKILL at random points in a stream of sales: nothing acknowledged is lost.

A real subprocess writes sales as fast as it can and reports each commit; it is killed with
SIGKILL after a random number of commits or a random delay, and the journal is reopened.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from kasir.journal_sqlite import SqliteJournal

WRITER = Path(__file__).with_name("journal_writer.py")
ROOT = WRITER.parent.parent
RUNS = 30
ORDER = {"generating": 0, "awaiting": 1, "paid": 2, "expired": 2, "cancelled": 2}


@dataclass
class Acked:
    created: dict[int, int] = field(default_factory=dict)  # id -> nominal
    state: dict[int, str] = field(default_factory=dict)


def write_then_kill(path: Path, seed: int, rng: random.Random) -> Acked:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    acked = Acked()
    lines = rng.randint(1, 120)
    for _ in range(lines):
        line = child.stdout.readline().split()
        if not line:
            break
        record(acked, line)
    time.sleep(rng.uniform(0, 0.01))  # land anywhere: between commits or inside one
    child.send_signal(signal.SIGKILL)
    for rest in child.stdout.read().splitlines():  # lines written before the kill still count
        record(acked, rest.split())
    child.wait()
    return acked


def record(acked: Acked, words: list[str]) -> None:
    if words[0] == "created":
        acked.created[int(words[1])] = int(words[2])
        acked.state[int(words[1])] = "generating"
    elif words:
        acked.state[int(words[1])] = words[0]


def check(path: Path, acked: Acked, unacked: set[int]) -> None:
    """``unacked``: sales committed but never reported, one per kill at most (grows in place)."""
    journal = SqliteJournal(path)
    try:
        assert journal.integrity_ok()
        rows = {s.id: s for s in journal.all_sales()}
        for sale_id, nominal in acked.created.items():
            sale = rows[sale_id]  # an acknowledged sale is never lost
            assert sale.nominal == nominal
            assert ORDER[sale.state] >= ORDER[acked.state[sale_id]], (sale_id, sale.state, acked.state[sale_id])
            if ORDER[acked.state[sale_id]] == 2:
                assert sale.state == acked.state[sale_id]
        new_unacked = set(rows) - set(acked.created) - unacked
        assert len(new_unacked) <= 1  # at most the one committed just as the kill landed
        unacked |= new_unacked
        for sale in rows.values():  # no half-written sale
            if sale.state != "generating":
                assert sale.payload and sale.source == "local"
            if sale.state == "paid":
                assert sale.issuer_reff and sale.paid_at and sale.brand == "DANA"
        nominals = [(s.day, s.nominal) for s in rows.values()]
        assert len(nominals) == len(set(nominals))  # no nominal handed out twice
    finally:
        journal.close()


def test_the_journal_survives_sigkill_at_random_points(tmp_path: Path) -> None:
    rng = random.Random(20261124)
    path = tmp_path / "journal.sqlite3"
    total, unacked = Acked(), set[int]()
    for run in range(RUNS):
        acked = write_then_kill(path, run, rng)
        total.created.update(acked.created)
        total.state.update(acked.state)
        check(path, total, unacked)
    assert len(total.created) > RUNS  # the stream really ran between kills
