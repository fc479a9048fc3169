"""Every answer shape the real service has been seen to give, read right or refused loudly.

Fixtures are named after where the shape was seen: the seed document, the proxy's own document
of August 2025 (``/kasir/*`` gone), the operator's gateway code of January 2026
(``/orkut/pg-hidepulsa``), and other public clients of the same upstream (CONTRACT.md,
"The service as it stands today"). None may read as "not paid" or as an empty list by accident.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from kasir import wib
from kasir.errors import BadResponseError, EndpointMissingError, RejectedError, SessionExpiredError
from kasir.matching import SaleTerms, find_settlement
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import MerchantCode, MutasiEntry, PaymentProblem, Session
from kasir.simulator import DEMO_API_KEY, OrkutSimulator

SESSION = Session("demo", "1234567:" + "a" * 32, MerchantCode("1234567"))
QR_AT = datetime(2026, 11, 25, 18, 2, 30, tzinfo=wib.WIB)


def answering(answer: Any, status: int = 200) -> OrkutClient:
    """A client whose server always gives ``answer`` (JSON, or raw bytes)."""

    def respond(_request: httpx.Request) -> httpx.Response:
        if isinstance(answer, bytes):
            return httpx.Response(status, content=answer, headers={"Content-Type": "text/html"})
        return httpx.Response(status, json=answer)

    return OrkutClient("https://example.test", "k" * 8, transport=httpx.MockTransport(respond))


def history_row(**changes: Any) -> dict[str, Any]:
    row = {
        "id": 160000042,
        "debet": "0",
        "kredit": "25.001",
        "saldo_akhir": "77.777",
        "keterangan": "NOBU / BUDI S*******",
        "tanggal": "25/11/2026 18:02",
        "status": "IN",
        "fee": "",
        "brand": {"name": "DANA", "logo": ""},
    }
    return {**row, **changes}


# ---- history rows (/mutasi and the gateway both answer qris_history.results) ---------------

SEED_MUTASI_ANSWER = {  # the seed document's /mutasi example
    "success": True,
    "qris_history": {"success": True, "total": 1, "page": 1, "pages": 1, "results": [history_row()]},
    "account": {"success": True, "results": {"id": 1234567, "qris_name": "TOKO", "qris": "https://x/q.png"}},
}
GATEWAY_MUTASI_ANSWER = {  # the operator's pg-hidepulsa code, action mutasi_orkut
    "status": "success",
    "data": {"qris_history": {"success": True, "results": [history_row()]}},
}


def test_a_history_row_with_status_in_is_money_in_keyed_by_its_id() -> None:
    with answering(SEED_MUTASI_ANSWER) as client:
        [entry] = client.history(SESSION)
    assert entry.is_incoming and entry.amount == 25_001 and entry.brand_name == "DANA"
    assert entry.key == "h:160000042"


def test_history_ids_and_issuer_references_never_share_a_key() -> None:
    by_history = MutasiEntry(QR_AT, 1, "CR", "", "", "", "", None, history_id="42")
    by_reff = MutasiEntry(QR_AT, 1, "CR", "", "", "42", "", None)
    tricky = MutasiEntry(QR_AT, 1, "CR", "", "", "h:42", "", None)
    assert len({by_history.key, by_reff.key, tricky.key}) == 3


def test_the_gateway_history_answer_reads_like_the_account_history() -> None:
    with answering(GATEWAY_MUTASI_ANSWER) as client:
        [entry] = client.gateway_history(SESSION)
    assert entry.key == "h:160000042" and entry.amount == 25_001


@pytest.mark.parametrize("description", ["Pencairan Saldo QRIS", "Tarik saldo ke rekening", "PENCAIRAN"])
def test_a_withdrawal_is_never_income_even_marked_in_with_its_amount_in_kredit(description: str) -> None:
    answer = {"success": True, "qris_history": {"results": [history_row(keterangan=description)]}}
    with answering(answer) as client:
        [entry] = client.history(SESSION)
    assert not entry.is_incoming
    assert find_settlement([entry], SaleTerms(25_001, QR_AT)) is None


def test_an_out_row_of_the_same_amount_never_settles() -> None:
    answer = {"success": True, "qris_history": {"results": [history_row(status="OUT")]}}
    with answering(answer) as client:
        [entry] = client.history(SESSION)
    assert find_settlement([entry], SaleTerms(25_001, QR_AT)) is None


@pytest.mark.parametrize(
    ("kredit", "amount"),
    [("25.001", 25_001), ("25001", 25_001), (25001, 25_001), ("1.001", 1_001)],
)
def test_kredit_is_read_as_digits_dots_or_an_integer(kredit: object, amount: int) -> None:
    answer = {"success": True, "qris_history": {"results": [history_row(kredit=kredit)]}}
    with answering(answer) as client:
        [entry] = client.history(SESSION)
    assert entry.amount == amount and not entry.problems


@pytest.mark.parametrize("saldo", ["-", "1.893.938,00", "", None, "n/a"])
def test_an_unreadable_side_field_is_unknown_never_a_dropped_payment(saldo: object) -> None:
    answer = {"success": True, "qris_history": {"results": [history_row(saldo_akhir=saldo)]}}
    with answering(answer) as client:
        [entry] = client.history(SESSION)
    assert entry.amount == 25_001 and entry.is_incoming and not entry.problems
    assert entry.balance in (None, 1_893_938)


def test_a_minute_stamp_can_be_any_moment_of_that_minute() -> None:
    # Paid 18:02:45 and stamped "18:02" by the history; the QR was shown at 18:02:30.
    with answering(SEED_MUTASI_ANSWER) as client:
        [entry] = client.history(SESSION)
    assert entry.date == datetime(2026, 11, 25, 18, 2, tzinfo=wib.WIB)
    assert entry.latest > QR_AT
    # A QR shown at 18:07:50 accepts money from 18:02:50 on (five minutes' leeway): "18:02"
    # may be 18:02:59, so it counts, although 18:02:00 itself would be too early.
    assert find_settlement([entry], SaleTerms(25_001, QR_AT + timedelta(minutes=5, seconds=20))) is entry


def test_a_row_dated_before_the_qr_less_five_minutes_never_settles() -> None:
    with answering(SEED_MUTASI_ANSWER) as client:
        [entry] = client.history(SESSION)
    assert find_settlement([entry], SaleTerms(25_001, QR_AT + timedelta(minutes=6))) is None


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("2026-11-25 18:02:06", datetime(2026, 11, 25, 18, 2, 6, tzinfo=wib.WIB), wib.SECOND),
        ("2026-11-25 18:02", datetime(2026, 11, 25, 18, 2, tzinfo=wib.WIB), wib.MINUTE),
        ("25/11/2026 18:02:06", datetime(2026, 11, 25, 18, 2, 6, tzinfo=wib.WIB), wib.SECOND),
        ("25/11/2026 18:02", datetime(2026, 11, 25, 18, 2, tzinfo=wib.WIB), wib.MINUTE),
        ("25-11-2026 18:02:06", datetime(2026, 11, 25, 18, 2, 6, tzinfo=wib.WIB), wib.SECOND),
        ("25-11-2026 18:02", datetime(2026, 11, 25, 18, 2, tzinfo=wib.WIB), wib.MINUTE),
        ("2026-11-25T18:02:06+07:00", datetime(2026, 11, 25, 18, 2, 6, tzinfo=wib.WIB), wib.SECOND),
        ("2026-11-25T11:02:06Z", datetime(2026, 11, 25, 18, 2, 6, tzinfo=wib.WIB), wib.SECOND),
    ],
)
def test_every_date_format_seen_is_read_with_its_precision(text: str, expected: datetime, precision: timedelta) -> None:
    stamp = wib.parse_stamp(text)
    assert stamp.at == expected and stamp.precision == precision


def test_a_row_whose_date_cannot_be_read_is_kept_marked_and_never_settles() -> None:
    answer = {"success": True, "qris_history": {"results": [history_row(tanggal="kemarin sore")]}}
    with answering(answer) as client:
        [entry] = client.history(SESSION)
    assert entry.problems == {PaymentProblem.DATE} and entry.amount == 25_001
    assert find_settlement([entry], SaleTerms(25_001, QR_AT)) is None


# ---- envelopes and "nothing yet" -----------------------------------------------------------


def test_an_empty_history_is_an_empty_list() -> None:
    with answering({"success": True, "qris_history": {"success": True, "results": []}}) as client:
        assert client.history(SESSION) == []


@pytest.mark.parametrize(
    "answer",
    [
        {"success": True},  # no history at all
        {"success": True, "qris_history": {"results": "none"}},
        {"status": "success", "data": {"something": "else"}},
        {"rows": [history_row()]},
    ],
)
def test_a_history_answer_of_unknown_shape_is_an_error_not_an_empty_list(answer: dict[str, Any]) -> None:
    with answering(answer) as client, pytest.raises(BadResponseError):
        client.history(SESSION)


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "success", "message": "no data"},  # the seed's "not paid yet"
        {"status": "success", "message": None, "data": None},  # the seed's empty mutasi
        {"status": True, "message": "no data"},  # "status": true, seen in public clients
        {"status": "success", "data": {"status": "success", "message": "no data"}},  # wrapped one deeper
    ],
)
def test_the_seed_routes_say_not_paid_yet_in_these_shapes_only(answer: dict[str, Any]) -> None:
    with answering(answer) as client:
        assert client.payment_status(SESSION, 25_001) == []


@pytest.mark.parametrize(
    "answer",
    [
        {"status": "success"},  # neither data nor "no data"
        {"status": "success", "data": "paid"},
        {"status": "success", "items": []},
        {"hello": "world"},
    ],
)
def test_a_seed_answer_of_unknown_shape_is_an_error_not_an_empty_list(answer: dict[str, Any]) -> None:
    with answering(answer) as client, pytest.raises(BadResponseError):
        client.payment_status(SESSION, 25_001)


def test_a_seed_answer_wrapped_in_data_is_unwrapped() -> None:
    row = {"date": "2026-11-25 18:03:00", "amount": 25001, "type": "CR", "issuer_reff": "77", "balance": "-"}
    answer = {"status": "success", "data": {"status": "success", "data": [row]}}
    with answering(answer) as client:
        [entry] = client.payment_status(SESSION, 25_001)
    assert entry.amount == 25_001 and entry.balance is None and entry.key == "77"


@pytest.mark.parametrize("body", [NOT_FOUND := b"<html><title>404 Not Found</title></html>", b""])
def test_a_route_answering_404_html_is_not_served(body: bytes) -> None:
    with answering(body, status=404) as client, pytest.raises(EndpointMissingError) as caught:
        client.payment_status(SESSION, 25_001)
    assert "tidak tersedia" in caught.value.user_message


def test_a_route_answering_405_json_is_not_served() -> None:
    answer = {"success": False, "message": "Method Not Allowed"}
    with answering(answer, status=405) as client, pytest.raises(EndpointMissingError):
        client.generate(SESSION, 25_001)


def test_a_gateway_that_does_not_know_the_action_does_not_serve_it() -> None:
    answer = {"status": "error", "message": "Action tidak dikenal"}
    with answering(answer) as client, pytest.raises(EndpointMissingError):
        client.gateway_history(SESSION)


def test_a_failure_that_merely_mentions_token_is_not_a_session_expiry() -> None:
    answer = {"success": False, "message": "Gagal: token QR belum siap"}
    with answering(answer) as client, pytest.raises(RejectedError) as caught:
        client.payment_status(SESSION, 25_001)
    assert not isinstance(caught.value, SessionExpiredError)


@pytest.mark.parametrize(
    "message", ["Token tidak valid atau sudah kadaluarsa", "Sesi habis, silakan login ulang", "Token expired"]
)
def test_a_refused_session_is_a_session_expiry(message: str) -> None:
    with answering({"success": False, "message": message}) as client, pytest.raises(SessionExpiredError):
        client.payment_status(SESSION, 25_001)


# ---- login shapes ----------------------------------------------------------------------------


def test_a_token_straight_from_minta_otp_logs_in_without_an_otp() -> None:
    answer = {"success": True, "results": {"token": "1234567:" + "b" * 32, "name": "TOKO"}}
    with answering(answer) as client:
        challenge = client.request_otp("demo", "secret")
    assert challenge.login is not None and challenge.login.account_id == "1234567"


def test_an_otp_sent_by_sms_says_so() -> None:
    answer = {"success": True, "results": {"otp": "sms", "otp_value": "0812****7890"}}
    with answering(answer) as client:
        challenge = client.request_otp("demo", "secret")
    assert challenge.channel == "sms" and challenge.login is None


# ---- the simulator plays each shape over real HTTP ------------------------------------------


@pytest.mark.parametrize(
    "shape",
    ["balance_dash", "saldo_comma", "amount_int", "amount_dots", "date_minute", "date_dmy_dash", "date_iso"],
)
def test_each_simulated_shape_still_reads_as_the_payment(shape: str) -> None:
    with OrkutSimulator(shapes=(shape,)) as sim, OrkutClient(sim.url, DEMO_API_KEY) as client:
        session = Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))
        sim.pay(25_001)
        seed = client.payment_status(session, 25_001)
        history = client.history(session)
    for entries in (seed, history):
        [entry] = entries
        assert entry.amount == 25_001 and entry.is_incoming and not entry.problems


def test_the_today_profile_serves_the_history_but_not_the_seed_routes() -> None:
    with OrkutSimulator(profile="today") as sim, OrkutClient(sim.url, DEMO_API_KEY) as client:
        session = Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))
        sim.pay(25_001)
        with pytest.raises(EndpointMissingError):
            client.generate(session, 25_001)
        with pytest.raises(EndpointMissingError):
            client.gateway_history(session)
        assert [e.amount for e in client.history(session)] == [25_001]


def test_the_gateway_profile_makes_a_dynamic_qr_from_the_static_one_and_lists_payments() -> None:
    with OrkutSimulator(profile="gateway") as sim, OrkutClient(sim.url, DEMO_API_KEY) as client:
        session = Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))
        qr = client.gateway_generate(25_001, sim.base_qr)
        sim.pay(25_001)
        with pytest.raises(EndpointMissingError):
            client.history(session)
        payments = client.gateway_history(session)
    assert "540525001" in qr.qr_string
    assert [e.amount for e in payments] == [25_001]


def test_the_server_clock_offset_is_measured_from_the_date_header() -> None:
    clock = wib.ServerClock()
    with OrkutSimulator() as sim, OrkutClient(sim.url, DEMO_API_KEY, server_clock=clock) as client:
        sim.skew_s = -600.0  # the server is ten minutes behind this PC
        client.request_otp(sim.username, sim.password)
    assert abs(clock.offset.total_seconds() + 600) < 2
