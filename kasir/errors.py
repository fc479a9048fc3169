"""The small typed family of things that go wrong talking to the server.

Each error carries ``user_message``: Indonesian, for the cashier, with the server's own
message appended where there is one. None ever contains the API key or the token: the
client scrubs server messages before they get here.
"""

from __future__ import annotations


class KasirError(Exception):
    """Base of every failure the cashier is told about: ``user_message`` is Indonesian, in a
    cashier's words, and never holds a secret. The server, the journal, the printer, the data
    folder, the settings file and the receipt each have a branch of this one family."""

    default_message = "Terjadi kesalahan."

    @property
    def user_message(self) -> str:
        return self.default_message


class InvalidValueError(KasirError, ValueError):
    """A value the app refuses (an amount, a QRIS, an address); its text is already the cashier's."""

    @property
    def user_message(self) -> str:
        return str(self) or self.default_message


class ConfigError(InvalidValueError):
    """A setting the client cannot work with (bad URL, bad merchant code)."""


def os_reason(exc: OSError) -> str:
    """An operating-system failure in a shop owner's words, never an exception's class name."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "disk penuh"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "folder tidak boleh ditulis (izin ditolak atau hanya-baca)"
    if isinstance(exc, FileNotFoundError):
        return "berkas atau folder tidak ada"
    return exc.strerror or "kesalahan disk"


def message_for(error: BaseException, fallback: str) -> str:
    """What the cashier reads about ``error``: its own message, or ``fallback`` for a bug."""
    if isinstance(error, KasirError) and error.user_message:
        return error.user_message
    return fallback


class ApiError(KasirError):
    """Base of every failure of an API call."""

    default_message = "Terjadi kesalahan saat menghubungi server."

    def __init__(self, detail: str = "", *, server_message: str | None = None) -> None:
        self.detail = detail
        self.server_message = server_message or None
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        text = self.default_message
        if self.server_message:
            text = f"{text} Pesan server: {self.server_message.rstrip('.')}."
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.detail!r})"


class NetworkError(ApiError):
    default_message = "Koneksi bermasalah: server tidak dapat dihubungi. Periksa internet."


class ApiTimeoutError(NetworkError):
    default_message = "Koneksi bermasalah: server terlalu lama menjawab."


class UnauthorizedError(ApiError):
    # The key is entered in the login dialog (menu Akun), not in Pengaturan.
    default_message = "API key ditolak server. Masukkan API key lagi (menu Akun → Masuk lagi)."


class NotLoggedInError(ApiError):
    # A job that needs the server ran while no API key is stored: never a crash on None.
    default_message = "Belum masuk ke akun. Buka menu Akun lalu masuk."


class SessionExpiredError(ApiError):
    default_message = "Sesi login berakhir. Silakan masuk lagi dengan OTP."


class RateLimitedError(ApiError):
    default_message = "Server membatasi permintaan (terlalu sering)."

    def __init__(self, detail: str = "", *, server_message: str | None = None, cooldown_s: float = 300.0) -> None:
        self.cooldown_s = cooldown_s
        super().__init__(detail, server_message=server_message)

    @property
    def user_message(self) -> str:
        minutes = max(1, round(self.cooldown_s / 60))
        return f"{super().user_message} Coba lagi dalam {minutes} menit."


class ServerSideRefusalError(ApiError):
    """The upstream (OrderKuota) refuses the proxy itself, for a reason waiting does not fix: the
    proxy's operator must act. Not a rate limit: nothing is paused, checks go on at their cadence so
    the fix is noticed at once. The cashier reads who must act and that the sale is kept."""

    default_message = "Order Kuota menolak server API."
    consequence = " Sampai itu pembayaran tidak dapat terdeteksi; penjualan tetap tersimpan."

    @property
    def user_message(self) -> str:
        said = f" Pesan server: {self.server_message.rstrip('.')}." if self.server_message else ""
        return f"{self.default_message}{self.consequence}{said}"


class NetworkRefusedError(ServerSideRefusalError):
    """ "469: Gunakan Jaringan Internet Lainnya": the upstream refuses the network the proxy asks from."""

    default_message = "Order Kuota menolak jaringan server API; pengelola server API harus memakai jaringan lain."


class UpstreamOutdatedError(ServerSideRefusalError):
    """ "Silakan perbarui aplikasi Order Kuota terlebih dahulu": the upstream's app-version gate."""

    default_message = "Order Kuota meminta versi aplikasi yang lebih baru; pengelola server API harus memperbaruinya."


class ServerError(ApiError):
    default_message = "Server sedang bermasalah. Coba lagi sebentar lagi."

    def __init__(self, detail: str = "", *, server_message: str | None = None, status: int = 0) -> None:
        self.status = status
        super().__init__(detail, server_message=server_message)


class BadResponseError(ApiError):
    default_message = "Jawaban server tidak dapat dibaca."


class ResponseTooLargeError(BadResponseError):
    default_message = "Jawaban server terlalu besar dan diabaikan."


class EndpointMissingError(ApiError):
    """HTTP 404/405: this route is not served (any more). The next source takes over."""

    default_message = "Layanan ini tidak tersedia di server."


class RejectedError(ApiError):
    """The server understood and said no (wrong OTP, "Gagal generate QRIS", bad fields)."""

    default_message = "Permintaan ditolak server."
