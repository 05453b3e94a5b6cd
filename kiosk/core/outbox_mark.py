"""The outbox's high-water mark, kept in a small file beside the database.

The database can lose committed transactions without looking damaged: a dropped ``-wal``
file (deleted after a crash, or a copy of the database made without it) takes the last sales
with it, and the next one reuses their sequence numbers. A file of its own outside the
database file remembers the highest outbox sequence ever committed here; a database whose
outbox ends below it has lost entries (kiosk.core.continuity stops the selling).

The mark is raised after each commit that wrote outbox entries (never before: a commit that
fails must not leave the mark ahead of the ledger), without an fsync: a power cut can leave
it behind the ledger, never ahead of it, and behind only weakens the check. Two processes
raise it under an ``flock``, so it only ever goes up.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from pathlib import Path

from kiosk.core import shared_files
from kiosk.core.db import after_commit

log = logging.getLogger("kiosk.core.outbox_mark")

SUFFIX = ".outbox-seq"
_WIDTH = 20   # digits: the mark is rewritten in place, always the same length

_lock = threading.Lock()
_files: dict[str, int] = {}   # path -> an open file descriptor, per process


def mark_path(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def database_path(conn: sqlite3.Connection) -> Path | None:
    row = conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()
    return Path(row[0]) if row is not None and row[0] else None


def read(database: Path) -> int:
    """The mark for ``database`` (0: none yet, or not readable as a mark)."""
    try:
        text = mark_path(database).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return 0
    return int(text) if text.isdigit() else 0


def _descriptor(path: Path) -> int:
    key = str(path)
    fd = _files.get(key)
    if fd is None or os.fstat(fd).st_nlink == 0:   # new, or the file was removed: start anew
        _forget_removed()
        fd = None
    if fd is None:
        if len(_files) >= 8:   # a process works on one database; tools and tests on more
            os.close(_files.pop(next(iter(_files))))
        # Shared like the database: the touchscreen and the daemon (two users) both raise it.
        fd = shared_files.open_file(path, os.O_RDWR, shared_files.READ_WRITE)
        _files[key] = fd
    return fd


def _forget_removed() -> None:
    """Close the descriptors of marks whose file is gone (a database folder removed, as a test
    or the simulator does for each run): a long-lived process keeps no deleted file open."""
    for key, fd in list(_files.items()):
        if os.fstat(fd).st_nlink == 0:
            os.close(_files.pop(key))


def raise_to(database: Path, seq: int) -> None:
    """Make the mark at least ``seq``. A mark that cannot be written (a full or read-only
    disk) is logged, never raised: the sale it follows has committed."""
    try:
        _raise(database, seq)
    except OSError as exc:
        log.warning("outbox mark %s not raised to %d: %s", mark_path(database), seq, exc)


def _raise(database: Path, seq: int) -> None:
    path = mark_path(database)
    with _lock:
        fd = _descriptor(path)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            text = os.pread(fd, _WIDTH + 1, 0).decode("ascii", "replace").strip()
            if not text.isdigit() or int(text) < seq:
                os.pwrite(fd, f"{seq:0{_WIDTH}d}\n".encode(), 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def note(conn: sqlite3.Connection, seq: int) -> None:
    """Called inside the transaction that writes outbox entry ``seq``: raise the mark once it
    has committed."""
    database = database_path(conn)
    if database is None:   # an in-memory database has no file to lose
        return
    after_commit(conn, lambda: raise_to(database, seq))
