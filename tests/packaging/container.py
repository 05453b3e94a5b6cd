"""A fresh Debian 12 for the boot test: debootstrapped from this machine's own apt mirror,
booted with systemd-nspawn, driven with nsenter.

- The base (a minimal bookworm with systemd as init, plus the packages the .debs' Depends
  name) is made once per machine and kept as a tar under ~/.cache/points-kiosk, named by a
  hash of what went into it: change a Depends line and the next run makes a new base. The
  base holds exactly what apt would fetch for those Depends, so a package the kiosk needs but
  does not name is missing in the container, as on a deployer's fresh box.
- Booted with ``--register=no --keep-unit`` (this machine's PID 1 is not systemd, so there is
  no machined to register with and no unit to move into) and ``--private-network`` (only
  loopback: the district runs in the same container; nothing reaches out).
- Commands run in the container's namespaces with nsenter, as root or, like the README's
  ``sudo -u``, as another user with runuser.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

SUITE = "bookworm"
VARIANT = "minbase"
INCLUDE = ("systemd-sysv",)     # a minimal Debian that boots with systemd
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BOOT_SECONDS = 180


class ContainerError(AssertionError):
    """A step in the container did not go as it must (the message has its output)."""


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "points-kiosk" / "boot-test"


def apt_mirror(sources: Iterable[Path] | None = None) -> str:
    """This machine's Debian mirror for bookworm's main component, from its apt sources
    (deb822 ``.sources`` files or one-line ``sources.list``)."""
    files = list(sources) if sources is not None else [
        *sorted(Path("/etc/apt/sources.list.d").glob("*.sources")),
        Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*.list"))]
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = {m[1].lower(): m[2].strip() for m in
                          re.finditer(r"^([A-Za-z-]+):\s*(.*)$", stanza, re.M)}
                if "deb" in fields.get("types", "").split() and \
                        SUITE in fields.get("suites", "").split() and \
                        "main" in fields.get("components", "").split() and \
                        fields.get("enabled", "yes").lower() != "no":
                    return fields["uris"].split()[0]
        else:
            for line in text.splitlines():
                match = re.match(r"^\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$", line)
                if match and match[2] == SUITE and "main" in match[3].split():
                    return match[1]
    raise ContainerError(f"no apt source for {SUITE} main on this machine")


def depends_of(debs: Iterable[Path]) -> list[str]:
    """The package names in the Depends fields of these .debs (first of any alternatives)."""
    names: set[str] = set()
    for deb in debs:
        field = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends"], capture_output=True,
                               text=True, check=True, timeout=120).stdout
        for item in field.split(","):
            if item.strip():
                names.add(re.split(r"[\s(|]", item.strip().split("|")[0].strip())[0])
    return sorted(names)


def _run(argv: list[str], timeout: float, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False,
                            **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise ContainerError(f"{shlex.join(argv)} exited {result.returncode}:\n"
                             f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result  # type: ignore[no-any-return]


def base_tarball(depends: list[str], work: Path) -> tuple[Path, bool]:
    """The cached base for these Depends, made now if missing; (path, made now)."""
    mirror = apt_mirror()
    key = hashlib.sha256(json.dumps([SUITE, VARIANT, INCLUDE, mirror, depends]).encode())
    folder = cache_dir()
    tarball = folder / f"{SUITE}-{key.hexdigest()[:16]}.tar"
    if tarball.is_file():
        return tarball, False
    root = work / "base"
    _run(["debootstrap", f"--variant={VARIANT}", f"--include={','.join(INCLUDE)}", SUITE,
          str(root), mirror], timeout=1200)
    env = {"PATH": PATH, "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}
    _run(["chroot", str(root), "apt-get", "install", "-y", "-q", "--no-install-recommends",
          "-o", "Dpkg::Options::=--force-unsafe-io", *depends], timeout=1200, env=env)
    _run(["chroot", str(root), "apt-get", "clean"], timeout=120, env=env)
    folder.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_suffix(f".{os.getpid()}.partial")
    _run(["tar", "-C", str(root), "--numeric-owner", "-cf", str(partial), "."], timeout=600)
    partial.rename(tarball)
    for old in folder.glob(f"{SUITE}-*.tar"):  # bases made for older Depends
        if old != tarball:
            old.unlink()
    _run(["rm", "-rf", "--one-file-system", str(root)], timeout=300)
    return tarball, True


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (the container's init is nspawn's child)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


class Container:
    """One booted container on a root folder; ``boot``, ``sh``, ``poweroff``."""

    def __init__(self, root: Path, log: Path) -> None:
        self.root = root
        self.log = log
        self.nspawn: subprocess.Popen[bytes] | None = None
        self.leader = 0

    @classmethod
    def unpack(cls, tarball: Path, root: Path, log: Path) -> Container:
        root.mkdir()
        _run(["tar", "-C", str(root), "--numeric-owner", "-xpf", str(tarball)], timeout=600)
        (root / "etc/hostname").write_text("kiosk-boot-test\n")
        # dpkg syncs every file it unpacks: for a throwaway container that is most of the time
        # of installing a gigabyte of venv, three times. It changes nothing that is installed.
        (root / "etc/dpkg/dpkg.cfg.d/boot-test-unsafe-io").write_text("force-unsafe-io\n")
        return cls(root, log)

    def boot(self) -> str:
        """Boot and wait for systemd to finish starting up; returns its state (running or
        degraded)."""
        with self.log.open("ab") as out:
            self.nspawn = subprocess.Popen(
                ["systemd-nspawn", "--register=no", "--keep-unit", "--private-network",
                 "--quiet", "--directory", str(self.root), "--boot"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + BOOT_SECONDS
        while not self.leader:
            if self.nspawn.poll() is not None:
                raise ContainerError(f"systemd-nspawn exited {self.nspawn.returncode}: "
                                     f"{self.log.read_text(errors='replace')[-3000:]}")
            pids = [pid for pid in _children(self.nspawn.pid) if _comm(pid) == "systemd"]
            if pids:  # the container's init, once it is systemd (not nspawn's own helper)
                self.leader = pids[0]
            elif time.monotonic() > deadline:
                raise ContainerError("the container's init did not start")
            time.sleep(0.1)
        while True:  # until PID 1 listens (is-system-running --wait needs its bus)
            state = self.sh("systemctl is-system-running --wait", check=False, timeout=120)
            if state.stdout.strip() in ("running", "degraded"):
                return state.stdout.strip()
            if time.monotonic() > deadline:
                raise ContainerError(f"systemd did not finish booting: {state.stdout}")
            time.sleep(0.5)

    def sh(self, script: str, *, user: str | None = None, check: bool = True,
           timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """Run a shell script in the container as root, or as ``user`` (runuser: sudo -u)."""
        argv = ["nsenter", "--target", str(self.leader), "--all", "--",
                "/usr/bin/env", "-i", f"PATH={PATH}", "LANG=C.UTF-8", "HOME=/root",
                "/bin/sh", "-c", script if user is None else
                f"cd / && exec runuser -u {shlex.quote(user)} -- /bin/sh -c {shlex.quote(script)}"]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                                check=False)
        if check and result.returncode != 0:
            raise ContainerError(f"in the container{' as ' + user if user else ''}: {script}\n"
                                 f"exit {result.returncode}\n{result.stdout[-4000:]}\n"
                                 f"{result.stderr[-4000:]}")
        return result

    def poweroff(self, timeout: float = 120) -> None:
        """A clean shutdown (systemd-nspawn turns SIGTERM into the container's poweroff)."""
        if self.nspawn is None:
            return
        if self.nspawn.poll() is None:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.nspawn.kill()
                self.nspawn.wait(timeout=60)
        self.nspawn = None
        self.leader = 0


def nspawn_works(root: Path) -> str | None:
    """None if systemd-nspawn can run a program in ``root`` here, else why not."""
    result = subprocess.run(["systemd-nspawn", "--register=no", "--keep-unit", "--quiet",
                             "--private-network", "--directory", str(root), "/bin/true"],
                            capture_output=True, text=True, timeout=120, check=False)
    return None if result.returncode == 0 else (result.stderr or result.stdout)[-1000:]
