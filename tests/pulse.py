"""A private PulseAudio with a null sink, to hear the app as a person would (issue 24, item 12).

The daemon runs in a temp folder on its own socket (``PULSE_SERVER``); whatever plays goes to the
null sink "kasir", whose monitor ``parecord`` records; ``sox`` measures the recording. ``.ci/run``
installs pulseaudio, pulseaudio-utils and sox.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PROGRAMS = ("pulseaudio", "paplay", "parecord", "pactl", "sox")


def require_programs() -> None:
    missing = [p for p in PROGRAMS if not shutil.which(p)]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"missing {', '.join(missing)}; .ci/run installs pulseaudio, pulseaudio-utils and sox")
        pytest.skip(f"needs {', '.join(missing)} (Debian: apt-get install pulseaudio pulseaudio-utils sox)")


def _until(what: str, ready: object, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not ready():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not ready in {seconds} s")
        time.sleep(0.05)  # another process: no signal to wait on


@contextmanager
def pulse_server(folder: Path) -> Iterator[str]:
    """A PulseAudio daemon with one null sink; yields its ``PULSE_SERVER`` address."""
    require_programs()
    socket = folder / "native"
    env = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder), "XDG_CONFIG_HOME": str(folder)}
    command = [
        "pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--disallow-exit",
        "-L", "module-null-sink sink_name=kasir",
        "-L", f"module-native-protocol-unix socket={socket} auth-anonymous=1",
    ]  # fmt: skip
    daemon = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"unix:{socket}"
    try:
        probe = {**env, "PULSE_SERVER": address}
        _until("pulseaudio", lambda: subprocess.run(["pactl", "info"], env=probe, capture_output=True).returncode == 0)
        yield address
    finally:
        daemon.terminate()
        daemon.wait(10)


@contextmanager
def recording(address: str, path: Path) -> Iterator[None]:
    """Record the null sink into ``path`` while the block runs (the WAV is complete after it)."""
    env = {**os.environ, "PULSE_SERVER": address}
    recorder = subprocess.Popen(
        ["parecord", "--device=kasir.monitor", "--latency-msec=20", "--file-format=wav", str(path)],
        env=env,
        stderr=subprocess.PIPE,
    )
    _until("parecord", lambda: path.exists() and path.stat().st_size > 44)  # its header: it records now
    try:
        yield
    finally:
        recorder.send_signal(signal.SIGINT)  # parecord writes the WAV's sizes on SIGINT
        recorder.wait(10)


def measured(path: Path) -> dict[str, float]:
    """sox's figures for the sound in ``path`` with the silence around it trimmed (0 when silent)."""
    trim = ["silence", "1", "0.005", "2%", "reverse", "silence", "1", "0.005", "2%", "reverse"]
    answer = subprocess.run(["sox", str(path), "-n", *trim, "stat"], capture_output=True, text=True, check=False)
    figures: dict[str, float] = {}
    for line in answer.stderr.splitlines():
        name, _, value = line.partition(":")
        try:
            figures[" ".join(name.split())] = float(value)
        except ValueError:
            continue
    return figures
