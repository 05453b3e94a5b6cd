"""The district's side of cards that sign each tap (NTAG 424 DNA with SUN): the highest tap
seen per card, and the refusals kiosks report.

Kiosks push every tap they accept (entry kind ``sun_counter``: card id, key generation,
read counter); the district keeps the highest per card, ordered by (key generation, counter),
and its change feed carries it back (``sun_counters`` rows), so a tap recorded at one kiosk
and played back at another is refused there after one sync each. Kiosks also push the taps
they refused as forged, replayed or copied (entry kind ``card_alert``); the district lists
them with its conflicts (kind ``card_alert``).

The entries are checked in :mod:`district.entries`. Kept apart from the store so that the
storage layer being rebuilt can take these few statements over as they are.
"""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS sun_counters (
    card_id TEXT PRIMARY KEY,
    key_generation INTEGER NOT NULL CHECK (key_generation BETWEEN 1 AND 255),
    counter INTEGER NOT NULL CHECK (counter BETWEEN 0 AND 16777215),
    updated_at TEXT NOT NULL
);
"""

FEED_ROW = "json_array(c.key, n.key_generation, n.counter)"
FEED_JOIN = "JOIN sun_counters n ON n.card_id = c.key"
FEED_ENTITY = "sun_counter"


def raise_counter(conn: sqlite3.Connection, card_id: str, key_generation: int, counter: int,
                  now: str) -> bool:
    """Keep the higher of the stored and the given tap; True when the stored one moved."""
    cur = conn.execute(
        """INSERT INTO sun_counters (card_id, key_generation, counter, updated_at)
           VALUES (?, ?, ?, ?)
           ON CONFLICT (card_id) DO UPDATE SET key_generation = excluded.key_generation,
               counter = excluded.counter, updated_at = excluded.updated_at
           WHERE (excluded.key_generation, excluded.counter)
                 > (sun_counters.key_generation, sun_counters.counter)""",
        (card_id, key_generation, counter, now))
    return cur.rowcount > 0
