"""Payment rows a hostile or broken server may send: each is kept, bounded and never settles by
itself, and none stops the day's refresh (issue 20, items 4, 12 and 14)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kasir import wib
from kasir.journal_sqlite import SqliteJournal
from kasir.matching import SaleTerms, find_settlement, match_late
from kasir.orkut.types import PaymentProblem
from tests.test_service_today import SESSION, answering, history_row

QR_AT = datetime(2026, 11, 25, 18, 2, 30, tzinfo=wib.WIB)
HUGE = "99999999999999999999999"


def read_history(**row: Any) -> list[Any]:
    with answering({"success": True, "qris_history": {"results": [history_row(**row)]}}) as client:
        return client.history(SESSION)


def test_an_amount_too_large_for_any_payment_is_unreadable_not_an_overflow(tmp_path: Path) -> None:
    [entry] = read_history(kredit=HUGE)
    assert PaymentProblem.AMOUNT in entry.problems and entry.amount == 0
    journal = SqliteJournal(tmp_path / "j.sqlite3")
    assert journal.record_payments([entry]) == 1  # journaled, not an OverflowError for the whole list


@pytest.mark.parametrize("tanggal", ["31/12/9999 23:59", "01/01/0001 00:00", "31/12/2200 10:00"])
def test_a_date_outside_any_sane_year_is_unreadable_not_an_overflow(tanggal: str, tmp_path: Path) -> None:
    [entry] = read_history(tanggal=tanggal)
    assert PaymentProblem.DATE in entry.problems
    assert entry.latest >= entry.date  # computable: the row's window never overflows
    journal = SqliteJournal(tmp_path / "j.sqlite3")
    assert journal.record_payments([entry]) == 1


def test_a_huge_side_field_is_unknown_and_the_payment_stays() -> None:
    [entry] = read_history(saldo_akhir=HUGE)
    assert entry.balance is None and entry.amount == 25_001 and not entry.problems


def test_matching_refuses_a_row_dated_after_its_latest_moment() -> None:
    [entry] = read_history(tanggal="26/11/2026 18:03")  # tomorrow
    terms = SaleTerms(25_001, QR_AT, not_after=QR_AT + timedelta(minutes=6))
    assert find_settlement([entry], terms) is None
    assert match_late([entry], [(1, terms)]) == []


def test_a_row_dated_tomorrow_never_settles_the_sale_at_the_till(tmp_path: Path) -> None:
    from kasir.till import Kind, Till
    from tests.test_till import FakeClock, shown

    clock = FakeClock(QR_AT)
    till = Till(SqliteJournal(tmp_path / "j.sqlite3"), clock)
    sale_id = shown(till)
    nominal = till.journal.get(sale_id).nominal
    [tomorrow] = read_history(tanggal="26/11/2026 18:03", kredit=str(nominal))
    assert till.take_in([tomorrow]) == []
    [soon] = read_history(tanggal="25/11/2026 18:05", kredit=str(nominal))  # the server's clock runs a little ahead
    [settled] = till.take_in([soon])
    assert settled.kind is Kind.SETTLED


def test_server_texts_in_a_row_are_bounded() -> None:
    [entry] = read_history(keterangan="X" * 50_000, brand={"name": "B" * 50_000})
    assert len(entry.buyer_reff) <= 200 and len(entry.description) <= 200 and len(entry.brand_name) <= 60


def test_the_accounts_names_are_bounded() -> None:
    answer = {
        "success": True,
        "qris_history": {"results": []},
        "account": {"results": {"id": 1234567, "name": "N" * 4_800_000, "qris_name": "Q" * 100_000}},
    }
    with answering(answer) as client:
        account = client.account_summary(SESSION).account
    assert account is not None and len(account.name) <= 100 and len(account.qris_name) <= 100


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31 23:59:59"])
def test_an_iso_stamp_at_the_ends_of_the_calendar_is_unreadable_not_an_overflow(text: str) -> None:
    with pytest.raises(ValueError):
        wib.parse_stamp(text)
