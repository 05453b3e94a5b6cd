"""A throwaway PostgreSQL cluster from Debian's ``postgresql`` package, for tests and benchmarks.

``initdb`` into a temporary folder, ``pg_ctl start`` on a free 127.0.0.1 port with the socket in
that folder, ``pg_ctl stop -m immediate`` and the folder removed at the end. PostgreSQL refuses
to run as root (CI runs as root), so as root the cluster runs as the ``postgres`` user the
package creates, through ``runuser``; as anyone else it runs as that user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def available() -> bool:
    return (BIN / "initdb").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgCluster:
    """One cluster, one superuser ``district`` (trust auth on 127.0.0.1 only)."""

    def __init__(self, *, fsync: bool = True, settings: dict[str, str] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="district-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.fsync = fsync
        self.settings = settings or {}
        self._as_root = os.geteuid() == 0
        self._started = False

    def _run(self, *args: str | Path) -> None:
        command = [str(a) for a in args]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip() or done.stdout}")

    def start(self) -> PgCluster:
        if self._as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(BIN / "initdb", "-D", self.data, "-U", "district", "-A", "trust",
                  "-E", "UTF8", "--locale", "C.UTF-8", "--no-instructions")
        options = {"listen_addresses": "'127.0.0.1'", "port": str(self.port),
                   "unix_socket_directories": f"'{self.folder}'", "fsync": "on" if self.fsync
                   else "off", "max_connections": "200", "shared_buffers": "128MB",
                   **self.settings}
        with open(self.data / "postgresql.auto.conf", "a", encoding="utf-8") as fh:
            fh.writelines(f"{k} = {v}\n" for k, v in options.items())
        self._run(BIN / "pg_ctl", "-D", self.data, "-l", self.folder / "log", "-w", "start")
        self._started = True
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://district@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self._started:
            self._run(BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
            self._started = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
