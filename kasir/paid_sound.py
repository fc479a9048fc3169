"""The paid cue: a short, distinct sound a cashier hears in a noisy shop, never the only signal.

Two cues ship as small WAV files (``resources/``, written by ``scripts/make_sounds.py`` from
:func:`synthesize`): "paid", two rising beeps like a card terminal's, and "late", a slower
falling pair for money that came after its sale ended. A cue is played at the volume the owner
chose (a scaled copy, made once, in a cache folder) by the system's own player, asynchronously:
Windows' ``winsound.PlaySound(..., SND_ASYNC)``; elsewhere the desktop's sound server (``paplay``)
or ALSA (``aplay``), started on a thread of its own. Nothing here waits for the sound or the
player; a missing player or file is a log line. No Qt.
"""

from __future__ import annotations

import array
import logging
import math
import shutil
import sys
import tempfile
import threading
import wave
from collections.abc import Callable
from pathlib import Path

from kasir.resources import resource

log = logging.getLogger(__name__)

RATE = 22_050  # Hz: enough for tones up to ~2 kHz, and a small file
CUE_FILES = {"paid": "lunas.wav", "late": "terlambat.wav"}
# Each cue: (frequency Hz, milliseconds) notes; 0 Hz is a rest. Paid: two short rising beeps,
# bright like a card terminal's. Late: a lower, slower falling pair, so it is not taken for a sale.
_NOTES = {
    "paid": ((1568.0, 90), (0.0, 40), (2093.0, 140)),
    "late": ((1175.0, 160), (0.0, 60), (880.0, 220)),
}
_PEAK = 0.6 * 32767  # loud, with headroom: a clipped square-ish beep sounds broken
PLAY_LIMIT_S = 5.0  # a player that hangs (a stuck sound server) is given up, never waited on by the GUI


def synthesize(kind: str) -> array.array[int]:
    """The cue's 16-bit mono samples: sine notes with 5 ms fades (no clicks)."""
    samples = array.array("h")
    for frequency, ms in _NOTES[kind]:
        count = RATE * ms // 1000
        fade = RATE * 5 // 1000
        for i in range(count):
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = _PEAK * envelope * math.sin(2 * math.pi * frequency * i / RATE) if frequency else 0.0
            samples.append(round(value))
    return samples


def write_wav(path: Path, samples: array.array[int]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.tobytes())


def cue_file(kind: str, volume: int, cache: Path) -> Path:
    """The shipped cue at ``volume`` % (0-100): scaled once into ``cache``, then reused."""
    volume = max(0, min(100, volume))
    path = cache / f"{kind}-{volume}.wav"
    if path.is_file():
        return path
    with wave.open(str(resource(CUE_FILES[kind])), "rb") as shipped:
        samples = array.array("h", shipped.readframes(shipped.getnframes()))
    scaled = array.array("h", (round(s * volume / 100) for s in samples))
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    write_wav(partial, scaled)
    partial.replace(path)  # whole or not at all: two cues at once never read half a file
    return path


def player_command(path: Path, which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """How this (non-Windows) PC plays a WAV: the desktop's sound server first, then ALSA."""
    paplay = which("paplay")
    if paplay:
        return [paplay, str(path)]
    aplay = which("aplay")
    return [aplay, "-q", str(path)] if aplay else None


class CuePlayer:
    """Plays a cue without ever making the caller wait (the GUI thread calls it)."""

    def __init__(self, cache: Path | None = None) -> None:
        self.cache = cache or Path(tempfile.gettempdir()) / "kasir-qris-suara"

    def play(self, kind: str, volume: int) -> threading.Thread | None:
        """Start the cue; the thread that plays it (tests wait on it), or None when silent."""
        if volume <= 0:
            return None
        thread = threading.Thread(target=self._play, args=(kind, volume), name="paid-cue", daemon=True)
        thread.start()
        return thread

    def _play(self, kind: str, volume: int) -> None:
        import subprocess  # on the cue's thread: 2.5 ms the start of the app does not need

        try:
            path = cue_file(kind, volume, self.cache)
            if sys.platform == "win32":
                import winsound

                flags = winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT
                winsound.PlaySound(str(path), flags)
                return
            command = player_command(path)
            if command is None:
                log.info("no sound player (paplay, aplay): the paid cue is silent on this PC")
                return
            subprocess.run(command, timeout=PLAY_LIMIT_S, check=False, capture_output=True)
        except (OSError, subprocess.SubprocessError, RuntimeError, wave.Error) as exc:
            log.warning("the %s cue could not be played: %s", kind, exc)
