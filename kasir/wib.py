"""Jakarta time. The API speaks WIB wall-clock time with no zone; the shop's PC may not.

Everything the app compares is timezone-aware; "today" is always the WIB day, whatever the
machine's own zone (a shop in Bali runs WITA, a CI box UTC).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")  # tzdata supplies this on Windows, which has no zone database

Clock = Callable[[], datetime]

_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


def now() -> datetime:
    return datetime.now(WIB)


def today(clock: Clock = now) -> date:
    return clock().astimezone(WIB).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of a WIB day, as aware datetimes."""
    start = datetime.combine(day, time(0), WIB)
    return start, start + timedelta(days=1)


def parse_wib(text: str) -> datetime:
    """Read ``YYYY-MM-DD HH:MM[:SS]`` or ``DD/MM/YYYY HH:MM[:SS]`` as Jakarta wall-clock time."""
    cleaned = " ".join(str(text).split())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=WIB)
        except ValueError:
            continue
    raise ValueError(f"format tanggal tidak dikenal: {text!r}")


def format_wib(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")
