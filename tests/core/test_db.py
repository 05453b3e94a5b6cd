"""Connection rules, append-only ledger tables, and migrations from real old files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kiosk.core import cards, schema, stock
from kiosk.core.db import DatabaseError, connect, open_database, write_transaction
from kiosk.core.ledger import WrongKioskError, bind_kiosk
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services

DATA = Path(__file__).resolve().parent.parent / "data"


def test_connection_pragmas(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "k.sqlite", busy_timeout_ms=1234, create=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    assert conn.isolation_level is None  # no implicit deferred transactions
    assert schema.current_version(conn) == schema.LATEST_VERSION


def test_write_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "k.sqlite", create=True)
    with pytest.raises(RuntimeError), write_transaction(conn):
        conn.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
        raise RuntimeError("boom")
    assert conn.execute("SELECT COUNT(*) FROM meta WHERE key = 'a'").fetchone()[0] == 0
    assert not conn.in_transaction


@pytest.mark.parametrize("table", (*schema.APPEND_ONLY_TABLES_V1, "receipt_prints"))
def test_ledger_tables_reject_update_and_delete(shop: Services, table: str) -> None:
    shop.checkout.checkout("o", PresentedCard("04A1B2C3D4E5F6"), [CartLine("soap", 1)])
    shop.conn.execute("INSERT INTO receipt_prints (order_id, at, outcome) "
                      "VALUES ('o', '2026-01-01', 'printed')")
    assert shop.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        shop.conn.execute(f"UPDATE {table} SET rowid = rowid")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        shop.conn.execute(f"DELETE FROM {table}")


def test_outbox_must_stay_gap_free(shop: Services) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="gap-free"):
        shop.conn.execute("INSERT INTO outbox (seq, kind, entry_id, payload, created_at) "
                          "VALUES (1000, 'sale', 'x', '{}', '2026')")


def test_migrates_a_database_saved_at_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copy(DATA / "kiosk-v1.sqlite", path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()
    conn = open_database(path)
    assert schema.current_version(conn) == schema.LATEST_VERSION
    # The v1 data is intact and usable: the old sale is there, and the card still works.
    assert conn.execute("SELECT total FROM orders WHERE id = 'v1-order'").fetchone()[0] == 30
    holder = cards.look_up(conn, PresentedCard("04A1B2C3D4E5F6"))
    assert holder.balance == 470
    assert conn.execute("SELECT COUNT(*) FROM receipt_prints").fetchone()[0] == 0
    assert stock.on_hand(conn, "soap") == 9  # v2 derived the stock level from the movements
    assert stock.levels_match_movements(conn)


def test_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    conn = open_database(path, create=True)
    conn.execute(f"PRAGMA user_version = {schema.LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(DatabaseError, match="newer than this program"):
        open_database(path)


def test_corrupt_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError):
        open_database(path)


def test_database_belongs_to_one_kiosk(tmp_path: Path) -> None:
    conn = connect(tmp_path / "k.sqlite")
    schema.migrate(conn)
    bind_kiosk(conn, "kiosk-a")
    bind_kiosk(conn, "kiosk-a")
    with pytest.raises(WrongKioskError, match="kiosk-a"):
        bind_kiosk(conn, "kiosk-b")


def test_unwritable_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(DatabaseError, match="not-a-folder"):
        open_database(blocker / "kiosk.sqlite", create=True)


def test_a_failed_commit_leaves_no_transaction_open(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "k.sqlite", create=True)
    # A deferred foreign key is only checked at COMMIT, which then fails.
    conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    conn.execute("CREATE TABLE child (pid INTEGER REFERENCES parent (id) "
                 "DEFERRABLE INITIALLY DEFERRED)")
    with pytest.raises(sqlite3.IntegrityError), write_transaction(conn):
        conn.execute("INSERT INTO child VALUES (42)")
    assert not conn.in_transaction
    with write_transaction(conn):  # the connection is usable again
        conn.execute("INSERT INTO parent VALUES (1)")
