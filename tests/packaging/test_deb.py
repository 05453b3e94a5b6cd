"""The Debian packages: built with packaging/build-deb.sh (conftest.py), inspected with
dpkg-deb, their units checked by systemd-analyze, unpacked into a scratch root with ``dpkg -x``
and run from there. The boot test (test_boot.py) installs and boots them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import (
    BackupSection,
    Config,
    DatabaseSection,
    DistrictSection,
    VoiceSection,
    load_config,
)

ROOT = Path(__file__).resolve().parent.parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
VENV = "/opt/points-kiosk/venv"
UNITS = ("points-kiosk-ui.service", "points-kiosk-sync.service",
         "points-kiosk-backup.service", "points-kiosk-backup.timer")
KIOSK_SCRIPTS = ("kiosk", "kiosk-admin", "kiosk-sync")
# What a kiosk never runs: the district server and its web stack, and pip.
NOT_ON_A_KIOSK = ("district", "fastapi", "uvicorn", "starlette", "pip")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    shutil.which("dpkg-deb") is None, reason="dpkg-deb missing (Debian package dpkg)")]


@dataclass(frozen=True)
class Built:
    deb: Path
    root: Path  # the package unpacked with dpkg -x
    venv: str = VENV

    def run(self, script: str, *args: str, cwd: Path | None = None) \
            -> subprocess.CompletedProcess[str]:
        """Run one of the installed console scripts with the installed venv's Python."""
        python = self.root / self.venv.lstrip("/") / "bin" / "python"
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        return subprocess.run([str(python), str(self.root / self.venv.lstrip("/") / "bin" /
                                                script), *args],
                              capture_output=True, text=True, timeout=300, env=env,
                              cwd=cwd or self.root, check=False)


def unpack(deb: Path, root: Path) -> Path:
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True, timeout=300)
    return root


@pytest.fixture(scope="module")
def built(kiosk_deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(kiosk_deb, unpack(kiosk_deb, tmp_path_factory.mktemp("kiosk-root")))


@pytest.fixture(scope="module")
def district(district_deb: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return Built(district_deb, unpack(district_deb, tmp_path_factory.mktemp("district-root")),
                 venv="/opt/points-district/venv")


def dpkg_deb(*args: str) -> str:
    return subprocess.run(["dpkg-deb", *args], capture_output=True, text=True, check=True,
                          timeout=300).stdout


def test_contents(built: Built) -> None:
    listing = dpkg_deb("-c", str(built.deb))
    entries = {line.split()[-1] if " -> " not in line else line.split()[-3]: line
               for line in listing.splitlines()}
    for script in KIOSK_SCRIPTS:
        assert f".{VENV}/bin/{script}" in entries, f"console script {script} not packaged"
    assert f".{VENV}/bin/kiosk-district" not in entries
    site = f".{VENV}/lib/python3.11/site-packages/"
    top = {p[len(site):].split("/")[0] for p in entries if p.startswith(site)}
    shipped = {re.split(r"-\d", name)[0].lower() for name in top}
    assert not shipped & set(NOT_ON_A_KIOSK), sorted(shipped & set(NOT_ON_A_KIOSK))
    for unit in UNITS:
        assert f"./lib/systemd/system/{unit}" in entries
    for path in ("./lib/udev/rules.d/70-points-kiosk.rules", "./etc/points-kiosk/config.toml",
                 "./etc/pam.d/points-kiosk", "./usr/bin/kiosk-admin", "./usr/bin/kiosk-sync",
                 "./usr/share/doc/points-kiosk/README.md",
                 f".{VENV}/lib/python3.11/site-packages/kiosk/core/backup.py",
                 f".{VENV}/lib/python3.11/site-packages/assets/i18n/kiosk_zh_CN.qm"):
        assert path in entries, path
    assert all(" root/root " in line for line in entries.values())
    for wrapper in ("kiosk-admin", "kiosk-sync"):  # /usr/bin commands with the /etc config
        text = (built.root / "usr/bin" / wrapper).read_text()
        subprocess.run(["sh", "-n", str(built.root / "usr/bin" / wrapper)], check=True)
        assert f"exec {VENV}/bin/{wrapper} --config " in text and "umask 007" in text
    assert not [p for p in entries if "DEMO-ONLY" in p]  # the demo private key stays home
    assert not [p for p in entries if "WebEngine" in p]  # a Chromium the kiosk never runs
    assert not [p for p in entries if p.startswith("./var/")]  # data is made, not shipped


def test_control_and_maintainer_scripts(built: Built, tmp_path: Path) -> None:
    info = dpkg_deb("-I", str(built.deb))
    version = PYPROJECT["project"]["version"]
    assert re.search(rf"^ Version: {re.escape(version)}-1$", info, re.M)
    depends = re.search(r"^ Depends: (.*)$", info, re.M)
    assert depends is not None
    for needed in ("python3.11", "pcscd", "cage", "fonts-noto-cjk", "adduser", "libzbar0",
                   "libpam-systemd", "xwayland"):
        assert needed in [d.strip().split()[0] for d in depends.group(1).split(",")]
    control = tmp_path / "DEBIAN"
    dpkg_deb("-e", str(built.deb), str(control))
    assert (control / "conffiles").read_text().split() == [
        "/etc/points-kiosk/config.toml", "/etc/pam.d/points-kiosk"]
    for name in ("postinst", "prerm", "postrm"):
        script = control / name
        assert os.access(script, os.X_OK)
        assert script.read_text().startswith("#!/bin/sh\n")
        subprocess.run(["sh", "-n", str(script)], check=True)
        if shutil.which("shellcheck"):
            result = subprocess.run(["shellcheck", "-s", "sh", str(script)],
                                    capture_output=True, text=True, check=False)
            assert result.returncode == 0, result.stdout
    postinst = (control / "postinst").read_text()
    assert "adduser --system" in postinst and "kiosk-sync" in postinst
    # Every file's checksum as dpkg records it matches the unpacked file.
    result = subprocess.run(["md5sum", "--check", "--quiet", str(control / "md5sums")],
                            cwd=built.root, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:]


def test_no_build_paths_in_the_package(built: Built) -> None:
    result = subprocess.run(["grep", "-rlF", "points-kiosk-deb.", str(built.root)],
                            capture_output=True, text=True, check=False)
    assert result.stdout == "", "staging paths left in: " + result.stdout[:2000]
    shebang = (built.root / VENV.lstrip("/") / "bin" / "kiosk-admin").read_text().splitlines()[0]
    assert shebang == f"#!{VENV}/bin/python"


def test_systemd_units_verify(built: Built, tmp_path: Path) -> None:
    """systemd-analyze verify with --root: the units are read from the unpacked package and
    their ExecStart programs looked up there. The root also needs systemd's own units
    (sysinit.target and friends), copied from this machine, and cage (a dependency)."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze missing (Debian package systemd)")
    root = tmp_path / "root"
    units = root / "lib/systemd/system"
    # /lib is /usr/lib on a merged-/usr system: copy each real folder once.
    for host in {p.resolve() for p in (Path("/lib/systemd/system"),
                                       Path("/usr/lib/systemd/system")) if p.is_dir()}:
        shutil.copytree(host, units, symlinks=True, dirs_exist_ok=True)
    for unit in UNITS:
        shutil.copy(built.root / "lib/systemd/system" / unit, units / unit)
    # The programs the units start, as the package installs them (only their presence and
    # mode are checked, so the scripts are enough without the rest of the venv).
    (root / VENV.lstrip("/") / "bin").mkdir(parents=True)
    for script in KIOSK_SCRIPTS:
        shutil.copy(built.root / VENV.lstrip("/") / "bin" / script,
                    root / VENV.lstrip("/") / "bin" / script)
    (root / "usr/bin").mkdir(parents=True)
    cage = shutil.which("cage")
    assert cage is not None, "cage missing: run scripts/system-deps.sh"
    shutil.copy(cage, root / "usr/bin/cage")
    result = subprocess.run(["systemd-analyze", "verify", f"--root={root}", "--man=no",
                             *(f"/lib/systemd/system/{u}" for u in UNITS)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    # The check can fail: a unit with a mistake in it is reported.
    bad = root / "lib/systemd/system/points-kiosk-bad.service"
    bad.write_text("[Service]\nExecStart=/opt/points-kiosk/venv/bin/nothing\nRestart=sometimes\n")
    result = subprocess.run(["systemd-analyze", "verify", f"--root={root}", "--man=no",
                             "/lib/systemd/system/points-kiosk-bad.service"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and "sometimes" in result.stderr


def test_ui_unit_restarts_in_cage(built: Built) -> None:
    unit = (built.root / "lib/systemd/system/points-kiosk-ui.service").read_text()
    assert "Restart=always" in unit
    assert re.search(r"^ExecStart=/usr/bin/cage .*-- /opt/points-kiosk/venv/bin/kiosk ", unit,
                     re.M)
    assert "User=kiosk\n" in unit
    timer = (built.root / "lib/systemd/system/points-kiosk-backup.timer").read_text()
    assert "OnCalendar=" in timer and "Persistent=true" in timer


def test_installed_config_only_moves_paths(built: Built) -> None:
    config = load_config(built.root / "etc/points-kiosk/config.toml")
    assert config.database_path == Path("/var/lib/points-kiosk/kiosk.sqlite")
    assert config.district.key_path.startswith("/var/lib/points-kiosk/sync/")
    moved = Config(database=DatabaseSection(path=config.database.path),
                   district=DistrictSection(key_path=config.district.key_path),
                   backup=BackupSection(dir="/var/lib/points-kiosk/backups"),
                   voice=VoiceSection(cache_dir="/var/lib/points-kiosk/home/voice-cache"))
    assert config == moved  # every other setting is the documented default


def test_installed_app_runs_from_the_scratch_root(built: Built, tmp_path: Path) -> None:
    version = PYPROJECT["project"]["version"]
    result = built.run("kiosk-admin", "--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"kiosk {version}"), result.stderr
    python = built.root / VENV.lstrip("/") / "bin" / "python"
    where = subprocess.run([str(python), "-c", "import kiosk, PySide6.QtWidgets; "
                            "print(kiosk.__file__)"], capture_output=True, text=True,
                           check=True, timeout=120, cwd=tmp_path).stdout.strip()
    assert where.startswith(str(built.root))  # the package's copy, not this checkout's
    # The touchscreen's entry point imports Qt from the package (version exits before a window).
    result = built.run("kiosk", "--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"kiosk {version}"), result.stderr
    assert built.run("kiosk-sync", "--help").returncode == 0

    config = str(built.root / "etc/points-kiosk/config.toml")
    db = str(tmp_path / "kiosk.sqlite")
    result = built.run("kiosk-admin", "--config", config, "--database", db, "self-check")
    assert result.returncode == 1 and "FAIL  database" in result.stdout  # none yet
    assert built.run("kiosk-admin", "--config", config, "--database", db, "init").returncode == 0
    result = built.run("kiosk-admin", "--config", config, "--database", db, "self-check")
    assert result.returncode == 0, result.stdout + result.stderr
    for check in ("database", "schema", "chinese font"):
        assert re.search(rf"^ok +{check}: ", result.stdout, re.M), result.stdout
    result = built.run("kiosk-admin", "--config", config, "--database", db, "backup",
                       "--dir", str(tmp_path / "backups"))
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "backups").glob("kiosk-demo-kiosk-01-*.sqlite"))) == 1


def test_a_higher_version_is_built_from_the_same_tree(kiosk_next_deb: Path,
                                                     tmp_path: Path) -> None:
    """One version everywhere, from the package metadata: the .deb, ``--version`` and the
    heartbeat (kiosk.__version__) of a build at another version all say that version."""
    info = dpkg_deb("-f", str(kiosk_next_deb), "Version").strip()
    version = info.removesuffix("-1")
    assert version != PYPROJECT["project"]["version"]
    next_built = Built(kiosk_next_deb, unpack(kiosk_next_deb, tmp_path / "root"))
    result = next_built.run("kiosk-admin", "--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"kiosk {version}"), result.stderr
    python = next_built.root / VENV.lstrip("/") / "bin" / "python"
    said = subprocess.run([str(python), "-c", "import kiosk.sync.heartbeat as h; "
                           "print(h.__version__)"], capture_output=True, text=True,
                          check=True, timeout=120, cwd=tmp_path).stdout.strip()
    assert said == version


def test_district_package(district: Built, tmp_path: Path) -> None:
    listing = dpkg_deb("-c", str(district.deb))
    paths = {line.split()[5] for line in listing.splitlines()}
    for path in ("./lib/systemd/system/points-district.service", "./usr/bin/kiosk-district",
                 "./etc/points-district/district.env",
                 "./usr/share/doc/points-district/README.md",
                 f".{district.venv}/bin/kiosk-district"):
        assert path in paths, path
    assert not [p for p in paths if "/PySide6/" in p or "/cv2/" in p]  # no touchscreen
    site = f".{district.venv}/lib/python3.11/site-packages/"
    assert not [p for p in paths if p.startswith(site + "kiosk/")]    # nor the kiosk's code
    assert f"{site}points_protocol/signing.py" in paths
    assert not [p for p in paths if p.startswith(f".{district.venv}/bin/kiosk-")
                and not p.endswith("kiosk-district")]
    info = dpkg_deb("-I", str(district.deb))
    assert re.search(r"^ Package: points-district$", info, re.M)
    control = tmp_path / "DEBIAN"
    dpkg_deb("-e", str(district.deb), str(control))
    assert (control / "conffiles").read_text().split() == ["/etc/points-district/district.env"]
    for name in ("postinst", "prerm", "postrm"):
        subprocess.run(["sh", "-n", str(control / name)], check=True)
    assert district.run("kiosk-district", "--help").returncode == 0
    # What the district's commands import only when used: provision-card's PC/SC reader.
    python = district.root / district.venv.lstrip("/") / "bin" / "python"
    imported = subprocess.run([str(python), "-c", "import smartcard.scard, district.cli, "
                               "district.sun_provision"], capture_output=True, text=True,
                              timeout=120, check=False, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    db = tmp_path / "district.sqlite"
    result = district.run("kiosk-district", "--database", str(db), "init")
    assert result.returncode == 0, result.stderr
    if shutil.which("systemd-analyze") is not None:
        unit = district.root / "lib/systemd/system/points-district.service"
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager",
                                 str(unit)], capture_output=True, text=True, timeout=120,
                                check=False)
        exposure = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        assert exposure is not None and float(exposure[1]) < 3, result.stdout[-500:]


def test_units_are_sandboxed(built: Built) -> None:
    """systemd-analyze security: each unit well under 5 ("medium"); the touchscreen's was
    8.0 EXPOSED before it was hardened (packaging/README.md says what it cannot restrict)."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze missing (Debian package systemd)")
    for unit in ("points-kiosk-ui.service", "points-kiosk-sync.service",
                 "points-kiosk-backup.service"):
        path = built.root / "lib/systemd/system" / unit
        result = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager",
                                 str(path)], capture_output=True, text=True, timeout=120,
                                check=False)
        exposure = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
        assert exposure is not None, result.stdout[-500:] + result.stderr[-500:]
        assert float(exposure[1]) < 3, f"{unit}: {exposure[0]}"


def test_no_library_is_left_needing_what_the_build_removed(built: Built) -> None:
    """Qt WebEngine is cut out of PySide6 (build-deb.sh); a library still linked to it would
    fail to load the day something imported it."""
    if shutil.which("readelf") is None:
        pytest.skip("readelf missing (Debian package binutils)")
    site = built.root / VENV.lstrip("/") / "lib/python3.11/site-packages"
    libraries = [p for p in (site / "PySide6").rglob("*.so*") if p.is_file()]
    assert len(libraries) > 100
    needing = []
    for chunk in range(0, len(libraries), 200):
        dynamic = subprocess.run(["readelf", "-d", *map(str, libraries[chunk:chunk + 200])],
                                 capture_output=True, text=True, timeout=300, check=False)
        current = ""
        for line in dynamic.stdout.splitlines():
            if line.startswith("File: "):
                current = line[6:]
            elif "NEEDED" in line and "libQt6WebEngine" in line:
                needing.append(current)
    assert needing == []
