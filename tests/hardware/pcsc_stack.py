"""The real PC/SC stack for the NFC tests: pcscd in the foreground with a reader.conf.d of our
own that loads the vsmartcard ``vpcd`` driver, and virtual cards (``vcard.py``) in subprocesses.

pcscd keeps its socket and pid file in the fixed directory /run/pcscd, so normally there is one
per machine. Our pcscd runs in a mount namespace of its own (``unshare``) where a directory of
the test session is mounted on /run/pcscd, and the test process's libpcsclite is pointed at that
socket with ``PCSCLITE_CSOCK_NAME`` (set by conftest.py before any PC/SC call). So the tests
neither disturb nor see a system pcscd, and two test runs on one machine do not share a reader;
vpcd's TCP ports are picked free per test.

Missing Debian packages fail the tests with the command that installs them: skipping would
hide an untested reader.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from smartcard import scard

from kiosk.core.devices import DeviceEvent

Kind = TypeVar("Kind")

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PCSCD_RUN_DIR = Path("/run/pcscd")  # compiled into pcscd
VCARD = Path(__file__).with_name("vcard.py")
READER_PREFIX = "Kiosk Test PCD"
READER = f"{READER_PREFIX} 00 00"  # vpcd offers two slots; a card goes into the first
WAIT = 30.0  # seconds; generous for a loaded 2-core machine, never reached when all is well
INSTALL_HINT = "run scripts/system-deps.sh as root (installs pcscd and vsmartcard-vpcd)"


def pcscd_binary() -> str:
    found = shutil.which("pcscd") or shutil.which("pcscd", path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(f"pcscd is not installed: {INSTALL_HINT}", pytrace=False)
    if not VPCD_DRIVER.exists():
        pytest.fail(f"the vpcd reader driver {VPCD_DRIVER} is missing: {INSTALL_HINT}",
                    pytrace=False)
    return found


def isolated(command: list[str], run_dir: Path) -> list[str]:
    """``command`` run in a private mount namespace that sees ``run_dir`` as /run/pcscd."""
    if not PCSCD_RUN_DIR.is_dir():
        try:
            PCSCD_RUN_DIR.mkdir(parents=True)  # the mount point; Debian's pcscd makes it too
        except OSError as exc:
            pytest.fail(f"cannot create {PCSCD_RUN_DIR} as a mount point ({exc}); run the "
                        "tests as root once or create it", pytrace=False)
    unshare = shutil.which("unshare") or "/usr/bin/unshare"
    namespaces = ["--mount", "--propagation", "private"]
    if os.geteuid() != 0:  # an unprivileged user namespace gives the right to mount
        namespaces = ["--user", "--map-root-user", *namespaces]
    return [unshare, *namespaces, "--", "sh", "-c",
            'mount --bind "$1" "$2" && shift 2 && exec "$@"', "sh",
            str(run_dir), str(PCSCD_RUN_DIR), *command]


def free_port_pair() -> int:
    """A port P with P and P+1 free on all addresses (vpcd listens on one per slot)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("", 0))
            port = int(probe.getsockname()[1])
        if port >= 65535:
            continue
        with socket.socket() as second:
            try:
                second.bind(("", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no free pair of TCP ports")


def wait_until(check: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def visible_readers() -> list[str] | None:
    """Readers pcscd lists now, or None while it does not answer."""
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if code != scard.SCARD_S_SUCCESS:
        return None
    try:
        code, readers = scard.SCardListReaders(context, [])
        if code == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        return list(readers) if code == scard.SCARD_S_SUCCESS else None
    finally:
        scard.SCardReleaseContext(context)


def reader_is_empty(reader: str = READER) -> bool:
    """Whether pcscd itself now sees no card in ``reader`` (through a context of the test's
    own, so the reader under test is not disturbed)."""
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if code != scard.SCARD_S_SUCCESS:
        return False
    try:
        code, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        return code == scard.SCARD_S_SUCCESS and bool(states[0][1] & scard.SCARD_STATE_EMPTY)
    finally:
        scard.SCardReleaseContext(context)


class PcscDaemon:
    """pcscd --foreground with our own reader.conf.d, in its own mount namespace with
    ``run_dir`` as its /run/pcscd; its log goes to ``log_path``."""

    def __init__(self, workdir: Path, run_dir: Path) -> None:
        self.binary = pcscd_binary()
        self.run_dir = run_dir
        self.port = free_port_pair()
        self.conf_dir = workdir / "reader.conf.d"
        self.log_path = workdir / "pcscd.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, with_reader: bool = True) -> None:
        """Start pcscd (with our vpcd reader, or with no reader at all) and wait until it
        answers and lists what it should."""
        assert self.process is None, "pcscd already started"
        shutil.rmtree(self.conf_dir, ignore_errors=True)
        self.conf_dir.mkdir(parents=True)
        if with_reader:
            (self.conf_dir / "vpcd").write_text(
                f'FRIENDLYNAME "{READER_PREFIX}"\n'
                f"DEVICENAME   /dev/null:0x{self.port:04X}\n"
                f"LIBPATH      {VPCD_DRIVER}\n"
                f"CHANNELID    0x{self.port:04X}\n")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                isolated([self.binary, "--foreground", "--info", "--config",
                          str(self.conf_dir)], self.run_dir),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"pcscd exited with {self.process.returncode}:\n"
                                     + self.log_tail())
            readers = visible_readers()
            return readers is not None and (READER in readers) == with_reader

        try:
            wait_until(ready, "pcscd to list its readers")
        except AssertionError:
            self.stop()
            raise

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)  # in case a test froze it
            process.terminate()
            try:
                process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no pcscd log)"
        return "\n".join(text.splitlines()[-lines:])


class VirtualCard:
    """``vcard.py`` in a subprocess: started = put on the reader, stopped = taken off.

    The card reports what it is asked on stdout; ``atr_requests`` counts pcscd's presence
    checks, so a test can wait until pcscd has looked at a card lying on the reader several
    times instead of sleeping.
    """

    def __init__(self, port: int, uid: str = "04A1B2C3D4E5F6", status: str | None = None,
                 vanish_on_read: bool = False, *, ntag424: Path | None = None,
                 vanish_before: str | None = None, vanish_after: str | None = None) -> None:
        args = [sys.executable, str(VCARD), "--port", str(port), "--uid", uid,
                "--wait", str(WAIT), "--verbose"]
        if status:
            args += ["--status", status]
        if vanish_on_read:
            args.append("--vanish-on-read")
        if ntag424 is not None:   # an NTAG 424 DNA whose state lives in this JSON file
            args += ["--ntag424", str(ntag424)]
        for option, spec in (("--vanish-before", vanish_before),
                             ("--vanish-after", vanish_after)):
            if spec:
                args += [option, spec]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self.stderr = ""
        self._removed = False
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()
        wait_until(lambda: "connected" in self.lines or self.process.poll() is not None,
                   "the virtual card to reach vpcd")
        if "connected" not in self.lines:
            self.remove()
            raise AssertionError(f"virtual card could not reach vpcd: {self.stderr}")

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    @property
    def atr_requests(self) -> int:
        return self.lines.count("atr")

    def remove(self) -> None:
        """Take the card off the reader (end its connection to vpcd); idempotent."""
        if self._removed:
            return
        self._removed = True
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(WAIT)
        assert self.process.stderr is not None
        self.stderr = self.process.stderr.read()  # the process has ended: no wait
        self.process.stderr.close()
        if self.process.stdout is not None:
            self.process.stdout.close()


class EventRecorder:
    """An ``EventSink`` that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        self.events: list[DeviceEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: DeviceEvent) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def of(self, kind: type[Kind]) -> list[Kind]:
        with self._changed:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(self, kind: type[Kind], count: int = 1,
                 where: Callable[[Kind], bool] = lambda e: True) -> Kind:
        """The ``count``-th event of ``kind`` matching ``where``, waiting for it if need be."""
        deadline = time.monotonic() + WAIT
        with self._changed:
            while True:
                matching = [e for e in self.events if isinstance(e, kind) and where(e)]
                if len(matching) >= count:
                    return matching[count - 1]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {kind.__name__} #{count} within {WAIT:g} s; "
                                         f"events so far: {self.events}")
                self._changed.wait(left)
