"""The cashier's first frame: built without side effects a cashier could see or wait for."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kasir.ui.customer_display import CustomerDisplay
from kasir.ui.main_window import MainWindow


class _WindowsShown(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            self.names.append(watched.objectName() or type(watched).__name__)
        return False


def test_building_the_two_windows_opens_no_window_of_its_own(qtbot: QtBot) -> None:
    """A widget shown before it has a parent is a window: the demo's two 'Simulasi bayar' buttons
    were each opened as one and closed again when laid out (~6 ms of the first frame, measured)."""
    app = QApplication.instance()
    assert app is not None
    spy = _WindowsShown()
    app.installEventFilter(spy)
    try:
        window = MainWindow(demo=True)
        qtbot.addWidget(window)
        customer = CustomerDisplay("Toko", demo=True)  # built right after the first paint
        qtbot.addWidget(customer)
    finally:
        app.removeEventFilter(spy)
    assert spy.names == []
    assert not window.simulate_pay_button.isHidden()  # shown with the window, in demo mode


def test_the_simulated_payment_buttons_stay_hidden_outside_demo_mode(qtbot: QtBot) -> None:
    window = MainWindow(demo=False)
    qtbot.addWidget(window)
    window.show()
    assert not window.simulate_pay_button.isVisible()
    assert not window.simulate_wrong_button.isVisible()
