"""Applying one pulled page: every row and the new cursor in ONE write transaction.

A crash or a bad row anywhere in the page rolls the whole page back together with its cursor,
so the next round asks for the same page again; nothing is applied twice or skipped.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Sequence

from kiosk.core import sun_taps
from kiosk.core.db import write_transaction
from kiosk.core.ledger import SnapshotError
from kiosk.sync import images
from kiosk.sync.protocol import ProtocolError
from points_protocol.messages import ChangePage


def pull_cursor(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT pull_cursor FROM sync_status WHERE id = 1").fetchone()[0])


def apply_page(conn: sqlite3.Connection, page: ChangePage, after: int, now: str,
               progress: str | None = None) -> None:
    """``progress`` (for the admin screen) is written in the same transaction: a separate
    durable commit per page would cost a first sync hundreds of fsyncs."""
    with write_transaction(conn):
        if pull_cursor(conn) != after:
            raise ProtocolError("pull cursor moved underneath this round (a second daemon?)")
        _volunteers(conn, page)
        _cards(conn, page)
        _balances(conn, page, page.as_of or now)
        _items(conn, page, page.as_of or now)
        sun_taps.merge(conn, page.sun_counters)   # the highest signed tap per card
        conn.executemany(
            "INSERT INTO district_settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(key, json.dumps(value, ensure_ascii=False)) for key, value in page.settings])
        conn.execute("UPDATE sync_status SET pull_cursor = ?, progress = COALESCE(?, progress)"
                     " WHERE id = 1", (page.cursor, progress))


def _volunteers(conn: sqlite3.Connection, page: ChangePage) -> None:
    conn.executemany(
        """INSERT INTO volunteers (id, masked_name, status) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET masked_name = excluded.masked_name,
                                          status = excluded.status""", page.volunteers)


def _with_volunteers(conn: sqlite3.Connection, volunteer_ids: list[str], sql: str,
                     rows: Sequence[Sequence[object]]) -> None:
    """Insert rows that reference volunteers. A card or balance may come a page before its
    volunteer's row (the volunteer changed later): then masked-name placeholders keep the
    foreign key and the volunteer's own row follows. Tried without them first, since on a
    first sync every volunteer is already there and the check would double the work. No
    savepoint (it made SQLite journal every page it touched): ``sql`` is an upsert, so the
    rows written before the failing one are simply written again, with the same values."""
    try:
        conn.executemany(sql, rows)
    except sqlite3.IntegrityError:
        conn.executemany("INSERT OR IGNORE INTO volunteers (id, masked_name) VALUES (?, '*')",
                         [(v,) for v in volunteer_ids])
        conn.executemany(sql, rows)


def _cards(conn: sqlite3.Connection, page: ChangePage) -> None:
    if not page.cards:
        return
    _with_volunteers(conn, [c[1] for c in page.cards],
        """INSERT INTO cards (card_id, volunteer_id, kind, status, generation, is_operator)
           VALUES (?, ?, ?, ?, MAX(1, ?), ?)
           ON CONFLICT (card_id) DO UPDATE SET
               volunteer_id = excluded.volunteer_id, kind = excluded.kind,
               status = excluded.status,
               generation = MAX(cards.generation, excluded.generation),
               is_operator = excluded.is_operator""",
        page.cards)   # rows as parsed (a JSON true binds as 1): no Python object per row


def _balances(conn: sqlite3.Connection, page: ChangePage, as_of: str) -> None:
    if not page.balances:
        return
    highest = int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0])
    # Columns, then rows again, through zip: C loops, not a Python statement per row.
    ids, amounts, seqs = zip(*page.balances, strict=True)
    if max(seqs) > highest:
        volunteer_id, _, kiosk_seq = max(page.balances, key=lambda b: int(b[2]))
        raise SnapshotError(f"snapshot for {volunteer_id} counts kiosk seq {kiosk_seq} but "
                            f"this kiosk's outbox ends at {highest}")
    # The feed is ordered: a later page always carries the newer balance, so it replaces.
    _with_volunteers(conn, list(ids),
        """INSERT INTO balance_snapshots (volunteer_id, balance, kiosk_seq, as_of)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (volunteer_id) DO UPDATE SET balance = excluded.balance,
               kiosk_seq = excluded.kiosk_seq, as_of = excluded.as_of""",
        list(zip(ids, amounts, seqs, itertools.repeat(as_of))))


_ITEM_COLUMNS = ("name_zh", "name_en", "category", "kind", "image", "barcode", "limit_count",
                 "limit_points", "limit_period", "low_stock_threshold", "active")


def _items(conn: sqlite3.Connection, page: ChangePage, as_of: str) -> None:
    if not page.items:
        return
    by_hash = any(isinstance(spec.get("image_sha256"), str) for spec in page.items)
    folder = images.image_dir(conn) if by_hash else None
    pictures = {row[0]: row for row in images.wanted_rows(page.items, folder, as_of)}
    for spec in page.items:
        values = [spec.get(c) for c in _ITEM_COLUMNS]
        values[9] = values[9] or 0
        values[10] = int(values[10] if values[10] is not None else True)
        _, sha, here = pictures[spec["id"]]
        if sha is not None:
            # A picture by hash: the local file once it is here; until then the picture the
            # item already shows (or, for a new item, the district's file name).
            old = conn.execute("SELECT image FROM items WHERE id = ?",
                               (spec["id"],)).fetchone()
            if here is not None and folder is not None:
                values[4] = str(images.local_path(folder, sha))
            elif old is not None:
                values[4] = old[0]
        conn.execute(
            f"""INSERT INTO items (id, {", ".join(_ITEM_COLUMNS)})
                VALUES (?, {", ".join("?" * len(_ITEM_COLUMNS))})
                ON CONFLICT (id) DO UPDATE SET
                {", ".join(f"{c} = excluded.{c}" for c in _ITEM_COLUMNS)}""",
            [spec["id"], *values])
        if sha is None:
            conn.execute("DELETE FROM item_images WHERE item_id = ?", (spec["id"],))
        else:
            conn.execute(
                """INSERT INTO item_images (item_id, sha256, fetched_at) VALUES (?, ?, ?)
                   ON CONFLICT (item_id) DO UPDATE SET sha256 = excluded.sha256,
                       fetched_at = excluded.fetched_at, last_error = NULL
                   WHERE item_images.sha256 <> excluded.sha256
                      OR item_images.fetched_at IS NULL""", (spec["id"], sha, here))
        row = conn.execute("SELECT price FROM item_prices WHERE item_id = ? ORDER BY id DESC "
                           "LIMIT 1", (spec["id"],)).fetchone()
        if row is None or int(row[0]) != spec["price"]:
            conn.execute("INSERT INTO item_prices (item_id, price, effective_from) "
                         "VALUES (?, ?, ?)", (spec["id"], spec["price"], as_of))
