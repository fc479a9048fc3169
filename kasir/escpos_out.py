"""ESC/POS bytes for a receipt, and the two ways they reach a thermal printer. No Qt.

Why our own bytes instead of python-escpos: a text receipt needs eight commands (init, align,
bold, size, native QR, feed, cut, paper status), all in the Epson ESC/POS reference that every
58/80 mm clone follows. python-escpos 3.1 would pull in Pillow, python-barcode, PyYAML, appdirs,
argcomplete, six, importlib_resources and setuptools (about 9 MB of wheels, Pillow alone 7 MB)
for image printing we do not use, while another issue is taking Pillow *out* of the package.

Transports:
- ``network``: raw TCP to port 9100 (LAN/Wi-Fi printers, and USB printers shared by a print server);
- ``device``: write to a port path — ``/dev/usb/lp0``, ``/dev/ttyUSB0`` on Linux, ``COM3`` or
  ``LPT1`` on Windows (USB-serial adapters and printers installed as a "USB virtual COM port").
A USB printer that Windows knows only through its driver goes through the system printer path
(Qt print support) instead.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import stat
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from kasir.errors import KasirError
from kasir.receipt import Receipt, emphasised

DEFAULT_PORT = 9100
CONNECT_TIMEOUT_S = 3.0  # a printer on the shop LAN answers in milliseconds; more is "off"
WRITE_TIMEOUT_S = 5.0
STATUS_WAIT_S = 0.4  # printers that do not answer DLE EOT get this long, then we print anyway
# After the job: how long the printer has to show it read all of it (its status answer behind the job,
# or closing once we have half-closed). Within 5 s of LUNAS the cashier knows either way.
CONFIRM_WAIT_S = 3.0

ESC, GS, DLE = b"\x1b", b"\x1d", b"\x10"
INIT = ESC + b"@"
CUT = GS + b"V" + bytes((66, 3))  # feed 3 lines, then partial cut
PAPER_STATUS = DLE + b"\x04\x04"  # real-time status: paper roll sensor
_PAPER_END = 0x60  # bits 5-6: paper end
_PAPER_NEAR_END = 0x0C  # bits 2-3: paper near end


class PrinterError(KasirError):
    """The receipt did not print. The sale is unaffected; ``user_message`` tells the cashier why."""

    default_message = "Struk gagal dicetak."

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(detail or self.user_message)


class PrinterNotConfiguredError(PrinterError):
    default_message = "Printer struk belum dipilih. Pilih di Pengaturan → Printer struk."


class PrinterUnreachableError(PrinterError):
    default_message = "Printer struk tidak terhubung: periksa daya, kabel atau alamatnya. Penjualan tetap tersimpan."


class PrinterTimeoutError(PrinterError):
    default_message = "Printer struk tidak menjawab (mati atau macet?). Penjualan tetap tersimpan."


class PrinterTargetError(PrinterError):
    """The address or port chosen cannot be a printer: refused before anything is sent or written."""

    default_message = "Alamat printer struk tidak dapat dipakai."

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    @property
    def user_message(self) -> str:
        return f"{self.reason} Periksa Pengaturan → Printer struk."


class PrinterUnconfirmedError(PrinterError):
    """The job went out but the printer never showed it read all of it: the receipt is not counted."""

    default_message = (
        "Printer struk tidak memastikan struk tercetak (printer diam atau memutus sambungan). Periksa kertasnya;"
        " bila struk tidak keluar, tekan Cetak struk lagi."
    )


class PrinterPaperOutError(PrinterError):
    default_message = "Kertas printer struk habis. Ganti gulungan kertas lalu tekan Cetak struk."


# C0 and C1 controls and DEL: in a printed line they would be commands (ESC p kicks the cash drawer,
# GS V cuts, ESC @ resets). The job's own commands are written apart from its text.
_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


# What PC437 lacks but a shop writes (a bank's name, an address, a footer pasted from a phone): printed as
# the nearest ASCII, never as "?".
_LIKENESS = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": ",",
        "‛": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‹": "<",
        "›": ">",
        "–": "-",
        "—": "-",
        "―": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
        "•": "*",
        "€": "EUR",
        "™": "TM",
        "©": "(c)",
        "®": "(R)",
        "×": "x",
        "\u00a0": " ",
        "\u202f": " ",
        "Đ": "D",
        "đ": "d",
        "Ł": "L",
        "ł": "l",
        "Ø": "O",
        "ø": "o",
    }
)


def printable_437(line: str) -> str:
    """The line as PC437 can print it: its own letters as they are, look-alikes for punctuation,
    letters with marks it lacks as the bare letter, emoji and symbols left out; a letter with no
    likeness at all (東) stays a visible "?"."""
    text = line.translate(_CONTROLS).translate(_LIKENESS)
    out: list[str] = []
    for char in text:
        try:
            char.encode("cp437")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            out.append(bare.encode("cp437").decode("cp437") if bare else "")
        except UnicodeEncodeError:
            kind = unicodedata.category(char)
            out.append("" if kind[0] in "SCMZ" or kind == "Cf" else "?")  # emoji, symbols, joiners: dropped
    return "".join(out)


def _text(line: str) -> bytes:
    # Code page PC437 is every ESC/POS printer's power-on default.
    return printable_437(line).encode("cp437", errors="replace") + b"\n"


def _qr(data: str) -> bytes:
    """Native QR (GS ( k, model 2): printed by the printer itself, so no image library is needed."""
    payload = data.encode("ascii", errors="replace")
    store = len(payload) + 3

    def fn(*body: int) -> bytes:
        return GS + b"(k" + bytes((len(body) & 0xFF, len(body) >> 8, *body))

    return (
        fn(49, 65, 50, 0)  # model 2
        + fn(49, 67, 5)  # module size 5 dots
        + fn(49, 69, 49)  # error correction M
        + GS
        + b"(k"
        + bytes((store & 0xFF, store >> 8, 49, 80, 48))
        + payload
        + fn(49, 81, 48)  # print it
    )


def encode(receipt: Receipt, *, qr: bool = True) -> bytes:
    """The whole job: init, the receipt's lines (status line bold), the reference as QR, feed, cut."""
    out = bytearray(INIT)
    out += ESC + b"t\x00"  # PC437, in case the last job left another code page
    for line in receipt.lines:
        emphasis = emphasised(line)
        if emphasis:
            out += ESC + b"E\x01"
        out += _text(line)
        if emphasis:
            out += ESC + b"E\x00"
    if qr:
        out += ESC + b"a\x01" + _qr(receipt.reference) + b"\n" + ESC + b"a\x00"
    out += CUT
    return bytes(out)


def parse_target(target: str) -> tuple[str, int]:
    """``192.168.1.50`` or ``192.168.1.50:9100`` → host and port (1-65535: 99999 is no port, and
    the socket layer would quietly take it modulo 65536)."""
    text = target.strip()
    if not text:
        raise PrinterNotConfiguredError("no printer address")
    host, sep, port = text.rpartition(":")
    if sep and host and port.isdigit() and port.isascii():
        if not 1 <= int(port) <= 65535:
            raise PrinterTargetError(f"Port printer {port} tidak ada: nomor port harus 1-65535 (biasanya 9100).")
        return host.strip("[]"), int(port)
    return text, DEFAULT_PORT


# What Windows calls its printer ports: COM1.., LPT1.., USB001.. (a printer's "USB virtual port"), PRN,
# with or without the device namespace prefix (\\.\COM10, which ports above 9 need).
_WINDOWS_PORT = re.compile(r"(\\\\\.\\)?(COM[0-9]{1,3}|LPT[0-9]{1,3}|USB[0-9]{1,3}|PRN)", re.IGNORECASE)


def device_problem(path: str, *, windows: bool = os.name == "nt") -> str | None:
    """Why ``path`` cannot be a printer port, or None. A printer port is a device, never a file:
    pointed at the journal by a slip in the file dialog, one receipt overwrote its header."""
    text = path.strip()
    if windows:
        if _WINDOWS_PORT.fullmatch(text):
            return None
        return f"{text or '(kosong)'} bukan port printer. Tulis nama port seperti COM3 atau LPT1."
    try:
        mode = os.stat(text).st_mode
    except OSError:
        return None  # a port that is not there says so when it is opened (unplugged, not a wrong choice)
    return None if stat.S_ISCHR(mode) else _not_a_port(text)


def _not_a_port(path: str) -> str:
    return (
        f"{path} bukan port printer (itu berkas atau folder biasa). Pilih port seperti /dev/usb/lp0 atau /dev/ttyUSB0."
    )


# Jobs in progress, so that closing the app can cut one that hangs (abort_all, from the GUI thread).
_in_progress: set[threading.Event] = set()
_open_sockets: set[socket.socket] = set()
_registry = threading.Lock()


@contextmanager
def _cancellable(sock: socket.socket | None = None) -> Iterator[threading.Event]:
    cancelled = threading.Event()
    with _registry:
        _in_progress.add(cancelled)
        if sock is not None:
            _open_sockets.add(sock)
    try:
        yield cancelled
    finally:
        with _registry:
            _in_progress.discard(cancelled)
            if sock is not None:
                _open_sockets.discard(sock)


def abort_all() -> None:
    """Cut every print in progress (closing the app): a socket waiting on a printer is shut down, a
    port write stops at its next turn. Each job ends with an error; none is counted as printed."""
    with _registry:
        for cancelled in _in_progress:
            cancelled.set()
        for sock in _open_sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def send_network(
    target: str, data: bytes, *, connect_timeout: float = CONNECT_TIMEOUT_S, confirm_wait: float = CONFIRM_WAIT_S
) -> None:
    host, port = parse_target(target)
    try:
        sock = socket.create_connection((host, port), timeout=connect_timeout)
    except TimeoutError as exc:
        raise PrinterTimeoutError(f"connect {host}:{port}: {exc}") from exc
    except OSError as exc:
        raise PrinterUnreachableError(f"connect {host}:{port}: {exc}") from exc
    with sock, _cancellable(sock):
        try:
            answers = _check_paper(sock)
            sock.settimeout(WRITE_TIMEOUT_S)
            sock.sendall(data)
        except TimeoutError as exc:
            raise PrinterTimeoutError(f"write {host}:{port}: {exc}") from exc
        except OSError as exc:
            raise PrinterUnreachableError(f"write {host}:{port}: {exc}") from exc
        _confirm(sock, answers=answers, wait=confirm_wait)


def _check_paper(sock: socket.socket) -> bool:
    """Ask the paper sensor; a printer that stays silent may still print (many cheap ones do not
    answer). True when it answered (paper present)."""
    sock.settimeout(STATUS_WAIT_S)
    sock.sendall(PAPER_STATUS)
    try:
        answer = sock.recv(1)
    except TimeoutError:
        return False
    _paper_out(answer)
    return bool(answer)


def _paper_out(answer: bytes) -> None:
    if answer and answer[0] & 0x93 == 0x12 and answer[0] & _PAPER_END:
        raise PrinterPaperOutError(f"paper status {answer[0]:#04x}")


def _confirm(sock: socket.socket, *, answers: bool, wait: float) -> None:
    """The receipt counts only once the printer shows it read the whole job: a printer that answers
    real-time status answers a query sent behind the job (it reads in order), and one that does not
    closes the connection once it has read everything after we half-close it. "sendall returned"
    proves nothing: a receipt's kilobyte fits in the socket buffers of a printer that never reads."""
    deadline = time.monotonic() + wait
    try:
        if answers:
            sock.sendall(PAPER_STATUS)
        sock.shutdown(socket.SHUT_WR)
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            chunk = sock.recv(16)
            if answers and chunk:
                _paper_out(chunk[-1:])
                return
            if not chunk:  # closed: after everything was read, unless it still owed the status answer
                if answers:
                    raise PrinterUnconfirmedError("closed before answering the status behind the job")
                return
    except (TimeoutError, OSError) as exc:  # silent, or reset with our bytes unread
        raise PrinterUnconfirmedError(f"{type(exc).__name__}: {exc}") from exc
    raise PrinterUnconfirmedError(f"no sign of the job read within {wait:.0f} s")


def send_device(path: str, data: bytes, *, timeout: float = WRITE_TIMEOUT_S) -> None:
    """Write to a printer port. A port with nothing behind it fails at open; a stuck one at the deadline."""
    if not path.strip():
        raise PrinterNotConfiguredError("no printer port")
    problem = device_problem(path)
    if problem:
        raise PrinterTargetError(problem)
    flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise PrinterUnreachableError(f"open {path}: {exc}") from exc
    except OSError as exc:
        raise PrinterUnreachableError(f"open {path}: {exc}") from exc
    deadline = time.monotonic() + timeout
    view = memoryview(data)
    with _cancellable() as cancelled:
        _write_all(fd, path, view, deadline, cancelled)


def _write_all(fd: int, path: str, view: memoryview, deadline: float, cancelled: threading.Event) -> None:
    try:
        if os.name != "nt" and not stat.S_ISCHR(os.fstat(fd).st_mode):  # swapped for a file since the check
            raise PrinterTargetError(_not_a_port(path))
        while view:
            try:
                written = os.write(fd, view)
            except BlockingIOError:
                written = 0
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise PrinterPaperOutError(f"write {path}: {exc}") from exc
                raise PrinterUnreachableError(f"write {path}: {exc}") from exc
            view = view[written:]
            if view and (time.monotonic() > deadline or cancelled.is_set()):
                raise PrinterTimeoutError(f"write {path}: stuck with {len(view)} bytes left")
            if view and not written:
                time.sleep(0.02)  # worker thread only: the port's buffer is full, let the printer drain it
    finally:
        os.close(fd)


def send(kind: str, target: str, data: bytes) -> None:
    if kind == "network":
        send_network(target, data)
    elif kind == "device":
        send_device(target, data)
    else:
        raise PrinterNotConfiguredError(f"kind {kind!r} has no ESC/POS transport")


def decode(data: bytes) -> list[str]:
    """ESC/POS bytes back to readable tokens (tests, and a debugging aid): commands by name, text as is."""
    names = {INIT: "INIT", CUT: "CUT", PAPER_STATUS: "STATUS?"}
    tokens: list[str] = []
    i, text = 0, bytearray()

    def flush() -> None:
        if text:
            tokens.append(text.decode("cp437"))
            text.clear()

    while i < len(data):
        for raw, name in names.items():
            if data.startswith(raw, i):
                flush()
                tokens.append(name)
                i += len(raw)
                break
        else:
            byte = data[i]
            if byte == 0x1B and i + 2 < len(data):  # ESC x n
                flush()
                tokens.append(f"ESC {chr(data[i + 1])} {data[i + 2]}")
                i += 3
            elif byte == 0x1D and data.startswith(b"(k", i + 1):  # GS ( k pL pH ...
                flush()
                size = data[i + 3] | data[i + 4] << 8
                body = data[i + 5 : i + 5 + size]
                if body[:3] == b"1P0":
                    tokens.append("QR " + body[3:].decode("ascii"))
                i += 5 + size
            elif byte == 0x0A:
                tokens.append(text.decode("cp437"))
                text.clear()
                i += 1
            else:
                text.append(byte)
                i += 1
    flush()
    return tokens
