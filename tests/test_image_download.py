"""The account's QRIS image is fetched with no secret attached, and every redirect hop is checked
before it is followed (issue 20, item 13)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from kasir.errors import ConfigError
from kasir.orkut.client import download
from kasir.simulator import OrkutSimulator


def via(sim: OrkutSimulator, target: str, hops: int = 1) -> str:
    url = target
    for _ in range(hops):
        url = f"{sim.url}/static/go?to={quote(url, safe='')}"
    return url


def test_a_redirect_to_the_same_loopback_server_is_followed(sim: OrkutSimulator) -> None:
    assert download(via(sim, sim.qris_image_url)).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://example.com/qris.png",  # plain http off loopback
        "https://10.0.0.5/qris.png",  # the shop's own network
        "https://192.168.1.1/",
        "https://[fe80::1]/q.png",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_place_no_image_may_come_from_is_refused_before_it_is_asked(
    sim: OrkutSimulator, target: str
) -> None:
    with pytest.raises(ConfigError, match="tidak aman"):
        download(via(sim, target))


def test_a_redirect_from_a_public_host_back_to_loopback_is_refused() -> None:
    from kasir.orkut.client import image_hop_problem

    assert image_hop_problem("http://127.0.0.1:8787/x.png", start="https://cdn.example.com/q.png") is not None
    assert image_hop_problem("https://cdn.example.com/q.png", start="https://orkut.example.com/q.png") is None


def test_more_than_three_redirects_are_refused(sim: OrkutSimulator) -> None:
    with pytest.raises(ConfigError, match="dialihkan"):
        download(via(sim, sim.qris_image_url, hops=4))
