"""The core / Qt layer contracts (pyproject.toml, run by ``dev.py test`` with import-linter) name
every module: a new module is either core or Qt layer, never forgotten by the contract."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_LAYER = {"kasir.app", "kasir.__main__", "kasir.selftest", "kasir.ui"}


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _top_level_modules() -> set[str]:
    package = ROOT / "kasir"
    modules = {f"kasir.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    return modules | {f"kasir.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}


def test_every_module_is_either_in_the_core_contract_or_in_the_qt_layer() -> None:
    core = set(_contracts()["core"]["source_modules"])  # type: ignore[arg-type]
    assert core | QT_LAYER == _top_level_modules()
    assert not core & QT_LAYER


def test_the_core_is_most_of_the_package_and_holds_every_money_rule() -> None:
    core = set(_contracts()["core"]["source_modules"])  # type: ignore[arg-type]
    money = {"kasir.checkout", "kasir.till", "kasir.journal", "kasir.matching", "kasir.money", "kasir.kode_unik"}
    assert money | {"kasir.qris", "kasir.qrcheck", "kasir.recap", "kasir.sources", "kasir.orkut"} <= core


def test_the_core_may_import_neither_qt_nor_the_qt_layer() -> None:
    forbidden = set(_contracts()["core"]["forbidden_modules"])  # type: ignore[arg-type]
    assert {"PySide6", "shiboken6", "kasir.ui", "kasir.app"} <= forbidden
