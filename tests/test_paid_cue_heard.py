"""The paid cue as a person hears it: a sale turns LUNAS while a null sink is recorded (issue 24).

Linux called ``QApplication.beep()`` (the X bell, silent on most desktops) and Windows the system's
default sound. Now the shipped cue plays through the desktop's sound server, and the recording holds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.gui_helpers import OpenApp, controller_of, demo, open_app, sim_of, start_sale
from tests.pulse import measured, pulse_server, recording

__all__ = ["open_app"]  # fixture


@pytest.fixture
def sound_server(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    with pulse_server(tmp_path_factory.mktemp("pulse")) as address:
        monkeypatch.setenv("PULSE_SERVER", address)  # the app's player finds this sound server
        yield address


def _sell_and_record(open_app: OpenApp, qtbot: QtBot, tmp_path: Path, address: str, **settings: object) -> Path:
    window = demo(open_app, qtbot, tmp_path, **settings)
    controller = controller_of(window)
    start_sale(qtbot, window)
    heard = tmp_path / "heard.wav"
    with recording(address, heard):
        sim_of(window).pay(controller.view.nominal)
        qtbot.waitUntil(lambda: controller.view.state == "paid", timeout=10_000)
        if settings.get("sound", True):
            qtbot.waitUntil(
                lambda: controller.cue_thread is not None and not controller.cue_thread.is_alive(), timeout=10_000
            )
    return heard


def test_a_sale_turning_lunas_is_heard_as_the_paid_cue(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, sound_server: str
) -> None:
    figures = measured(_sell_and_record(open_app, qtbot, tmp_path, sound_server, sound_volume=80))
    assert figures["Maximum amplitude"] == pytest.approx(0.6 * 0.8, abs=0.05)  # the cue's peak at 80 %
    assert 0.2 <= figures["Length (seconds)"] <= 0.6  # two short beeps, trimmed of the silence around
    assert 1000 <= figures["Rough frequency"] <= 2500  # bright like a card terminal's, not a low buzz


def test_with_the_sound_off_nothing_is_heard(
    open_app: OpenApp, qtbot: QtBot, tmp_path: Path, sound_server: str
) -> None:
    figures = measured(_sell_and_record(open_app, qtbot, tmp_path, sound_server, sound=False))
    assert figures.get("Maximum amplitude", 0.0) == 0.0
