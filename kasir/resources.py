"""Where the files in ``resources/`` are: beside the package in a checkout, in ``_MEIPASS`` when frozen."""

from __future__ import annotations

import sys
from pathlib import Path

ICON = "kasir.png"


def resource_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) / "resources" if frozen else Path(__file__).resolve().parent.parent / "resources"


def resource(name: str) -> Path:
    """Path of a resource; raises FileNotFoundError when a build forgot it, so the self-test fails."""
    path = resource_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"resource missing: {path}")
    return path
