"""Non-secret settings, as JSON in the data directory. Secrets live in :mod:`kasir.credentials`."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from kasir.api import DEFAULT_BASE_URL

log = logging.getLogger(__name__)
FILENAME = "settings.json"


@dataclass(frozen=True)
class Settings:
    api_url: str = DEFAULT_BASE_URL
    username: str = ""
    merchant: str = ""  # as the user typed it; MerchantCode normalises
    shop_name: str = ""
    poll_interval_s: float = 3.0
    mutasi_interval_s: float = 30.0
    expiry_s: int = 600
    kode_unik_low: int = 1
    kode_unik_high: int = 999
    customer_screen: str = ""  # the screen's name: Qt's index order differs from Windows'
    sound: bool = True
    base_qr: str = ""  # the merchant's QRIS, learned or pasted: enables the local fallback
    generate_mode: str = "server"  # "server" (local fallback) or "local"
    printer_kind: str = ""  # receipts: "" (none), "network", "device" (port path) or "system" (Qt)
    printer_target: str = ""  # host[:port], a port path, or a system printer name ("" = default)
    printer_width: int = 32  # columns: 32 for 58 mm paper, 48 for 80 mm
    receipt_address: str = ""
    receipt_footer: str = "Terima kasih"
    auto_print: bool = True  # only acts once printer_kind is chosen

    @property
    def has_account(self) -> bool:
        return bool(self.username and self.merchant)

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def load(data_dir: Path) -> Settings:
    path = data_dir / FILENAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings unreadable, using defaults (%s)", type(exc).__name__)
        return Settings()
    known = {f.name: f.type for f in fields(Settings)}
    defaults = Settings()
    values: dict[str, Any] = {}
    for key, value in raw.items() if isinstance(raw, dict) else ():
        if key in known and isinstance(value, type(getattr(defaults, key))):
            values[key] = value
        elif key in known and isinstance(getattr(defaults, key), float) and isinstance(value, int):
            values[key] = float(value)
    return Settings(**values)


def save(data_dir: Path, settings: Settings) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / FILENAME
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(settings), indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a kill mid-write leaves the old file, never half a file
