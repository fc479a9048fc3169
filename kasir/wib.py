"""Jakarta time. The API speaks WIB wall-clock time with no zone; the shop's PC may not.

Everything the app compares is timezone-aware; "today" is always the WIB day, whatever the
machine's own zone (a shop in Bali runs WITA, a CI box UTC).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

# Asia/Jakarta has kept UTC+7 without daylight saving since 1964: a fixed offset is the whole rule,
# with no zone database to ship (Windows has none) or to load (zoneinfo: 2 ms of the start).
WIB = timezone(timedelta(hours=7), "WIB")

Clock = Callable[[], datetime]

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)

# Every wall-clock format public clients of the service have seen, each with the precision it
# carries: a row stamped "18:02" can be any moment of that minute.
_FORMATS: tuple[tuple[str, timedelta], ...] = (
    ("%Y-%m-%d %H:%M:%S", SECOND),
    ("%Y-%m-%d %H:%M", MINUTE),
    ("%d/%m/%Y %H:%M:%S", SECOND),
    ("%d/%m/%Y %H:%M", MINUTE),
    ("%d-%m-%Y %H:%M:%S", SECOND),
    ("%d-%m-%Y %H:%M", MINUTE),
)


_DMY_DASH_SECONDS = "%d-%m-%Y %H:%M:%S"


# A payment stamped outside these years was not made by anyone using this app: such a stamp is
# unreadable (a row dated 31/12/9999 23:59 overflowed the date arithmetic and stopped every refresh).
SANE_YEARS = range(2000, 2100)


@dataclass(frozen=True)
class Stamp:
    """A moment read from the server, and how precise it is."""

    at: datetime  # the earliest moment the text can mean, timezone-aware
    precision: timedelta = SECOND

    @property
    def latest(self) -> datetime:
        """The last moment the text can mean (18:02 → 18:02:59.999999)."""
        return self.at + self.precision - timedelta(microseconds=1)


def now() -> datetime:
    return datetime.now(WIB)


def today(clock: Clock = now) -> date:
    return clock().astimezone(WIB).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Start (inclusive) and end (exclusive) of a WIB day, as aware datetimes."""
    start = datetime.combine(day, time(0), WIB)
    return start, start + timedelta(days=1)


def parse_stamp(text: str) -> Stamp:
    """Read any date format the service has been seen to send (see CONTRACT.md).

    ``YYYY-MM-DD``, ``DD/MM/YYYY`` and ``DD-MM-YYYY`` with ``HH:MM[:SS]`` are Jakarta wall-clock
    time; ISO 8601 with an offset (``2025-07-25T18:02:06+07:00``, ``...Z``) carries its own zone.
    """
    cleaned = " ".join(str(text).split())[:64]
    for fmt, precision in _FORMATS:
        try:
            moment = datetime.strptime(cleaned, fmt).replace(tzinfo=WIB)
        except ValueError:
            continue
        # OrderKuota's own gateway (2026) writes "DD-MM-YYYY HH:MM:00": its seconds were dropped, so
        # the stamp is any moment of that minute, as "HH:MM" is.
        if fmt == _DMY_DASH_SECONDS and cleaned.endswith(":00"):
            precision = MINUTE
        return _sane(Stamp(moment, precision))
    if "T" in cleaned:
        try:
            moment = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            precision = SECOND if moment.second or moment.microsecond or cleaned.count(":") >= 2 else MINUTE
            return _sane(Stamp(moment if moment.tzinfo else moment.replace(tzinfo=WIB), precision))
    raise ValueError(f"format tanggal tidak dikenal: {str(text)[:40]!r}")


def _sane(stamp: Stamp) -> Stamp:
    if stamp.at.year not in SANE_YEARS:  # before any zone arithmetic, which overflows at the ends
        raise ValueError(f"tahun di luar batas: {stamp.at.year}")
    return stamp


def parse_wib(text: str) -> datetime:
    """The earliest moment a server date means (see :func:`parse_stamp`)."""
    return parse_stamp(text).at


def format_wib(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S")


class ServerClock:
    """The server's clock as this PC sees it: this PC's time plus an offset measured from the
    HTTP ``Date`` header of every answer (the median of the last few, so one slow answer does
    not swing it). Shared by the worker threads that measure and the GUI that reads."""

    WINDOW = 5

    def __init__(self) -> None:
        import threading  # only this class needs it

        self._lock = threading.Lock()
        self._samples: list[float] = []

    def observe(self, offset_s: float) -> None:
        with self._lock:
            self._samples = [*self._samples[-(self.WINDOW - 1) :], offset_s]

    @property
    def known(self) -> bool:
        with self._lock:
            return bool(self._samples)

    @property
    def offset(self) -> timedelta:
        """Server minus PC; zero until an answer has been seen."""
        with self._lock:
            samples = sorted(self._samples)
        return timedelta(seconds=samples[len(samples) // 2]) if samples else timedelta(0)
