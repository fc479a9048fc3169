from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Two offscreen screens, so the customer display has a second monitor to go to.
_SCREENS = Path(__file__).parent / "data" / "screens.json"
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREENS}"

from kasir.api import MerchantCode, OrkutClient, Session  # noqa: E402 - after QT_QPA_PLATFORM
from kasir.simulator import DEMO_API_KEY, OrkutSimulator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT.parent / "shared" / "qris" / "vectors.json"
LOCAL_VECTORS = Path(__file__).parent / "data" / "qris_vectors.json"


def load_vectors() -> list[dict[str, Any]]:
    """The shared vectors when the checkout sits beside shared/, else the copy kept in tests/data."""
    path = VECTORS if VECTORS.exists() else LOCAL_VECTORS
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def sim() -> Iterator[OrkutSimulator]:
    with OrkutSimulator() as server:
        yield server


@pytest.fixture
def client(sim: OrkutSimulator) -> Iterator[OrkutClient]:
    with OrkutClient(sim.url, DEMO_API_KEY, connect_timeout=1.0, read_timeout=1.0) as c:
        yield c


@pytest.fixture
def session(sim: OrkutSimulator) -> Session:
    return Session(sim.username, sim.issue_token(), MerchantCode(sim.account_id))
