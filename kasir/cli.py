"""What a start decides before any window exists: the arguments, the data folder, the settings
and whether this is the demo. No Qt, no journal, no HTTP client: the first frame waits for
nothing else, and everything that can refuse a start here says why in Indonesian.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

from kasir import __version__
from kasir import settings as settings_io
from kasir.errors import KasirError
from kasir.settings import Settings

APP_NAME = "KasirQRIS"


class StartupError(KasirError):
    """The app cannot start safely (unwritable data directory, bad arguments, a second copy)."""

    @property
    def user_message(self) -> str:
        return str(self)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kasir", description="Kasir QRIS: pembayaran QRIS dinamis lewat OrderKuota")
    parser.add_argument("--demo", action="store_true", help="mode demo dengan simulator lokal, tanpa akun")
    parser.add_argument("--api-url", type=_api_url, help="alamat API (default dari pengaturan)")
    parser.add_argument("--data-dir", type=data_dir_arg, help="folder data (pengaturan, log, jurnal)")
    parser.add_argument(
        "--journal",
        type=journal_url_arg,
        metavar="postgresql://…",
        help="jurnal bersama beberapa kasir (PostgreSQL); default dari pengaturan, atau jurnal di PC ini",
    )
    parser.add_argument("--counter", type=counter_arg, metavar="NAMA", help="nama kasir ini (default: nama PC)")
    parser.add_argument("--customer-screen", type=int, metavar="N", help="nomor layar untuk pelanggan (0, 1, ...)")
    parser.add_argument(
        "--demo-profile",
        choices=("seed", "today", "gateway"),
        default="seed",
        help="layanan yang ditiru simulator demo: seed (rute /kasir), today (hanya /mutasi), gateway",
    )
    parser.add_argument("--demo-shape", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--selftest", action="store_true", help=argparse.SUPPRESS)
    # Prints "PAINTED" once the main window has painted, then quits: how benchmarks time a start.
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    # As --startup-probe, and "READY" once a sale can begin (keyring read, logged in), then quits.
    parser.add_argument("--ready-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"Kasir QRIS {__version__}")
    return parser.parse_args(argv)


def _api_url(text: str) -> str:
    """A bad --api-url is a usage error (exit 2, with the reason), not a traceback."""
    from kasir.errors import ConfigError
    from kasir.orkut.client import check_base_url  # only when an address is given

    try:
        return check_base_url(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def journal_url_arg(text: str) -> str:
    from kasir.errors import ConfigError
    from kasir.shop_tills import check_journal_url

    try:
        return check_journal_url(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def counter_arg(text: str) -> str:
    from kasir.shop_tills import counter_name

    name = counter_name(text)
    if not name:
        raise argparse.ArgumentTypeError("nama kasir tidak boleh kosong (huruf dan angka biasa)")
    return name


def data_dir_arg(text: str) -> Path:
    if not text.strip():
        # An empty path would silently mean "the folder the app was started from".
        raise argparse.ArgumentTypeError("folder data tidak boleh kosong")
    return Path(text)


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def load_settings(data_dir: Path) -> tuple[Settings, str]:
    """Settings, and a message when the file was broken (kept aside, never deleted)."""
    try:
        return settings_io.load(data_dir), ""
    except settings_io.SettingsUnreadableError as exc:
        from datetime import datetime

        kept = settings_io.keep_aside(exc, datetime.now())
        return Settings(), kept.user_message  # logged once the log file is open


class StartPlan(NamedTuple):  # not a dataclass: it is built before the first frame (0.5 ms vs 0.15)
    data_dir: Path  # the demo keeps its own data in DIR/demo
    settings: Settings  # as stored; the demo's server address is filled in when it starts
    demo: bool
    problem: str  # the settings file was broken: the cashier is told at start


def plan_start(args: argparse.Namespace) -> StartPlan:
    base_dir: Path = args.data_dir or default_data_dir()
    stored, problem = load_settings(base_dir)
    # With no account configured and no server named, a newcomer lands in the demo. A shop whose
    # settings file broke is no newcomer: it must not be shown a demo QR customers could pay.
    demo = bool(args.demo) or (not stored.has_account and not args.api_url and not problem)
    if not demo:
        return StartPlan(base_dir, stored, demo, problem)
    data_dir = base_dir / "demo"
    demo_settings, demo_problem = load_settings(data_dir)
    return StartPlan(data_dir, demo_settings, demo, problem or demo_problem)
