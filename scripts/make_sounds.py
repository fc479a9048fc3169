"""Write the paid cues shipped in resources/ (kasir.paid_sound.synthesize): run after changing a tone.

.venv/bin/python scripts/make_sounds.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kasir.paid_sound import CUE_FILES, synthesize, write_wav  # noqa: E402

for kind, name in CUE_FILES.items():
    write_wav(ROOT / "resources" / name, synthesize(kind))
    print(f"resources/{name}")
