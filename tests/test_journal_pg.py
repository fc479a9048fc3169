"""The shared journal on a real PostgreSQL (issue 22): its rules under real concurrency, the one poller,
the news to the other tills, and a server that goes away. (The rules both engines share run against
both in test_journal.py, test_till.py and test_checkout.py.)"""

from __future__ import annotations

import queue
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import psycopg
import pytest

from kasir.journal import (
    AlreadyClaimedError,
    JournalError,
    JournalLoginError,
    JournalOfAnotherShopError,
    JournalTooNewError,
    JournalUnreachableError,
)
from kasir.journal_pg import PostgresJournal, describe
from kasir.journal_schema import MIGRATIONS
from kasir.kode_unik import KodeUnikRange
from kasir.orkut.types import MutasiEntry
from kasir.sale_state import SaleState
from tests.postgres import PASSWORD_ROLE, PostgresServer
from tests.test_till import START

CODES = KodeUnikRange(1, 999)


@pytest.fixture
def tills(pg_dsn: str) -> Iterator[Callable[[str], PostgresJournal]]:
    opened: list[PostgresJournal] = []

    def open_till(name: str) -> PostgresJournal:
        opened.append(PostgresJournal(pg_dsn, counter=name, merchant="1234567"))
        return opened[-1]

    yield open_till
    for journal in opened:
        journal.close()


def begin(journal: PostgresJournal, base: int = 25_000) -> int:
    sale = journal.begin_sale(base, CODES, START, START + timedelta(minutes=10), counter=journal.counter)
    journal.mark_awaiting(sale.id, "payload", "local")
    return sale.nominal


def kill_sessions(dsn: str, application: str) -> None:
    """What a server restart or a cut cable does to one till's sessions."""
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE %s",
            (f"{application}#%",),
        )


def wait_listening(dsn: str, application: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as admin:
        deadline = time.monotonic() + 10
        while not admin.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE %s AND query LIKE 'LISTEN%%'",
            (f"{application}#%",),
        ).fetchone():
            assert time.monotonic() < deadline, "the listener never listened"
            time.sleep(0.05)


# ---- the money rules, with the tills really at the same moment ---------------------------------


def test_eight_tills_asking_for_the_same_total_at_the_same_moment_get_eight_nominals(
    tills: Callable[[str], PostgresJournal],
) -> None:
    journals = [tills(f"Kasir {n}") for n in range(8)]
    start = threading.Barrier(len(journals))
    nominals: queue.Queue[int] = queue.Queue()

    def sell(journal: PostgresJournal) -> None:
        start.wait()
        nominals.put(begin(journal))

    threads = [threading.Thread(target=sell, args=(j,)) for j in journals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    got = [nominals.get_nowait() for _ in journals]
    assert sorted(got) == list(range(25_001, 25_009))


def test_one_payment_settles_one_sale_when_two_tills_claim_it_at_once(
    tills: Callable[[str], PostgresJournal],
) -> None:
    first, second = tills("Kasir 1"), tills("Kasir 2")
    a = first.begin_sale(25_000, CODES, START, START + timedelta(minutes=10)).id
    b = second.begin_sale(30_000, CODES, START, START + timedelta(minutes=10)).id
    for journal, sale in ((first, a), (second, b)):
        journal.mark_awaiting(sale, "payload", "local")
    money = MutasiEntry(START + timedelta(minutes=1), 25_001, "CR", "", "DANA", "SAME", "X", None)
    start, outcomes = threading.Barrier(2), queue.Queue[str]()

    def claim(journal: PostgresJournal, sale: int) -> None:
        start.wait()
        try:
            journal.settle(sale, money, START)
            outcomes.put("settled")
        except AlreadyClaimedError:
            outcomes.put("refused")

    threads = [threading.Thread(target=claim, args=pair) for pair in ((first, a), (second, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert sorted(outcomes.get_nowait() for _ in threads) == ["refused", "settled"]


def test_a_shared_journal_belongs_to_one_merchant_account(pg_dsn: str) -> None:
    PostgresJournal(pg_dsn, merchant="1234567").close()
    with pytest.raises(JournalOfAnotherShopError) as refused:
        PostgresJournal(pg_dsn, merchant="7654321")
    assert "OK1234567" in refused.value.user_message and "OK7654321" in refused.value.user_message


def test_a_journal_from_a_newer_app_is_refused(pg_dsn: str) -> None:
    PostgresJournal(pg_dsn).close()
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute("UPDATE kasir_meta SET value = %s WHERE key = 'schema_version'", (str(len(MIGRATIONS) + 1),))
    with pytest.raises(JournalTooNewError):
        PostgresJournal(pg_dsn)


def test_where_names_the_server_and_database_never_a_password() -> None:
    assert describe("postgresql://kasir:rahasia@10.0.0.5:5433/toko") == "10.0.0.5:5433/toko"


# ---- one poller ----------------------------------------------------------------------------------


def test_one_till_holds_the_poller_lock_and_the_others_name_it(tills: Callable[[str], PostgresJournal]) -> None:
    first, second = tills("Kasir 1").poller_lock(), tills("Kasir 2").poller_lock()
    try:
        assert first.try_hold() and not second.try_hold()
        assert second.holder() == "Kasir 1" and first.holder() == "Kasir 1"
        assert first.try_hold()  # still its own while its session lives
    finally:
        first.close()
    try:
        assert second.try_hold() and second.holder() == "Kasir 2"
    finally:
        second.close()


def test_a_poller_whose_session_died_loses_the_lock_to_another(
    tills: Callable[[str], PostgresJournal], pg_dsn: str
) -> None:
    first, second = tills("Kasir 1").poller_lock(), tills("Kasir 2").poller_lock()
    try:
        assert first.try_hold()
        kill_sessions(pg_dsn, "kasir-qris:Kasir 1")  # the till vanished (power cut, cable)
        assert second.try_hold()
        assert not first.try_hold() and first.holder() == "Kasir 2"
    finally:
        first.close()
        second.close()


# ---- the news ----------------------------------------------------------------------------------------


def test_the_other_tills_hear_each_change_as_ids_only(tills: Callable[[str], PostgresJournal], pg_dsn: str) -> None:
    writer, listening = tills("Kasir 1"), tills("Kasir 2")
    heard: queue.Queue[str] = queue.Queue()
    listener = listening.listener()
    listener.start(heard.put)
    try:
        wait_listening(pg_dsn, "kasir-qris:Kasir 2")
        sale = writer.begin_sale(1_000, CODES, START, START + timedelta(minutes=10))
        assert heard.get(timeout=10) == f"sale:{sale.id}"
        writer.record_payments([MutasiEntry(START, 777, "CR", "", "OVO", "R9", "X", None)])
        assert heard.get(timeout=10) == "payments"
    finally:
        listener.stop()


def test_a_listener_that_lost_the_server_says_so_and_says_when_it_is_back(
    tills: Callable[[str], PostgresJournal], pg_dsn: str
) -> None:
    listening = tills("Kasir 2")
    heard: queue.Queue[str] = queue.Queue()
    listener = listening.listener()
    listener.start(heard.put)
    try:
        wait_listening(pg_dsn, "kasir-qris:Kasir 2")
        kill_sessions(pg_dsn, "kasir-qris:Kasir 2")
        assert heard.get(timeout=10) == "lost"
        assert heard.get(timeout=10) == "back"
    finally:
        listener.stop()


# ---- the server going away ------------------------------------------------------------------------


def test_a_lost_connection_refuses_at_once_until_a_probe_reaches_the_server(
    tills: Callable[[str], PostgresJournal], pg_dsn: str
) -> None:
    journal = tills("Kasir 1")
    sale = journal.begin_sale(25_000, CODES, START, START + timedelta(minutes=10)).id
    kill_sessions(pg_dsn, "kasir-qris:Kasir 1")
    with pytest.raises(JournalUnreachableError):
        journal.get(sale)
    assert not journal.reachable
    started = time.monotonic()
    with pytest.raises(JournalUnreachableError):  # no network wait on the GUI thread meanwhile
        journal.get(sale)
    assert time.monotonic() - started < 0.05
    assert journal.probe() and journal.reachable
    assert journal.get(sale).state is SaleState.GENERATING  # nothing was lost


def test_a_server_that_is_not_there_costs_one_bounded_wait_then_nothing() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    started = time.monotonic()
    journal = PostgresJournal(f"postgresql://kasir@127.0.0.1:{port}/toko")
    assert time.monotonic() - started < 5 and not journal.reachable
    with pytest.raises(JournalUnreachableError) as refused:
        journal.open_sales()
    assert "tidak dapat dihubungi" in refused.value.user_message
    assert not journal.probe()


def test_the_app_never_connects_on_the_gui_thread_a_probe_does(pg_dsn: str) -> None:
    journal = PostgresJournal(pg_dsn, connect_now=False)
    try:
        assert not journal.reachable
        with pytest.raises(JournalUnreachableError):
            journal.open_sales()
        assert journal.probe() and journal.open_sales() == []
    finally:
        journal.close()


def test_the_migrations_run_once_whichever_tills_start_together(pg_dsn: str) -> None:
    start, opened = threading.Barrier(4), queue.Queue[PostgresJournal]()

    def open_one() -> None:
        start.wait()
        opened.put(PostgresJournal(pg_dsn, merchant="1234567"))

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    journals = [opened.get_nowait() for _ in threads]
    assert [j.schema_version for j in journals] == [len(MIGRATIONS)] * 4
    for journal in journals:
        journal.close()


def test_the_password_is_asked_for_when_connecting_never_kept_in_the_address(pg_dsn: str) -> None:
    asked: list[str] = []

    def from_keyring() -> str | None:
        asked.append("asked")
        return "unused-with-trust"

    journal = PostgresJournal(pg_dsn, from_keyring, counter="Kasir 1")
    try:
        assert asked == ["asked"] and "unused" not in journal.where
        reader = journal.reader()()  # a worker's own connection asks again
        assert asked == ["asked", "asked"] and reader.row_counts() == (0, 0)
        reader.close()
        assert journal.upkeep(START.date(), backup=True).startswith("shared journal")
    finally:
        journal.close()


def test_an_address_that_cannot_be_read_is_described_without_failing() -> None:
    assert describe("postgresql://[bad") == "(alamat jurnal tidak terbaca)"


def test_a_probe_that_finds_another_accounts_journal_says_so(pg_dsn: str) -> None:
    PostgresJournal(pg_dsn, merchant="1234567").close()
    other = PostgresJournal(pg_dsn, merchant="7654321", connect_now=False)
    with pytest.raises(JournalOfAnotherShopError):
        other.probe()
    assert not other.reachable


def test_a_probe_leaves_a_connection_in_use_alone_and_the_listeners_word_refuses_at_once(
    tills: Callable[[str], PostgresJournal], pg_dsn: str
) -> None:
    journal = tills("Kasir 1")
    kill_sessions(pg_dsn, "kasir-qris:Kasir 1")
    assert journal.probe()  # no query on a connection the GUI thread may be inside a transaction on
    journal.mark_down()  # the listener lost the server
    started = time.monotonic()
    with pytest.raises(JournalUnreachableError):
        journal.open_sales()
    assert time.monotonic() - started < 0.05
    assert journal.probe() and journal.open_sales() == []


def test_a_second_till_running_under_a_name_already_in_use_is_told_so(pg_dsn: str) -> None:
    with psycopg.connect(pg_dsn, application_name="kasir-qris:Kasir 1#0f0f0f"):  # the first, on another PC
        second = PostgresJournal(pg_dsn, counter="Kasir 1").poller_lock()
        other_name = PostgresJournal(pg_dsn, counter="Kasir 2").poller_lock()
        try:
            assert second.namesake_running() and not other_name.namesake_running()
        finally:
            second.close()
            other_name.close()
    first = PostgresJournal(pg_dsn, counter="Kasir 1").poller_lock()
    try:
        assert not first.namesake_running()  # its session opened now: it must be the earlier one
        with psycopg.connect(pg_dsn, application_name="kasir-qris:Kasir 1#0e0e0e"):  # started after it
            assert not first.namesake_running()
    finally:
        first.close()


def test_asking_who_polls_over_a_dead_session_is_no_answer_not_an_error(
    tills: Callable[[str], PostgresJournal], pg_dsn: str
) -> None:
    lock = tills("Kasir 1").poller_lock()
    try:
        assert lock.try_hold()
        kill_sessions(pg_dsn, "kasir-qris:Kasir 1")
        assert lock.holder() == "" and not lock.held
    finally:
        lock.close()


def test_a_password_the_server_refuses_is_said_as_such_not_as_an_outage(
    postgres_server: PostgresServer, pg_dsn: str
) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {PASSWORD_ROLE}")
        admin.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD 'rahasia' SUPERUSER")
    dsn = pg_dsn.replace("postgres@", f"{PASSWORD_ROLE}@")
    for wrong in (None, "salah"):
        with pytest.raises(JournalLoginError) as refused:
            PostgresJournal(dsn, wrong)
        assert "kata sandi" in refused.value.user_message
    waiting = PostgresJournal(dsn, lambda: None, connect_now=False)
    with pytest.raises(JournalLoginError):
        waiting.probe()  # the banner says what to do, and no reconnecting meanwhile
    with pytest.raises(JournalUnreachableError):
        waiting.open_sales()
    journal = PostgresJournal(dsn, "rahasia")
    assert journal.reachable
    journal.close()


def test_a_statement_the_server_refuses_is_a_refusal_not_an_outage(tills: Callable[[str], PostgresJournal]) -> None:
    journal = tills("Kasir 1")
    with pytest.raises(JournalError) as refused:
        journal._run("SELECT * FROM no_such_table")
    assert not isinstance(refused.value, JournalUnreachableError) and journal.reachable


def test_a_connection_lost_while_the_journal_is_set_up_is_an_outage(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dropped(*_args: object) -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(PostgresJournal, "_migrate", dropped)
    journal = PostgresJournal(pg_dsn, connect_now=False)
    assert not journal.probe() and not journal.reachable


def test_asking_for_a_namesake_over_a_dead_session_is_no_answer(
    tills: Callable[[str], PostgresJournal], pg_dsn: str
) -> None:
    lock = tills("Kasir 1").poller_lock()
    try:
        assert not lock.namesake_running()
        kill_sessions(pg_dsn, "kasir-qris:Kasir 1")
        assert not lock.namesake_running() and not lock.held
    finally:
        lock.close()


def test_a_listener_never_started_stops_at_once(tills: Callable[[str], PostgresJournal]) -> None:
    listener = tills("Kasir 1").listener()
    started = time.monotonic()
    listener.stop()
    assert time.monotonic() - started < 0.1
