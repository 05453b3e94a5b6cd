"""Run a scenario with the kiosk's data folder on a disk that is full, or mounted read-only.

A real tmpfs of a few megabytes, mounted in a private mount namespace of the scenario's own
(``unshare``, as the PC/SC tests do for pcscd): the kiosk's commands meet the kernel's real
ENOSPC and EROFS, and nothing outside the scenario sees the mount. The scenario is Python run
inside that namespace; it prints a JSON object as its last line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Helpers every scenario gets: the kiosk-admin and kiosk-sync commands on the folder's
# database, and the two ways to break the disk.
PRELUDE = f"""
import json, os, subprocess, sys
from pathlib import Path
ROOT = Path({str(ROOT)!r})
DATA = Path(sys.argv[1])
DB = DATA / "kiosk.sqlite"

def run(module, *args, stdin=""):
    out = subprocess.run([sys.executable, "-m", module, "--config", str(ROOT / "config.toml"),
                          "--database", str(DB), *args], capture_output=True, text=True,
                         input=stdin, cwd=DATA, timeout=120)
    return {{"rc": out.returncode, "out": out.stdout, "err": out.stderr}}

def admin(*args, stdin=""):
    return run("kiosk.cli.admin", *args, stdin=stdin)

def query(sql):
    import sqlite3
    conn = sqlite3.connect(DB)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()

def fill_the_disk():
    for name, chunk in (("filler", 65536), ("filler2", 1)):   # then the last few bytes too
        try:
            with open(DATA / name, "wb", buffering=0) as fh:
                while True:
                    fh.write(b"x" * chunk)
        except OSError:
            pass

def mount_read_only():
    subprocess.run(["mount", "-o", "remount,ro", str(DATA)], check=True)
"""


def run_scenario(body: str, tmp_path: Path, size_mb: int = 8) -> dict[str, Any]:
    """``body`` runs with ``DATA`` a fresh tmpfs of ``size_mb`` (a mount of its own, so it can
    be remounted read-only); returns what it printed last, as JSON."""
    data = tmp_path / "data"
    data.mkdir()
    script = tmp_path / "scenario.py"
    script.write_text(PRELUDE + body, encoding="utf-8")
    unshare = shutil.which("unshare") or "/usr/bin/unshare"
    namespaces = ["--mount", "--propagation", "private"]
    if os.geteuid() != 0:   # an unprivileged user namespace gives the right to mount
        namespaces = ["--user", "--map-root-user", *namespaces]
    shell = (f'mount -t tmpfs -o size={size_mb}m tmpfs "$1" && '
             f'exec "{sys.executable}" "$2" "$1"')
    out = subprocess.run([unshare, *namespaces, "--", "sh", "-c", shell, "sh", str(data),
                          str(script)], capture_output=True, text=True, check=False,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
