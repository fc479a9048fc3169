"""One monitor under a real X server with openbox: the customer's own window (F7) stays where
the customer sees it, and the keys stay with the cashier (issue 24).

Offscreen Qt has no window manager: only X can say which window is on top after a click.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import TillProcess
from tests.real_x import click, focused, key, real_x, stacking

Rect = tuple[int, int, int, int]


@pytest.fixture
def till(tmp_path: Path) -> Iterator[tuple[TillProcess, dict[str, str]]]:
    with real_x(1366, 768) as env:
        home = tmp_path / "home"
        home.mkdir()
        env = {**env, "KASIR_TEST_MAXIMIZED": "1"}
        process = TillProcess(["--demo", "--data-dir", str(tmp_path / "data")], home=home, env=env)
        try:
            process.wait_for(lambda e: e.get("event") == "ready", timeout=30)
            yield process, env
        finally:
            process.close()


def _where(process: TillProcess, name: str) -> dict[str, object]:
    mark = len(process.events)
    process.send(f"where {name}")
    return process.wait_for(lambda e: e.get("event") == "where" and e.get("name") == name, since=mark)


def _rect(place: dict[str, object]) -> Rect:
    x, y, w, h = place["rect"]  # type: ignore[misc]
    return int(x), int(y), int(w), int(h)


def _centre(place: dict[str, object]) -> tuple[int, int]:
    x, y, w, h = _rect(place)
    return x + w // 2, y + h // 2


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _separate_window(process: TillProcess, env: dict[str, str]) -> tuple[int, int]:
    """F7 pressed as the cashier does, the window whole (the mutasi table comes soon after a sale
    can begin); the two X windows (cashier's, customer's) once it shows."""
    process.until(
        lambda: _where(process, "main_window")["visible"] is True and "rect" in _where(process, "mutasi_view")
    )
    main = int(_where(process, "main_window")["winid"])  # type: ignore[call-overload]
    process.until(lambda: focused(env) == main)
    key(env, "F7")
    process.until(lambda: _where(process, "customer_display")["visible"] is True)
    customer = int(_where(process, "customer_display")["winid"])  # type: ignore[call-overload]
    process.until(lambda: customer in stacking(env))
    return main, customer


def test_a_click_on_the_keypad_leaves_the_customer_window_on_top(till: tuple[TillProcess, dict[str, str]]) -> None:
    """Any click on the maximized cashier window raised it over the customer's QR or LUNAS."""
    process, env = till
    main, customer = _separate_window(process, env)
    click(env, _centre(_where(process, "key_5")))
    process.until(lambda: process.ask_state()["typed"] == 5)
    order = stacking(env)
    assert order.index(customer) > order.index(main)


def test_the_customer_window_never_takes_the_keys(till: tuple[TillProcess, dict[str, str]]) -> None:
    process, env = till
    main, _customer = _separate_window(process, env)
    click(env, _centre(_where(process, "customer_display")))
    key(env, "7")
    process.until(lambda: process.ask_state()["typed"] == 7)
    assert focused(env) == main


def test_f7_hides_the_customer_window_and_brings_it_back(till: tuple[TillProcess, dict[str, str]]) -> None:
    """After a click hid it under the cashier's window, F7 closed it instead of bringing it back."""
    process, env = till
    main, customer = _separate_window(process, env)
    click(env, _centre(_where(process, "key_5")))
    key(env, "F7")
    process.until(lambda: _where(process, "customer_display")["visible"] is False)
    key(env, "F7")
    process.until(lambda: _where(process, "customer_display")["visible"] is True)
    order = stacking(env)
    assert order.index(customer) > order.index(main) and focused(env) == main


def test_the_customer_window_covers_nothing_the_cashier_needs(till: tuple[TillProcess, dict[str, str]]) -> None:
    """It covered the mutasi list and "Total masuk"."""
    process, env = till
    _separate_window(process, env)
    customer = _rect(_where(process, "customer_display"))
    needed = ("keypad", "amount_display", "pay_button", "sale_state", "sale_nominal", "mutasi_view", "total_today")
    covered = [name for name in needed if _overlap(customer, _rect(_where(process, name)))]
    assert covered == []
