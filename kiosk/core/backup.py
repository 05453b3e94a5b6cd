"""Online backups of the live database, their retention, and a restore that cannot half-happen.

Why each step is the way it is:
- The app and the sync daemon keep writing while a backup runs, and the database is in WAL
  mode: a file copy could take the main file and the -wal file at different moments and give a
  torn database. SQLite's backup API copies pages inside one read transaction instead, so the
  copy is exactly the database as it was when the copy began (WAL readers do not block
  writers, so no sale waits for the backup).
- A backup is written under a temporary name, converted to a single self-contained file
  (rollback journal, no -wal beside it), checked (integrity, schema version, the kiosk id in
  ``meta``), fsynced, and only then renamed to its real name: a file with a backup's name is
  always a good backup.
- A restore refuses a file that is damaged, made by a newer program, or made by another kiosk
  (its outbox sequence and sales account would be pushed under this kiosk's identity), and it
  refuses while any other process has the live database open.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core import ledger_audit, outbox, schema, shared_files
from kiosk.core.clock import to_db
from kiosk.core.db import DatabaseError, nearly_full, readonly_uri, storage_error

SUFFIX = ".sqlite"
_STAMP = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"^kiosk-(?P<kiosk>.+)-(?P<stamp>\d{8}T\d{6}Z)\.sqlite$")


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says what to do."""


class OtherKioskError(BackupError):
    """The backup belongs to another kiosk (restore with force_other_kiosk to override)."""


class DatabaseInUseError(BackupError):
    """Another process (the touchscreen, the sync daemon) has the live database open."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kiosk_id: str
    schema_version: int
    orders: int
    outbox_seq: int
    size: int


@dataclass(frozen=True)
class BackupFile:
    path: Path
    kiosk_id: str
    taken_at: datetime


def safe_name(kiosk_id: str) -> str:
    """The kiosk id as it may appear in a file name (anything odd becomes '_')."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", kiosk_id) or "_"


def backup_name(kiosk_id: str, moment: datetime) -> str:
    return f"kiosk-{safe_name(kiosk_id)}-{moment.astimezone(UTC).strftime(_STAMP)}{SUFFIX}"


def parse_name(path: Path) -> BackupFile | None:
    """A backup file named by :func:`backup_name`, or None for any other file."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
    return BackupFile(path, match["kiosk"], taken)


def list_backups(folder: Path, kiosk_id: str | None = None) -> list[BackupFile]:
    """Backups in ``folder``, newest first; only this kiosk's when ``kiosk_id`` is given."""
    if not folder.is_dir():
        return []
    found = [b for b in map(parse_name, folder.iterdir()) if b is not None]
    if kiosk_id is not None:
        found = [b for b in found if b.kiosk_id == safe_name(kiosk_id)]
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def inspect(path: Path) -> BackupInfo:
    """Open a backup read-only and check it whole (SQLite's integrity check, and the ledger
    audit of kiosk.core.ledger_audit); raises BackupError if it cannot be used."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot be opened: {exc}") from exc
    try:
        return _inspect(conn, path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: damaged, not a usable database ({exc})") from exc
    finally:
        conn.close()


def _inspect(conn: sqlite3.Connection, path: Path) -> BackupInfo:
    problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{path}: damaged (integrity check: {'; '.join(problems[:3])})")
    version = schema.current_version(conn)
    if version > schema.LATEST_VERSION:
        raise BackupError(f"{path}: made by a newer kiosk program (schema v{version}, this one "
                          f"knows v{schema.LATEST_VERSION}); install the newer version first")
    if version < 1:
        raise BackupError(f"{path}: not a kiosk database (no schema)")
    row = conn.execute("SELECT value FROM meta WHERE key = 'kiosk_id'").fetchone()
    if row is None:
        raise BackupError(f"{path}: records no kiosk id; it was never used by a kiosk")
    if version == schema.LATEST_VERSION:   # (an older one is audited once migrated)
        damage = ledger_audit.audit(conn, integrity=False)
        if damage:
            raise BackupError(f"{path}: fails the ledger audit: {'; '.join(damage)}")
    orders = int(conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])
    seq = outbox.highest_seq(conn)
    return BackupInfo(path, str(row[0]), version, orders, seq, path.stat().st_size)


def live_outbox_seq(database: Path) -> int | None:
    """The live database's last outbox sequence, if it can still be read (read-only)."""
    if not database.is_file():
        return None
    try:
        conn = sqlite3.connect(readonly_uri(database), uri=True)
        try:
            return outbox.highest_seq(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable: the directory entry lives in the directory's own blocks."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy ``source`` into a new single-file database at ``target`` (one backup step: the
    whole copy is one snapshot, however busy the writers are)."""
    dest = sqlite3.connect(str(target), isolation_level=None)
    try:
        source.backup(dest, pages=-1)
        # The copy inherits WAL mode; a backup must be one self-contained file.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


@contextlib.contextmanager
def _temporary(folder: Path, final_name: str) -> Iterator[Path]:
    """A temporary file in ``folder`` (so the final rename is atomic), removed unless kept."""
    temp = folder / f".{final_name}.{os.getpid()}.partial"
    try:
        yield temp
    finally:
        for leftover in (temp, Path(f"{temp}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def make_backup(database: Path, folder: Path, expected_kiosk_id: str,
                moment: datetime, *, busy_timeout_ms: int = 5000) -> BackupInfo:
    """Copy the live database into ``folder`` while the app and daemon go on selling."""
    if not database.is_file():
        raise BackupError(f"{database}: no database to back up")
    shared_files.make_folder(folder)
    name = backup_name(expected_kiosk_id, moment)
    final = folder / name
    if final.exists():
        raise BackupError(f"{final} already exists (one backup per second)")
    source = sqlite3.connect(str(database), isolation_level=None,
                             timeout=busy_timeout_ms / 1000)
    try:
        with _temporary(folder, name) as temp:
            # Made by the timer's user or by an operator, read by the others (listing,
            # --verify, restore): shared, whatever the umask of whoever runs it.
            shared_files.create_file(temp, shared_files.READ_ONLY)
            _copy(source, temp)
            try:
                info = inspect(temp)
            except BackupError as exc:
                with contextlib.suppress(sqlite3.Error, DatabaseError):   # a live file too broken
                    ledger_audit.record(source, [str(exc)], to_db(moment))
                raise BackupError(f"the copy of {database} failed its check, so the live "
                                  f"database itself is damaged and the kiosk stops selling: "
                                  f"{exc}") from exc
            if info.kiosk_id != expected_kiosk_id:
                raise OtherKioskError(f"{database} belongs to kiosk {info.kiosk_id!r}, but the "
                                      f"config says {expected_kiosk_id!r}; nothing backed up")
            # The copy passed the ledger audit too: the live ledger is sound as of now.
            with contextlib.suppress(sqlite3.Error, DatabaseError):   # a full disk
                ledger_audit.record(source, [], to_db(moment))
            _fsync_file(temp)
            temp.rename(final)
            _fsync_dir(folder)
    except sqlite3.Error as exc:   # the copy's disk (full, read-only) or the live file's
        where = database if nearly_full(database) else final
        plain = storage_error(exc, where) or f"{database}: {exc}"
        raise BackupError(f"backup failed: {plain}") from exc
    finally:
        source.close()
    return BackupInfo(final, info.kiosk_id, info.schema_version, info.orders,
                      info.outbox_seq, final.stat().st_size)


def to_keep(backups: Iterable[BackupFile], keep_daily: int, keep_weekly: int) -> set[Path]:
    """Grandfather-father-son over the days and ISO weeks (UTC) that have a backup: the newest
    backup of each of the newest ``keep_daily`` days and ``keep_weekly`` weeks. Counting days
    that have a backup, not calendar days, keeps old backups of a kiosk that was switched off."""
    newest_first = sorted(backups, key=lambda b: (b.taken_at, b.path.name), reverse=True)
    keep: set[Path] = {newest_first[0].path} if newest_first else set()  # whatever the settings
    days: set[object] = set()
    weeks: set[object] = set()
    for b in newest_first:
        day, week = b.taken_at.date(), b.taken_at.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.add(day)
            keep.add(b.path)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            keep.add(b.path)
    return keep


def prune(folder: Path, kiosk_id: str, keep_daily: int, keep_weekly: int) -> list[Path]:
    """Delete this kiosk's backups that retention does not keep; returns what was deleted.
    Other files (other kiosks' backups, anything hand-named) are never touched."""
    backups = list_backups(folder, kiosk_id)
    keep = to_keep(backups, keep_daily, keep_weekly)
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink()
    if removed:
        _fsync_dir(folder)
    return removed


@contextlib.contextmanager
def _exclusive(database: Path) -> Iterator[None]:
    """Hold the live database so nobody else is using it, or raise DatabaseInUseError.

    ``BEGIN EXCLUSIVE`` alone is not enough in WAL mode: it only waits for a writer that is
    inside a transaction at that instant, and a touchscreen idling between sales would not be
    noticed. Leaving WAL mode needs every other connection closed, so it answers "is anyone
    else using the file?"; then BEGIN EXCLUSIVE (now a real exclusive lock) keeps newcomers
    out until the new file is in place.
    """
    conn = sqlite3.connect(str(database), isolation_level=None, timeout=1.0)
    try:
        try:
            conn.execute("PRAGMA busy_timeout = 1000")
            mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            if mode != "delete":
                raise sqlite3.OperationalError(f"journal mode stayed {mode}")
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            raise DatabaseInUseError(
                f"{database} is in use by another process ({exc}): stop the touchscreen and "
                "the sync daemon first (systemctl stop points-kiosk-ui points-kiosk-sync)"
            ) from exc
        except sqlite3.DatabaseError:
            pass  # the live file is damaged ("not a database"): replacing it is the point
        yield  # closing the connection below drops the lock, after the rename
    finally:
        conn.close()


def restore(backup: Path, database: Path, expected_kiosk_id: str, moment: datetime, *,
            force_other_kiosk: bool = False) -> tuple[BackupInfo, Path | None]:
    """Replace the live database with ``backup``, all or nothing.

    The copy is written to a temporary file beside the database, checked and fsynced, then
    renamed over the live file in one step. The file it replaces stays beside it as
    ``<name>.before-restore-<UTC time>`` (returned), so a restore can itself be undone.
    """
    info = inspect(backup)
    if info.kiosk_id != expected_kiosk_id and not force_other_kiosk:
        raise OtherKioskError(
            f"{backup} is a backup of kiosk {info.kiosk_id!r}, but this kiosk is "
            f"{expected_kiosk_id!r} (config kiosk.id); to take over that kiosk's data set "
            "kiosk.id to match first, or use --force-other-kiosk")
    shared_files.make_folder(database.parent)
    stamp = moment.astimezone(UTC).strftime(_STAMP)
    with _temporary(database.parent, database.name + ".restore") as temp:
        shared_files.create_file(temp, shared_files.READ_WRITE)  # the new live database
        source = sqlite3.connect(readonly_uri(backup), uri=True, isolation_level=None)
        try:
            _copy(source, temp)
        finally:
            source.close()
        copied = inspect(temp)
        if (copied.kiosk_id, copied.orders) != (info.kiosk_id, info.orders):
            raise BackupError(f"{temp}: the copy differs from {backup}; nothing restored")
        _take_owner_and_mode(temp, database)
        _fsync_file(temp)
        kept: Path | None = None
        if database.exists():
            with _exclusive(database):
                _no_stale_journals(database)
                kept = database.with_name(f"{database.name}.before-restore-{stamp}")
                try:
                    os.link(database, kept)
                except OSError as exc:
                    raise BackupError(f"cannot keep the current database as {kept} ({exc}); "
                                      "nothing restored") from exc
                temp.rename(database)
        else:
            _no_stale_journals(database)
            temp.rename(database)
        _fsync_dir(database.parent)
    return info, kept


def _take_owner_and_mode(temp: Path, database: Path) -> None:
    """The restored file keeps the live file's owner, group and mode (at least the shared
    read-write mode), so the app and the daemon (other users than the operator who restores)
    can still write it."""
    if not database.exists():
        return
    st = database.stat()
    os.chmod(temp, (st.st_mode & 0o7777) | shared_files.READ_WRITE)
    if os.geteuid() == 0:
        os.chown(temp, st.st_uid, st.st_gid)


def _no_stale_journals(database: Path) -> None:
    """A -wal left beside the database would be replayed onto the restored file."""
    for suffix in ("-wal", "-journal"):
        stale = Path(f"{database}{suffix}")
        if stale.exists() and stale.stat().st_size > 0:
            raise DatabaseInUseError(f"{stale} is still there: the database was not closed "
                                     "cleanly; start and stop the kiosk once, then restore")
    with contextlib.suppress(FileNotFoundError):
        Path(f"{database}-shm").unlink()
