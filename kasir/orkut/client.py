"""The HTTP client for the Orkut mutasi API as it answers today (see shared/api/CONTRACT.md).

One long-lived ``httpx.Client`` per instance (keep-alive), every request bounded by
:mod:`kasir.transport` (overall deadline, headers included; body cap). Every route the service has
been seen to serve sits behind this class:

- the seed's ``/kasir/orkut/generate``, ``status-pembayaran`` and ``/kasir/orkut/mutasi``;
- the operator's gateway ``/orkut/pg-hidepulsa`` (``qris_generate``, ``mutasi_orkut``);
- the documented ``/mutasi`` (the account and its QRIS history).

A route that is not served (404/405) raises :class:`EndpointMissingError`, so the caller can
move to the next source. Reading the answers is :mod:`kasir.orkut.answers`' job.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kasir import transport as bounded
from kasir import wib
from kasir.errors import (
    ApiError,
    ApiTimeoutError,
    BadResponseError,
    ConfigError,
    EndpointMissingError,
    NetworkError,
    NetworkRefusedError,
    RateLimitedError,
    RejectedError,
    ServerError,
    SessionExpiredError,
    UnauthorizedError,
    UpstreamOutdatedError,
)
from kasir.loopback import is_loopback_host
from kasir.money import MoneyError, parse_rupiah
from kasir.orkut.answers import (
    NETWORK_REFUSED_WORDS,
    RATE_LIMIT_WORDS,
    SESSION_PHRASES,
    UNKNOWN_ACTION_WORDS,
    VERSION_GATE_WORDS,
    account_in,
    bounded_text,
    history_entries,
    holders,
    is_failure,
    json_object,
    keys_of,
    login_in,
    mapping,
    mentions,
    message_of,
    opt_str,
    refusal_texts,
    seed_entries,
    unreadable,
)
from kasir.orkut.types import AccountSummary, GeneratedQr, LoginResult, MutasiEntry, OtpChallenge, Session

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

GATEWAY_PATH = "/orkut/pg-hidepulsa"
# A QR is asked while the customer waits at the counter: a server slower than this is passed over
# for the QR made here from the shop's QRIS (the real service answers in well under a second).
QR_DEADLINE_S = 8.0
# The operator's own code takes a gateway that has not said its state within 5 s as OFFLINE.
CEKAKTIF_DEADLINE_S = 5.0


def check_base_url(url: str) -> str:
    """Return the URL without a trailing slash; refuse plain http except on loopback.

    A user name or password in the URL would make httpx send Basic auth instead of the API key
    (and end up in settings.json); a query or fragment would be glued to every route.
    """
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        hostname, _port = parts.hostname, parts.port  # both raise on "http://[::1" or a bad port
    except ValueError:
        raise ConfigError(f"Alamat API tidak valid: {text[:80]!r}") from None
    if parts.scheme not in ("http", "https") or not hostname:
        raise ConfigError(f"Alamat API tidak valid: {text[:80]!r} (contoh: https://orkut.hidepulsa.com)")
    if parts.username is not None or parts.password is not None:
        raise ConfigError("Alamat API tidak boleh memuat nama pengguna atau kata sandi.")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ConfigError("Alamat API tidak boleh memuat '?' atau '#'.")
    if parts.scheme == "http" and not is_loopback_host(hostname):
        raise ConfigError("Alamat API harus https:// (http hanya untuk server lokal)")
    return text.rstrip("/")


class OrkutClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        deadline_s: float = bounded.DEFAULT_DEADLINE_S,
        max_bytes: int = bounded.MAX_BODY_BYTES,
        server_clock: wib.ServerClock | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx  # deferred: ~70 ms the first paint does not need

        self.base_url = check_base_url(base_url)
        self._api_key = api_key
        self._secrets: set[str] = {api_key} if api_key else set()
        self._deadline_s = deadline_s
        self._max_bytes = max_bytes
        self.server_clock = server_clock
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {api_key}",
                "Accept": "application/json",
                # Only what bounded.read_capped can inflate with a limit.
                "Accept-Encoding": "gzip, deflate",
            },
            timeout=httpx.Timeout(min(read_timeout, deadline_s), connect=min(connect_timeout, deadline_s)),
            transport=transport,
            follow_redirects=False,
            # Plain http is for the simulator on loopback (check_base_url) and never speaks TLS.
            verify=bounded.tls_context() if self.base_url.startswith("https://") else False,
        )
        self._backend = bounded.install_backend(self._http) if transport is None else None

    def __repr__(self) -> str:
        return f"OrkutClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def abort(self) -> None:
        """From any thread: make a request blocked on the network fail now (the app is closing)."""
        if self._backend is not None:
            self._backend.abort()

    def __enter__(self) -> OrkutClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- login -------------------------------------------------------------------

    def request_otp(self, username: str, password: str) -> OtpChallenge:
        self._secrets.add(password)
        try:
            data = self._post("/minta-otp", {"username": username, "password": password}, authed=False)
        finally:
            self._secrets.discard(password)
        wrapped = list(holders(data))
        results = next((mapping(h.get("results")) for h in wrapped if mapping(h.get("results"))), data)
        return OtpChallenge(
            channel=opt_str(results.get("otp")),
            destination=opt_str(results.get("otp_value")),
            message=self._scrub(message_of(data)),
            login=self._login_in(data),
        )

    def verify_otp(self, username: str, otp: str) -> LoginResult:
        data = self._post("/valid-otp", {"username": username, "otp": otp}, authed=False)
        login = self._login_in(data)
        if login is None:
            raise RejectedError("no token", server_message=self._scrub(message_of(data)) or "token tidak ditemukan")
        return login

    def _login_in(self, data: Mapping[str, Any]) -> LoginResult | None:
        login = login_in(data)
        if login is not None:
            self._secrets.add(login.token)  # scrubbed from every later message
        return login

    # ---- the seed's routes ---------------------------------------------------------

    def generate(self, session: Session, nominal: int) -> GeneratedQr:
        data = self._post(
            "/kasir/orkut/generate", {**self._auth(session), "nominal": str(nominal)}, deadline_s=QR_DEADLINE_S
        )
        holder = next((h for h in holders(data) if "qr_string" in h), None)
        qr_string = holder.get("qr_string") if holder else None
        if not isinstance(qr_string, str) or not qr_string.strip():
            raise BadResponseError(f"/kasir/orkut/generate: no qr_string{keys_of(data)}")
        try:
            answered = parse_rupiah(holder.get("nominal", nominal) if holder else nominal)
        except MoneyError as exc:
            raise BadResponseError("/kasir/orkut/generate: unreadable nominal") from exc
        return GeneratedQr(answered, qr_string.strip(), opt_str(holder.get("image_url") if holder else None))

    def payment_status(self, session: Session, nominal: int) -> list[MutasiEntry]:
        data = self._post("/kasir/orkut/status-pembayaran", {**self._auth(session), "nominal": str(nominal)})
        return seed_entries(data, "/kasir/orkut/status-pembayaran")

    def mutasi(self, session: Session) -> list[MutasiEntry]:
        data = self._post("/kasir/orkut/mutasi", self._auth(session))
        return seed_entries(data, "/kasir/orkut/mutasi")

    # ---- the operator's gateway ------------------------------------------------------

    def gateway_generate(self, nominal: int, static_qr: str) -> GeneratedQr:
        body = {"action": "qris_generate", "nominal": str(nominal), "qr_string": static_qr}
        data = self._gateway(body, deadline_s=QR_DEADLINE_S)
        holder = next((h for h in holders(data) if "qris_content" in h), None)
        content = holder.get("qris_content") if holder else None
        if not isinstance(content, str) or not content.strip():
            raise BadResponseError(f"{GATEWAY_PATH} qris_generate: no qris_content{keys_of(data)}")
        return GeneratedQr(nominal, content.strip(), None)

    def gateway_history(self, session: Session) -> list[MutasiEntry]:
        self._secrets.add(session.token)
        body = {
            "action": "mutasi_orkut",
            "username": session.username,
            "auth_token": session.token,
            "merchant": session.merchant.account_id,
            "mutasi": "in",
        }
        return history_entries(self._gateway(body), f"{GATEWAY_PATH} mutasi_orkut")

    def gateway_status(self, session: Session) -> str:
        """The gateway's ``account_status`` ("" when it gives none), asked as the operator's 2026 code
        asks it: with the account's body, answered within CEKAKTIF_DEADLINE_S or not at all."""
        self._secrets.add(session.token)
        body = {
            "action": "cekaktif",
            "username": session.username,
            "auth_token": session.token,
            "merchant": session.merchant.account_id,
        }
        data = self._gateway(body, deadline_s=CEKAKTIF_DEADLINE_S)
        holder = next((h for h in holders(data) if "account_status" in h), {})
        return bounded_text(holder.get("account_status"), "id")

    def _gateway(self, body: Mapping[str, str], *, deadline_s: float | None = None) -> dict[str, Any]:
        try:
            return self._post(GATEWAY_PATH, body, deadline_s=deadline_s)
        except RejectedError as exc:
            # A gateway that does not know the action does not serve it: the next source takes over.
            if mentions(exc.server_message, UNKNOWN_ACTION_WORDS):
                raise EndpointMissingError(f"{GATEWAY_PATH}: {body.get('action')}") from None
            raise

    # ---- the documented account route -----------------------------------------------

    def account_summary(self, session: Session) -> AccountSummary:
        body = {
            "merchant_id": session.merchant.account_id,
            "auth_username": session.username,
            "auth_token": session.token,
        }
        self._secrets.add(session.token)
        data = self._post("/mutasi", body)
        return AccountSummary(history_entries(data, "/mutasi"), account_in(data))

    def history(self, session: Session) -> list[MutasiEntry]:
        return self.account_summary(session).history

    # ---- plumbing ----------------------------------------------------------------

    def _auth(self, session: Session) -> dict[str, str]:
        self._secrets.add(session.token)
        return {
            "auth_username": session.username,
            "auth_token": session.token,
            "merchant": session.merchant.with_ok,
        }

    def _scrub(self, text: str | None) -> str | None:
        if not text:
            return text
        for secret in self._secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text[:300]

    def _post(
        self, path: str, body: Mapping[str, str], *, authed: bool = True, deadline_s: float | None = None
    ) -> dict[str, Any]:
        answer = self._send(path, body, min(deadline_s or self._deadline_s, self._deadline_s))
        log.info("POST %s -> HTTP %s", path, answer.status)
        if self.server_clock is not None:
            offset = bounded.server_offset(answer.headers, answer.received_at)
            if offset is not None:
                self.server_clock.observe(offset)
        return self._interpret(path, answer, authed=authed)

    def _send(self, path: str, body: Mapping[str, str], deadline_s: float) -> bounded.Answer:
        import httpx

        deadline = time.monotonic() + deadline_s
        try:
            with (
                bounded.bounded_request(self._backend, deadline),
                self._http.stream("POST", path, json=dict(body)) as response,
            ):
                content = bounded.read_capped(response, deadline, self._max_bytes)
                return bounded.Answer(response.status_code, response.headers, content)
        except httpx.TimeoutException as exc:
            log.warning("POST %s: timeout (%s)", path, type(exc).__name__)
            raise ApiTimeoutError(f"{path}: {type(exc).__name__}") from None
        except httpx.TransportError as exc:
            log.warning("POST %s: network error (%s)", path, type(exc).__name__)
            raise NetworkError(f"{path}: {type(exc).__name__}") from None
        except ApiError as exc:
            log.warning("POST %s: %r", path, exc)
            raise

    def _interpret(self, path: str, answer: bounded.Answer, *, authed: bool) -> dict[str, Any]:
        status = answer.status
        data = json_object(answer.body)
        message = self._scrub(message_of(data)) if data is not None else None
        texts = [self._scrub(text) or "" for text in refusal_texts(data)] if data is not None else []
        self._refuse_for_the_operator(path, status, texts or [answer.body[:300].decode("utf-8", "replace")])
        rate_limited = next((text for text in texts if mentions(text, RATE_LIMIT_WORDS)), None)
        if status in (429, 469) or rate_limited:
            cooldown = bounded.retry_after(answer.headers)
            said = rate_limited or message
            raise RateLimitedError(f"{path}: HTTP {status}", server_message=said, cooldown_s=cooldown)
        if status in (404, 405):
            raise EndpointMissingError(f"{path}: HTTP {status}")
        if status in (401, 403):
            raise UnauthorizedError(f"{path}: HTTP {status}", server_message=message)
        if status >= 500:
            raise ServerError(f"{path}: HTTP {status}", server_message=message, status=status)
        if data is None:
            raise BadResponseError(f"{path}: HTTP {status}, {unreadable(answer)}")
        if status >= 400 or is_failure(data):
            if authed and mentions(message, SESSION_PHRASES):
                raise SessionExpiredError(f"{path}: session refused", server_message=message)
            raise RejectedError(f"{path}: HTTP {status}", server_message=message)
        return data

    def _refuse_for_the_operator(self, path: str, status: int, texts: list[str]) -> None:
        """Raise the upstream's refusals that only the proxy's operator can lift, each its own error
        and log wording (the worker logs the error's repr)."""
        network = next((t for t in texts if mentions(t, NETWORK_REFUSED_WORDS)), None)
        if network is not None:
            detail = f"{path}: HTTP {status}, the upstream refuses the proxy's network; the proxy operator must move it"
            raise NetworkRefusedError(detail, server_message=network.strip())
        gate = next((t for t in texts if mentions(t, VERSION_GATE_WORDS)), None)
        if gate is not None:
            detail = f"{path}: HTTP {status}, the upstream's app-version gate; the proxy operator must update"
            raise UpstreamOutdatedError(detail, server_message=gate)


MAX_IMAGE_HOPS = 3


def download(url: str, *, max_bytes: int = 2 * 1024 * 1024, deadline_s: float = 15.0) -> bytes:
    """Fetch a public file (the account's QRIS image) with no API key, token or cookie attached.

    The image lives on the upstream's host, which must never see the proxy's API key. Redirects are
    followed by hand, each hop checked before it is asked (:func:`image_hop_problem`): a hop into the
    shop's network, a cloud's metadata address or plain http is never fetched.
    """
    import httpx

    deadline = time.monotonic() + deadline_s
    current = url
    try:
        with httpx.Client(
            timeout=httpx.Timeout(deadline_s), follow_redirects=False, verify=bounded.tls_context()
        ) as client:
            backend = bounded.install_backend(client)
            for _hop in range(MAX_IMAGE_HOPS + 1):
                problem = image_hop_problem(current, start=url)
                if problem:
                    raise ConfigError(f"Alamat gambar QRIS tidak aman: {problem}")
                with (
                    bounded.bounded_request(backend, deadline),
                    client.stream("GET", current, headers={"Accept-Encoding": "gzip, deflate"}) as response,
                ):
                    if response.is_redirect and "Location" in response.headers:
                        current = str(response.url.join(response.headers["Location"]))
                        continue
                    if response.status_code != 200:
                        raise BadResponseError(f"image: HTTP {response.status_code}")
                    return bounded.read_capped(response, deadline, max_bytes)
    except httpx.TimeoutException:
        raise ApiTimeoutError("image download timed out") from None
    except httpx.TransportError as exc:
        raise NetworkError(f"image download: {type(exc).__name__}") from None
    raise ConfigError(f"Alamat gambar QRIS dialihkan lebih dari {MAX_IMAGE_HOPS} kali; tidak diikuti.")


def image_hop_problem(url: str, *, start: str) -> str | None:
    """Why the image may not be fetched from ``url`` (a hop of a download that began at ``start``).

    https to a public address; plain http and loopback only for a download that began on loopback
    (the simulator, tests). Never a private, link-local, multicast or reserved address, by name or
    number: the QRIS image comes from the upstream's public host.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return f"alamat tidak terbaca ({url[:60]!r})"
    local_start = is_loopback_host(urlsplit(start).hostname or "")
    if not host:
        return f"alamat tanpa host ({url[:60]!r})"
    if parts.scheme != "https" and not (parts.scheme == "http" and local_start and is_loopback_host(host)):
        return f"bukan https ({url[:60]!r})"
    for address in _addresses(host):
        if address.is_loopback and local_start:
            continue
        if not address.is_global:
            return f"alamat {address} bukan alamat internet publik"
    return None


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses a host name stands for (a literal is itself); none when it does not resolve
    (the request then fails by itself)."""
    import socket

    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
