"""kasir.orkut.client against kasir.simulator over real HTTP on loopback."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

import httpx
import pytest

from kasir import qris, wib
from kasir.errors import (
    ApiError,
    ApiTimeoutError,
    BadResponseError,
    ConfigError,
    NetworkError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SessionExpiredError,
    UnauthorizedError,
)
from kasir.orkut.client import OrkutClient, check_base_url
from kasir.orkut.types import MerchantCode, Session
from kasir.simulator import DEMO_API_KEY, OrkutSimulator

FAULT_ERRORS: list[tuple[str, type[ApiError]]] = [
    ("http500", ServerError),
    ("http401", UnauthorizedError),
    ("http429", RateLimitedError),
    ("http469", RateLimitedError),
    ("rate_message", RateLimitedError),
    ("html", BadResponseError),
    ("malformed", BadResponseError),
    ("empty", BadResponseError),
    ("wrong_shape", BadResponseError),
    ("hang", ApiTimeoutError),
    ("drop", NetworkError),
    ("session_expired", SessionExpiredError),
]


def test_login_in_two_steps_returns_a_token_and_the_account_id(client: OrkutClient, sim: OrkutSimulator) -> None:
    challenge = client.request_otp(sim.username, sim.password)
    assert challenge.channel == "email" and challenge.destination
    login = client.verify_otp(sim.username, sim.otp)
    assert login.token.startswith(f"{sim.account_id}:")
    assert login.account_id == sim.account_id


def test_wrong_password_and_wrong_otp_are_rejected_with_the_server_message(
    client: OrkutClient, sim: OrkutSimulator
) -> None:
    with pytest.raises(RejectedError, match="password salah"):
        client.request_otp(sim.username, "nope")
    with pytest.raises(RejectedError, match="OTP salah"):
        client.verify_otp(sim.username, "000000")


@pytest.mark.parametrize(
    "answer",
    [
        {"success": True, "results": {"token": "77:abc"}},
        {"success": True, "token": "77:abc"},
        {"success": True, "data": {"token": "77:abc"}},
    ],
)
def test_token_is_found_wherever_the_login_answer_puts_it(answer: dict[str, object]) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=answer))
    with OrkutClient("https://example.test", "k" * 8, transport=transport) as c:
        login = c.verify_otp("u", "1")
    assert login.token == "77:abc" and login.account_id == "77"


def test_generate_returns_a_dynamic_qr_for_the_nominal(client: OrkutClient, session: Session) -> None:
    generated = client.generate(session, 25_137)
    payload = qris.parse(generated.qr_string)
    assert generated.nominal == 25_137
    assert payload.is_dynamic and payload.amount == "25137"


def test_unpaid_status_is_an_empty_list_not_an_error(client: OrkutClient, session: Session) -> None:
    assert client.payment_status(session, 25_137) == []


def test_status_returns_every_entry_of_that_amount_including_old_ones(
    client: OrkutClient, session: Session, sim: OrkutSimulator
) -> None:
    sim.pay(25_137, at=wib.now() - timedelta(days=1))
    sim.pay(25_137, brand="OVO")
    entries = client.payment_status(session, 25_137)
    assert len(entries) == 2
    assert all(e.date.tzinfo is not None for e in entries)
    assert {e.brand_name for e in entries} == {"DANA", "OVO"}


def test_mutasi_lists_today_only_with_withdrawals_as_money_out(
    client: OrkutClient, session: Session, sim: OrkutSimulator
) -> None:
    sim.pay(10_001, at=wib.now() - timedelta(days=1))
    sim.pay(20_002)
    sim.withdraw(5_000)
    entries = client.mutasi(session)
    assert sorted(e.amount for e in entries) == [5_000, 20_002]
    assert [e.is_incoming for e in sorted(entries, key=lambda e: e.amount)] == [False, True]


def test_empty_mutasi_is_an_empty_list(client: OrkutClient, session: Session) -> None:
    assert client.mutasi(session) == []


def test_account_summary_reads_dotted_amounts_and_short_dates(
    client: OrkutClient, session: Session, sim: OrkutSimulator
) -> None:
    sim.pay(77_777, at=datetime(2026, 11, 24, 18, 2, 6, tzinfo=wib.WIB))
    sim.withdraw(7_777, at=datetime(2026, 11, 24, 19, 0, tzinfo=wib.WIB))
    summary = client.account_summary(session)
    incoming = [h for h in summary.history if h.is_incoming]
    assert [h.amount for h in incoming] == [77_777]
    assert incoming[0].date == datetime(2026, 11, 24, 18, 2, tzinfo=wib.WIB)
    assert incoming[0].precision == timedelta(minutes=1)  # "18:02" can be any moment of that minute
    withdrawal = next(h for h in summary.history if not h.is_incoming)
    assert withdrawal.amount == 7_777  # in kredit, yet money out
    assert summary.account is not None and summary.account.qris_name == sim.shop_name
    assert summary.account.qris_balance == 70_000


def test_merchant_code_is_sent_with_ok_to_kasir_and_without_to_mutasi(sim: OrkutSimulator) -> None:
    for typed in ("OK1234567", "1234567", " ok1234567 "):
        code = MerchantCode.parse(typed)
        assert code.with_ok == "OK1234567" and code.account_id == "1234567"
    with pytest.raises(ConfigError):
        MerchantCode.parse("OKabc")


@pytest.mark.parametrize(("fault", "error"), FAULT_ERRORS)
def test_each_server_fault_becomes_its_typed_error(
    client: OrkutClient, session: Session, sim: OrkutSimulator, fault: str, error: type[ApiError]
) -> None:
    sim.inject(fault)
    with pytest.raises(error) as caught:
        client.payment_status(session, 1_000)
    message = caught.value.user_message
    assert message and session.token not in message and DEMO_API_KEY not in message
    assert client.payment_status(session, 1_000) == []  # and the next call works again


def test_generate_failure_message_reaches_the_cashier(
    client: OrkutClient, session: Session, sim: OrkutSimulator
) -> None:
    sim.inject("gen_error")
    with pytest.raises(RejectedError, match="Gagal generate QRIS"):
        client.generate(session, 1_000)


def test_rate_limit_carries_a_cool_down(client: OrkutClient, session: Session, sim: OrkutSimulator) -> None:
    sim.inject("http469")
    with pytest.raises(RateLimitedError) as caught:
        client.mutasi(session)
    assert caught.value.cooldown_s == 300


def test_an_expired_token_asks_for_a_new_login(client: OrkutClient, session: Session, sim: OrkutSimulator) -> None:
    sim.expire_sessions()
    with pytest.raises(SessionExpiredError):
        client.mutasi(session)


def test_a_wrong_api_key_is_unauthorized(sim: OrkutSimulator, session: Session) -> None:
    with OrkutClient(sim.url, "wrong-key") as c, pytest.raises(UnauthorizedError):
        c.mutasi(session)


def test_a_dead_server_is_a_network_error() -> None:
    with OrkutSimulator() as server:
        url = server.url
    with OrkutClient(url, "k" * 8, connect_timeout=0.5) as c, pytest.raises(NetworkError):
        c.request_otp("u", "p")


def test_a_hang_is_cut_by_the_read_timeout(sim: OrkutSimulator, session: Session) -> None:
    sim.inject("hang")
    with OrkutClient(sim.url, DEMO_API_KEY, read_timeout=0.3) as c:
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            c.mutasi(session)
    assert time.monotonic() - started < 5


def test_a_row_with_an_unreadable_date_is_kept_and_marked_not_dropped() -> None:
    rows = [
        {"date": "2026-11-24 10:00:00", "amount": "1.000", "type": "CR", "issuer_reff": "A"},
        {"date": "kemarin", "amount": "1000", "type": "CR", "issuer_reff": "B"},
    ]
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"status": "success", "data": rows}))
    with OrkutClient("https://example.test", "k" * 8, transport=transport) as c:
        entries = c.mutasi(Session("u", "t" * 8, MerchantCode("1")))
    assert [(e.amount, e.issuer_reff, e.problem_text) for e in entries] == [
        (1000, "A", ""),
        (1000, "B", "tanggal tidak terbaca"),
    ]


def test_a_row_that_is_not_an_object_makes_the_answer_unreadable_not_empty() -> None:
    rows = [{"date": "2026-11-24 10:00:00", "amount": "1000", "type": "CR", "issuer_reff": "A"}, "not an object"]
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json={"status": "success", "data": rows}))
    with OrkutClient("https://example.test", "k" * 8, transport=transport) as c, pytest.raises(BadResponseError):
        c.mutasi(Session("u", "t" * 8, MerchantCode("1")))


def test_secrets_never_appear_in_reprs_logs_or_errors(
    sim: OrkutSimulator, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with OrkutClient(sim.url, DEMO_API_KEY, read_timeout=0.3) as c:
        errors: list[ApiError] = []
        for fault in [f for f, _ in FAULT_ERRORS]:
            sim.inject(fault)
            try:
                c.mutasi(session)
            except ApiError as exc:
                errors.append(exc)
        texts = [repr(c), repr(session), caplog.text] + [f"{e!r} {e} {e.user_message}" for e in errors]
    for text in texts:
        assert DEMO_API_KEY not in text and session.token not in text


def test_a_server_message_echoing_the_token_is_scrubbed(session: Session) -> None:
    answer = {"success": False, "message": f"token {session.token} kadaluarsa"}
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=answer))
    with (
        OrkutClient("https://example.test", "k" * 8, transport=transport) as c,
        pytest.raises(SessionExpiredError) as caught,
    ):
        c.mutasi(session)
    assert session.token not in caught.value.user_message and "***" in caught.value.user_message


@pytest.mark.parametrize("url", ["http://orkut.hidepulsa.com", "ftp://x", "http://10.0.0.5:80", "nonsense"])
def test_plain_http_is_refused_except_on_loopback(url: str) -> None:
    with pytest.raises(ConfigError):
        check_base_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8787/", "http://localhost:1", "http://[::1]:9", "https://a.b"])
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    assert not check_base_url(url).endswith("/")
