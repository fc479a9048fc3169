"""Non-secret settings, as JSON in the data directory. Secrets live in :mod:`kasir.credentials`."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kasir.errors import KasirError
from kasir.loopback import is_loopback_url

if TYPE_CHECKING:
    from datetime import datetime  # annotations only: not loaded before the first frame

# The service as it answers today (see the README); Pengaturan or --api-url point elsewhere.
DEFAULT_BASE_URL = "https://orkut.hidepulsa.com"

log = logging.getLogger(__name__)
FILENAME = "settings.json"
MIN_HISTORY_INTERVAL_S = 10.0


@dataclass(frozen=True)
class Settings:
    api_url: str = DEFAULT_BASE_URL
    username: str = ""
    merchant: str = ""  # as the user typed it; MerchantCode normalises
    shop_name: str = ""
    poll_interval_s: float = 3.0  # the seed's status route: cheap
    mutasi_interval_s: float = 30.0
    history_interval_s: float = 10.0  # the history is rate-limited upstream: never below 10 s
    expiry_s: int = 600
    kode_unik_low: int = 1
    kode_unik_high: int = 999
    # "add": the customer pays total + code; "subtract": total - code, the shop absorbs it (no surcharge
    # on QRIS payers, as Bank Indonesia asks). Adding stays the default: a shop updating keeps the
    # amounts its customers and its books know (see the README).
    kode_unik_mode: str = "add"
    # The upstream's money in per WIB day per account (~Rp 30 jt): warned at 80 % and 95 %; 0 = no warning.
    daily_limit: int = 30_000_000
    customer_screen: str = ""  # the screen's name: Qt's index order differs from Windows'
    sound: bool = True
    sound_volume: int = 80  # the paid cue's loudness, % of the shipped cue (Pengaturan)
    base_qr: str = ""  # the merchant's QRIS, learned or pasted: enables the local fallback
    generate_mode: str = "server"  # "server" (local fallback) or "local"
    daily_backup: bool = True  # a copy of the journal per day in DIR/cadangan, kept 30 days
    window_geometry: str = ""  # the cashier window's last size and place (Qt's saveGeometry, hex)
    printer_kind: str = ""  # receipts: "" (none), "network", "device" (port path) or "system" (Qt)
    printer_target: str = ""  # host[:port], a port path, or a system printer name ("" = default)
    printer_width: int = 32  # columns: 32 for 58 mm paper, 48 for 80 mm
    receipt_name: str = ""  # the shop's name on receipts ("" = the name the account's QRIS carries)
    receipt_address: str = ""
    receipt_footer: str = "Terima kasih"
    auto_print: bool = True  # only acts once printer_kind is chosen
    # A shop of several tills: their shared journal (PostgreSQL; "" = this PC's own SQLite file) and
    # this till's name (on its sales, receipts and QRs; "" = the PC's name). The password is in the keyring.
    journal_url: str = ""
    counter_name: str = ""

    @property
    def has_account(self) -> bool:
        return bool(self.username and self.merchant)

    @property
    def history_interval(self) -> float:
        """The history's cadence as obeyed: the upstream rate-limits its "QRIS merchant" menu, so a real
        server is never asked more often than every 10 s whatever the file says; the simulator on
        loopback (the demo, tests) may be."""
        if is_loopback_url(self.api_url):
            return self.history_interval_s
        return max(MIN_HISTORY_INTERVAL_S, self.history_interval_s)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def bounded(self) -> Settings:
        """The same settings with every text cut to its limit (``TEXT_LIMITS``)."""
        cut = {
            f.name: getattr(self, f.name)[: text_limit(f.name)]
            for f in fields(self)
            if isinstance(getattr(self, f.name), str) and len(getattr(self, f.name)) > text_limit(f.name)
        }
        return replace(self, **cut) if cut else self


def text_limit(name: str) -> int:
    return TEXT_LIMITS.get(name, DEFAULT_TEXT_LIMIT)


# Sane ranges, applied at load whatever the file says (Pengaturan offers narrower ones). A NaN or a
# zero interval must not abort the start or send the server 25 requests a second. A positive value
# out of range takes the nearer bound: it says what the shop meant (often, seldom, long), only
# too much of it (a 1e308 s poll is a slow poll, a 5 s QR a short one).
RANGES: dict[str, tuple[float, float]] = {
    "poll_interval_s": (0.2, 60.0),
    "mutasi_interval_s": (2.0, 600.0),
    "history_interval_s": (0.3, 600.0),
    # A QR the customer cannot scan and pay in time is worse than none: at least a minute.
    "expiry_s": (60, 3600),
    "kode_unik_low": (0, 9999),
    "kode_unik_high": (0, 9999),
    "sound_volume": (0, 100),
}
# Zero or less is not a small value but no value (a hand-edited file): those take the default
# rather than the range's edge (expiry_s 0 became a 1-second QR).
_DEFAULT_WHEN_NOT_POSITIVE = frozenset({"poll_interval_s", "mutasi_interval_s", "history_interval_s", "expiry_s"})
# A negative kode unik is no value either; its range's edge, 0, would hand out the bare total (the
# amount a customer who forgets the code pays), so it takes the default. 0 itself is a choice
# Pengaturan offers.
# A negative daily limit is no limit the shop meant either (0, which turns the warning off, is a choice).
_DEFAULT_WHEN_NEGATIVE = frozenset({"kode_unik_low", "kode_unik_high", "daily_limit"})
# Values that are one of a few, not a range: anything else takes the default. A receipt is 32
# columns (58 mm paper) or 48 (80 mm); 40 fits neither, and 32 prints readably on both.
_NUMBER_CHOICES: dict[str, tuple[int, ...]] = {"printer_width": (32, 48)}
# Texts are kept to what a screen, a receipt or a QRIS can hold (a QRIS is at most 512 characters):
# a 4.8 M-character shop name from the server was saved and froze every later start for 3.9 s.
TEXT_LIMITS = {
    "base_qr": 512,
    "api_url": 2000,
    "window_geometry": 4096,
    "merchant": 40,
    "printer_target": 260,
    "shop_name": 100,
    "username": 100,
    "journal_url": 500,
    "receipt_name": 64,
    "counter_name": 25,
}
DEFAULT_TEXT_LIMIT = 200
# Far more than any settings file (about 2 KB): a larger one is not read at all (100 MB hung a start > 90 s).
MAX_FILE_BYTES = 256 * 1024
_CHOICES = {
    "generate_mode": ("server", "local"),
    "printer_kind": ("", "network", "device", "system"),
    "kode_unik_mode": ("add", "subtract"),
}


class SettingsUnreadableError(KasirError):
    """settings.json exists but is not settings (garbage, truncated by a power cut, a list...)."""

    def __init__(self, path: Path, reason: str, kept_as: Path | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.kept_as = path, reason, kept_as

    @property
    def user_message(self) -> str:
        kept = f" Berkas lama disimpan sebagai {self.kept_as.name}." if self.kept_as else ""
        return f"Berkas pengaturan rusak ({self.reason}).{kept} Masukkan akun dan pengaturan lagi."


def load(data_dir: Path) -> Settings:
    """The settings in ``data_dir``; defaults when there are none.

    An unreadable file raises :class:`SettingsUnreadableError` instead of silently becoming the
    defaults: without an account, defaults mean demo mode, and a demo QR on a real counter is a
    QR customers could try to pay.
    """
    path = data_dir / FILENAME
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise SettingsUnreadableError(path, "terlalu besar untuk berkas pengaturan")
        raw = json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError:
        raise SettingsUnreadableError(path, "bukan teks") from None
    except ValueError:
        raise SettingsUnreadableError(path, "bukan JSON yang utuh") from None
    except OSError as exc:
        raise SettingsUnreadableError(path, f"tidak dapat dibaca: {exc.strerror or exc}") from None
    if not isinstance(raw, dict):
        raise SettingsUnreadableError(path, "isinya bukan daftar pengaturan")
    return from_mapping(raw)


def from_mapping(raw: dict[str, Any]) -> Settings:
    """Known keys of the right type, clamped into their sane ranges; anything else is ignored."""
    defaults = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value, default = raw[f.name], getattr(defaults, f.name)
        if isinstance(default, bool) or isinstance(value, bool):
            if isinstance(default, bool) and isinstance(value, bool):
                values[f.name] = value
        elif isinstance(default, (int, float)) and isinstance(value, (int, float)):
            if value != value or _no_value(f.name, value):  # NaN, 0, -5, a receipt 40 columns wide
                log.warning("setting %s=%r is not a usable value; using the default", f.name, value)
                continue
            low, high = RANGES.get(f.name, (float("-inf"), float("inf")))
            clamped = min(high, max(low, value))
            values[f.name] = type(default)(clamped)
            if clamped != value:
                log.warning("setting %s=%r clamped to %r", f.name, value, values[f.name])
        elif isinstance(default, str) and isinstance(value, str):
            if f.name in _CHOICES and value not in _CHOICES[f.name]:
                continue
            values[f.name] = value[: text_limit(f.name)]
    settings = Settings(**values)
    if settings.kode_unik_low > settings.kode_unik_high:
        settings = settings.with_changes(kode_unik_low=defaults.kode_unik_low, kode_unik_high=defaults.kode_unik_high)
    return settings


def _no_value(name: str, value: float) -> bool:
    """Not a usable value at all (the default is taken), as opposed to too much of one (clamped)."""
    if name in _NUMBER_CHOICES:
        return value not in _NUMBER_CHOICES[name]
    if name in _DEFAULT_WHEN_NOT_POSITIVE:
        return value <= 0
    return name in _DEFAULT_WHEN_NEGATIVE and value < 0


def keep_aside(error: SettingsUnreadableError, now: datetime) -> SettingsUnreadableError:
    """Rename the broken file (never delete it: it may be all the shop has), and say where it went."""
    target = error.path.with_name(f"{error.path.name}.rusak-{now.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(error.path, target)
    except OSError as exc:
        log.error("broken settings could not be moved aside: %s", exc)
        return error
    log.warning("broken settings kept as %s", target.name)
    return SettingsUnreadableError(error.path, error.reason, target)


def save(data_dir: Path, settings: Settings) -> None:
    """Atomically: a temp file, fsynced, renamed over the old one (and the folder fsynced), so a
    power cut leaves the old settings or the new ones, never half a file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILENAME
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(settings.bounded()), indent=2, ensure_ascii=False))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    if os.name == "posix":  # the rename itself reaches the disk only when the folder is synced
        folder = os.open(data_dir, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def problem(candidate: Settings, before: Settings | None = None) -> str | None:
    """Why these settings cannot be saved, in the shop owner's words; None when they can.

    The shop's QRIS is checked only when it or the merchant code changed: a value kept from an
    earlier version must not block every later save. It must carry the account's id (a look-alike
    with the shop's name pays another account) and keep the NMID of the QRIS it replaces.
    """
    from kasir import shop_qris
    from kasir.errors import ConfigError
    from kasir.orkut.client import check_base_url
    from kasir.orkut.types import MerchantCode

    try:
        check_base_url(candidate.api_url)
        merchant = MerchantCode.parse(candidate.merchant) if candidate.merchant else None
    except ConfigError as exc:
        return str(exc)
    if candidate.kode_unik_low > candidate.kode_unik_high:
        return "Rentang kode unik terbalik."
    if candidate.journal_url:
        from kasir.shop_tills import check_journal_url

        try:
            check_journal_url(candidate.journal_url)
        except ConfigError as exc:
            return str(exc)
    changed = before is None or (candidate.base_qr, candidate.merchant) != (before.base_qr, before.merchant)
    if candidate.base_qr and changed:
        replaced = before.base_qr if before is not None and before.base_qr != candidate.base_qr else ""
        try:
            shop_qris.check_static(candidate.base_qr, merchant=merchant, known_nmid=shop_qris.nmid_of(replaced))
        except shop_qris.ShopQrisError as exc:
            return f"QRIS toko tidak dapat dipakai: {exc}"
    if candidate.generate_mode == "local" and not candidate.base_qr:
        return "Mode QR lokal membutuhkan QRIS toko."
    return _printer_problem(candidate)


def _printer_problem(candidate: Settings) -> str | None:
    """A receipt printer address that can never be a printer: said at Simpan, not at the first receipt."""
    from kasir import escpos_out

    target = candidate.printer_target.strip()
    if not target:
        return None
    if candidate.printer_kind == "device":
        return escpos_out.device_problem(target)
    if candidate.printer_kind == "network":
        try:
            escpos_out.parse_target(target)
        except escpos_out.PrinterTargetError as exc:
            return exc.reason
    return None
