"""Moving a one-PC shop to several tills (issue 22): ``kasir journal copy --to postgresql://…`` brings the
SQLite journal into PostgreSQL whole, and refuses a database that already holds a journal."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kasir.journal_copy import CopyRefusedError, copy_journal, main
from kasir.journal_pg import PostgresJournal
from kasir.journal_sqlite import FILENAME, SqliteJournal
from kasir.kode_unik import Allocation, KodeUnikRange
from kasir.orkut.types import MutasiEntry
from kasir.sale_state import SaleState
from tests.test_till import START


def one_pc(data: Path, merchant: str = "OK1234567") -> list[int]:
    data.mkdir(parents=True, exist_ok=True)
    (data / "settings.json").write_text(json.dumps({"merchant": merchant, "username": "toko"}), encoding="utf-8")
    journal = SqliteJournal.in_dir(data)
    ids = []
    for base in (25_000, 10_000):
        sale = journal.create_sale(Allocation(base, 1, base + 1), START, START + timedelta(minutes=5))
        journal.mark_awaiting(sale.id, "payload", "local")
        ids.append(sale.id)
    money = MutasiEntry(START + timedelta(minutes=1), 25_001, "CR", "", "DANA", "R1", "NOBU / X", None)
    journal.record_payments([money, MutasiEntry(START, 777, "CR", "", "OVO", "R2", "X", None)])
    journal.settle(ids[0], money, START)
    journal.close()
    return ids


def test_the_copy_brings_every_sale_and_payment_and_the_next_sale_continues_after_them(
    tmp_path: Path, pg_dsn: str
) -> None:
    ids = one_pc(tmp_path)
    assert copy_journal(tmp_path, pg_dsn, counter="Kasir 1")[:2] == (2, 2)
    shared = PostgresJournal(pg_dsn, counter="Kasir 2", merchant="1234567")
    try:
        first, second = shared.get(ids[0]), shared.get(ids[1])
        assert first.state is SaleState.PAID and first.issuer_reff == "R1" and first.counter == "Kasir 1"
        assert second.state is SaleState.AWAITING and second.nominal == 10_001
        assert shared.row_counts() == (2, 2)
        after = shared.begin_sale(25_000, KodeUnikRange(1, 999), START, START + timedelta(minutes=5), counter="Kasir 2")
        assert after.id > max(ids) and after.nominal == 25_002  # 25.001 is that day's, copied
    finally:
        shared.close()


def test_a_database_that_already_holds_a_journal_is_never_overwritten(tmp_path: Path, pg_dsn: str) -> None:
    one_pc(tmp_path / "a")
    copy_journal(tmp_path / "a", pg_dsn)
    one_pc(tmp_path / "b")
    with pytest.raises(CopyRefusedError, match="sudah berisi"):
        copy_journal(tmp_path / "b", pg_dsn)


def test_a_journal_of_another_account_is_refused(tmp_path: Path, pg_dsn: str) -> None:
    one_pc(tmp_path / "a", merchant="OK1111111")
    copy_journal(tmp_path / "a", pg_dsn)
    one_pc(tmp_path / "b", merchant="OK2222222")
    with pytest.raises(Exception, match="OK1111111"):
        copy_journal(tmp_path / "b", pg_dsn)


def test_the_command_says_what_it_copied_and_refuses_in_indonesian(
    tmp_path: Path, pg_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    one_pc(tmp_path)
    assert main(["copy", "--to", pg_dsn, "--data-dir", str(tmp_path), "--counter", "Kasir 1"]) == 0
    assert "Disalin: 2 penjualan dan 2 pembayaran" in capsys.readouterr().out
    assert main(["copy", "--to", pg_dsn, "--data-dir", str(tmp_path)]) == 2
    assert "Jurnal tidak disalin" in capsys.readouterr().err


def test_a_folder_without_a_journal_is_said_plainly(tmp_path: Path, pg_dsn: str) -> None:
    with pytest.raises(CopyRefusedError, match="Tidak ada jurnal"):
        copy_journal(tmp_path, pg_dsn)


def test_kasir_journal_copy_runs_from_the_command_line_without_starting_qt(tmp_path: Path, pg_dsn: str) -> None:
    import os
    import subprocess
    import sys

    from tests.processes import ROOT, kasir_env

    one_pc(tmp_path / "data")
    env = {**kasir_env(tmp_path), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    env.pop("QT_QPA_PLATFORM", None)
    code = (
        "import sys; from kasir.__main__ import main; rc = main(sys.argv[1:]);"
        " assert 'PySide6' not in sys.modules, 'Qt was loaded'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "journal", "copy", "--to", pg_dsn, "--data-dir", str(tmp_path / "data")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Disalin: 2 penjualan" in done.stdout and os.path.exists(tmp_path / "data" / FILENAME)
