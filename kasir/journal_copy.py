"""``kasir journal copy --to postgresql://…``: a shop that grows from one PC to several tills brings its
journal along (Synapse's ``port_db`` is the model).

The PC's SQLite journal (brought to the current schema first, as a start of the app would) is copied
row for row, ids kept, into a PostgreSQL database in one transaction, and the id sequence moved past
the last sale. A database that already holds sales or payments is refused: two shops' histories, or
one copied twice, must never mix. The old file is left as it is (a backup of itself).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kasir.errors import ConfigError, KasirError

USAGE = "kasir journal copy --to postgresql://user@host/db [--data-dir FOLDER] [--counter NAMA] [--ask-password]"


class CopyRefusedError(KasirError):
    """The copy would mix two journals, or has nothing to copy."""

    @property
    def user_message(self) -> str:
        return str(self)


def parse(argv: list[str]) -> argparse.Namespace:
    from kasir.cli import counter_arg, data_dir_arg, journal_url_arg

    parser = argparse.ArgumentParser(prog="kasir journal", description="Memindahkan jurnal PC ini ke jurnal bersama")
    sub = parser.add_subparsers(dest="command", required=True)
    copy = sub.add_parser("copy", help="salin jurnal SQLite PC ini ke PostgreSQL (database harus kosong)")
    copy.add_argument(
        "--to", required=True, type=journal_url_arg, metavar="postgresql://…", help="jurnal bersama tujuan"
    )
    copy.add_argument("--data-dir", type=data_dir_arg, help="folder data PC ini (default: folder data Kasir QRIS)")
    copy.add_argument(
        "--counter", type=counter_arg, metavar="NAMA", help="nama kasir untuk penjualan lama (default: nama PC)"
    )
    copy.add_argument(
        "--ask-password", action="store_true", help="tanya kata sandi database (default: keyring/.pgpass)"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse(argv)
    try:
        sales, payments, where = copy_journal(
            _data_dir_of(args.data_dir), args.to, counter=args.counter, password=_password(args.ask_password)
        )
    except (KasirError, ConfigError) as exc:
        print(f"Jurnal tidak disalin: {exc.user_message}", file=sys.stderr)
        return 2
    print(f"Disalin: {sales} penjualan dan {payments} pembayaran ke {where}.")
    print(f"Jalankan tiap kasir dengan --journal {args.to} --counter NAMA (atau isi di Pengaturan).")
    return 0


def _data_dir_of(given: Path | None) -> Path:
    from kasir.cli import default_data_dir

    return given or default_data_dir()


def _password(ask: bool) -> str | None:
    if ask:
        import getpass

        return getpass.getpass("Kata sandi database: ") or None
    from kasir.credentials import KeyringStore
    from kasir.shop_tills import JOURNAL_PASSWORD

    return KeyringStore().get(JOURNAL_PASSWORD)  # None: libpq's own (.pgpass, PGPASSWORD, trust)


def copy_journal(
    data_dir: Path, url: str, *, counter: str | None = None, password: str | None = None
) -> tuple[int, int, str]:
    """Copies; returns (sales, payments, where). Raises CopyRefusedError or a JournalError."""
    from kasir import settings as settings_io
    from kasir.journal_sqlite import FILENAME, SqliteJournal
    from kasir.shop_tills import ONE_PC_PACKAGE, account_id_of, default_counter

    try:
        from kasir.journal_pg import PostgresJournal
    except ImportError as exc:  # the one-PC package carries no PostgreSQL driver
        raise CopyRefusedError(ONE_PC_PACKAGE) from exc

    if not (data_dir / FILENAME).exists():
        raise CopyRefusedError(f"Tidak ada jurnal di {data_dir} (berkas {FILENAME}).")
    settings = settings_io.load(data_dir)
    name = counter or settings.counter_name or default_counter()
    source = SqliteJournal(data_dir / FILENAME)
    target = PostgresJournal(url, password, counter=name, merchant=account_id_of(settings.merchant))
    try:
        if not target.reachable:
            target.probe()  # raises the reason when it is refused; None reachable: the message below
        if not target.reachable:
            raise CopyRefusedError(f"Jurnal bersama {target.where} tidak dapat dihubungi.")
        if target.row_counts() != (0, 0):
            raise CopyRefusedError(
                f"Jurnal bersama {target.where} sudah berisi penjualan atau pembayaran: tidak ditimpa."
                " Pakai database baru yang kosong."
            )
        sales = [_sale_row(dict(r), name) for r in source._run("SELECT * FROM sales ORDER BY id")]
        payments = [dict(r) for r in source._run("SELECT * FROM payments ORDER BY key")]
        with target._writing():
            _insert(target, "sales", sales)
            _insert(target, "payments", payments)
            # The next sale a till makes continues after the copied ones.
            target._run(
                "SELECT setval(pg_get_serial_sequence('sales', 'id'), GREATEST((SELECT max(id) FROM sales), 1))"
            )
        return len(sales), len(payments), target.where
    finally:
        source.close()
        target.close()


def _sale_row(row: dict[str, Any], counter: str) -> dict[str, Any]:
    # The PC's old sales were this till's: named so, its restart brings back one left open.
    return {**row, "counter": row.get("counter") or counter}


def _insert(target: Any, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    target._run_many(f"INSERT INTO {table} ({names}) VALUES ({values})", rows)
