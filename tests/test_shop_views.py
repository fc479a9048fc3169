"""The views of a shop of several tills (issue 22): F4 lists the shop's sales with each one's till and a
filter by till; another till's waiting QR is not shown again here (its customer stands there)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from kasir import qris
from kasir.journal_sqlite import SqliteJournal
from kasir.qrcheck import prepare
from kasir.simulator import DEMO_BASE_QR
from kasir.till import Till, TillRules
from kasir.ui.sales_dialog import COUNTER_COLUMN, SalesDialog
from tests.test_till import START, FakeClock


def shop_tills(tmp_path: Path) -> tuple[Till, Till]:
    journal, clock, rules = SqliteJournal.in_dir(tmp_path), FakeClock(START), TillRules(expiry=timedelta(minutes=10))
    return Till(journal, clock, rules, counter="Kasir 1"), Till(journal, clock, rules, counter="Kasir 2")


def waiting(till: Till, base: int) -> int:
    sale = till.begin(base, on_counter=None, can_make_qr=True).sale
    assert sale is not None
    till.qr_ready(sale.id, prepare(qris.to_dynamic(DEMO_BASE_QR, sale.nominal), sale.nominal, DEMO_BASE_QR), "local")
    return sale.id


def test_f4_lists_the_shops_sales_with_their_till_and_filters_by_till(qtbot: QtBot, tmp_path: Path) -> None:
    here, there = shop_tills(tmp_path)
    waiting(here, 10_000)
    waiting(there, 20_000)
    waiting(there, 30_000)
    dialog = SalesDialog(here, START.date())
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3 and not dialog.table.isColumnHidden(COUNTER_COLUMN)
    assert dialog.counter_filter.objectName() == "sales_counter_filter"
    dialog.counter_filter.setCurrentText("Kasir 2")
    tills = {dialog.table.item(row, COUNTER_COLUMN).text() for row in range(dialog.table.rowCount())}
    assert dialog.table.rowCount() == 2 and tills == {"Kasir 2"}


def test_another_tills_waiting_qr_is_not_shown_again_here(qtbot: QtBot, tmp_path: Path) -> None:
    here, there = shop_tills(tmp_path)
    waiting(there, 20_000)
    mine = waiting(here, 10_000)
    dialog = SalesDialog(here, START.date())
    qtbot.addWidget(dialog)
    rows = {dialog.table.item(row, 0).text(): row for row in range(dialog.table.rowCount())}
    dialog.table.selectRow(rows[f"#{mine}"])
    assert dialog.reshow_button.isEnabled()
    dialog.table.selectRow(next(row for text, row in rows.items() if text != f"#{mine}"))
    assert not dialog.reshow_button.isEnabled()


def test_one_pc_shows_no_till_column_and_no_filter(qtbot: QtBot, tmp_path: Path) -> None:
    till = Till(SqliteJournal.in_dir(tmp_path), FakeClock(START), TillRules(expiry=timedelta(minutes=10)))
    waiting(till, 10_000)
    dialog = SalesDialog(till, START.date())
    qtbot.addWidget(dialog)
    assert dialog.table.isColumnHidden(COUNTER_COLUMN) and dialog._filter_row.isHidden()


def test_the_recap_offers_each_till_and_reads_one_tills_day(qtbot: QtBot, tmp_path: Path) -> None:
    from kasir.ui.recap_dialog import RecapDialog

    here, there = shop_tills(tmp_path)
    waiting(here, 10_000)
    waiting(there, 20_000)
    dialog = RecapDialog(here.reader(), START.date())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10_000)
    items = [dialog.counter_filter.itemText(i) for i in range(dialog.counter_filter.count())]
    assert items == ["Semua kasir", "Kasir 1", "Kasir 2"] and dialog.counter_filter.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.counter_filter.setCurrentText("Kasir 2")
    assert dialog.recap is not None and dialog.recap.counter == "Kasir 2"
    assert [s.counter for s in dialog.recap.sales] == ["Kasir 2"]
    dialog.reject()  # its worker ends with it


def test_f4_says_whether_each_paid_sales_receipt_reached_the_paper(qtbot: QtBot, tmp_path: Path) -> None:
    from kasir.orkut.types import MutasiEntry
    from kasir.ui.sales_dialog import RECEIPT_COLUMN

    till = Till(SqliteJournal.in_dir(tmp_path), FakeClock(START), TillRules(expiry=timedelta(minutes=10)))
    paid_ids = []
    for base in (10_000, 20_000, 30_000):
        sale_id = waiting(till, base)
        money = MutasiEntry(START + timedelta(seconds=5), base + 1, "CR", "", "DANA", f"R{base}", "X", None)
        till.settle(sale_id, money)
        paid_ids.append(sale_id)
    till.receipt_outcome(paid_ids[0], printed=True)
    till.receipt_outcome(paid_ids[1], printed=False)
    waiting(till, 40_000)
    dialog = SalesDialog(till, START.date())
    qtbot.addWidget(dialog)
    words = {dialog.table.item(r, 0).text(): dialog.table.item(r, RECEIPT_COLUMN).text() for r in range(4)}
    assert [words[f"#{i}"] for i in paid_ids] == ["tercetak", "gagal", "belum"]
    assert words["#4"] == ""  # not paid: no receipt to speak of
