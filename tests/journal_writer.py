"""A stream of sales written to a journal as fast as it goes, for the SIGKILL test and benchmark.

Usage: ``python tests/journal_writer.py JOURNAL SEED``. After each commit it prints one line
(``created ID NOMINAL``, ``awaiting ID``, ``paid ID REFF``, ``expired ID``, ``cancelled ID``),
so whoever kills it knows exactly which writes were acknowledged.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta
from pathlib import Path

from kasir import qris, wib
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import KodeUnikExhaustedError, KodeUnikRange, allocate
from kasir.orkut.types import MutasiEntry
from kasir.simulator import DEMO_BASE_QR


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(path: Path, seed: int, limit: int | None = None) -> None:
    journal = SqliteJournal(path)
    rng = random.Random(seed)
    written = 0
    while limit is None or written < limit:
        now = wib.now()
        base = rng.choice((5_000, 10_000, 12_500, 25_000, 50_000))
        try:
            allocation = allocate(base, journal.reserved_nominals(now), KodeUnikRange(1, 999))
        except KodeUnikExhaustedError:
            continue
        sale = journal.create_sale(allocation, now, now + timedelta(minutes=5))
        say(f"created {sale.id} {sale.nominal}")
        journal.mark_awaiting(sale.id, qris.to_dynamic(DEMO_BASE_QR, sale.nominal), "local")
        say(f"awaiting {sale.id}")
        roll = rng.random()
        if roll < 0.6:
            reff = f"W{seed}-{sale.id}"
            entry = MutasiEntry(wib.now(), sale.nominal, "CR", "static", "DANA", reff, "NOBU / TEST", None)
            journal.record_payments([entry])
            journal.settle(sale.id, entry, wib.now())
            say(f"paid {sale.id} {reff}")
        else:
            state = "expired" if roll < 0.85 else "cancelled"
            journal.mark_ended(sale.id, state, wib.now())
            say(f"{state} {sale.id}")
        written += 1
    journal.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
