"""The paid cue as a cashier hears it (issue 24, item 12): a shipped WAV, played without waiting."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from kasir import paid_sound
from kasir.resources import resource


@pytest.mark.parametrize("kind", ["paid", "late"])
def test_each_cue_ships_as_a_short_wav(kind: str) -> None:
    with wave.open(str(resource(paid_sound.CUE_FILES[kind])), "rb") as cue:
        seconds = cue.getnframes() / cue.getframerate()
        assert cue.getnchannels() == 1 and cue.getsampwidth() == 2 and 0.15 <= seconds <= 0.8


def test_the_shipped_cues_are_the_ones_the_synthesizer_makes() -> None:
    """scripts/make_sounds.py wrote them; a changed tone means running it again."""
    for kind, name in paid_sound.CUE_FILES.items():
        with wave.open(str(resource(name)), "rb") as cue:
            assert cue.readframes(cue.getnframes()) == paid_sound.synthesize(kind).tobytes()


def test_the_late_cue_differs_from_the_paid_cue() -> None:
    assert paid_sound.synthesize("late").tobytes() != paid_sound.synthesize("paid").tobytes()


def test_the_volume_scales_the_cue_and_zero_is_silence(tmp_path: Path) -> None:
    loud = paid_sound.cue_file("paid", 100, tmp_path)
    half = paid_sound.cue_file("paid", 50, tmp_path)
    assert _peak(half) == pytest.approx(_peak(loud) / 2, rel=0.02)
    assert _peak(paid_sound.cue_file("paid", 0, tmp_path)) == 0


def test_a_scaled_cue_is_made_once_and_then_reused(tmp_path: Path) -> None:
    first = paid_sound.cue_file("late", 70, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert paid_sound.cue_file("late", 70, tmp_path) == first and first.stat().st_mtime_ns == stamp


def test_linux_plays_through_the_sound_server_when_it_can(tmp_path: Path) -> None:
    cue = tmp_path / "paid-100.wav"
    have = {"paplay": "/usr/bin/paplay", "aplay": "/usr/bin/aplay"}
    assert paid_sound.player_command(cue, which=have.get) == ["/usr/bin/paplay", str(cue)]
    assert paid_sound.player_command(cue, which={"aplay": "/usr/bin/aplay"}.get) == ["/usr/bin/aplay", "-q", str(cue)]
    assert paid_sound.player_command(cue, which=lambda _name: None) is None


def _peak(path: Path) -> int:
    import array

    with wave.open(str(path), "rb") as cue:
        samples = array.array("h", cue.readframes(cue.getnframes()))
    return max(abs(s) for s in samples)


def test_pengaturan_keeps_the_cue_volume(qtbot: object) -> None:
    from kasir.settings import Settings
    from kasir.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(sound_volume=40))
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.sound_volume.value() == 40
    dialog.sound_volume.setValue(70)
    assert dialog.result_settings().sound_volume == 70
    dialog.sound.setChecked(False)
    assert not dialog.sound_volume.isEnabled()
