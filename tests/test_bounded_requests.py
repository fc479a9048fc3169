"""A hostile or broken server costs a bounded time and bounded memory, and cannot stop polling.

Each fault is played by the real simulator over loopback HTTP (CONTRACT.md "Errors the app must
expect"; issue 11): a trickling answer, a 40 MB answer, a gzip bomb, absurd Retry-After values.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import pytest

from kasir import transport
from kasir.errors import ApiTimeoutError, RateLimitedError, ResponseTooLargeError
from kasir.orkut.client import OrkutClient
from kasir.orkut.types import MerchantCode, Session
from kasir.sim_faults import gzip_bomb, huge_body
from kasir.simulator import DEMO_API_KEY, OrkutSimulator


@pytest.fixture
def served() -> Iterator[tuple[OrkutSimulator, Session]]:
    with OrkutSimulator() as sim:
        yield sim, Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))


def test_a_trickling_answer_is_cut_at_the_overall_deadline(served: tuple[OrkutSimulator, Session]) -> None:
    sim, session = served
    sim.inject("trickle")
    with OrkutClient(sim.url, DEMO_API_KEY, read_timeout=1.0, deadline_s=1.5) as client:
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            client.payment_status(session, 1_000)
        took = time.monotonic() - started
    assert took < 3.0  # deadline plus at most one read gap, not forever


def test_a_40_mb_answer_is_refused_without_being_held(served: tuple[OrkutSimulator, Session]) -> None:
    sim, session = served
    sim.inject("huge")
    huge_body()  # the server's copy is made before memory is traced: only the client's counts
    tracemalloc.start()
    try:
        with OrkutClient(sim.url, DEMO_API_KEY) as client, pytest.raises(ResponseTooLargeError) as caught:
            client.payment_status(session, 1_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024
    assert "terlalu besar" in caught.value.user_message


def test_a_gzip_bomb_is_refused_before_it_inflates(served: tuple[OrkutSimulator, Session]) -> None:
    sim, session = served
    sim.inject("gzip_bomb")
    gzip_bomb()
    tracemalloc.start()
    try:
        with OrkutClient(sim.url, DEMO_API_KEY) as client, pytest.raises(ResponseTooLargeError):
            client.payment_status(session, 1_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024  # the bomb is 512 MB inflated


@pytest.mark.parametrize(("fault", "cooldown"), [("retry_huge", 600.0), ("retry_day", 600.0)])
def test_retry_after_is_clamped_never_trusted(
    served: tuple[OrkutSimulator, Session], fault: str, cooldown: float
) -> None:
    sim, session = served
    sim.inject(fault)
    with OrkutClient(sim.url, DEMO_API_KEY) as client, pytest.raises(RateLimitedError) as caught:
        client.payment_status(session, 1_000)
    assert caught.value.cooldown_s == cooldown


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("0", 1.0),
        ("-5", 1.0),
        ("nan", 300.0),
        ("inf", 300.0),
        ("1e300", 600.0),
        ("86400", 600.0),
        ("soon", 300.0),
        ("Wed, 25 Nov 2026 10:02:00 GMT", 120.0),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date_within_one_second_and_ten_minutes(
    header: str, seconds: float
) -> None:
    now = 1795600800.0  # Wed, 25 Nov 2026 10:00:00 GMT
    assert transport.retry_after({"Retry-After": header}, now=now) == seconds


def test_a_server_that_trickles_its_response_headers_is_cut_at_the_overall_deadline(
    served: tuple[OrkutSimulator, Session],
) -> None:
    """Each header byte came within the read timeout, so the request never ended (> 100 s; issue 20, 5)."""
    sim, session = served
    sim.inject("trickle_headers", count=3)
    with OrkutClient(sim.url, DEMO_API_KEY, read_timeout=1.0, deadline_s=1.5) as client:
        for call in (lambda: client.payment_status(session, 1_000), lambda: client.request_otp("demo", "demo")):
            started = time.monotonic()
            with pytest.raises(ApiTimeoutError):
                call()
            assert time.monotonic() - started < 3.0


def test_an_image_host_that_trickles_its_headers_is_cut_at_the_downloads_deadline() -> None:
    from kasir.orkut.client import download

    with OrkutSimulator() as sim:
        sim.image_trickle = True
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError):
            download(sim.qris_image_url, deadline_s=1.5)
        assert time.monotonic() - started < 3.0
