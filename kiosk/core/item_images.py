"""Which catalogue picture each item wants from the district, by content hash (``item_images``).

The change feed names an item's picture by SHA-256. Applying a page only records the wanted
hash; the sync daemon fetches the missing pictures into ``images/`` beside the database and
then points the item at the local file. Until then the item keeps the picture it had, and the
last refusal (bad hash, too large, not a picture) is kept for the admin screen. The network
and file side is :mod:`kiosk.sync.images`; this module owns the table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.core.db import write_transaction

IMAGES_DIR = "images"


def image_dir(conn: sqlite3.Connection) -> Path:
    """``images/`` beside the kiosk's database file (the kiosk's data folder)."""
    for _, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent / IMAGES_DIR
    raise RuntimeError("the kiosk database has no file; pictures need a data folder")


def local_path(folder: Path, sha256: str) -> Path:
    return folder / sha256


def picture_for(conn: sqlite3.Connection, item_id: str, sha256: str | None,
                district_image: str | None, folder: Path | None) -> str | None:
    """What ``items.image`` should say for an item the district just sent: its local picture
    by hash once that file is here; until then the picture it already shows (a new item: the
    district's asset name, already checked to name no local path)."""
    if sha256 is None or folder is None:
        return district_image
    here = local_path(folder, sha256)
    if here.is_file():
        return str(here)
    row = conn.execute("SELECT image FROM items WHERE id = ?", (item_id,)).fetchone()
    return district_image if row is None else row[0]


def want(conn: sqlite3.Connection, item_id: str, sha256: str | None, folder: Path | None,
         now: str) -> None:
    """Record (inside the page's transaction) which picture an item wants; a picture already
    in the folder counts as fetched."""
    if sha256 is None or folder is None:
        conn.execute("DELETE FROM item_images WHERE item_id = ?", (item_id,))
        return
    here = now if local_path(folder, sha256).is_file() else None
    conn.execute(
        """INSERT INTO item_images (item_id, sha256, fetched_at) VALUES (?, ?, ?)
           ON CONFLICT (item_id) DO UPDATE SET sha256 = excluded.sha256,
               fetched_at = excluded.fetched_at, last_error = NULL
           WHERE item_images.sha256 <> excluded.sha256
              OR item_images.fetched_at IS NULL""", (item_id, sha256, here))


def missing(conn: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    """(hash, item ids) of every wanted picture not fetched yet, each hash once."""
    rows = conn.execute("SELECT sha256, group_concat(item_id, char(31)) FROM item_images "
                        "WHERE fetched_at IS NULL GROUP BY sha256 ORDER BY sha256").fetchall()
    return [(str(sha), str(joined).split("\x1f")) for sha, joined in rows]


def record_refused(conn: sqlite3.Connection, sha256: str, error: str) -> None:
    with write_transaction(conn):
        conn.execute("UPDATE item_images SET last_error = ? WHERE sha256 = ? "
                     "AND fetched_at IS NULL", (error[:300], sha256))


def record_fetched(conn: sqlite3.Connection, sha256: str, path: Path, now: str) -> None:
    """Point every item still wanting this hash at the local file (a page applied meanwhile
    may have moved an item on to another picture: that one is left alone)."""
    with write_transaction(conn):
        conn.execute("UPDATE items SET image = ? WHERE id IN (SELECT item_id FROM "
                     "item_images WHERE sha256 = ? AND fetched_at IS NULL)",
                     (str(path), sha256))
        conn.execute("UPDATE item_images SET fetched_at = ?, last_error = NULL "
                     "WHERE sha256 = ? AND fetched_at IS NULL", (now, sha256))
