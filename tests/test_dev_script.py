"""dev.py, the two commands a newcomer types (issue 24, item 1)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent

LDD_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd6b9e5000)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f5a422f4000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibxcb-cursor.so.0 => not found
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f5a42262000)
\tlibfoo-unknown.so.3 => not found
"""


@pytest.fixture
def dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dev_script"] = module
    spec.loader.exec_module(module)
    return module


def test_what_the_qt_screen_plugin_lacks_is_one_apt_get_line(dev: ModuleType) -> None:
    """Qt stopped with "xcb-cursor0 or libxcb-cursor0 is needed" after 38 s of installing, no hint how."""
    missing = dev.missing_libraries(LDD_FRESH_DEBIAN)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxkbcommon-x11.so.0", "libfoo-unknown.so.3"]
    line = dev.install_line(missing)
    assert line == "sudo apt-get install -y libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0 libfoo-unknown3"


def test_nothing_is_said_when_the_plugin_has_what_it_needs(dev: ModuleType) -> None:
    assert dev.missing_libraries("\tlibGL.so.1 => /lib/libGL.so.1 (0x1)\n") == []


def test_run_after_test_installs_nothing_again(
    dev: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Switching between run and test reinstalled the package each time (~7 s)."""
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".installed")
    dev.remember_installed("dev,build")
    assert not dev.needs_install("")  # run needs no extras: those of test include it
    assert not dev.needs_install("dev,build")
    assert dev.needs_install("dev,build,docs")


def test_test_after_run_keeps_what_run_installed_known(
    dev: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".installed")
    dev.remember_installed("dev,build")
    dev.remember_installed("")  # a run after it installs nothing and forgets nothing
    assert not dev.needs_install("dev,build")
