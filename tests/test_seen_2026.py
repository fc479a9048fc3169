"""The service as its upstream was seen answering in 2026 (CONTRACT.md, "Seen in 2026"), over real
HTTP through the simulator's ``--shape`` switches and the real client and sources.

Each shape either settles the sale it pays or is an error the cashier can read; none reads as
"not paid" or as an empty list by accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from kasir import sources, wib
from kasir.errors import ApiError, NetworkRefusedError, RateLimitedError, ServerError, UpstreamOutdatedError
from kasir.matching import SaleTerms, find_settlement
from kasir.orkut import client as client_module
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import MerchantCode, MutasiEntry, Session
from kasir.simulator import DEMO_API_KEY, SHAPES, OrkutSimulator, SimPayment
from kasir.source_status import source_text
from kasir.sources import GatewayState, Source

PAYMENT_ROUTES = {"seed": (Source.SEED, Source.HISTORY), "today": (Source.HISTORY,), "gateway": (Source.GATEWAY,)}
PANEL_ROUTES = {"seed": (Source.SEED, Source.HISTORY), "today": (Source.HISTORY,), "gateway": (Source.GATEWAY,)}


@contextmanager
def serving(profile: str, *shapes: str) -> Iterator[tuple[OrkutSimulator, OrkutClient, Session]]:
    with OrkutSimulator(profile=profile, shapes=shapes) as sim, OrkutClient(sim.url, DEMO_API_KEY) as client:
        yield sim, client, Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))


def settled_on_each_route(
    client: OrkutClient, session: Session, profile: str, payment: SimPayment
) -> dict[Source, MutasiEntry | None]:
    terms = SaleTerms(payment.amount, payment.date)
    return {
        source: find_settlement(sources.payments_for(client, session, source, [payment.amount]), terms)
        for source in PAYMENT_ROUTES[profile]
    }


def history_of(client: OrkutClient, session: Session, profile: str) -> list[MutasiEntry]:
    return client.gateway_history(session) if profile == "gateway" else client.history(session)


# ---- every list shape settles the sale it pays -------------------------------------------------

LIST_SHAPES = [
    ("seed", "status_true"),
    ("seed", "reff_history_id"),
    ("seed", "reff_id_prefix"),
    ("seed", "date_dmy_zero"),
    ("seed", "date_dmy_minute"),
    ("seed", "qris_brand"),
    ("seed", "data_null"),
    ("seed", "amount_int"),
    ("seed", "ajaib_beside"),
    ("today", "ajaib_only"),
    ("gateway", "ajaib_only"),
    ("gateway", "ajaib_beside"),
    ("seed", "key_aliases"),
    ("gateway", "key_aliases"),
    ("seed", "rrn_in_note"),
    ("today", "balance_text"),
    ("today", "account_flat"),
    ("today", "account_under_balance"),
    ("today", "account_under_main_balance"),
    ("gateway", "data_null"),
]


@pytest.mark.parametrize(("profile", "shape"), LIST_SHAPES)
def test_each_2026_shape_settles_the_sale_it_pays_on_every_route(profile: str, shape: str) -> None:
    with serving(profile, shape) as (sim, client, session):
        payment = sim.pay(25_001)
        settled = settled_on_each_route(client, session, profile, payment)
    assert all(entry is not None and entry.amount == 25_001 for entry in settled.values()), settled


@pytest.mark.parametrize(("profile", "shape"), LIST_SHAPES)
def test_each_2026_shape_lists_the_payment_in_the_panel(profile: str, shape: str) -> None:
    with serving(profile, shape) as (sim, client, session):
        sim.pay(25_001)
        listed = {source: sources.panel_from(client, session, source) for source in PANEL_ROUTES[profile]}
    for entries in listed.values():
        [entry] = entries
        assert entry.amount == 25_001 and entry.is_incoming and not entry.problems


def test_every_2026_shape_is_a_switch_of_the_simulator() -> None:
    named = {shape for _profile, shape in LIST_SHAPES}
    named |= {"rate_429", "rate_nested", "net_refused", "version_gate", "gateway_offline"}
    assert named <= set(SHAPES)


# ---- the /kasir list shape in detail ---------------------------------------------------------


def test_an_issuer_reff_that_is_id_and_the_history_id_is_the_same_payment_as_its_history_row() -> None:
    with serving("seed", "reff_id_prefix") as (sim, client, session):
        payment = sim.pay(25_001)
        [seen] = client.payment_status(session, 25_001)
        [listed] = client.history(session)
    assert seen.issuer_reff == f"id{payment.id}"
    assert seen.key == listed.key == f"h:{payment.id}"  # one claim key: it can settle one sale only


def test_an_issuer_reff_equal_to_the_history_id_is_kept_as_the_reference() -> None:
    with serving("seed", "reff_history_id") as (sim, client, session):
        payment = sim.pay(25_001)
        [seen] = client.payment_status(session, 25_001)
    assert seen.issuer_reff == str(payment.id) and seen.is_incoming


def test_a_date_with_zero_seconds_is_read_to_the_minute() -> None:
    # "DD-MM-YYYY HH:MM:00": the seconds were dropped, so 18:02:00 may be 18:02:59.
    with serving("seed", "date_dmy_zero") as (sim, client, session):
        sim.pay(25_001)
        [seen] = client.payment_status(session, 25_001)
    assert seen.date.second == 0 and seen.when_text.count(":") == 1


@pytest.mark.parametrize("shape", ["qris_brand", "date_dmy_zero", "reff_id_prefix", "status_true", "amount_int"])
def test_money_out_of_the_very_nominal_never_settles_on_any_route(shape: str) -> None:
    with serving("seed", shape) as (sim, client, session):
        withdrawal = sim.withdraw(25_001)
        settled = settled_on_each_route(client, session, "seed", withdrawal)
        [seen] = client.payment_status(session, 25_001)
    assert seen.type == "DB" and not seen.is_incoming
    assert settled == {Source.SEED: None, Source.HISTORY: None}


@pytest.mark.parametrize("profile", ["seed", "gateway"])
def test_data_null_is_no_payment_yet_and_the_payment_settles_once_it_comes(profile: str) -> None:
    with serving(profile, "data_null") as (sim, client, session):
        routes = PAYMENT_ROUTES[profile]
        assert all(sources.payments_for(client, session, source, [25_001]) == [] for source in routes)
        payment = sim.pay(25_001)
        settled = settled_on_each_route(client, session, profile, payment)
    assert all(settled.values())


# ---- the history under another key, and its key aliases ------------------------------------


@pytest.mark.parametrize("profile", ["seed", "gateway"])
def test_both_histories_are_read_and_a_payment_in_both_is_listed_once(profile: str) -> None:
    with serving(profile, "ajaib_beside") as (sim, client, session):
        paid = [sim.pay(amount) for amount in (25_001, 26_001, 27_001, 28_001)]
        entries = history_of(client, session, profile)
    assert sorted(e.history_id for e in entries) == sorted(str(p.id) for p in paid)


@pytest.mark.parametrize("profile", ["today", "gateway"])
def test_the_dynamic_qr_history_alone_is_the_history(profile: str) -> None:
    with serving(profile, "ajaib_only") as (sim, client, session):
        sim.pay(25_001)
        [entry] = history_of(client, session, profile)
    assert entry.amount == 25_001 and entry.is_incoming


def test_rows_with_every_key_alias_read_as_their_payments_with_their_side_fields() -> None:
    with serving("seed", "key_aliases") as (sim, client, session):
        paid = [sim.pay(amount, brand) for amount, brand in ((25_001, "DANA"), (26_001, "OVO"), (27_001, "GOPAY"))]
        entries = {e.history_id: e for e in client.history(session)}
    for payment in paid:
        entry = entries[str(payment.id)]
        assert (entry.amount, entry.brand_name, entry.balance) == (payment.amount, payment.brand, payment.balance)
        assert entry.is_incoming and not entry.problems and entry.description.startswith("NOBU /")


def alias_answer(**row: Any) -> dict[str, Any]:
    base = {"id": 160000042, "status": "IN", "kredit": "25.001", "tanggal": "25/11/2026 18:02"}
    return {"success": True, "qris_history": {"results": [{**base, **row}]}}


SESSION = Session("demo", "1:" + "a" * 32, MerchantCode("1"))


def answering(answer: dict[str, Any] | bytes, status: int = 200) -> OrkutClient:
    """A client whose server always gives ``answer``, JSON or plain text (the variants one shape stands for)."""

    def respond(_request: httpx.Request) -> httpx.Response:
        if isinstance(answer, bytes):
            return httpx.Response(status, content=answer, headers={"Content-Type": "text/plain"})
        return httpx.Response(status, json=answer)

    return OrkutClient("https://example.test", "k" * 8, transport=httpx.MockTransport(respond))


def reading(answer: dict[str, Any]) -> MutasiEntry:
    with answering(answer) as client:
        [entry] = client.history(SESSION)
    return entry


@pytest.mark.parametrize(
    ("row", "read"),
    [
        ({"kredit": None, "credit": "25.001"}, ("amount", 25_001)),
        ({"status": "OUT", "debet": None, "debit": "25.001", "kredit": "0"}, ("amount", 25_001)),
        ({"saldo": "77.777"}, ("balance", 77_777)),
        ({"balance_after": "77.777"}, ("balance", 77_777)),
        ({"tanggal": None, "date": "25/11/2026 18:02"}, ("when_text", "18:02")),
        ({"tanggal": None, "created_at": "2026-11-25 18:02:06"}, ("when_text", "18:02:06")),
        ({"tanggal": None, "waktu": "25-11-2026 18:02"}, ("when_text", "18:02")),
        ({"description": "NOBU / BUDI"}, ("description", "NOBU / BUDI")),
        ({"note": "NOBU / BUDI"}, ("description", "NOBU / BUDI")),
        ({"brand": {"name": "DANA"}}, ("brand_name", "DANA")),
        ({"bank": "DANA"}, ("brand_name", "DANA")),
        ({"bank_name": "DANA"}, ("brand_name", "DANA")),
        ({"issuer": "DANA"}, ("brand_name", "DANA")),
    ],
)
def test_each_key_alias_of_a_history_row_is_read(row: dict[str, Any], read: tuple[str, object]) -> None:
    field, expected = read
    assert getattr(reading(alias_answer(**row)), field) == expected


def test_a_note_saying_pencairan_under_an_alias_is_still_a_withdrawal() -> None:
    entry = reading(alias_answer(note="Pencairan Saldo QRIS"))
    assert not entry.is_incoming


@pytest.mark.parametrize(
    "note",
    ["NOBU / BUDI R#576037816490", "RRN:576037816490 NOBU / BUDI", "QRIS DANA REF: 576037816490"],
)
def test_an_rrn_in_the_note_is_the_rows_reference_and_the_claim_stays_its_id(note: str) -> None:
    entry = reading(alias_answer(keterangan=note))
    assert entry.issuer_reff == "576037816490" and entry.key == "h:160000042"


def test_the_simulated_rrn_in_the_note_is_the_status_routes_reference() -> None:
    with serving("seed", "rrn_in_note") as (sim, client, session):
        paid = [sim.pay(amount) for amount in (25_001, 26_001, 27_001)]
        entries = {e.history_id: e for e in client.history(session)}
    assert [entries[str(p.id)].issuer_reff for p in paid] == [p.issuer_reff for p in paid]


# ---- the account: balances as text, flat or under another key ----------------------------


@pytest.mark.parametrize(
    "shape", ["balance_text", "account_flat", "account_under_balance", "account_under_main_balance"]
)
def test_the_account_is_read_wherever_and_however_its_balances_come(shape: str) -> None:
    with serving("today", shape) as (sim, client, session):
        sim.pay(999_999)
        summary = client.account_summary(session)
    assert summary.account is not None
    assert summary.account.qris_balance == 999_999 and summary.account.qris_name == sim.shop_name
    assert summary.account.qris_image_url == sim.qris_image_url
    assert [e.amount for e in summary.history] == [999_999]


@pytest.mark.parametrize("balance", ["Rp -", "-", "Rp 1.000,50", "banyak", None])
def test_an_unreadable_account_balance_is_unknown_and_the_history_is_still_read(balance: object) -> None:
    answer = {**alias_answer(), "account": {"results": {"qris_name": "TOKO", "qris_balance_str": balance}}}
    with answering(answer) as client:
        summary = client.account_summary(SESSION)
    assert summary.account is not None and summary.account.qris_balance is None
    assert [e.amount for e in summary.history] == [25_001]


# ---- rate limits ------------------------------------------------------------------------------


def failed_check(profile: str, shape: str) -> sources.SourceFailedError:
    """How the payment check fails on ``profile`` with ``shape`` on (it must fail)."""
    with serving(profile, shape) as (_sim, client, session):
        try:
            sources.first_served(PAYMENT_ROUTES[profile], lambda s: sources.payments_for(client, session, s, [1]))
        except sources.SourceFailedError as exc:
            return exc
    raise AssertionError(f"{shape} on {profile}: the check did not fail")


@pytest.mark.parametrize("shape", ["rate_429", "rate_nested"])
@pytest.mark.parametrize("profile", ["today", "gateway"])
def test_a_rate_limit_on_the_history_is_a_five_minute_pause_of_the_history_menu(shape: str, profile: str) -> None:
    failed = failed_check(profile, shape)
    assert isinstance(failed.error, RateLimitedError) and failed.error.cooldown_s == 300
    assert "Coba lagi dalam 5 menit" in failed.error.user_message
    assert sources.PAYMENT_ROUTES[failed.source] == sources.HISTORY_MENU  # what the pause holds


@pytest.mark.parametrize(
    "answer",
    [
        {"success": False, "qris_withdraw": {"message": "Anda terlalu sering, coba kembali 5 menit"}},
        {"success": True, "qris_history": {"success": False, "message": "Terlalu sering membuka menu qris merchant"}},
        {"status": "success", "data": {"success": False, "message": "coba kembali 5 menit"}},
    ],
)
def test_a_rate_limit_text_nested_in_a_failed_part_is_a_rate_limit(answer: dict[str, Any]) -> None:
    with answering(answer) as client, pytest.raises(RateLimitedError):
        client.history(SESSION)


@pytest.mark.parametrize("success", [True, False])
def test_a_rate_limit_of_another_menu_beside_a_good_history_is_not_a_pause_of_the_history(success: bool) -> None:
    withdraw = {"success": success, "message": "Anda terlalu sering menarik saldo, coba kembali 5 menit"}
    assert reading({**alias_answer(), "qris_withdraw": withdraw}).amount == 25_001


# ---- refusals that waiting does not fix ------------------------------------------------------

REFUSALS = [("net_refused", NetworkRefusedError), ("version_gate", UpstreamOutdatedError)]


@pytest.mark.parametrize(("shape", "error"), REFUSALS)
@pytest.mark.parametrize("profile", ["seed", "today", "gateway"])
def test_each_refusal_of_the_upstream_is_its_own_error_never_a_rate_limit(
    profile: str, shape: str, error: type[ApiError]
) -> None:
    refused = failed_check(profile, shape).error
    assert type(refused) is error and not isinstance(refused, RateLimitedError)


@pytest.mark.parametrize(
    ("shape", "names"),
    [("net_refused", "Gunakan Jaringan Internet Lainnya"), ("version_gate", "Silakan perbarui aplikasi Order Kuota")],
)
def test_a_refusal_tells_the_cashier_in_one_line_who_must_act_and_that_the_sale_is_kept(shape: str, names: str) -> None:
    message = failed_check("today", shape).error.user_message
    assert "\n" not in message
    assert "pengelola server API" in message  # the server side must act, not the cashier
    assert "pembayaran tidak dapat terdeteksi" in message and "penjualan tetap tersimpan" in message
    assert names in message  # the upstream's own words, verbatim
    assert "Coba lagi" not in message  # waiting does not help


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (469, {"success": False, "message": "Gunakan Jaringan Internet Lainnya"}),
        (200, {"success": False, "message": "469: Gunakan Jaringan Internet Lainnya"}),
        (502, {"status": "error", "message": "469: Gunakan Jaringan Internet Lainnya"}),
        (469, b"469: Gunakan Jaringan Internet Lainnya"),
        (200, {"success": False, "qris_history": {"success": False, "message": "Gunakan jaringan internet lainnya"}}),
    ],
)
def test_the_network_refusal_is_told_apart_however_it_comes(status: int, body: dict[str, Any] | bytes) -> None:
    with answering(body, status) as client, pytest.raises(NetworkRefusedError):
        client.history(SESSION)


def test_the_version_gate_at_login_is_told_as_well() -> None:
    gate = {"success": False, "message": "Silakan perbarui aplikasi Order Kuota terlebih dahulu"}
    with answering(gate) as client, pytest.raises(UpstreamOutdatedError):
        client.request_otp("demo", "secret")


@pytest.mark.parametrize("refusal", [NetworkRefusedError("x"), UpstreamOutdatedError("x")])
def test_after_a_refusal_the_next_check_comes_at_the_normal_cadence(refusal: ApiError) -> None:
    assert sources.next_check_s(refusal, interval_s=10.0, failures=6, resting_s=0.0) == 10.0


def test_after_a_rate_limit_the_next_check_waits_for_the_pause_and_other_failures_back_off() -> None:
    assert sources.next_check_s(RateLimitedError("x"), interval_s=10.0, failures=1, resting_s=300.0) == 300.05
    assert sources.next_check_s(RateLimitedError("x"), interval_s=3.0, failures=1, resting_s=0.0) == 3.0
    assert sources.next_check_s(ServerError("x"), interval_s=3.0, failures=2, resting_s=0.0) == 12.0
    assert sources.next_check_s(ServerError("x"), interval_s=3.0, failures=9, resting_s=0.0) == 30.0


# ---- the gateway's cekaktif -----------------------------------------------------------------


def test_cekaktif_is_sent_to_the_gateway_with_the_accounts_body_and_online_means_up() -> None:
    with serving("gateway") as (sim, client, session):
        state = sources.gateway_state(client, session)
    assert state is GatewayState.ONLINE
    assert sim.cekaktif_bodies == [
        {"action": "cekaktif", "username": sim.username, "auth_token": session.token, "merchant": sim.account_id}
    ]


def test_a_gateway_that_says_it_is_offline_is_offline() -> None:
    with serving("gateway", "gateway_offline") as (_sim, client, session):
        assert sources.gateway_state(client, session) is GatewayState.OFFLINE


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (200, {"status": "success", "account_status": "MAINTENANCE"}),
        (200, {"status": "success", "account_status": ""}),
        (200, {"status": "success"}),
        (200, {"status": "error", "message": "Token tidak valid"}),
        (500, {"message": "Internal Server Error"}),
        (404, b"<html>404 Not Found</html>"),
    ],
)
def test_any_other_answer_of_cekaktif_is_offline(status: int, answer: dict[str, Any] | bytes) -> None:
    with answering(answer, status) as client:
        assert sources.gateway_state(client, SESSION) is GatewayState.OFFLINE


def test_no_answer_to_cekaktif_within_its_deadline_is_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    assert client_module.CEKAKTIF_DEADLINE_S == 5.0  # the operator's own wait
    monkeypatch.setattr(client_module, "CEKAKTIF_DEADLINE_S", 0.3)
    with serving("gateway") as (sim, client, session):
        sim.inject("hang", path=sim.gateway_path)
        assert sources.gateway_state(client, session) is GatewayState.OFFLINE


def test_the_gateway_is_asked_for_its_state_at_most_once_a_minute() -> None:
    now = [datetime(2026, 11, 25, 9, 0, tzinfo=wib.WIB)]
    watch = sources.GatewayWatch(lambda: now[0])
    with serving("gateway") as (_sim, client, session):
        assert watch.due()
        watch.check(client, session)
        now[0] += timedelta(seconds=59)
        assert not watch.due()
        now[0] += timedelta(seconds=1)
        assert watch.due()
    assert watch.state is GatewayState.ONLINE


@pytest.mark.parametrize("state", [GatewayState.ONLINE, GatewayState.OFFLINE])
def test_the_label_says_the_gateways_state_while_the_gateway_serves_payments(state: GatewayState) -> None:
    choice = sources.SourceChoice("pembayaran", sources.PAYMENT_ORDER, lambda: datetime(2026, 11, 25, tzinfo=wib.WIB))
    choice.record(sources.Served([], Source.GATEWAY))
    choice.gateway.record(state)
    text = source_text(choice, Source.GATEWAY, choice, poll_s=3, history_s=10)
    assert f"({state.value})" in text and "Server pembayaran" in text


def test_the_label_says_nothing_of_the_gateway_while_another_route_serves() -> None:
    choice = sources.SourceChoice("pembayaran", sources.PAYMENT_ORDER, lambda: datetime(2026, 11, 25, tzinfo=wib.WIB))
    choice.gateway.record(GatewayState.OFFLINE)
    choice.record(sources.Served([], Source.HISTORY))
    assert "server pembayaran" not in source_text(choice, Source.LOCAL, choice, poll_s=3, history_s=10).lower()
