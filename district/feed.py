"""The change feed (``GET /v1/changes``): what changed, one row per entity, in commit order.

Every transaction that changes a volunteer, card, balance, item, setting, SUN counter, voucher
or family moves that entity's ``changes`` row to a new id at its very end
(:func:`mark_changed`). Ids must be handed out in commit order, or a kiosk's cursor could pass
an id whose transaction is still in flight and never see it. SQLite has one writer, so this
holds by itself. On PostgreSQL the ids are taken under a transaction-scoped advisory lock that
is held until the commit: the only point where pushes from different kiosks wait for each
other, and only for the last insert and the commit.

A page is read in one snapshot; each engine writes the page's JSON itself (SQLite's
``json_group_array``, PostgreSQL's ``json_agg``): a first sync of a district is ~1.35 million
rows, and a Python object per field was most of the cost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select, text

from district.db import tables as t
from district.db.upsert import upsert
from points_protocol.catalogue import item_problems
from points_protocol.errors import Invalid
from points_protocol.settings import check_setting

log = logging.getLogger("district.feed")

FEED_LOCK = 0x4449535452494354   # "DISTRICT": the advisory lock that orders change ids
ENTITIES = ("volunteer", "card", "balance", "item", "setting", "sun_counter", "voucher",
            "family")


def mark_changed(conn: Connection, changed: Iterable[tuple[str, str]]) -> None:
    """Move each (entity, key) to a fresh id; call last in a write transaction."""
    rows = sorted(set(changed))
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK})
    top = int(conn.execute(select(func.coalesce(func.max(t.changes.c.id), 0))).scalar_one())
    upsert(conn, t.changes, [{"entity": e, "key": k, "id": top + n}
                             for n, (e, k) in enumerate(rows, start=1)],
           ("entity", "key"), ("id",))


# The ids are taken after the lock, in a statement of their own: its snapshot then holds
# every transaction that released the lock before (READ COMMITTED, a snapshot per statement).
_MOVE_POSTGRES = (
    "INSERT INTO changes (entity, key, id) "
    "SELECT u.entity, u.key, (SELECT COALESCE(MAX(id), 0) FROM changes) + u.n "
    "FROM unnest(%(entities)b::text[], %(keys)b::text[]) WITH ORDINALITY AS u(entity, key, n) "
    "ON CONFLICT (entity, key) DO UPDATE SET id = excluded.id")


def mark_changed_and_commit(conn: Connection, changed: Iterable[tuple[str, str]], *,
                            first: Sequence[tuple[str, Any]] = ()) -> None:
    """:func:`mark_changed`, then the commit, for the busiest writer (pushes). ``first``
    (PostgreSQL only): the transaction's last writes, (SQL, parameters) for psycopg, sent in
    the same pipeline ahead of the lock.

    On PostgreSQL the feed's lock is held from the moment it is granted until the commit is
    on disk, and every push in the district waits for it in turn; so its hold time bounds how
    many pushes a second the district takes. Here the lock, the move to new ids and the
    COMMIT go to the server in one pipeline: they run back to back there, with no round trip
    to this process (nor a wait for its interpreter lock) while the lock is held. The
    transaction is over when this returns; the caller's own commit then finds nothing to do.
    On SQLite (one writer, no lock) this is :func:`mark_changed` and the caller commits."""
    rows = sorted(set(changed))
    if conn.dialect.name != "postgresql":
        assert not first, "writes ahead of the feed's lock are for PostgreSQL's pipeline"
        mark_changed(conn, rows)
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.pipeline(), raw.cursor() as cur:
        for sql, params in first:
            cur.execute(sql, params, binary=True)
        if rows:
            cur.execute("SELECT pg_advisory_xact_lock(%(k)s)", {"k": FEED_LOCK})
            cur.execute(_MOVE_POSTGRES, {"entities": [e for e, _ in rows],
                                         "keys": [k for _, k in rows]}, binary=True)
        raw.commit()


def _queries(postgres: bool) -> list[tuple[str, str]]:
    if postgres:
        agg, arr, empty = "json_agg", "json_build_array", "'[]'::json"
        spec, setting = "i.spec::json", "s.value::json"
        operator = "k.is_operator"
    else:
        agg, arr, empty = "json_group_array", "json_array", "json('[]')"
        spec, setting = "json(i.spec)", "json(s.value)"
        operator = "json(CASE WHEN k.is_operator THEN 'true' ELSE 'false' END)"

    def feed(row: str, joins: str, entity: str) -> str:
        # "+c.entity" on SQLite: walk the page's id range, never the (entity, key) index.
        entity_col = "c.entity" if postgres else "+c.entity"
        cast = "::text" if postgres else ""     # the JSON as text: no Python objects
        return (f"SELECT COALESCE({agg}({row}), {empty}){cast} FROM changes c {joins} "
                f"WHERE c.id > :lo AND c.id <= :hi AND {entity_col} = '{entity}'")

    return [
        ("volunteers", feed(f"{arr}(v.id, v.masked_name, v.status)",
                            "JOIN volunteers v ON v.id = c.key", "volunteer")),
        ("cards", feed(f"{arr}(k.card_id, k.volunteer_id, k.kind, k.status, k.generation, "
                       f"{operator})", "JOIN cards k ON k.card_id = c.key", "card")),
        ("balances", feed(f"{arr}(c.key, COALESCE(b.balance, 0), :applied)",
                          "JOIN volunteers v ON v.id = c.key LEFT JOIN balances b "
                          "ON b.account = 'volunteer:' || c.key AND b.shard = 0", "balance")),
        ("items", feed(spec, "JOIN items i ON i.id = c.key", "item")),
        ("settings", feed(f"{arr}(s.key, {setting})", "JOIN settings s ON s.key = c.key",
                          "setting")),
        ("sun_counters", feed(f"{arr}(c.key, n.key_generation, n.counter)",
                              "JOIN sun_counters n ON n.card_id = c.key", "sun_counter")),
        # What became of a voucher (district.vouchers): redeemed (when, at which partner) or
        # voided with its sale; a kiosk refuses to void a sale whose voucher was redeemed.
        ("vouchers", feed(
            f"{arr}(c.key, CASE WHEN r.voucher_id IS NULL THEN 'voided' ELSE 'redeemed' END, "
            "COALESCE(r.redeemed_at, v.voided_at), COALESCE(p.name, r.partner_id, ''))",
            "JOIN district_vouchers v ON v.id = c.key "
            "LEFT JOIN voucher_redemptions r ON r.voucher_id = v.id "
            "LEFT JOIN console_partners p ON p.id = r.partner_id", "voucher")
         + " AND (r.voucher_id IS NOT NULL OR v.voided_at IS NOT NULL)"),
        # Holders who are families in need (district.families): a kiosk addresses them so.
        ("families", feed(f"{arr}(c.key)",
                          "JOIN console_families f ON f.volunteer_id = c.key", "family")),
    ]


_SQLITE = _queries(False)
_POSTGRES = _queries(True)


def _passed(rows_json: str, problems: Callable[[Any], list[str]], what: str) -> str:
    """Only rows that pass the protocol's rules: one bad row (a hand-edited database, a value
    from before the rules) is left out and logged, never sent to stop every kiosk."""
    rows = json.loads(rows_json)
    good = []
    for row in rows:
        found = problems(row)
        if found:
            log.error("%s left out of the change feed: %s", what, "; ".join(found)[:300])
        else:
            good.append(row)
    return rows_json if len(good) == len(rows) else json.dumps(
        good, ensure_ascii=False, separators=(",", ":"))


def _setting_problems(row: Any) -> list[str]:
    try:
        check_setting(row[0], row[1])
    except Invalid as exc:
        return [str(exc)]
    return []


_CHECKED: dict[str, Callable[[str], str]] = {
    "items": lambda v: _passed(v, lambda r: item_problems(r, extra=("image_sha256",)), "item"),
    "settings": lambda v: _passed(v, _setting_problems, "setting"),
}


def page(conn: Connection, applied_seq: int, after: int, limit: int) -> bytes:
    """One page after ``after`` as protocol-v1 JSON (the caller holds one read snapshot)."""
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        # A page is a few thousand rows of a register of millions: look each one up by its
        # key. Left to itself the planner hashes the whole register for every page, which made
        # a first sync of 450,000 volunteers 2.5 times slower than on SQLite.
        conn.exec_driver_sql("SET LOCAL enable_hashjoin = off")
        conn.exec_driver_sql("SET LOCAL enable_mergejoin = off")
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    count, upper = conn.execute(text(
        "SELECT COUNT(*), MAX(id) FROM (SELECT id FROM changes WHERE id > :after "
        "ORDER BY id LIMIT :limit) AS p"), {"after": after, "limit": limit}).one()
    if not count:
        return (f'{{"cursor":{after},"more":false,"volunteers":[],"cards":[],'
                f'"balances":[],"items":[],"settings":[],"sun_counters":[],"vouchers":[],"families":[]}}').encode()
    span = {"lo": after, "hi": int(upper), "applied": applied_seq}
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    parts = [f'{{"cursor":{int(upper)},"more":{"true" if count == limit else "false"}',
             f'"as_of":{json.dumps(now)}']
    for name, query in (_POSTGRES if postgres else _SQLITE):
        value = conn.execute(text(query), span).scalar_one()
        if name in _CHECKED:
            value = _CHECKED[name](value)
        parts.append(f'"{name}":{value}')
    return (",".join(parts) + "}").encode()
