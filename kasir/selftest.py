"""``kasir --selftest``: one complete demo sale, headless, with a one-line verdict.

Embedded simulator, generate, QR check and render, simulated payment, LUNAS, journal, and
the recap printed to PDF. Exit 0 when every step happened, 1 with the reason otherwise.
It exists to catch packaging mistakes (a missing plugin, resource or hidden import), so it
walks the same code the cashier's clicks do.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop

from kasir import qris
from kasir.paid_sound import CUE_FILES
from kasir.resources import ICON, resource
from kasir.sale_state import SaleState


class SelftestError(Exception):
    pass


def _wait(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
    return condition()


def run_selftest(argv: list[str]) -> int:
    from kasir.app import create_window
    from kasir.cli import StartupError

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kasir-selftest-") as tmp:
        try:
            window = create_window(["--demo", "--data-dir", tmp])
        except StartupError as exc:
            print(f"SELFTEST FAILED: start: {exc}", file=sys.stderr)
            return 1
        try:
            summary = _one_sale(window, Path(tmp))
        except (SelftestError, OSError, KeyError, ValueError, qris.QrisError) as exc:
            print(f"SELFTEST FAILED: {exc}", file=sys.stderr)
            return 1
        finally:
            window.force_close()  # type: ignore[attr-defined]
    print(f"SELFTEST OK: {summary}, {time.monotonic() - started:.2f} s")
    return 0


def _one_sale(window: object, tmp: Path) -> str:
    from kasir.app import open_recap

    controller = window.controller  # type: ignore[attr-defined]
    sim = window.context.simulator  # type: ignore[attr-defined]
    customer = window.customer  # type: ignore[attr-defined]
    steps: list[tuple[str, Callable[[], object], Callable[[], bool]]] = [
        ("login", lambda: None, lambda: controller.logged_in),
        # The account's QRIS image, downloaded and read by zxing-cpp: a build without it fails here.
        ("shop QRIS", lambda: None, lambda: controller.shop_qris == sim.base_qr),
        ("generate", lambda: controller.pay(25_000), lambda: controller.view.state is SaleState.AWAITING),
        ("render", lambda: None, lambda: bool(customer.qr_view.property("payload"))),
        ("pay", lambda: sim.pay(controller.view.nominal), lambda: controller.view.state is SaleState.PAID),
        ("lunas", lambda: None, lambda: customer.property("state") == "paid"),
    ]
    for name, action, done in steps:
        action()
        if not _wait(done, 20):
            raise SelftestError(f"at {name}: state={controller.view.state}")
    view = controller.view
    sale = controller.till.sale(view.sale_id)
    if sale.state is not SaleState.PAID or qris.parse(sale.payload or "").amount_rupiah != view.nominal:
        raise SelftestError(f"journal says {sale.state} for Rp {view.nominal}")
    for name in (ICON, *CUE_FILES.values()):
        resource(name)  # a build that left resources behind fails here
    keyring = _os_keyring()
    driver = _postgres_driver()
    recap = open_recap(window, controller)  # type: ignore[arg-type]
    if not _wait(lambda: recap.is_loaded, 20):
        raise SelftestError("recap did not load")
    pdf = tmp / "rekap.pdf"
    recap.print_to_pdf(pdf)
    if not pdf.read_bytes().startswith(b"%PDF") or recap.recap is None or recap.recap.paid.count != 1:
        raise SelftestError("recap did not print")
    return f"sale #{sale.id} Rp {view.nominal} paid via {sale.brand}, journaled, recap printed, {keyring}, {driver}"


def _postgres_driver() -> str:
    """The package for several tills carries the shared journal and its driver with libpq (a library
    left out fails here); one PC's package carries neither, and says so."""
    import importlib.util

    if importlib.util.find_spec("kasir.journal_pg") is None:
        return "one-PC package (no PostgreSQL driver)"
    try:
        import psycopg.pq

        import kasir.journal_pg  # noqa: F401 - the module itself, as --journal loads it

        version = psycopg.pq.version()
    except (ImportError, OSError) as exc:
        raise SelftestError(f"shared journal's driver missing from the package: {exc}") from exc
    return f"PostgreSQL driver psycopg {psycopg.__version__} ({psycopg.pq.__impl__}, libpq {version})"


def _os_keyring() -> str:
    """The OS keyring's code is in the package (a module left out fails here); whether this PC
    has a keyring is a fact to report, not a failure: the app then keeps secrets for the session."""
    from kasir.credentials import os_keyring

    try:
        vault = os_keyring()
        vault.get_password("kasir-qris-selftest", "probe")  # a read of nothing: no prompt, no entry made
    except ImportError as exc:
        raise SelftestError(f"keyring code missing from the package: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 - no keyring on this PC (or locked): reported, not a failure
        return f"no OS keyring here ({type(exc).__name__}: {exc})"
    return f"OS keyring {type(vault).__name__} answered"
