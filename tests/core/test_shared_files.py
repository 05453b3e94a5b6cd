"""Files the kiosk's users share are usable by all of them, whoever made them and whatever
their umask: the touchscreen and the sync daemon are different users in one group, and an
operator runs commands as root (packaging/README.md).

Each user here is a forked copy of this test process that switched to its own uid, its own
primary group and the shared group (as the package's ``kiosk`` and ``kiosk-sync`` are), with
a hostile umask. Switching users needs root: elsewhere these tests are skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core import backup, item_pictures, shared_files
from kiosk.core.db import open_database, write_transaction
from kiosk.sync import images
from kiosk.sync.daemon import hold_daemon_lock
from points_protocol import signing
from tests.users import SHARED_GID, SYNC, TOUCH, as_user, data_fixture, running_as  # noqa: F401

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")

NOW = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)


def write_something(database: Path) -> Callable[[], object]:
    def work() -> object:
        conn = open_database(database, create=True)
        with write_transaction(conn):
            conn.execute("INSERT INTO sync_requests (requested_at) VALUES ('2026-12-01')")
        return conn  # kept open: its -wal and -shm stay
    return work


def mode_and_group(path: Path) -> tuple[str, int]:
    st = path.stat()
    return oct(stat.S_IMODE(st.st_mode)), st.st_gid


def test_a_database_made_by_one_service_is_written_by_the_other(data: Path) -> None:
    database = data / "kiosk.sqlite"
    with running_as(TOUCH, write_something(database)) as made:
        assert made == "ok"
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            assert mode_and_group(path) == ("0o660", SHARED_GID), path
        assert as_user(SYNC, write_something(database)) == "ok"


def test_a_database_made_by_root_is_written_by_both_services(data: Path) -> None:
    """``sudo kiosk-admin init`` (root, umask 022) before the services ever ran."""
    database = data / "kiosk.sqlite"
    old = os.umask(0o022)
    try:
        open_database(database, create=True).close()
    finally:
        os.umask(old)
    assert mode_and_group(database) == ("0o660", SHARED_GID)
    with running_as(SYNC, write_something(database)) as synced:
        assert synced == "ok"
        assert as_user(TOUCH, write_something(database)) == "ok"


def test_a_database_left_0640_by_an_older_version_is_put_right_by_its_owner(
        data: Path) -> None:
    database = data / "kiosk.sqlite"
    assert as_user(SYNC, lambda: open_database(database, create=True), umask=0o027) == "ok"
    database.chmod(0o640)  # as 0.1.0 left it
    refused = as_user(TOUCH, write_something(database))  # said at once, not at the first sale
    assert refused.startswith("DatabaseError") and "is not writable for user 54001" in refused
    assert as_user(SYNC, write_something(database)) == "ok"  # its owner opens it ...
    assert as_user(TOUCH, write_something(database)) == "ok"  # ... and the other can write


def test_backups_by_the_timer_are_readable_by_the_touchscreen_user(data: Path) -> None:
    database = data / "kiosk.sqlite"
    open_database(database, create=True).execute(
        "INSERT INTO meta (key, value) VALUES ('kiosk_id', 'k1')").connection.close()
    folder = data / "backups"
    made: list[backup.BackupInfo] = []
    assert as_user(SYNC, lambda: made.append(
        backup.make_backup(database, folder, "k1", NOW))) == "ok"
    found = backup.list_backups(folder)
    assert len(found) == 1
    assert mode_and_group(folder) == ("0o2770", SHARED_GID)
    assert mode_and_group(found[0].path) == ("0o640", SHARED_GID)
    assert as_user(TOUCH, lambda: backup.inspect(found[0].path)) == "ok"


def test_a_restored_database_is_written_by_both_services(data: Path) -> None:
    database = data / "kiosk.sqlite"
    conn = open_database(database, create=True)
    conn.execute("INSERT INTO meta (key, value) VALUES ('kiosk_id', 'k1')")
    conn.close()
    taken = backup.make_backup(database, data / "backups", "k1", NOW)
    database.unlink()  # a dead disk: restore onto a new one
    old = os.umask(0o077)
    try:
        backup.restore(taken.path, database, "k1", NOW)
    finally:
        os.umask(old)
    assert mode_and_group(database) == ("0o660", SHARED_GID)
    assert as_user(TOUCH, write_something(database)) == "ok"
    assert as_user(SYNC, write_something(database)) == "ok"


def test_the_sync_lock_made_by_root_does_not_keep_the_daemon_out(data: Path) -> None:
    """``sudo kiosk-sync --once`` (root) makes the lock file first; the daemon comes next."""
    database = data / "kiosk.sqlite"
    old = os.umask(0o022)
    try:
        lock = hold_daemon_lock(database)
        assert lock is not None
        lock.close()
    finally:
        os.umask(old)
    assert mode_and_group(Path(f"{database}.sync-lock")) == ("0o660", SHARED_GID)
    assert as_user(SYNC, lambda: hold_daemon_lock(database)) == "ok"


def test_pictures_fetched_by_the_daemon_are_shown_by_the_touchscreen(data: Path) -> None:
    folder = data / "images"
    picture = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    sha = "a" * 64
    assert as_user(SYNC, lambda: images._write_atomically(folder, sha, picture)) == "ok"
    assert mode_and_group(folder) == ("0o2770", SHARED_GID)
    assert mode_and_group(folder / sha) == ("0o640", SHARED_GID)
    assert as_user(TOUCH, (folder / sha).read_bytes) == "ok"


def test_item_pictures_from_the_operator_screen_are_shared(data: Path) -> None:
    source = data.parent / "raincoat.png"  # on a USB stick
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 100)
    source.chmod(0o644)
    folder = data / item_pictures.PICTURE_DIR
    stored: list[Path] = []
    assert as_user(TOUCH, lambda: stored.append(
        item_pictures.store_picture(source, folder, "raincoat"))) == "ok"
    copy = next(folder.iterdir())
    assert mode_and_group(copy) == ("0o640", SHARED_GID)
    assert as_user(SYNC, copy.read_bytes) == "ok"


def test_a_kiosk_key_made_by_root_belongs_to_the_daemon(data: Path) -> None:
    """``sudo kiosk-sync keygen`` instead of ``sudo -u kiosk-sync kiosk-sync keygen``."""
    keys = data / "sync"
    keys.mkdir()
    os.chown(keys, SYNC.uid, SYNC.gid)
    keys.chmod(0o700)
    signing.generate_key_file(keys / "kiosk-key.pem")
    st = (keys / "kiosk-key.pem").stat()
    assert (st.st_uid, oct(stat.S_IMODE(st.st_mode))) == (SYNC.uid, "0o600")
    assert as_user(SYNC, lambda: signing.load_key_file(keys / "kiosk-key.pem")) == "ok"
    assert as_user(TOUCH, lambda: signing.load_key_file(keys / "kiosk-key.pem")) \
        .startswith("PermissionError")  # the touchscreen never reads the kiosk's key


def test_shared_files_keep_bits_their_owner_added(data: Path) -> None:
    path = data / "notes"
    assert shared_files.create_file(path, shared_files.READ_ONLY)
    path.chmod(0o664)
    assert not shared_files.create_file(path, shared_files.READ_ONLY)
    assert mode_and_group(path) == ("0o664", SHARED_GID)
