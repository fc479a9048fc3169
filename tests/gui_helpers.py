"""Shared pieces for tests that drive the real app through kasir.app.create_window."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from pytestqt.qtbot import QtBot

from kasir.app import create_window
from kasir.ui.controller import SaleController
from kasir.ui.main_window import MainWindow

FAST = {"poll_interval_s": 0.2, "mutasi_interval_s": 30.0}


class MemoryKeyring(KeyringBackend):
    """An in-memory OS keyring for tests: real keyring API, no real secrets touched."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def write_settings(directory: Path, **values: Any) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "settings.json").write_text(json.dumps({**FAST, **values}), encoding="utf-8")


def controller_of(window: MainWindow) -> SaleController:
    controller: SaleController = window.controller  # type: ignore[attr-defined]
    return controller


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def open_app(qtbot: QtBot) -> Iterator[Callable[[list[str]], MainWindow]]:
    windows: list[MainWindow] = []

    def factory(argv: list[str]) -> MainWindow:
        window = create_window(argv)
        assert isinstance(window, MainWindow)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        if window.isVisible():
            window.force_close()
