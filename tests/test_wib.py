from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from kasir import wib


@pytest.fixture(params=["UTC", "Asia/Makassar", "Asia/Jakarta"])
def machine_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test with the process's own clock zone set to UTC, WITA or WIB."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset (POSIX)")
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.parametrize(
    "text", ["2025-07-25 18:02:06", "25/07/2025 18:02:06", "25/07/2025 18:02", "2025-07-25  18:02:06"]
)
def test_every_api_date_format_reads_as_jakarta_time(text: str, machine_zone: str) -> None:
    moment = wib.parse_wib(text)
    assert moment.utcoffset() == timedelta(hours=7)
    assert moment.astimezone(UTC).hour == 11


def test_today_is_the_wib_day_whatever_the_machine_zone(machine_zone: str) -> None:
    # 23:30 UTC is already the next day in Jakarta.
    late_utc = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert wib.today(lambda: late_utc).isoformat() == "2026-11-25"


def test_day_bounds_span_exactly_one_wib_day() -> None:
    start, end = wib.day_bounds(datetime(2026, 11, 24).date())
    assert start.isoformat() == "2026-11-24T00:00:00+07:00" and end - start == timedelta(days=1)


def test_unknown_date_format_is_refused() -> None:
    with pytest.raises(ValueError):
        wib.parse_wib("24 Nov 2026")


def test_wib_needs_no_zone_database() -> None:
    """Jakarta has kept UTC+7 without daylight saving since 1964: a fixed offset says all of it, so
    neither the zoneinfo machinery (2 ms of the start) nor tzdata (Windows has no zone database) is
    needed, and a PC with a broken or missing zone database still reads the right day."""
    code = "import sys, kasir.wib; print('zoneinfo' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["False"]
    for moment in (
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2026, 12, 7, tzinfo=UTC),
        datetime(2060, 6, 1, tzinfo=UTC),
    ):
        assert moment.astimezone(wib.WIB).utcoffset() == timedelta(hours=7)
    assert wib.WIB.tzname(None) == "WIB"
