"""Replays of signed NFC taps, and refusals worth telling the district.

A card that signs its taps (NTAG 424 DNA, SUN) counts its reads; a recorded tap played back
(by a phone or a programmable card) carries a counter the kiosk has already seen. The kiosk
keeps the highest (key generation, counter) per card and takes a tap only when it is higher,
in the same write transaction as the look-up that accepts it. Every accepted tap goes into the
outbox (kind ``sun_counter``), the district keeps the highest per card and sends it back in the
change feed, so after one sync each a tap played back at another kiosk is refused there too.
Until then a replay at a kiosk that has not heard of the original tap works once per tap
recorded: the offline caps bound what it can spend.

Refusals of a forged, replayed or copied card (:class:`kiosk.core.errors.CardAlert`) are kept
in ``card_alerts`` and pushed (kind ``card_alert``): the district lists them with its
conflicts, because a cloned card is worth knowing about.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence

from kiosk.core import outbox
from kiosk.core.clock import Clock, to_db
from kiosk.core.db import write_transaction
from kiosk.core.errors import CardAlert, SunReplayed
from kiosk.core.ids import uuid7
from kiosk.core.models import SunCounter

log = logging.getLogger("kiosk.core.sun_taps")


def highest(conn: sqlite3.Connection, card_id: str) -> SunCounter | None:
    row = conn.execute("SELECT key_generation, counter FROM sun_counters WHERE card_id = ?",
                       (card_id,)).fetchone()
    return None if row is None else SunCounter(int(row[0]), int(row[1]))


def accept(conn: sqlite3.Connection, clock: Clock, card_id: str, tap: SunCounter) -> None:
    """Take a verified tap, inside the caller's write transaction, or raise
    :class:`SunReplayed` when it is not above the highest seen for the card."""
    if not conn.in_transaction:
        raise RuntimeError("sun_taps.accept must run inside a write transaction")
    seen = highest(conn, card_id)
    if seen is not None and tap <= seen:
        raise SunReplayed(card_id, f"tap {tap.key_generation}/{tap.counter} is not above "
                                   f"{seen.key_generation}/{seen.counter}")
    at = to_db(clock.now())
    conn.execute(
        """INSERT INTO sun_counters (card_id, key_generation, counter, seen_at)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (card_id) DO UPDATE SET key_generation = excluded.key_generation,
               counter = excluded.counter, seen_at = excluded.seen_at""",
        (card_id, tap.key_generation, tap.counter, at))
    outbox.append(conn, "sun_counter", uuid7(), {
        "card_id": card_id, "key_generation": tap.key_generation, "counter": tap.counter,
        "at": at}, at)


def merge(conn: sqlite3.Connection, rows: Iterable[Sequence[object]]) -> None:
    """The district's highest taps (card id, key generation, counter), from the change feed,
    inside the page's transaction: a row moves only upwards."""
    conn.executemany(
        """INSERT INTO sun_counters (card_id, key_generation, counter) VALUES (?, ?, ?)
           ON CONFLICT (card_id) DO UPDATE SET key_generation = excluded.key_generation,
               counter = excluded.counter
           WHERE (excluded.key_generation, excluded.counter)
                 > (sun_counters.key_generation, sun_counters.counter)""", rows)


def record_alert(conn: sqlite3.Connection, clock: Clock, alert: CardAlert,
                 source: str | None = None) -> None:
    """Keep and push a refusal (its own short transaction: the refused look-up rolled back)."""
    at = to_db(clock.now())
    log.warning("card refused: %s card=%s detail=%s source=%s", alert.code, alert.card_id,
                alert.detail, source)
    with write_transaction(conn):
        conn.execute("INSERT INTO card_alerts (at, card_id, code, detail, source) "
                     "VALUES (?, ?, ?, ?, ?)", (at, alert.card_id, alert.code, alert.detail,
                                                source))
        outbox.append(conn, "card_alert", uuid7(), {
            "card_id": alert.card_id, "code": alert.code, "detail": alert.detail,
            "source": source, "at": at}, at)


def alerts(conn: sqlite3.Connection, limit: int = 50) -> list[sqlite3.Row]:
    """The newest refusals, newest first (for the operator's screens)."""
    return list(conn.execute("SELECT * FROM card_alerts ORDER BY id DESC LIMIT ?", (limit,)))
