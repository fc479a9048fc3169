"""A real PostgreSQL server for the tests, started in a temporary folder and stopped after them.

Debian's ``postgresql`` package (``.ci/run`` installs it when missing): ``initdb`` and ``pg_ctl`` from
its version folder, run as the ``postgres`` user when the tests run as root (``initdb`` refuses root),
in a folder that user can enter, on a free port, listening on 127.0.0.1 with trust authentication.
Each test asks for a database of its own (``create_database``): nothing is shared between tests.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_NAMES = itertools.count(1)


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PASSWORD_ROLE = "kasir_sandi"


class PostgresServer:
    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        """``durable``: commits wait for the disk as on a shop's server (the benchmarks); the tests
        need no crash safety from their throwaway server and run with fsync off."""
        self.bindir = bindir
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="kasir-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self._as_postgres: list[str] = []
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # initdb refuses root: it runs as the postgres user
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_postgres, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
            # One role must log in with a password, as on a shop's server (PASSWORD_ROLE; the rest trust).
            hba = self.data / "pg_hba.conf"  # root may write it; the server reads it as its owner
            rule = f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            hba.write_text(rule + hba.read_text(encoding="utf-8"), encoding="utf-8")
        sockets = "" if os.name == "nt" else f"-k {self.folder} "  # Windows: TCP only
        fsync = "on" if self.durable else "off"
        options = f"-p {self.port} {sockets}-c listen_addresses=127.0.0.1 -c fsync={fsync} -c max_connections=200"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-w", "-m", mode, "stop")

    def restart(self) -> None:
        """Stop and start again on the same port: what a shop's server does on an update."""
        self.stop()
        self.start()

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "kasir") -> str:
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(_NAMES)}"
        with psycopg.connect(self.dsn(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already down
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def wait_until_up(self, timeout_s: float = 20.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout_s
        while True:
            try:
                with psycopg.connect(self.dsn(), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
