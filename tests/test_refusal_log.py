"""Every answer or QR the app refuses leaves one WARNING line saying where and why (QA: only
"-> HTTP 200"), with no secret in it and a QR payload only as its first 20 characters."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kasir import sim_faults
from kasir.credentials import AUTH_TOKEN
from kasir.simulator import DEMO_API_KEY
from tests.gui_helpers import OpenApp, controller_of, demo, open_app, sim_of, type_total

__all__ = ["open_app"]  # fixture

STATUS = "/kasir/orkut/status-pembayaran"
GENERATE = "/kasir/orkut/generate"


@pytest.mark.parametrize(
    ("fault", "path", "said"),
    [
        ("wrong_shape", STATUS, "JSON list, not an object"),
        ("wrong_keys", STATUS, "answer of unknown shape (keys: result, status)"),
        ("malformed", STATUS, "malformed JSON"),
        ("html", STATUS, "HTML page"),
        ("empty", STATUS, "empty body"),
        ("gen_error", GENERATE, "(server: Gagal generate QRIS)"),
        ("wrong_shape", GENERATE, "JSON list, not an object"),
        ("wrong_keys", GENERATE, "no qr_string (keys: result, status)"),
        ("bad_qr_crc", GENERATE, "CRC salah"),
        ("bad_qr_amount", GENERATE, "nominal di QR (Rp 26.001) tidak sama dengan Rp 25.001"),
        ("foreign_qr", GENERATE, "QR milik merchant lain"),
    ],
)
def test_each_refused_answer_or_qr_leaves_one_warning_saying_where_and_why(
    open_app: OpenApp,
    qtbot: QtBot,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    fault: str,
    path: str,
    said: str,
) -> None:
    window = demo(open_app, qtbot, tmp_path)
    controller, sim = controller_of(window), sim_of(window)
    qtbot.waitUntil(lambda: bool(controller.shop_qris) and not controller.panel.busy, timeout=10_000)
    caplog.set_level(logging.INFO)
    sim.inject(fault, count=1, path=path)
    type_total(qtbot, window, "25000")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not sim.state()["faults"], timeout=10_000)  # the fault was served
    qtbot.waitUntil(lambda: any(said in r.getMessage() for r in caplog.records), timeout=10_000)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and path in r.getMessage()]
    assert len(lines) == 1, lines  # one line, not one per layer
    assert said in lines[0]
    token = controller.account.credentials.get(AUTH_TOKEN)
    assert token
    for record in caplog.records:
        assert DEMO_API_KEY not in record.getMessage()
        assert token not in record.getMessage()
    if fault in ("bad_qr_crc", "bad_qr_amount", "foreign_qr"):
        payload = sim_faults.bad_qr(sim, fault, 25_001)
        assert f"payload {payload[:20]}… ({len(payload)} chars)" in lines[0]
        assert payload[20:40] not in caplog.text  # never the whole payload
    if path == GENERATE and fault in ("wrong_shape", "wrong_keys", "gen_error"):
        assert lines[0].startswith("QR refused: /kasir/orkut/generate: ")
        assert lines[0].endswith("; made here from the shop's QRIS")  # what happened next
