"""One version everywhere: pyproject.toml's, read from the installed package's metadata.

Package 0.1.1 once said "kiosk 0.1.0" (a number copied into kiosk/__init__.py), also in its
heartbeat. The installed builds at another version are checked in tests/packaging."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import kiosk
from kiosk.services import Services
from kiosk.sync import heartbeat
from tests.conftest import ManualClock

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_the_package_metadata(services: Services, clock: ManualClock) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    assert kiosk.__version__ == metadata.version("points-kiosk") == declared
    sent = heartbeat.build(services.conn, clock, round_ok=True)["version"]
    assert sent == declared  # what the district is told
    said = subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--version"],
                          capture_output=True, text=True, check=True, timeout=120, cwd=ROOT)
    assert said.stdout.strip() == f"kiosk {declared}"


def test_no_version_number_is_written_in_the_code() -> None:
    for path in (ROOT / "kiosk").rglob("*.py"):
        for line in path.read_text("utf-8").splitlines():
            assert not line.replace(" ", "").startswith("__version__=\""), (path, line)
