"""Rekap harian from the journal alone: totals, brands, hours, late and unmatched money, CSV."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kasir import recap, wib
from kasir.journal import Journal
from kasir.journal_sqlite import SqliteJournal
from kasir.kode_unik import Allocation
from kasir.orkut.types import MutasiEntry
from kasir.sale_state import SaleState

DAY = datetime(2026, 11, 24, 9, 0, tzinfo=wib.WIB)


def pay(amount: int, at: datetime, reff: str, brand: str = "DANA") -> MutasiEntry:
    return MutasiEntry(at, amount, "CR", "static", brand, reff, "NOBU / SITI", None)


def sale(journal: Journal, base: int, at: datetime) -> int:
    s = journal.create_sale(Allocation(base, 1, base + 1), at, at + timedelta(minutes=5))
    journal.mark_awaiting(s.id, "payload", "server")
    return s.id


@pytest.fixture
def day(tmp_path: Path) -> recap.DayRecap:
    journal = SqliteJournal.in_dir(tmp_path)
    a = sale(journal, 25_000, DAY)
    journal.settle(a, pay(25_001, DAY + timedelta(minutes=1), "A"), DAY)
    b = sale(journal, 10_000, DAY + timedelta(hours=2))
    journal.settle(b, pay(10_001, DAY + timedelta(hours=2, minutes=1), "B", "OVO"), DAY)
    c = sale(journal, 50_000, DAY + timedelta(hours=2, minutes=10))
    journal.mark_ended(c, "expired", DAY + timedelta(hours=2, minutes=15))
    journal.settle(c, pay(50_001, DAY + timedelta(hours=2, minutes=30), "C"), DAY)
    d = sale(journal, 7_000, DAY + timedelta(hours=3))
    journal.mark_ended(d, "cancelled", DAY + timedelta(hours=3))
    e = sale(journal, 8_000, DAY + timedelta(hours=4))
    journal.mark_ended(e, "expired", DAY + timedelta(hours=4, minutes=5))
    stray = pay(12_345, DAY + timedelta(hours=5), "S", "GoPay")
    journal.record_payments([pay(25_001, DAY + timedelta(minutes=1), "A"), stray])
    journal.record_payments([pay(99_000, DAY + timedelta(days=1), "TOMORROW")])
    return recap.for_day(journal, DAY.date())


def test_paid_sales_are_counted_and_summed(day: recap.DayRecap) -> None:
    assert day.paid == recap.Bucket(3, 25_001 + 10_001 + 50_001)


def test_late_money_is_shown_apart(day: recap.DayRecap) -> None:
    assert day.late == recap.Bucket(1, 50_001)


def test_sales_are_split_by_e_wallet(day: recap.DayRecap) -> None:
    assert day.by_brand == {"DANA": recap.Bucket(2, 75_002), "OVO": recap.Bucket(1, 10_001)}


def test_sales_are_split_by_the_hour_they_were_paid(day: recap.DayRecap) -> None:
    assert day.by_hour == {(DAY.date(), 9): recap.Bucket(1, 25_001), (DAY.date(), 11): recap.Bucket(2, 60_002)}


def test_expired_and_cancelled_sales_are_counted(day: recap.DayRecap) -> None:
    assert (day.count(SaleState.EXPIRED), day.count(SaleState.CANCELLED), day.count(SaleState.FAILED)) == (1, 1, 0)


def test_money_that_settled_no_sale_is_reported_for_that_day_only(day: recap.DayRecap) -> None:
    assert day.unmatched_in == recap.Bucket(1, 12_345)
    assert [e.issuer_reff for e in day.unmatched] == ["S"]


def test_the_csv_has_a_row_per_sale_and_per_unmatched_payment(day: recap.DayRecap, tmp_path: Path) -> None:
    path = tmp_path / "rekap.csv"
    recap.write_csv(day, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [r["jenis"] for r in rows] == ["penjualan"] * 5 + ["tidak cocok"]
    assert rows[2]["status"] == "lunas" and rows[2]["terlambat"] == "ya" and rows[2]["dibayar"] == "50001"
    assert rows[3]["status"] == "dibatalkan" and rows[3]["dibayar"] == ""
    assert rows[5]["dibayar"] == "12345" and rows[5]["dompet"] == "GoPay"


def test_the_printable_recap_shows_the_figures(day: recap.DayRecap) -> None:
    text = recap.to_html(day, "Warung <Bu Sri>")
    assert "Warung &lt;Bu Sri&gt;" in text and "24-11-2026" in text
    assert "Rp 85.003" in text and "Rp 12.345" in text and "11:00–11:59" in text


def test_an_empty_day_is_a_recap_of_zeros(tmp_path: Path) -> None:
    empty = recap.for_day(SqliteJournal.in_dir(tmp_path), DAY.date())
    assert empty.paid == recap.Bucket() and empty.unmatched == () and empty.by_brand == {}
    assert "Tidak ada." in recap.to_html(empty)


def test_a_busy_days_csv_is_written_without_the_interpreter_collecting_its_heap(
    day: recap.DayRecap, tmp_path: Path
) -> None:
    """Written row by row: a CSV of 5,000 sales held all at once made several collections, and a
    collection of a year-old app's whole heap holds the GUI thread for tens of milliseconds."""
    import dataclasses
    import gc

    paid = next(s for s in day.sales if s.state == "paid")
    busy = dataclasses.replace(day, sales=tuple(dataclasses.replace(paid, id=n) for n in range(5_000)))
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(seen)
    try:
        recap.write_csv(busy, tmp_path / "busy.csv")
    finally:
        gc.callbacks.remove(seen)
    assert len(collections) <= 1, collections
    with (tmp_path / "busy.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert sum(1 for _ in csv.reader(handle, delimiter=recap.CSV_DELIMITER)) == 1 + 5_000 + len(day.unmatched)


def test_a_busy_days_csv_reaches_the_disk_in_one_write(
    day: recap.DayRecap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write every 8 KB lets the worker take the interpreter back before the GUI thread wakes
    (CPython's GIL convoy: each short release counts as a switch, so the GUI thread never asks the
    worker to yield): 80-100 ms GUI stalls while a 10,000-sale day was exported, measured."""
    import dataclasses
    import os

    paid = next(s for s in day.sales if s.state == "paid")
    busy = dataclasses.replace(day, sales=tuple(dataclasses.replace(paid, id=n) for n in range(5_000)))
    writes: list[int] = []
    real_write = os.write

    def counted(fd: int, data: bytes) -> int:
        writes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counted)
    recap.write_csv(busy, tmp_path / "busy.csv")
    assert len(writes) == 1
    assert writes[0] == (tmp_path / "busy.csv").stat().st_size > 500_000


def test_a_sale_paid_after_midnight_is_listed_under_the_hour_of_the_day_it_was_paid(tmp_path: Path) -> None:
    """7 Dec's recap listed hour 00 for a sale paid at 00:00 on 8 Dec (issue 20, item 14)."""
    journal = SqliteJournal.in_dir(tmp_path)
    evening = datetime(2026, 12, 7, 23, 59, tzinfo=wib.WIB)
    late = sale(journal, 20_000, evening)
    journal.settle(late, pay(20_001, evening + timedelta(minutes=1), "M"), evening)
    early = sale(journal, 5_000, evening.replace(hour=0, minute=5))
    journal.settle(early, pay(5_001, evening.replace(hour=0, minute=6), "E"), evening)
    seventh = recap.for_day(journal, evening.date())
    assert seventh.by_hour == {
        (evening.date(), 0): recap.Bucket(1, 5_001),
        (evening.date() + timedelta(days=1), 0): recap.Bucket(1, 20_001),
    }
    hours = [row[0] for part in recap.sections(seventh) if part.title == "Per jam" for row in part.rows]
    assert hours == ["00:00–00:59", "08-12 00:00–00:59"]


HOSTILE = ['=HYPERLINK("http://x","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tTAB", "\rCR"]


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(tmp_path: Path) -> None:
    """A brand or buyer name from the server must not become a formula in Excel (issue 20, item 10)."""
    journal = SqliteJournal.in_dir(tmp_path)
    for i, text in enumerate(HOSTILE):
        paid = sale(journal, 1_000 * (i + 1), DAY + timedelta(minutes=i))
        entry = MutasiEntry(
            DAY + timedelta(minutes=i, seconds=30), 1_000 * (i + 1) + 1, "CR", "", text, f"R{i}", text, None
        )
        journal.settle(paid, entry, DAY)
    journal.record_payments([MutasiEntry(DAY + timedelta(hours=1), 777, "CR", "", HOSTILE[0], "U", HOSTILE[1], None)])
    path = tmp_path / "rekap.csv"
    recap.write_csv(recap.for_day(journal, DAY.date()), path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    texts = [row[column] for row in rows for column in ("dompet", "pembeli")]
    assert texts and all(cell[:1] not in ("=", "+", "-", "@", "\t", "\r") for cell in texts), texts
    assert rows[0]["dompet"] == "'" + HOSTILE[0]  # still readable as what the server sent
    assert [row["dibayar"] for row in rows] == [str(1_000 * (i + 1) + 1) for i in range(len(HOSTILE))] + ["777"]


# ---- a shop of several tills (issue 22) -----------------------------------------------------------


def shop_day(journal: Journal) -> None:
    for base, counter, reff in ((25_000, "Kasir 1", "A"), (10_000, "Kasir 2", "B"), (30_000, "Kasir 2", "C")):
        s = journal.create_sale(Allocation(base, 1, base + 1), DAY, DAY + timedelta(minutes=5), counter)
        journal.mark_awaiting(s.id, "payload", "local")
        journal.settle(s.id, pay(base + 1, DAY + timedelta(minutes=1), reff), DAY)
    journal.record_payments([pay(12_345, DAY + timedelta(hours=5), "S", "GoPay")])


def test_a_shops_recap_sums_each_till_apart(journal: Journal) -> None:
    shop_day(journal)
    day = recap.for_day(journal, DAY.date())
    assert day.counters == ("Kasir 1", "Kasir 2")
    assert day.by_counter == {"Kasir 1": recap.Bucket(1, 25_001), "Kasir 2": recap.Bucket(2, 40_002)}
    per_till = next(s for s in recap.sections(day) if s.title == "Per kasir")
    assert [row[0] for row in per_till.rows] == ["Kasir 1", "Kasir 2"]


def test_one_tills_recap_has_its_sales_only_and_the_shops_money_without_a_sale(journal: Journal) -> None:
    shop_day(journal)
    day = recap.for_day(journal, DAY.date(), "Kasir 2")
    assert day.paid == recap.Bucket(2, 40_002) and day.unmatched_in == recap.Bucket(1, 12_345)
    assert "Kasir 2" in recap.title(day, "Toko") and "Per kasir" not in [s.title for s in recap.sections(day)]


def test_the_csv_names_the_till_of_each_sale(journal: Journal, tmp_path: Path) -> None:
    shop_day(journal)
    path = tmp_path / "rekap.csv"
    recap.write_csv(recap.for_day(journal, DAY.date()), path)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [r["kasir"] for r in rows if r["jenis"] == "penjualan"] == ["Kasir 1", "Kasir 2", "Kasir 2"]


def test_a_recap_of_one_pc_has_no_per_till_section(day: recap.DayRecap) -> None:
    assert "Per kasir" not in [s.title for s in recap.sections(day)]


# ---- receipts (issue 23) ----------------------------------------------------------------------


def test_the_recap_counts_paid_sales_whose_receipt_never_reached_the_paper(journal: Journal) -> None:
    ids = []
    for base, reff in ((25_000, "A"), (10_000, "B"), (30_000, "C")):
        s = journal.create_sale(Allocation(base, 1, base + 1), DAY, DAY + timedelta(minutes=5))
        journal.mark_awaiting(s.id, "payload", "local")
        journal.settle(s.id, pay(base + 1, DAY + timedelta(minutes=1), reff), DAY)
        ids.append(s.id)
    assert recap.for_day(journal, DAY.date()).receipts_missing is None  # no printer: nothing to say
    journal.mark_receipt(ids[0], True, DAY)
    journal.mark_receipt(ids[1], False, DAY)
    day = recap.for_day(journal, DAY.date())
    assert day.receipts_missing == 2
    assert ("Lunas tanpa struk tercetak", "2", "") in next(
        s for s in recap.sections(day) if s.title == "Ringkasan"
    ).rows
