"""The district's side of cards that sign each tap (NTAG 424 DNA with SUN): the highest tap
seen per card, and the refusals kiosks report.

Kiosks push every tap they accept (entry kind ``sun_counter``: card id, key generation,
read counter); the district keeps the highest per card, ordered by (key generation, counter),
and its change feed carries it back (``sun_counters`` rows), so a tap recorded at one kiosk
and played back at another is refused there after one sync each. Kiosks also push the taps
they refused as forged, replayed or copied (entry kind ``card_alert``); the district lists
them with its conflicts (kind ``card_alert``). The entries' form is checked in
district.entry_shapes.
"""

from __future__ import annotations

from sqlalchemy import Connection, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from district.db import tables as t

FEED_ENTITY = "sun_counter"


def raise_counter(conn: Connection, card_id: str, key_generation: int, counter: int,
                  now: str) -> bool:
    """Keep the higher of the stored and the given tap; True when the stored one moved."""
    n = t.sun_counters
    stmt = (postgresql.insert(n) if conn.dialect.name == "postgresql" else sqlite.insert(n)
            ).values(card_id=card_id, key_generation=key_generation, counter=counter,
                     updated_at=now)
    upsert = stmt.on_conflict_do_update(
        index_elements=["card_id"],
        set_={"key_generation": stmt.excluded.key_generation,
              "counter": stmt.excluded.counter, "updated_at": stmt.excluded.updated_at},
        where=tuple_(stmt.excluded.key_generation, stmt.excluded.counter)
        > tuple_(n.c.key_generation, n.c.counter)).returning(n.c.card_id)
    return conn.execute(upsert).first() is not None
