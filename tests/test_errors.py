"""One small family of errors, each with a message a cashier understands."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest

import kasir
from kasir.errors import InvalidValueError, KasirError, message_for

CORE = [m.name for m in pkgutil.iter_modules(kasir.__path__, "kasir.") if m.name not in ("kasir.app", "kasir.selftest")]
ENGLISH = ("error", "failed", "payload", "exception", "traceback", "none")


def family() -> list[type[KasirError]]:
    for name in CORE:
        importlib.import_module(name)
    found: list[type[KasirError]] = []
    todo: list[type[KasirError]] = [KasirError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_failure_the_cashier_is_told_about_belongs_to_the_one_family() -> None:
    names = {cls.__name__ for cls in family()}
    assert {
        "ApiError",
        "JournalError",
        "PrinterError",
        "DataDirError",
        "ReceiptError",
        "SettingsUnreadableError",
        "MoneyError",
        "QrisError",
        "ShopQrisError",
        "ConfigError",
    } <= names


@pytest.mark.parametrize("cls", family(), ids=lambda cls: cls.__name__)
def test_each_default_message_is_indonesian_and_names_no_exception(cls: type[KasirError]) -> None:
    text = cls.default_message
    assert text and text[0].isupper()
    assert not any(word in text.lower().split() for word in ENGLISH)
    assert "Error" not in text


def test_a_bug_gets_the_fallback_not_its_class_name_or_text() -> None:
    assert message_for(RuntimeError("NoneType has no attribute x"), "Gagal membuat QR.") == "Gagal membuat QR."


def test_a_refused_value_tells_its_own_reason() -> None:
    from kasir.money import MoneyError

    assert message_for(MoneyError("nominal pecahan: 1.5"), "x") == "nominal pecahan: 1.5"
    assert isinstance(MoneyError("x"), ValueError) and isinstance(MoneyError("x"), InvalidValueError)


def test_a_data_folder_error_keeps_its_specific_message() -> None:
    from kasir.datadir import DataDirError

    assert message_for(DataDirError(Path("/x"), "Disk penuh."), "x") == "Disk penuh."


def test_an_unexpected_printer_failure_names_no_exception_class() -> None:
    from kasir.ui.receipt_printing import message_of

    text = message_of(KeyError("x"))
    assert "KeyError" not in text and text.startswith("Struk gagal dicetak")
