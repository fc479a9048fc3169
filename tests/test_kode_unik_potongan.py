"""Kode unik as a discount (issue 25, item 3): Bank Indonesia forbids a surcharge on QRIS payers, so a
shop may take the code off the total (the customer pays total − code) instead of adding it."""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kasir import qris, recap, receipt, settings
from kasir.journal import Journal, Sale
from kasir.journal_sql import SqlJournal
from kasir.journal_sqlite import FILENAME, SqliteJournal
from kasir.kode_unik import Allocation, CodeMode, KodeUnikExhaustedError, KodeUnikRange, allocate
from kasir.money import MAX_SALE, MoneyError
from kasir.orkut.types import MutasiEntry
from kasir.qrcheck import prepare
from kasir.receipt import ShopInfo
from kasir.sale_state import SaleState
from kasir.simulator import DEMO_BASE_QR
from kasir.till import Kind, Till, TillRules
from kasir.wib import WIB
from tests.legacy import legacy_script

NOW = datetime(2026, 11, 25, 10, 0, 0, tzinfo=WIB)
BEFORE_MIDNIGHT = datetime(2026, 11, 25, 23, 59, 30, tzinfo=WIB)
ADD = KodeUnikRange(1, 999)
OFF = KodeUnikRange(1, 999, CodeMode.SUBTRACT)


class FakeClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def paid(amount: int, at: datetime, reff: str) -> MutasiEntry:
    return MutasiEntry(at, amount, "CR", "static", "DANA", reff, "NOBU / X", None)


def till_of(journal: Journal, clock: FakeClock, codes: KodeUnikRange) -> Till:
    return Till(journal, clock, TillRules(expiry=timedelta(minutes=10), kode_unik=codes))


def begun(till: Till, base: int) -> Sale:
    outcome = till.begin(base, on_counter=None, can_make_qr=True)
    assert outcome.kind is Kind.STARTED and outcome.sale is not None, outcome.message
    return outcome.sale


def shown(till: Till, base: int) -> Sale:
    sale = begun(till, base)
    qr = prepare(qris.to_dynamic(DEMO_BASE_QR, sale.nominal), sale.nominal, DEMO_BASE_QR)
    assert till.qr_ready(sale.id, qr, "local").kind is Kind.SHOWN
    return sale


# ---- choosing the code ---------------------------------------------------------------------------


def test_a_code_given_as_a_discount_is_taken_off_the_total() -> None:
    assert allocate(25_000, set(), OFF) == Allocation(25_000, 1, 24_999, CodeMode.SUBTRACT)


def test_a_discount_takes_the_smallest_code_whose_nominal_is_free() -> None:
    assert allocate(25_000, {24_999, 24_998}, OFF).nominal == 24_997


def test_a_code_added_to_the_total_is_still_the_default() -> None:
    assert allocate(25_000, set()) == Allocation(25_000, 1, 25_001, CodeMode.ADD)


def test_a_total_no_larger_than_the_largest_code_is_refused_as_a_discount_in_indonesian() -> None:
    with pytest.raises(MoneyError, match="terlalu kecil untuk dipotong kode unik"):
        allocate(999, set(), OFF)
    assert allocate(1_000, set(), OFF).nominal == 999


def test_a_rp_1_total_is_refused_as_a_discount() -> None:
    with pytest.raises(MoneyError, match="lebih dari Rp 999"):
        allocate(1, set(), OFF)


def test_the_cap_applies_to_the_discounted_nominal() -> None:
    assert allocate(MAX_SALE, set(), OFF).nominal == MAX_SALE - 1
    assert allocate(MAX_SALE + 5, set(), OFF) == Allocation(MAX_SALE + 5, 5, MAX_SALE, CodeMode.SUBTRACT)
    with pytest.raises(MoneyError, match="maksimal"):
        allocate(MAX_SALE + 1_000, set(), OFF)


def test_every_discount_taken_says_so_in_indonesian() -> None:
    with pytest.raises(KodeUnikExhaustedError, match="sudah terpakai"):
        allocate(1_000, {999, 998}, KodeUnikRange(1, 2, CodeMode.SUBTRACT))


def test_an_allocation_whose_nominal_breaks_its_mode_is_refused() -> None:
    with pytest.raises(ValueError):
        Allocation(25_000, 1, 25_001, CodeMode.SUBTRACT)


# ---- the journal keeps the mode of each sale --------------------------------------------------------


def test_a_sale_remembers_that_its_code_was_a_discount(journal: Journal) -> None:
    sale = begun(till_of(journal, FakeClock(), OFF), 25_000)
    assert (sale.base, sale.code, sale.nominal, sale.code_mode) == (25_000, 1, 24_999, CodeMode.SUBTRACT)
    assert journal.get(sale.id).code_mode is CodeMode.SUBTRACT


def test_the_journal_refuses_a_row_whose_nominal_does_not_follow_its_mode(journal: SqlJournal) -> None:
    with pytest.raises(journal._integrity), journal._writing():
        journal._run(
            "INSERT INTO sales (day, created_at, expires_at, base, code, nominal, state, code_mode)"
            " VALUES ('2026-11-25', :at, :at, 25000, 1, 25001, 'generating', 'subtract')",
            {"at": NOW.isoformat()},
        )


def test_sales_of_an_older_journal_keep_their_added_code(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / FILENAME)
    db.executescript("".join(legacy_script(v) for v in range(1, 10)) + "PRAGMA user_version = 9;")
    db.execute(
        "INSERT INTO sales (day, created_at, expires_at, base, code, nominal, state)"
        " VALUES ('2026-11-25', ?, ?, 25000, 1, 25001, 'awaiting')",
        (NOW.isoformat(), (NOW + timedelta(minutes=10)).isoformat()),
    )
    db.commit()
    db.close()
    journal = SqliteJournal.in_dir(tmp_path)
    old = journal.get(1)
    assert (old.nominal, old.code_mode) == (25_001, CodeMode.ADD)
    # The rebuilt table still keeps a nominal to one sale a day and every index the paths use.
    second = begun(till_of(journal, FakeClock(), OFF), 25_002)
    assert second.nominal == 25_000 and second.id == 2
    journal.close()


def test_sales_of_an_older_shared_journal_keep_their_added_code(pg_dsn: str) -> None:
    import psycopg

    from kasir.journal_pg import TYPES, PostgresJournal
    from kasir.journal_schema import statements

    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        for version in range(1, 10):
            for statement in statements(version, TYPES):
                admin.execute(statement)
        admin.execute("CREATE TABLE kasir_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        admin.execute("INSERT INTO kasir_meta VALUES ('schema_version', '9')")
        admin.execute(
            "INSERT INTO sales (day, created_at, expires_at, base, code, nominal, state)"
            " VALUES ('2026-11-25', %s, %s, 25000, 1, 25001, 'awaiting')",
            (NOW.isoformat(), (NOW + timedelta(minutes=10)).isoformat()),
        )
    journal = PostgresJournal(pg_dsn)
    try:
        assert journal.get(1).code_mode is CodeMode.ADD
        assert begun(till_of(journal, FakeClock(), OFF), 25_002).nominal == 25_000
    finally:
        journal.close()


# ---- one reservation rule for both modes --------------------------------------------------------


def test_a_discounted_nominal_never_collides_with_an_added_one_still_open(journal: Journal) -> None:
    clock = FakeClock()
    adding = shown(till_of(journal, clock, ADD), 24_998)
    assert adding.nominal == 24_999
    taking_off = begun(till_of(journal, clock, OFF), 25_000)
    assert taking_off.nominal == 24_998  # 25.000 − 1 = 24.999 is the other sale's


def test_an_added_nominal_never_collides_with_a_discounted_one_still_open(journal: Journal) -> None:
    clock = FakeClock()
    assert shown(till_of(journal, clock, OFF), 25_000).nominal == 24_999
    assert begun(till_of(journal, clock, ADD), 24_998).nominal == 25_000


def test_a_discounted_nominal_stays_reserved_after_midnight_while_money_for_it_can_still_arrive(
    journal: Journal,
) -> None:
    clock = FakeClock(BEFORE_MIDNIGHT)
    first = shown(till_of(journal, clock, OFF), 25_000)
    assert first.nominal == 24_999
    till = till_of(journal, clock, ADD)
    till.end(first.id, SaleState.CANCELLED, "dibatalkan kasir")

    clock.now = BEFORE_MIDNIGHT + timedelta(minutes=1)  # 00:00:30 the next day, the shop switched modes
    second = shown(till, 24_998)
    assert second.nominal == 25_000

    # The first customer pays the old QR after all: it settles the first sale, never the second.
    outcomes = till.take_in([paid(24_999, clock.now, "OLD-QR")])
    assert [(o.kind, o.sale.id if o.sale else None) for o in outcomes] == [(Kind.SETTLED, first.id)]
    assert journal.get(second.id).state == "awaiting"


def test_a_total_too_small_for_a_discount_is_refused_at_the_till(journal: Journal) -> None:
    outcome = till_of(journal, FakeClock(), OFF).begin(500, on_counter=None, can_make_qr=True)
    assert outcome.kind is Kind.REFUSED and "terlalu kecil" in outcome.message


# ---- the receipt and the recap show a discount -------------------------------------------------------


def paid_sale(mode: CodeMode) -> Sale:
    nominal = 25_000 - 137 if mode is CodeMode.SUBTRACT else 25_137
    return Sale(
        id=42,
        day=NOW.date(),
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=10),
        base=25_000,
        code=137,
        nominal=nominal,
        payload="000201",
        source="server",
        state=SaleState.PAID,
        ended_at=None,
        reason=None,
        issuer_reff="DANA-1",
        paid_at=NOW + timedelta(minutes=1),
        paid_amount=nominal,
        brand="DANA",
        buyer_reff="NOBU / X",
        settled_at=NOW + timedelta(minutes=1),
        late=False,
        manual=False,
        code_mode=mode,
    )


def test_the_receipt_shows_a_discounted_code_as_a_discount() -> None:
    lines = receipt.build(paid_sale(CodeMode.SUBTRACT), ShopInfo("Toko", "", "")).lines
    assert any(line.startswith("Potongan kode unik") and line.endswith(" -Rp 137") for line in lines), lines
    assert any(line.startswith("Dibayar") and line.endswith(" Rp 24.863") for line in lines)
    assert not any(line.startswith("Kode unik") for line in lines)


def test_the_receipt_of_an_added_code_is_unchanged() -> None:
    lines = receipt.build(paid_sale(CodeMode.ADD), ShopInfo("Toko", "", "")).lines
    assert any(line.startswith("Kode unik") and line.endswith(" Rp 137") for line in lines), lines
    assert not any("Potongan" in line for line in lines)


def recap_of(*sales: Sale) -> recap.DayRecap:
    return recap.build(NOW.date(), sales, [])


def test_the_csv_gives_a_discounted_code_as_a_negative_kode_unik(tmp_path: Path) -> None:
    path = tmp_path / "rekap.csv"
    added = replace(paid_sale(CodeMode.ADD), id=41, issuer_reff="DANA-0")
    recap.write_csv(recap_of(added, paid_sale(CodeMode.SUBTRACT)), path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [(r["total"], r["kode_unik"], r["nominal"]) for r in rows] == [
        ("25000", "137", "25137"),
        ("25000", "-137", "24863"),
    ]


def test_the_recap_sums_the_discounts_the_shop_gave() -> None:
    day = recap_of(paid_sale(CodeMode.SUBTRACT))
    assert day.discounts == recap.Bucket(1, 137)
    summary = next(s for s in recap.sections(day) if s.title == "Ringkasan")
    assert ("↳ potongan kode unik (ditanggung toko)", "1", "-Rp 137") in summary.rows


def test_a_recap_without_discounts_has_no_discount_row() -> None:
    summary = next(s for s in recap.sections(recap_of(paid_sale(CodeMode.ADD))) if s.title == "Ringkasan")
    assert not any("potongan" in row[0] for row in summary.rows)


# ---- the setting ----------------------------------------------------------------------------------------


def test_the_code_mode_setting_survives_a_save_and_a_load(tmp_path: Path) -> None:
    settings.save(tmp_path, settings.Settings(kode_unik_mode="subtract"))
    assert settings.load(tmp_path).kode_unik_mode == "subtract"


def test_the_code_is_added_unless_the_shop_chooses_otherwise() -> None:
    assert settings.Settings().kode_unik_mode == "add"
    assert settings.from_mapping({"kode_unik_mode": "kurangi?"}).kode_unik_mode == "add"


def test_the_settings_give_the_till_its_code_mode() -> None:
    chosen = settings.Settings(kode_unik_low=5, kode_unik_high=50, kode_unik_mode="subtract")
    assert KodeUnikRange.of(chosen) == KodeUnikRange(5, 50, CodeMode.SUBTRACT)
