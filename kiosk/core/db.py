"""SQLite connection rules, in one place.

Two processes share the file (the touchscreen app and the sync daemon), so:
- WAL lets readers go on while one writer commits;
- ``synchronous=FULL`` makes a commit durable before the receipt is printed (with NORMAL a
  power cut could roll back a sale whose receipt is already in the volunteer's hand);
- ``isolation_level=None`` stops Python's sqlite3 from opening deferred transactions behind our
  back; every write goes through :func:`write_transaction`, which takes the write lock up front
  with ``BEGIN IMMEDIATE`` so the busy timeout applies (a deferred transaction that later needs
  to write fails at once with "database is locked" instead of waiting).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from kiosk.core import schema, shared_files

log = logging.getLogger("kiosk.core.db")


class DatabaseError(Exception):
    """The database file cannot be used (corrupt, too new, unreadable)."""


class DatabaseNotFoundError(DatabaseError):
    """No usable kiosk database at the path (none, an empty file, another program's), and
    the caller must not make one; the message says what to do."""


class StorageError(DatabaseError):
    """The disk under the database refused: full, read-only, failing or damaged. Nothing was
    changed; the message says so in one line, with what to do. The touchscreen shows the
    kiosk as out of service (never "please ask staff" and a traceback in the journal)."""


# SQLite's primary result codes that mean the storage, not the program, is at fault.
_STORAGE = {13: "full", 8: "read-only", 10: "I/O error", 14: "cannot open", 11: "damaged",
            26: "damaged"}


def storage_error(exc: BaseException, path: Path | str | None) -> StorageError | None:
    """The :class:`StorageError` an SQLite error stands for, or None if it is not one."""
    code = getattr(exc, "sqlite_errorcode", None)
    kind = _STORAGE.get(code & 0xFF) if isinstance(code, int) else None
    if kind is None:
        return None
    if kind == "I/O error" and nearly_full(path):   # a -wal or -shm that could not grow
        kind = "full"
    where = str(path) if path else "the database"
    if kind == "full":
        free = _free_mb(path)
        text = (f"{where}: the disk is full{free}: nothing was changed. Free some space (old "
                "backups, logs, exports) and try again")
    elif kind in ("read-only", "cannot open"):
        text = (f"{where}: the database cannot be written ({exc}): nothing was changed. The "
                "kiosk's users need write access to the file and its folder (for its -wal "
                "and -shm), on a disk mounted read-write")
    elif kind == "I/O error":
        text = (f"{where}: the disk reported an I/O error ({exc}): nothing was changed; the "
                "disk may be failing: run kiosk-admin self-check and back up")
    else:
        text = (f"{where} is damaged ({exc}): restore the newest good backup "
                "(kiosk-admin backups --verify, kiosk-admin restore FILE)")
    return StorageError(text)


def nearly_full(path: Path | str | None) -> bool:
    """Under 1 MB free on the disk that holds ``path``."""
    try:
        return bool(path) and shutil.disk_usage(Path(str(path)).parent).free < 1 << 20
    except OSError:
        return False


def _free_mb(path: Path | str | None) -> str:
    if not path:
        return ""
    try:
        return f" ({shutil.disk_usage(Path(path).parent).free // (1 << 20)} MB free)"
    except OSError:
        return ""


def database_file(conn: sqlite3.Connection) -> str | None:
    """The main database file of ``conn`` (None: in memory)."""
    try:
        row = conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'"
                           ).fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row is not None and row[0] else None


def _as_storage(conn: sqlite3.Connection, exc: BaseException) -> BaseException:
    translated = storage_error(exc, database_file(conn))
    if translated is None:
        return exc
    translated.__cause__ = exc
    return translated


def connect(path: Path | str, *, busy_timeout_ms: int = 5000,
            cache_mb: int = 32) -> sqlite3.Connection:
    """Open a connection with the kiosk's pragmas; does not migrate (see :func:`open_database`)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=busy_timeout_ms / 1000,
                           check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(path) != ":memory:" and mode != "wal":
        raise DatabaseError(f"{path}: could not switch to WAL journal (got {mode!r})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")  # negative: KiB, not pages
    return conn


# Transactions this thread opened, per connection (by id): only those may be joined by a
# nested write or read. A transaction some other thread has open on a shared connection is
# never joined; the nested BEGIN then fails loudly, as it always did.
_opened_here = threading.local()


def _mine() -> dict[int, str]:
    opened: dict[int, str] | None = getattr(_opened_here, "conns", None)
    if opened is None:
        opened = _opened_here.conns = {}
    return opened


def _after() -> dict[int, list[Callable[[], None]]]:
    pending: dict[int, list[Callable[[], None]]] | None = getattr(_opened_here, "after", None)
    if pending is None:
        pending = _opened_here.after = {}
    return pending


def after_commit(conn: sqlite3.Connection, action: Callable[[], None]) -> None:
    """Run ``action`` once the write transaction this thread has open on ``conn`` has
    committed, never if it (or the savepoint that asked) rolls back. A failing action is
    logged: what committed stands."""
    if _mine().get(id(conn)) != "write":
        raise RuntimeError("after_commit needs a write transaction open on this thread")
    _after().setdefault(id(conn), []).append(action)


def _run_after_commit(actions: list[Callable[[], None]]) -> None:
    for action in actions:
        try:
            action()
        except Exception:
            log.exception("an action after a commit failed (the commit stands)")


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction: BEGIN IMMEDIATE ... COMMIT, rolled back on any error.

    Inside a write transaction this thread already has open on ``conn`` it becomes a
    SAVEPOINT, so an action and the audit row that records it (kiosk.core.audit) commit
    together or not at all, without copying each action's code.
    """
    mine = _mine()
    if conn.in_transaction and mine.get(id(conn)) == "write":
        queued = len(_after().get(id(conn), []))
        conn.execute("SAVEPOINT nested_write")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO nested_write")
            conn.execute("RELEASE nested_write")
            del _after().get(id(conn), [])[queued:]
            raise
        conn.execute("RELEASE nested_write")
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:   # a read-only file refuses here already
        raise _as_storage(conn, exc) from exc
    mine[id(conn)] = "write"
    try:
        yield conn
    except BaseException as exc:
        del mine[id(conn)]
        _after().pop(id(conn), None)
        conn.execute("ROLLBACK")
        translated = _as_storage(conn, exc)
        if translated is exc:
            raise
        raise translated from exc
    del mine[id(conn)]
    actions = _after().pop(id(conn), [])
    try:
        _commit(conn)
    except sqlite3.Error as exc:
        raise _as_storage(conn, exc) from exc
    _run_after_commit(actions)


def _commit(conn: sqlite3.Connection) -> None:
    """COMMIT, and if it fails (disk full, I/O error) roll back rather than leave the
    connection inside a transaction that every later BEGIN would trip over."""
    try:
        conn.execute("COMMIT")
    except sqlite3.Error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A consistent snapshot for several reads (WAL: never blocks the writer). Inside a
    transaction this thread has open on ``conn`` it reads in that one (a report calls helpers
    that read on their own)."""
    mine = _mine()
    if conn.in_transaction and id(conn) in mine:
        yield conn
        return
    conn.execute("BEGIN")
    mine[id(conn)] = "read"
    try:
        yield conn
    finally:
        del mine[id(conn)]
        _commit(conn)


def integrity_problems(conn: sqlite3.Connection, *, quick: bool) -> list[str]:
    """What SQLite's quick or full integrity check finds (empty: the file is sound)."""
    pragma = "quick_check" if quick else "integrity_check"
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
    return [] if rows == ["ok"] else rows


def check_integrity(conn: sqlite3.Connection, mode: str) -> None:
    if mode == "none":
        return
    pragma = "integrity_check" if mode == "full" else "quick_check"
    rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
    if rows != ["ok"]:
        raise DatabaseError("database integrity check failed: " + "; ".join(rows[:5]))


def _check_writable(path: Path) -> None:
    """SQLite opens a file it cannot write read-only without a word, and the first sale then
    fails with "attempt to write a readonly database": say it at once, with who and why."""
    problems = [f"{p} is not writable" for p, mode in (
        (path, os.R_OK | os.W_OK),
        *((Path(f"{path}{s}"), os.R_OK | os.W_OK) for s in shared_files.DATABASE_COMPANIONS),
    ) if p.exists() and not os.access(p, mode)]
    for suffix in shared_files.DATABASE_COMPANIONS:
        if not Path(f"{path}{suffix}").exists() and not os.access(path.parent, os.W_OK | os.X_OK):
            problems.append(f"{path.parent} is not writable (SQLite makes {path.name}{suffix} "
                            "there)")
            break
    if problems and os.statvfs(path.parent).f_flag & os.ST_RDONLY:
        raise StorageError(f"{path}: the disk is mounted read-only: nothing can be sold or "
                           "changed until it is mounted read-write again")
    if problems:
        raise DatabaseError(f"{'; '.join(problems)} for {shared_files.describe_user()} "
                            f"({shared_files.describe(path)}): the kiosk's users share these "
                            "files through their group (packaging/README.md)")


def check_file(path: Path, *, create: bool) -> None:
    """Refuse, with one line saying what to do, a path that holds no kiosk database.

    Only ``kiosk-admin init`` (``create``) makes a new ledger, and only where there is no file
    at all. SQLite itself takes a missing file, or an empty one, as a new empty database: a
    mistyped ``--database`` made a fresh ledger and exited 0, and a ledger truncated to 0
    bytes was silently replaced by an empty one (its sales gone, the outbox back at 1)."""
    if str(path) == ":memory:":
        return
    if not path.exists():
        if create:
            return
        raise DatabaseNotFoundError(
            f"{path}: no kiosk database here. Check [database] path or --database; a new "
            "kiosk makes one with `kiosk-admin init`, a kiosk that lost it restores a "
            "backup (`kiosk-admin backups`, `kiosk-admin restore FILE`)")
    if not path.is_file():
        raise DatabaseNotFoundError(f"{path}: not a file (check [database] path or --database)")
    if path.stat().st_size == 0:
        raise DatabaseNotFoundError(
            f"{path} is empty (0 bytes): it is no kiosk database, and a kiosk that sold from "
            "it has lost its ledger. Restore the newest backup (`kiosk-admin backups`, "
            "`kiosk-admin restore FILE`); only for a kiosk that never sold, delete it and run "
            "`kiosk-admin init`")


def _check_kiosk_database(conn: sqlite3.Connection, path: Path) -> None:
    """A database another program made is not migrated into a ledger."""
    if schema.current_version(conn) > 0:
        return
    if conn.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()[0]:
        raise DatabaseNotFoundError(f"{path}: an SQLite database, but not a kiosk's (no kiosk "
                                    "schema); check [database] path or --database")


def readonly_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` read-only (any character in the path is safe)."""
    return f"file:{quote(str(path))}?mode=ro"


def _refuse_foreign_read_only(path: Path) -> None:
    """Look at a file still in rollback-journal mode read-only before opening it for use:
    :func:`connect` switches a database to WAL, a write another program's file must not get
    just for being refused. (A kiosk's ledger is always WAL already.) Whatever cannot be read
    here is left to the full checks in :func:`open_database`."""
    if str(path) == ":memory:" or not path.is_file():
        return
    with open(path, "rb") as fh:
        header = fh.read(20)
    if header[:16] != b"SQLite format 3\x00" or header[18:20] != b"\x01\x01":
        return
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True)
    except sqlite3.Error:
        return
    try:
        _check_kiosk_database(conn, path)
    except sqlite3.Error:
        return
    finally:
        conn.close()


def open_database(path: Path | str, *, busy_timeout_ms: int = 5000,
                  startup_check: str = "quick", cache_mb: int = 32,
                  create: bool = False) -> sqlite3.Connection:
    """Connect, check integrity, and bring the schema up to date.

    Only with ``create`` (what ``kiosk-admin init`` and the demo do) may there be no file yet
    (see :func:`check_file`): a missing database means the kiosk is not provisioned, and
    making one would bind it to whatever kiosk id the config has now. A new file is made
    shared (kiosk.core.shared_files: the touchscreen and the sync daemon are different
    users)."""
    path = Path(path)
    in_memory = str(path) == ":memory:"
    try:
        check_file(path, create=create)
        _refuse_foreign_read_only(path)
        if not in_memory:
            shared_files.prepare_database(path)
            _check_writable(path)
        conn = connect(path, busy_timeout_ms=busy_timeout_ms, cache_mb=cache_mb)
        if not in_memory:
            shared_files.fix_database_companions(path)
        check_integrity(conn, startup_check)
        _check_kiosk_database(conn, path)
        schema.migrate(conn)
    except OSError as exc:  # an unwritable folder: a message, not a traceback
        raise DatabaseError(f"{path}: {exc.strerror or exc}") from exc
    except sqlite3.Error as exc:
        raise storage_error(exc, path) or DatabaseError(f"{path}: {exc}") from exc
    except schema.SchemaTooNewError as exc:
        raise DatabaseError(f"{path}: {exc}") from exc
    return conn
