"""Journals as an older app left them: the SQL of its migrations, applied by hand."""

from __future__ import annotations

from kasir.journal_schema import statements
from kasir.journal_sqlite import TYPES


def legacy_script(version: int) -> str:
    """Migration ``version`` as one script for ``sqlite3.Connection.executescript``."""
    return ";\n".join(statements(version, TYPES)) + ";"
