"""Which route serves what, chosen and re-chosen while the app runs (no Qt, injected clock).

The service has moved since the seed document was written (CONTRACT.md, "The service as it
stands today"): the three ``/kasir/orkut/*`` routes may answer 404, the operator's gateway
``/orkut/pg-hidepulsa`` may or may not be there, and the documented ``/mutasi`` history is
enough to see payments. Each job is therefore a fixed order of sources:

- the QR: seed ``generate`` → gateway ``qris_generate`` → built here from the shop's static QRIS;
- payment detection: seed ``status-pembayaran`` → gateway ``mutasi_orkut`` → ``/mutasi`` history;
- the side panel: seed ``/kasir/orkut/mutasi`` → gateway ``mutasi_orkut`` → ``/mutasi`` history.

A source that answers "not served" (404/405: :class:`EndpointMissingError`) is skipped for
the rest of the session and probed again later (at login, and every ``reprobe_after``). A
source that fails for any other reason (5xx, timeout, rate limit) is *not* abandoned: the
caller retries it with backoff, because a passing outage must not move a shop off its route.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from kasir import qris
from kasir.errors import ApiError, EndpointMissingError, RateLimitedError, ServerSideRefusalError, SessionExpiredError
from kasir.orkut.types import GeneratedQr, MutasiEntry, Session
from kasir.qrcheck import CheckedQr, prepare
from kasir.wib import Clock

if TYPE_CHECKING:
    from kasir.orkut.client import OrkutClient  # the jobs are handed one; sources never makes it

log = logging.getLogger(__name__)

REPROBE_AFTER = timedelta(minutes=30)


class Source(StrEnum):
    SEED = "seed"  # /kasir/orkut/*
    GATEWAY = "gateway"  # /orkut/pg-hidepulsa
    HISTORY = "history"  # /mutasi
    LOCAL = "local"  # no server: the shop's static QRIS made dynamic here


QR_ORDER = (Source.SEED, Source.GATEWAY, Source.LOCAL)
PAYMENT_ORDER = (Source.SEED, Source.GATEWAY, Source.HISTORY)
PANEL_ORDER = (Source.SEED, Source.GATEWAY, Source.HISTORY)

# What the cashier reads in the quiet label, and the log.
LABEL = {
    Source.SEED: "cek langsung per QR",
    Source.GATEWAY: "server pembayaran",
    Source.HISTORY: "riwayat mutasi",
    Source.LOCAL: "QR lokal",
}

# The history is the upstream's "QRIS merchant" menu, which answers "terlalu sering … coba
# kembali 5 menit" to clients that ask too often; the seed's status route is cheap.
HISTORY_SHAPED = frozenset({Source.GATEWAY, Source.HISTORY})

# What a rate limit pauses: the route a source's request lands on, per job. CONTRACT.md says public
# clients "treat HTTP 469 and 'terlalu sering ... coba kembali 5 menit' as a five-minute pause for that
# account" — but those clients ask one thing only, the account's QRIS history, so what they pause is
# that account's history menu. ``/mutasi`` and the gateway's ``mutasi_orkut`` both answer that menu
# (``qris_history``) for the same account: a pause on either holds for both, for the payment watcher
# and the side panel alike. The proxy's own ``/kasir/orkut/*`` routes are other routes: a
# ``Retry-After`` from ``status-pembayaran`` pauses that route, and payments are still detected through
# the next route of PAYMENT_ORDER, at its own cadence, unless that one answers "terlalu sering" too.
HISTORY_MENU = "qris_history"
PAYMENT_ROUTES = {
    Source.SEED: "/kasir/orkut/status-pembayaran",
    Source.GATEWAY: HISTORY_MENU,
    Source.HISTORY: HISTORY_MENU,
}
PANEL_ROUTES = {Source.SEED: "/kasir/orkut/mutasi", Source.GATEWAY: HISTORY_MENU, Source.HISTORY: HISTORY_MENU}
QR_ROUTES = {
    Source.SEED: "/kasir/orkut/generate",
    Source.GATEWAY: "/orkut/pg-hidepulsa qris_generate",
    Source.LOCAL: "local",
}


class ShopQrisMissingError(ApiError):
    default_message = (
        "QRIS toko belum diketahui, jadi QR tidak dapat dibuat tanpa server. Pilih gambar QRIS toko di Pengaturan."
    )


class RefusedQrError(qris.QrisError):
    """A server's QR payload that the gate refused: the cashier reads the reason; its repr, which is
    the worker's log line, also names the route and the payload's first 20 characters, never more."""

    def __init__(self, error: qris.QrisError, source: Source, payload: str) -> None:
        super().__init__(str(error), error.findings)
        self.source, self.payload_head, self.payload_size = source, payload[:20], len(payload)

    def __repr__(self) -> str:
        route = QR_ROUTES.get(self.source, self.source.value)
        return f"RefusedQrError({route}: {self}; payload {self.payload_head}… ({self.payload_size} chars))"


T = TypeVar("T")


@dataclass(frozen=True)
class Served(Generic[T]):
    """A result, the source that gave it, and the sources found not served on the way."""

    value: T
    source: Source
    missing: tuple[Source, ...] = ()


def first_served(candidates: Sequence[Source], attempt: Callable[[Source], T]) -> Served[T]:
    """Try each source in order; only "not served" moves on, any other failure is raised as
    :class:`SourceFailedError`, which names the source, so its cool-down lands on the right route."""
    missing: list[Source] = []
    for source in candidates:
        try:
            return Served(attempt(source), source, tuple(missing))
        except EndpointMissingError:
            log.info("source %s is not served by the server", source.value)
            missing.append(source)
        except ApiError as exc:
            raise SourceFailedError(exc, source, tuple(missing)) from exc
    raise NoSourceError(tuple(missing))


class NoSourceError(EndpointMissingError):
    default_message = "Server tidak menyediakan layanan ini di jalur mana pun yang dikenal aplikasi."

    def __init__(self, missing: tuple[Source, ...]) -> None:
        self.missing = missing
        super().__init__(", ".join(s.value for s in missing))


class SourceFailedError(ApiError):
    """One source failed for a reason other than "not served": it is retried, not abandoned."""

    def __init__(self, error: ApiError, source: Source, missing: tuple[Source, ...]) -> None:
        self.error, self.source, self.missing = error, source, missing
        super().__init__(f"{source.value}: {error.detail}")

    @property
    def user_message(self) -> str:
        return self.error.user_message


@dataclass
class SourceChoice:
    """One job's sources in their fixed order, and what the session has learned about them.

    ``cooldowns`` is keyed by route (``routes``, see PAYMENT_ROUTES) and may be shared between
    choices: the history is one upstream menu whether the payment watcher or the side panel asks,
    and its "coba kembali 5 menit" holds for both; a pause on one route never silences another.
    """

    name: str
    order: tuple[Source, ...]
    clock: Clock
    reprobe_after: timedelta = REPROBE_AFTER
    current: Source | None = None
    routes: Mapping[Source, str] = field(default_factory=dict)
    cooldowns: dict[str, datetime] = field(default_factory=dict)
    _missing_since: dict[Source, datetime] = field(default_factory=dict)
    gateway: GatewayWatch = field(init=False)

    def __post_init__(self) -> None:
        self.gateway = GatewayWatch(self.clock)

    def candidates(self) -> tuple[Source, ...]:
        """The order without the sources known not to be served; a due re-probe puts them back."""
        now = self.clock()
        for source, since in list(self._missing_since.items()):
            if now - since >= self.reprobe_after:
                del self._missing_since[source]
        usable = tuple(s for s in self.order if s not in self._missing_since)
        return usable or self.order  # all gone: keep asking, so the cashier sees the error

    def record(self, served: Served[Any]) -> bool:
        """Learn from a job; True when the serving source changed (worth a log line and a label)."""
        now = self.clock()
        for source in served.missing:
            self._missing_since[source] = now
        self._missing_since.pop(served.source, None)
        changed = served.source != self.current
        if changed:
            log.info("%s now served by %s", self.name, served.source.value)
        self.current = served.source
        return changed

    def record_missing(self, missing: Sequence[Source]) -> None:
        now = self.clock()
        for source in missing:
            self._missing_since[source] = now

    def reprobe(self) -> None:
        """At login: every source gets another chance."""
        self._missing_since.clear()

    def route(self, source: Source) -> str:
        """The route (upstream menu) a request of this job to ``source`` lands on: what a pause holds."""
        return self.routes.get(source, source.value)

    def cool_down(self, source: Source, seconds: float) -> None:
        self.cooldowns[self.route(source)] = self.clock() + timedelta(seconds=seconds)
        log.warning("%s: %s paused by the server for %.0f s", self.name, self.route(source), seconds)

    def _rest(self, source: Source, now: datetime) -> timedelta:
        until = self.cooldowns.get(self.route(source))
        return max(until - now, timedelta(0)) if until else timedelta(0)

    def ready(self) -> tuple[Source, ...]:
        """The candidates that may be asked now: not known missing, not paused by the server."""
        now = self.clock()
        return tuple(s for s in self.candidates() if not self._rest(s, now))

    def resting(self) -> tuple[tuple[Source, timedelta], ...]:
        """The candidates the server paused, with how long each still rests."""
        now = self.clock()
        return tuple((s, left) for s in self.candidates() if (left := self._rest(s, now)))

    def cooldown_left(self, source: Source | None = None) -> timedelta:
        """How long ``source`` must still rest; without one, how long until any candidate may be
        asked (zero while one may be asked now)."""
        now = self.clock()
        if source is not None:
            return self._rest(source, now)
        return min((self._rest(s, now) for s in self.candidates()), default=timedelta(0))

    def serving(self) -> Source | None:
        """The source the next request goes to: the one serving while it may be asked, else the
        first that may; None while every candidate rests."""
        ready = self.ready()
        if self.current in ready:
            return self.current
        return ready[0] if ready else None

    def interval_s(self, fast_s: float, history_s: float) -> float:
        """The cadence of the source asked now: history-shaped routes have their own, slower one."""
        source = self.serving() or self.current or (self.candidates() or self.order)[0]
        return history_s if source in HISTORY_SHAPED else fast_s


class GatewayState(StrEnum):
    """The gateway's own on-line state, as its ``cekaktif`` says it (the operator's words)."""

    ONLINE = "ONLINE"
    OFFLINE = "OFFLINE"


CEKAKTIF_EVERY = timedelta(minutes=1)


def gateway_state(client: OrkutClient, session: Session) -> GatewayState:
    """Ask ``cekaktif``: up only when ``account_status`` is ``"ONLINE"``; anything else, a failure or
    no answer within 5 s is ``OFFLINE`` (as the operator's own code reads it)."""
    try:
        said = client.gateway_status(session)
    except ApiError as exc:
        log.warning("gateway cekaktif: no state (%r); taken as OFFLINE", exc)
        return GatewayState.OFFLINE
    return GatewayState.ONLINE if said == GatewayState.ONLINE.value else GatewayState.OFFLINE


class GatewayWatch:
    """What the gateway last said of its own state, asked at most every ``every``.

    Asked on the payment worker (beside a check that went to the gateway) and read by the GUI's
    label: its state is behind a lock.
    """

    def __init__(self, clock: Clock, every: timedelta = CEKAKTIF_EVERY) -> None:
        self.clock, self.every = clock, every
        self._lock = threading.Lock()
        self._state: GatewayState | None = None
        self._asked_at: datetime | None = None

    @property
    def state(self) -> GatewayState | None:
        with self._lock:
            return self._state

    def due(self) -> bool:
        with self._lock:
            return self._asked_at is None or self.clock() - self._asked_at >= self.every

    def check(self, client: OrkutClient, session: Session) -> GatewayState:
        """On a worker: ask the gateway and keep what it said."""
        state = gateway_state(client, session)
        self.record(state)
        return state

    def record(self, state: GatewayState) -> None:
        with self._lock:
            changed, self._state, self._asked_at = state != self._state, state, self.clock()
        if changed:  # once per change, not once a minute
            log.log(logging.INFO if state is GatewayState.ONLINE else logging.WARNING, "gateway cekaktif: %s", state)


MAX_BACKOFF_S = 30.0


def next_check_s(error: Exception, *, interval_s: float, failures: int, resting_s: float) -> float:
    """When the payment check asks again after ``error``, its ``failures``-th failure in a row.

    A rate limit: at the cadence while another route may be asked, else when the first pause ends
    (``resting_s``). A refusal only the proxy's operator can lift: at the cadence, never slower, so the
    fix is noticed at once (it costs the upstream nothing it would not refuse anyway). Anything else
    (a network or server fault): backoff, doubling up to 30 s.
    """
    if isinstance(error, RateLimitedError):
        return interval_s if not resting_s else resting_s + 0.05
    if isinstance(error, ServerSideRefusalError):
        return interval_s
    return min(MAX_BACKOFF_S, interval_s * 2.0 ** min(failures, 5))


# ---- the jobs, run on a worker thread --------------------------------------------------


def payments_from(client: OrkutClient, session: Session, source: Source, nominal: int) -> list[MutasiEntry]:
    if source is Source.SEED:
        return client.payment_status(session, nominal)
    if source is Source.GATEWAY:
        return client.gateway_history(session)
    if source is Source.HISTORY:
        return client.history(session)
    raise ValueError(f"{source} cannot detect payments")


def payments_for(client: OrkutClient, session: Session, source: Source, nominals: Sequence[int]) -> list[MutasiEntry]:
    """Payments for several nominals (a shop's waiting sales): one history read, or one status
    question per nominal on the seed's route (the rows of all, each payment once)."""
    if source is not Source.SEED:
        return payments_from(client, session, source, nominals[0])
    rows: dict[str, MutasiEntry] = {}
    for nominal in dict.fromkeys(nominals):
        for entry in client.payment_status(session, nominal):
            rows.setdefault(entry.key, entry)
    return list(rows.values())


def panel_from(client: OrkutClient, session: Session, source: Source) -> list[MutasiEntry]:
    if source is Source.SEED:
        return client.mutasi(session)
    if source is Source.GATEWAY:
        return client.gateway_history(session)
    if source is Source.HISTORY:
        return client.history(session)
    raise ValueError(f"{source} cannot list payments")


def qr_from(
    client: OrkutClient | None,
    session: Session | None,
    source: Source,
    nominal: int,
    shop_qris: str | None,
    terminal_label: str = "",
) -> GeneratedQr:
    """A QR payload for ``nominal`` from ``source``; the caller checks it before anyone sees it.
    ``terminal_label``: the till's name, in the QRs made here (a server's QR is its own)."""
    if source is Source.SEED:
        if client is None or session is None:
            raise EndpointMissingError("not logged in")  # no server route without a session
        return client.generate(session, nominal)
    if not shop_qris:
        raise ShopQrisMissingError("no static QRIS")
    if source is Source.GATEWAY:
        if client is None:
            raise EndpointMissingError("no client")
        return client.gateway_generate(nominal, shop_qris)
    if source is Source.LOCAL:
        return GeneratedQr(nominal, qris.to_dynamic(shop_qris, nominal, terminal_label=terminal_label), None)
    raise ValueError(f"{source} cannot make a QR")


@dataclass(frozen=True)
class Generated:
    """A QR for a sale, checked by the gate, and the route that made it."""

    qr: CheckedQr
    source: Source
    fallback_reason: str = ""  # the server failed (or its QR was refused): made here, and why
    missing: tuple[Source, ...] = ()


def make_qr(
    client: OrkutClient | None,
    session: Session | None,
    candidates: Sequence[Source],
    nominal: int,
    shop_qris: str | None,
    terminal_label: str = "",
) -> Generated:
    """The QR job, on a worker: the first route that serves, its payload through the gate; a
    server that fails, or whose QR the gate refuses, is replaced by the shop's own QRIS made dynamic
    here (checked by the same gate), and the cashier is told why. Never a QR that failed the gate."""
    try:
        served = first_served(
            candidates, lambda source: qr_from(client, session, source, nominal, shop_qris, terminal_label)
        )
    except SourceFailedError as exc:
        # The server failed (not "not served"): the shop's own QRIS still makes a good QR.
        if shop_qris is None or exc.source is Source.LOCAL:
            raise exc.error from None
        said = f" (server: {exc.error.server_message})" if exc.error.server_message else ""
        log.warning("QR refused: %s%s; made here from the shop's QRIS", exc.error.detail, said)
        return _local(nominal, shop_qris, exc.user_message, exc.missing, terminal_label)
    except NoSourceError as exc:
        if session is None and shop_qris is None:
            raise SessionExpiredError("no session") from None
        raise ShopQrisMissingError("no static QRIS") if shop_qris is None else exc from None
    account_id = session.merchant.account_id if session is not None else ""
    try:
        qr = prepare(served.value.qr_string, nominal, shop_qris, account_id)
        return Generated(qr, served.source, "", served.missing)
    except qris.QrisError as exc:
        refused = RefusedQrError(exc, served.source, served.value.qr_string)
        if shop_qris is None or served.source is Source.LOCAL:
            raise refused from None
        log.warning("%r; made here from the shop's QRIS", refused)
        return _local(nominal, shop_qris, f"QR dari server ditolak: {exc}", served.missing, terminal_label)


def _local(nominal: int, shop_qris: str, reason: str, missing: tuple[Source, ...], label: str = "") -> Generated:
    payload = qris.to_dynamic(shop_qris, nominal, terminal_label=label)
    return Generated(prepare(payload, nominal, shop_qris), Source.LOCAL, reason, missing)
