"""The core never imports Qt: each core module, imported alone in a fresh interpreter, leaves
PySide6 out of sys.modules. New modules are found by themselves; the Qt layer is named here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QT_LAYER = {"app", "__main__", "selftest"}  # and everything under kasir/ui
CORE = sorted(p.stem for p in (ROOT / "kasir").glob("*.py") if p.stem not in QT_LAYER | {"__init__"})


def test_the_core_is_found_and_is_most_of_the_package() -> None:
    assert {"till", "journal", "matching", "money", "qris", "qrcheck", "recap", "sources"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_a_core_module_imports_no_qt(module: str) -> None:
    probe = (
        f"import sys, kasir.{module}; "
        "leaked = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))); "
        "print(','.join(leaked))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "", f"kasir.{module} pulls in {result.stdout.strip()}"
