"""One page of the district's change feed, written into the kiosk: every row and the new pull
cursor in ONE write transaction, through the core's own bulk writers.

A crash or a bad row anywhere in the page rolls the whole page back together with its cursor,
so the next round asks for the same page again; nothing is applied twice or skipped. The sync
client only parses and checks the district's answer (:mod:`kiosk.sync.protocol`) and hands it
here; it writes no table itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from kiosk.core import cards as card_store
from kiosk.core import (
    catalogue,
    district_policy,
    families,
    item_images,
    ledger,
    sun_taps,
    sync_status,
    vouchers,
)
from kiosk.core.db import write_transaction
from points_protocol.catalogue import parse_item
from points_protocol.messages import ChangePage

FEED_ITEM_EXTRA = ("image_sha256",)   # the one key the feed adds to a catalogue item


class FeedMoved(Exception):
    """The pull cursor is not where this round started: another process applied pages."""


def apply_page(conn: sqlite3.Connection, page: ChangePage, after: int, now: str,
               progress: str | None = None) -> None:
    """``progress`` (for the admin screen) is written in the same transaction: a separate
    durable commit per page would cost a first sync hundreds of fsyncs."""
    as_of = page.as_of or now
    with write_transaction(conn):
        if sync_status.pull_cursor(conn) != after:
            raise FeedMoved("pull cursor moved underneath this round (a second daemon?)")
        card_store.store_volunteers(conn, page.volunteers)
        if page.cards:
            _with_volunteers(conn, [c[1] for c in page.cards],
                             lambda: card_store.store_cards(conn, page.cards))
        if page.balances:
            _with_volunteers(conn, [b[0] for b in page.balances],
                             lambda: ledger.store_snapshots(conn, page.balances, as_of))
        _items(conn, page.items, as_of)
        sun_taps.merge(conn, page.sun_counters)   # the highest signed tap per card
        vouchers.merge_states(conn, page.vouchers)
        families.store(conn, page.families)
        district_policy.store_settings(conn, page.settings)
        sync_status.move_pull_cursor(conn, page.cursor, progress)


def _with_volunteers(conn: sqlite3.Connection, volunteer_ids: Sequence[str],
                     store: Callable[[], None]) -> None:
    """Rows that reference volunteers, tried without placeholders first (on a first sync every
    volunteer is already there and the check would double the work). No savepoint (it made
    SQLite journal every page it touched): the writers are upserts, so rows written before the
    failing one are simply written again, with the same values."""
    try:
        store()
    except sqlite3.IntegrityError:
        card_store.add_placeholder_volunteers(conn, volunteer_ids)
        store()


def _items(conn: sqlite3.Connection, items: list[dict[str, Any]], as_of: str) -> None:
    """Items as the protocol checked them (``points_protocol.catalogue``); the picture by hash
    is this kiosk's own file once fetched (:mod:`kiosk.core.item_images`)."""
    if not items:
        return
    wanted = [(parse_item(raw, extra=FEED_ITEM_EXTRA), raw.get("image_sha256"))
              for raw in items]
    folder = item_images.image_dir(conn) if any(sha for _, sha in wanted) else None
    for spec, sha in wanted:
        image = item_images.picture_for(conn, spec.item_id, sha, spec.image, folder)
        catalogue.store_item(conn, replace(spec, image=image), as_of)
        item_images.want(conn, spec.item_id, sha, folder, as_of)
