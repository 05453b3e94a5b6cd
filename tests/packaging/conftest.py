"""The Debian packages, built once per test session with packaging/build-deb.sh and shared by
the package tests (test_deb.py) and the boot test (test_boot.py).

The builds copy the runtime dependencies from this virtual environment (DEPS=copy-venv)
instead of downloading them from PyPI: the same files pip put here, with no network and no
compiler (pyscard builds from source), and uncompressed (COMPRESSION=none: compressing a
gigabyte is most of a release build's time). The release build (DEPS=pypi, xz) differs only
in where pip takes the dependencies from and how the archive is squeezed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def next_version(version: str) -> str:
    """The version an upgrade installs: the last number one higher (0.1.0 -> 0.1.1)."""
    head, _, last = version.rpartition(".")
    return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)


def build_deb(out: Path, role: str, version: str | None = None) -> Path:
    env = {**os.environ, "DEPS": "copy-venv", "COMPRESSION": "none", "LEVEL": "0",
           "OUT": str(out), "DEV_PYTHON": sys.executable, "TMPDIR": str(out)}
    if version is not None:
        env["PACKAGE_VERSION"] = version
    result = subprocess.run(["bash", str(ROOT / "packaging" / "build-deb.sh"), role], env=env,
                            capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return Path(result.stdout.strip().splitlines()[-1])


def _need_dpkg_deb() -> None:
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb missing (Debian package dpkg)")


@pytest.fixture(scope="session")
def kiosk_deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need_dpkg_deb()
    return build_deb(tmp_path_factory.mktemp("kiosk-deb"), "kiosk")


@pytest.fixture(scope="session")
def district_deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need_dpkg_deb()
    return build_deb(tmp_path_factory.mktemp("district-deb"), "district")


@pytest.fixture(scope="session")
def kiosk_next_deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second build of the kiosk package with a higher version (upgrade and rollback)."""
    _need_dpkg_deb()
    return build_deb(tmp_path_factory.mktemp("kiosk-next-deb"), "kiosk", next_version(VERSION))
