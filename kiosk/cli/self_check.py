"""kiosk-admin self-check: is this box ready to sell? For the installer, the package test and
whoever is called when the kiosk looks wrong.

Each check prints ``ok``, ``WARN`` (works, but someone should look) or ``FAIL`` (the kiosk
cannot sell properly); the exit status is 1 if anything failed. It never writes the database:
a self-check must be safe while the kiosk runs. It runs as any user (as the touchscreen's
``sudo -u kiosk kiosk-admin self-check`` says what that user can do) and ends in a line per
check, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.cli import access_checks
from kiosk.cli.backup_commands import backup_dir
from kiosk.config import Config
from kiosk.core import backup, continuity, ledger_audit, schema, service_stops
from kiosk.core.db import DatabaseNotFoundError, check_file, integrity_problems, readonly_uri
from kiosk.core.ledger import bound_kiosk

Check = tuple[str, str, str]  # (status, name, detail)
PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
MIN_FREE_MB = 500   # below this: a warning
FLOOR_MB = 100      # below this (or the database's size): the box is not ready


def check_database(config: Config, quick: bool) -> Iterator[Check]:
    path = config.database_path
    try:
        check_file(path, create=False)
    except DatabaseNotFoundError as exc:
        yield "FAIL", "database", str(exc)
        return
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=5)
    except sqlite3.Error as exc:
        yield "FAIL", "database", f"{path} cannot be opened: {exc}"
        return
    try:
        pragma = "quick_check" if quick else "integrity_check"
        problems = integrity_problems(conn, quick=quick)
        if not problems:
            yield "ok", "database", f"{path} opens, {pragma} ok"
        else:   # go on: the ledger's own checks say what the damage means
            yield "FAIL", "database", f"{path}: {pragma}: {'; '.join(problems[:3])}"
        version = schema.current_version(conn)
        yield from _check_schema(conn, config, version)
        if version == schema.LATEST_VERSION:
            yield from check_ledger(conn)
            yield from check_audit(conn)
    except sqlite3.DatabaseError as exc:
        yield "FAIL", "database", f"{path}: {exc}"
    finally:
        conn.close()


def _check_schema(conn: sqlite3.Connection, config: Config, version: int) -> Iterator[Check]:
    if version == 0:
        yield "FAIL", "schema", "no kiosk schema: not a kiosk database (kiosk-admin init " \
                                "makes one only where there is no file)"
        return
    if version > schema.LATEST_VERSION:
        yield "FAIL", "schema", f"v{version} is newer than this program " \
                                f"(v{schema.LATEST_VERSION})"
    elif version < schema.LATEST_VERSION:
        yield "WARN", "schema", f"v{version}; the kiosk migrates it to " \
                                f"v{schema.LATEST_VERSION} on start"
    else:
        yield "ok", "schema", f"v{version}"
    owner = bound_kiosk(conn)
    if owner is not None and owner != config.kiosk.id:
        yield "FAIL", "kiosk id", f"database belongs to {owner!r}, config says " \
                                  f"{config.kiosk.id!r}"
    else:
        yield "ok", "kiosk id", config.kiosk.id


def check_ledger(conn: sqlite3.Connection) -> Iterator[Check]:
    """Entries the ledger lost (the mark beside it is ahead), and any reason it stopped."""
    problem = continuity.local_problem(conn)
    if problem is not None:
        yield "FAIL", "ledger", f"lost entries: {problem}"
    stops = service_stops.current(conn)
    for stop in stops:
        yield "FAIL", "ledger", f"selling stopped since {stop.since} ({stop.reason}): " \
                                f"{stop.detail}"
    if problem is None and not stops:
        yield "ok", "ledger", "no entries lost, selling not stopped"


def check_audit(conn: sqlite3.Connection) -> Iterator[Check]:
    """Foreign keys and the ledger's own rules (kiosk.core.ledger_audit): a flipped byte in a
    row passes SQLite's checks of the file's structure."""
    problems = ledger_audit.audit(conn, integrity=False)
    for problem in problems:
        yield "FAIL", "ledger audit", problem
    if not problems:
        yield "ok", "ledger audit", "orders, transfers, stock and outbox agree"


def check_font() -> Iterator[Check]:
    """Without a CJK font every Chinese character is an empty box (see kiosk.ui.fonts)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        yield "FAIL", "chinese font", "fc-list missing (Debian package fontconfig)"
        return
    out = subprocess.run([fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True,  # noqa: S603
                         timeout=60, check=False).stdout
    families = sorted({f.split(",")[0].strip() for f in out.splitlines() if f.strip()},
                      key=lambda name: (" SC" not in name, name))  # Simplified Chinese first
    if families:
        yield "ok", "chinese font", ", ".join(families[:3])
    else:
        yield "FAIL", "chinese font", "none found (apt-get install fonts-noto-cjk)"


def check_printer(config: Config) -> Iterator[Check]:
    p = config.printer
    device = {"file": p.file_path, "serial": p.serial_device}.get(p.kind)
    if p.kind == "none":
        yield "WARN", "printer", "kind = 'none': receipts are recorded as unprinted"
    elif p.kind == "dummy":
        yield "WARN", "printer", "kind = 'dummy': receipts are thrown away (development only)"
    elif device is not None and not Path(device).exists():
        yield "WARN", "printer", f"{device} is not there (printer unplugged or off?)"
    elif device is not None and not os.access(device, os.W_OK):
        yield "WARN", "printer", f"{device} is not writable by this user (udev rules?)"
    else:
        yield "ok", "printer", f"kind = {p.kind!r}, {p.columns} columns, profile {p.profile!r}"


def check_reader(config: Config) -> Iterator[Check]:
    if not config.nfc.enabled:
        yield "ok", "nfc reader", "disabled in the config"
    elif PCSCD_SOCKET.exists():
        yield "ok", "nfc reader", f"pcscd socket {PCSCD_SOCKET} present"
    else:
        yield "WARN", "nfc reader", "pcscd is not running (systemctl start pcscd.socket)"
    if config.camera.source.startswith("/dev/") and not Path(config.camera.source).exists():
        yield "WARN", "camera", f"{config.camera.source} is not there"


def check_files(config: Config) -> Iterator[Check]:
    if config.kiosk.id.startswith("demo-"):
        yield "WARN", "kiosk id", f"{config.kiosk.id!r} is the demo id: not provisioned yet"
    key = Path(config.district.key_path)
    key = key if key.is_absolute() else config.base_dir / key
    try:
        present = key.is_file()
    except PermissionError:  # the touchscreen's user: the key's folder is the daemon's alone
        yield "ok", "kiosk key", f"{key} is not visible to this user (only the sync " \
                                 "daemon's user may read it)"
    else:
        if present:
            yield "ok", "kiosk key", str(key)
        else:
            yield "WARN", "kiosk key", f"{key} missing: sync cannot run (kiosk-sync keygen)"
    folder = backup_dir(config)
    found = backup.list_backups(folder, config.kiosk.id)
    if found:
        yield "ok", "backups", f"{len(found)} in {folder}, newest {found[0].taken_at:%Y-%m-%d}"
    else:
        yield "WARN", "backups", f"none yet in {folder} (kiosk-admin backup)"
    yield from check_disk(config)


def check_disk(config: Config) -> Iterator[Check]:
    """Room to sell and to back up: below the floor a sale or the nightly backup fails. A
    backup needs about the database's own size again."""
    database = config.database_path
    existing = database.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free_mb = shutil.disk_usage(existing).free // (1 << 20)
    size_mb = database.stat().st_size // (1 << 20) if database.is_file() else 0
    floor = max(FLOOR_MB, size_mb)
    if free_mb < floor:
        yield "FAIL", "disk", f"{free_mb} MB free under {existing}, below the {floor} MB a " \
                              "sale and the nightly backup need: free some space"
    elif free_mb < MIN_FREE_MB:
        yield "WARN", "disk", f"{free_mb} MB free under {existing} (less than {MIN_FREE_MB} MB)"
    else:
        yield "ok", "disk", f"{free_mb} MB free under {existing}"


def run_checks(config: Config, quick: bool = False) -> list[Check]:
    checks: list[Check] = [("ok", "version", f"kiosk {__version__}"),
                           ("ok", "config", f"loaded from {config.base_dir}")]
    groups = {"database": check_database(config, quick),
              "access": access_checks.check_this_user(config),
              "service users": access_checks.check_service_users(config),
              "chinese font": check_font(), "printer": check_printer(config),
              "nfc reader": check_reader(config), "files": check_files(config)}
    for name, group in groups.items():
        try:
            checks.extend(group)  # keeps what the group said before an error
        except OSError as exc:  # a folder this user may not enter, a vanished file
            checks.append(access_checks.describe_failure(name, exc))
    return checks


def cmd_self_check(config: Config, args: argparse.Namespace) -> int:
    checks = run_checks(config, args.quick)
    for status, name, detail in checks:
        print(f"{status:<4}  {name}: {detail}")
    failed = sum(status == "FAIL" for status, _, _ in checks)
    print("self-check: " + (f"{failed} problem(s)" if failed else "ready"))
    return 1 if failed else 0


COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {"self-check": cmd_self_check}


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("self-check", help="check config, database, font, printer and reader")
    s.add_argument("--quick", action="store_true",
                   help="only SQLite's quick check of the file's structure (the full integrity "
                        "check reads every page: seconds on a large database)")
    s.add_argument("--full", action="store_true",
                   help="the full integrity check (the default; kept for scripts)")
