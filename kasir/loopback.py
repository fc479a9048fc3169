"""Is an address this PC? Plain http is allowed only there (the simulator), and the history's 10 s
floor binds every server but the simulator. Light on purpose: settings read it before the first frame."""

from __future__ import annotations


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_url(url: str) -> bool:
    """Is ``url`` on this PC (the simulator)? An unreadable URL is not."""
    from urllib.parse import urlsplit

    try:
        return is_loopback_host(urlsplit(url.strip()).hostname or "")
    except ValueError:
        return False
