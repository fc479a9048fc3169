"""Struk in the core: the exact text at 32 and 48 columns, the ESC/POS bytes, and the transports
against a loopback "printer" (a TCP server on 127.0.0.1:0 that records what it receives)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from kasir import escpos_out, receipt
from kasir.escpos_out import (
    PrinterError,
    PrinterPaperOutError,
    PrinterTimeoutError,
    PrinterUnconfirmedError,
    PrinterUnreachableError,
)
from kasir.journal import Sale
from kasir.receipt import ReceiptError, ShopInfo
from kasir.wib import WIB

SHOP = ShopInfo("Warung Bu Sri", "Jl. Melati No. 5, Bandung", "Terima kasih")


def paid_sale(**changes: Any) -> Sale:
    values: dict[str, Any] = dict(
        id=42,
        day=date(2026, 11, 25),
        created_at=datetime(2026, 11, 25, 10, 14, 3, tzinfo=WIB),
        expires_at=datetime(2026, 11, 25, 10, 24, 3, tzinfo=WIB),
        base=25_000,
        code=137,
        nominal=25_137,
        payload="000201",
        source="server",
        state="paid",
        ended_at=None,
        reason=None,
        issuer_reff="DANA202611251015ABCDEF123456",
        paid_at=datetime(2026, 11, 25, 10, 15, 9, tzinfo=WIB),
        paid_amount=25_137,
        brand="DANA",
        buyer_reff="BUDI SANTOSO",
        settled_at=datetime(2026, 11, 25, 10, 15, 12, tzinfo=WIB),
        late=False,
        manual=False,
    )
    values.update(changes)
    return Sale(**values)


class LoopbackPrinter:
    """A network thermal printer on 127.0.0.1: records each job; answers the paper-status query."""

    def __init__(self, status: int | None = 0x12) -> None:
        self.status = status  # 0x12 = paper present; 0x72 = paper end; None = a printer that never answers
        self.jobs: list[bytes] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self._server.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                self.jobs.append(self._handle(conn))

    def _handle(self, conn: socket.socket) -> bytes:
        """One job: everything until the app closes its side."""
        job, answered = bytearray(), 0
        while chunk := conn.recv(4096):
            job += chunk
            # Real-time status is answered as it is read, each time it is asked (before and after a job).
            asked = job.count(escpos_out.PAPER_STATUS)
            if self.status is not None and asked > answered:
                conn.sendall(bytes((self.status,)) * (asked - answered))
                answered = asked
        return bytes(job)

    def wait_for_jobs(self, count: int = 1, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.01)  # a plain thread, no Qt event loop to wait on here
        assert len(self.jobs) >= count, f"printer got {len(self.jobs)} job(s), expected {count}"
        return self.jobs

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._server.close()


class HungPrinter:
    """A printer that is on the network but never answers: its accept queue is full, SYNs are dropped."""

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)
        self._fillers: list[socket.socket] = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(self._server.getsockname())
            self._fillers.append(filler)

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self._server.getsockname()[1]}"

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._server.close()


class NeverReadingPrinter:
    """Accepts the connection and never reads a byte (a printer whose firmware hung): a small job still
    fits in the socket buffers, so "sendall returned" proves nothing."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.connections.append(self._server.accept()[0])

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self._server.getsockname()[1]}"

    def close(self) -> None:
        self._server.close()
        for conn in self.connections:
            conn.close()


class EarlyClosingPrinter(LoopbackPrinter):
    """Answers the paper check, reads ``keep`` bytes of the job and closes (a printer that resets)."""

    def __init__(self, keep: int = 200) -> None:
        self.keep = keep
        super().__init__()

    def _handle(self, conn: socket.socket) -> bytes:
        first = conn.recv(len(escpos_out.PAPER_STATUS))
        if first == escpos_out.PAPER_STATUS:
            conn.sendall(bytes((0x12,)))
        return first + conn.recv(self.keep)


def refused_target() -> str:
    """An address where nothing listens: the printer is switched off."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def loopback_printer() -> Iterator[LoopbackPrinter]:
    printer = LoopbackPrinter()
    yield printer
    printer.close()


@pytest.fixture
def hung_printer() -> Iterator[HungPrinter]:
    printer = HungPrinter()
    yield printer
    printer.close()


# ---- the text -------------------------------------------------------------------------------

RECEIPT_32 = """\
         Warung Bu Sri
   Jl. Melati No. 5, Bandung
--------------------------------
No. penjualan                #42
Tanggal               25-11-2026
Jam                    10:15 WIB
--------------------------------
Total                  Rp 25.000
Kode unik                 Rp 137
Dibayar                Rp 25.137
Via                    QRIS DANA
No. Ref
    DANA202611251015ABCDEF123456
--------------------------------
             LUNAS
--------------------------------
          Terima kasih
"""

RECEIPT_48 = """\
                 Warung Bu Sri
           Jl. Melati No. 5, Bandung
------------------------------------------------
No. penjualan                                #42
Tanggal                               25-11-2026
Jam                                    10:15 WIB
------------------------------------------------
Total                                  Rp 25.000
Kode unik                                 Rp 137
Dibayar                                Rp 25.137
Via                                    QRIS DANA
No. Ref             DANA202611251015ABCDEF123456
------------------------------------------------
                     LUNAS
------------------------------------------------
                  Terima kasih
"""


def test_receipt_text_at_32_columns_for_58_mm_paper() -> None:
    slip = receipt.build(paid_sale(), SHOP, 32)
    assert slip.text == RECEIPT_32
    assert all(len(line) <= 32 for line in slip.lines)


def test_receipt_text_at_48_columns_for_80_mm_paper() -> None:
    slip = receipt.build(paid_sale(), SHOP, 48)
    assert slip.text == RECEIPT_48
    assert all(len(line) <= 48 for line in slip.lines)


def test_a_late_reprint_says_terlambat_and_salinan_top_and_bottom() -> None:
    sale = paid_sale(late=True, issuer_reff="OVO1234", brand="OVO", paid_at=datetime(2026, 11, 25, 21, 7, tzinfo=WIB))
    assert (
        receipt.build(sale, ShopInfo("Toko Maju"), 32, copy=True).text
        == """\
        *** SALINAN ***
           Toko Maju
--------------------------------
No. penjualan                #42
Tanggal               25-11-2026
Jam                    21:07 WIB
--------------------------------
Total                  Rp 25.000
Kode unik                 Rp 137
Dibayar                Rp 25.137
Via                     QRIS OVO
No. Ref                  OVO1234
--------------------------------
       LUNAS (terlambat)
            SALINAN
--------------------------------
"""
    )


def test_money_attached_by_hand_says_so_and_a_missing_reference_is_left_out() -> None:
    slip = receipt.build(paid_sale(manual=True, issuer_reff=None, brand=None), SHOP, 32)
    assert "   LUNAS (dihubungkan manual)" in slip.lines
    assert "Via                         QRIS" in slip.lines
    assert not any(line.startswith("Ref") for line in slip.lines)


def test_a_reference_longer_than_the_line_wraps_under_its_label_and_is_kept_whole() -> None:
    reff = "SHOPEEPAY-2026112510150000000000000042"
    lines = receipt.build(paid_sale(issuer_reff=reff), SHOP, 32).lines
    at = lines.index("No. Ref")
    assert "".join(line.strip() for line in lines[at + 1 : at + 3]) == reff


def test_only_a_paid_sale_has_a_receipt() -> None:
    with pytest.raises(ReceiptError) as caught:
        receipt.build(paid_sale(state="expired"), SHOP, 32)
    assert "LUNAS" in caught.value.user_message


def test_the_paid_time_is_shown_in_wib_whatever_zone_it_was_stored_in() -> None:
    utc_paid = datetime.fromisoformat("2026-11-25T17:30:00+00:00")  # 00:30 WIB the next day
    slip = receipt.build(paid_sale(paid_at=utc_paid), SHOP, 32)
    assert "Tanggal               26-11-2026" in slip.lines
    assert "Jam                    00:30 WIB" in slip.lines


# ---- ESC/POS bytes --------------------------------------------------------------------------


def test_escpos_job_is_init_text_bold_status_qr_of_the_reference_and_cut() -> None:
    data = escpos_out.encode(receipt.build(paid_sale(), SHOP, 32))
    tokens = escpos_out.decode(data)
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1dVB\x03")
    assert tokens[0] == "INIT" and tokens[-1] == "CUT"
    text = [t for t in tokens if not t.startswith(("ESC ", "QR ")) and t not in ("INIT", "CUT")]
    assert "\n".join(text).strip("\n") + "\n" == RECEIPT_32.replace("\n\n", "\n")
    status = tokens.index("             LUNAS")
    assert tokens[status - 1 : status + 2] == ["ESC E 1", "             LUNAS", "ESC E 0"]
    assert "QR KQ-20261125-42" in tokens


# ---- transports -----------------------------------------------------------------------------


def test_network_printer_receives_the_whole_job_and_confirms_it_behind_it(loopback_printer: LoopbackPrinter) -> None:
    data = escpos_out.encode(receipt.build(paid_sale(), SHOP, 48))
    escpos_out.send_network(loopback_printer.target, data)
    (job,) = loopback_printer.wait_for_jobs()
    # The status asked behind the job is answered only once the printer has read all of it.
    assert job == escpos_out.PAPER_STATUS + data + escpos_out.PAPER_STATUS


def test_a_printer_that_never_reads_is_not_counted_as_printed() -> None:
    hung = NeverReadingPrinter()
    started = time.monotonic()
    try:
        with pytest.raises(PrinterUnconfirmedError) as caught:
            escpos_out.send_network(hung.target, escpos_out.encode(receipt.build(paid_sale(), SHOP, 32)))
    finally:
        hung.close()
    assert time.monotonic() - started < 5  # the cashier is told within 5 s of LUNAS
    assert "tidak memastikan" in caught.value.user_message


@pytest.mark.parametrize("keep", [0, 200])
def test_a_printer_that_closes_in_the_middle_of_a_job_is_not_counted_as_printed(keep: int) -> None:
    early = EarlyClosingPrinter(keep)
    try:
        with pytest.raises(PrinterError):
            escpos_out.send_network(early.target, escpos_out.encode(receipt.build(paid_sale(), SHOP, 48)))
    finally:
        early.close()


def test_a_printer_that_runs_out_of_paper_during_the_job_is_not_counted_as_printed() -> None:
    class RunsOut(LoopbackPrinter):
        def __init__(self) -> None:
            self.asked = 0
            super().__init__()

        @property  # type: ignore[override]
        def status(self) -> int:
            self.asked += 1
            return 0x12 if self.asked == 1 else 0x72

        @status.setter
        def status(self, _value: int | None) -> None:
            pass

    printer = RunsOut()
    try:
        with pytest.raises(PrinterPaperOutError):
            escpos_out.send_network(printer.target, b"\x1b@hello\n")
    finally:
        printer.close()


def test_a_printer_that_never_answers_the_status_query_still_prints() -> None:
    silent = LoopbackPrinter(status=None)
    try:
        escpos_out.send_network(silent.target, b"\x1b@hello\n")
        assert silent.wait_for_jobs()[0].endswith(b"\x1b@hello\n")
    finally:
        silent.close()


def test_paper_out_is_reported_and_nothing_is_sent() -> None:
    empty = LoopbackPrinter(status=0x72)
    try:
        with pytest.raises(PrinterPaperOutError) as caught:
            escpos_out.send_network(empty.target, b"\x1b@hello\n")
        assert "Kertas printer struk habis" in caught.value.user_message
        assert empty.wait_for_jobs()[0] == escpos_out.PAPER_STATUS
    finally:
        empty.close()


def test_a_printer_that_is_off_refuses_the_connection_with_a_clear_message() -> None:
    with pytest.raises(PrinterUnreachableError) as caught:
        escpos_out.send_network(refused_target(), b"\x1b@")
    assert caught.value.user_message.startswith("Printer struk tidak terhubung")


def test_a_hung_printer_times_out_within_the_connect_timeout(hung_printer: HungPrinter) -> None:
    started = time.monotonic()
    with pytest.raises(PrinterTimeoutError) as caught:
        escpos_out.send_network(hung_printer.target, b"\x1b@", connect_timeout=0.5)
    assert time.monotonic() - started < 2.0
    assert "tidak menjawab" in caught.value.user_message


@pytest.mark.skipif(os.name == "nt", reason="a pseudo-terminal stands in for the port on POSIX")
def test_device_port_gets_the_bytes_and_a_missing_port_says_so(tmp_path: Path) -> None:
    import tty

    controller, port = os.openpty()  # /dev/pts/N: a character device, as /dev/usb/lp0 and /dev/ttyUSB0 are
    try:
        tty.setraw(port)  # bytes pass as they are, like a printer port's
        escpos_out.send_device(os.ttyname(port), b"\x1b@struk\n")
        assert os.read(controller, 64) == b"\x1b@struk\n"
    finally:
        os.close(port)
        os.close(controller)
    with pytest.raises(PrinterUnreachableError):
        escpos_out.send_device(str(tmp_path / "missing" / "lp9"), b"\x1b@")


def test_a_regular_file_is_never_a_printer_port_and_is_left_untouched(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"  # a slip in the file dialog (issue 20, item 3)
    journal.write_bytes(b"SQLite format 3\x00" + b"\x01" * 100)
    with pytest.raises(escpos_out.PrinterTargetError, match="bukan port printer"):
        escpos_out.send_device(str(journal), b"\x1b@struk\n")
    assert journal.read_bytes() == b"SQLite format 3\x00" + b"\x01" * 100
    with pytest.raises(escpos_out.PrinterTargetError):
        escpos_out.send_device(str(tmp_path), b"\x1b@")  # nor a folder


@pytest.mark.parametrize("name", ["COM3", "com10", "\\\\.\\COM12", "LPT1", "USB001", "PRN"])
def test_windows_port_names_are_printer_ports(name: str) -> None:
    assert escpos_out.device_problem(name, windows=True) is None


@pytest.mark.parametrize("name", ["C:\\Users\\Kasir\\AppData\\journal.sqlite3", "struk.txt", "COM", "COM3.txt", ""])
def test_anything_else_is_not_a_windows_printer_port(name: str) -> None:
    assert escpos_out.device_problem(name, windows=True) is not None


@pytest.mark.parametrize("target", ["192.168.1.50:99999", "192.168.1.50:0", "[::1]:65536"])
def test_a_printer_port_number_outside_1_to_65535_is_refused(target: str) -> None:
    with pytest.raises(escpos_out.PrinterTargetError, match="1-65535"):
        escpos_out.parse_target(target)


def test_printer_address_accepts_a_bare_host_or_host_and_port() -> None:
    assert escpos_out.parse_target("192.168.1.50") == ("192.168.1.50", 9100)
    assert escpos_out.parse_target(" 192.168.1.50:9101 ") == ("192.168.1.50", 9101)


# ---- text from the server or the settings never reaches the printer as commands (issue 20, 11, 12) ----


def test_control_characters_in_server_and_settings_texts_never_reach_the_printer() -> None:
    hostile_sale = paid_sale(brand="OVO\x1bp\x00\x19\xfa", issuer_reff="R\x1d\x56\x00EF", buyer_reff="\x1b@X")
    hostile_shop = ShopInfo("Warung\x1bE\x01 Bu Sri", "Jl. Melati\x1b!\x30 5", "Terima\x10\x04\x01 kasih\x7f\x9b")
    slip = receipt.build(hostile_sale, hostile_shop, 32)
    assert not any(ch < " " or "\x7f" <= ch <= "\x9f" for line in slip.lines for ch in line), slip.lines
    plain = escpos_out.encode(receipt.build(paid_sale(brand="OVO", issuer_reff="REF"), SHOP, 32))
    data = escpos_out.encode(slip)
    for command in (b"\x1b", b"\x1d", b"\x10"):  # ESC, GS, DLE: only the job's own commands
        assert data.count(command) == plain.count(command), command
    assert b"\x1bp" not in data  # the cash-drawer kick


def test_the_printer_layer_strips_control_characters_whatever_text_it_is_given() -> None:
    slip = receipt.Receipt(("LUNAS\x1bE\x01", "a\x1bp\x00\x19\xfab"), 32, "KQ-1", False)
    data = escpos_out.encode(slip, qr=False)
    assert data.count(b"\x1b") == escpos_out.encode(
        receipt.Receipt(("LUNAS", "ab"), 32, "KQ-1", False), qr=False
    ).count(b"\x1b")


def test_a_very_long_shop_name_prints_a_few_lines_not_hundreds() -> None:
    slip = receipt.build(paid_sale(brand="D" * 20_000), ShopInfo("N" * 20_000, "A" * 20_000, "F" * 20_000), 32)
    assert len(slip.lines) < 40


def test_a_receipt_of_a_shop_with_several_tills_names_its_till() -> None:
    lines = receipt.build(paid_sale(counter="Kasir 2"), SHOP, 32).lines
    assert "Kasir                    Kasir 2" in lines
    assert (
        lines.index("Kasir                    Kasir 2")
        == lines.index(next(x for x in lines if x.startswith("Jam"))) + 1
    )


def test_a_receipt_of_one_pc_has_no_till_line() -> None:
    assert not any(line.startswith("Kasir ") for line in receipt.build(paid_sale(), SHOP, 32).lines)


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("Livin’ by Mandiri", "Livin' by Mandiri"),
        ("Jl. Merdeka No. 5 — Bandung", "Jl. Merdeka No. 5 - Bandung"),
        ("“Terima kasih” – sampai jumpa…", '"Terima kasih" - sampai jumpa...'),
        ("Kopi ☕ Senja 😀", "Kopi  Senja "),
        ("Café Ñam", "Café Ñam"),  # in PC437 as they are
        ("Đà Lạt", "Dà Lat"),  # à is in PC437; Đ and ạ become their bare letters
        ("東京", "??"),  # a letter with no likeness stays a visible gap
    ],
)
def test_text_the_printers_code_page_lacks_prints_as_written_not_as_question_marks(written: str, printed: str) -> None:
    assert escpos_out._text(written).decode("cp437") == printed + "\n"


# ---- the QRIS facts a dispute asks for (issue 23) ----------------------------------------------------


def test_a_receipt_names_the_merchant_and_nmid_as_the_shops_qris_knows_them() -> None:
    shop = ShopInfo("Warung Bu Sri", merchant_name="TOKO DEMO KASIR", nmid="ID2025000000001")
    lines = receipt.build(paid_sale(), shop, 32).lines
    assert "QRIS a.n. TOKO DEMO KASIR".center(32).rstrip() in lines
    assert "NMID ID2025000000001".center(32).rstrip() in lines


def test_the_merchant_name_is_left_out_when_it_is_the_shops_own() -> None:
    shop = ShopInfo("TOKO DEMO KASIR", merchant_name="TOKO DEMO KASIR", nmid="ID2025000000001")
    assert not any("a.n." in line for line in receipt.build(paid_sale(), shop, 32).lines)


@pytest.mark.parametrize(
    ("claim", "line"),
    [
        ("DANA202611251015ABCDEF", "No. Ref" + "DANA202611251015ABCDEF".rjust(25)),  # the issuer's (RRN)
        ("h:8812345", "Ref" + "8812345".rjust(29)),  # the history's id, when the route gives no RRN
        ("r:h:odd", "No. Ref" + "h:odd".rjust(25)),
    ],
)
def test_the_payments_reference_is_labelled_for_a_customer_service_desk(claim: str, line: str) -> None:
    assert line in receipt.build(paid_sale(issuer_reff=claim), SHOP, 32).lines


def test_a_payment_with_no_reference_of_its_own_prints_none() -> None:
    lines = receipt.build(paid_sale(issuer_reff="~2026-11-25 10:15|25137|X|"), SHOP, 32).lines
    assert not any(line.startswith(("Ref", "No. Ref")) for line in lines)


def test_cetak_uji_prints_the_address_the_footer_and_the_characters_that_matter() -> None:
    lines = receipt.trial_page(ShopInfo("Warung Bu Sri", "Jl. Melati — Bandung", "Terima kasih ’ya’"), 32).lines
    assert any("Jl. Melati" in line for line in lines) and any("Terima kasih" in line for line in lines)
    assert any(line.startswith("Uji huruf") for line in lines)
    printed = [escpos_out.printable_437(line) for line in lines]
    assert not any("?" in line for line in printed)
