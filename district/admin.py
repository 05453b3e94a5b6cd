"""What district staff change: volunteers, cards, credits from service records, catalogue,
pictures and kiosk settings. Each call is one transaction; bad input is refused with
:class:`AdminRefused` before anything is written (the console will call these same functions).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, select

from district import credits
from district.credits import Credit as Credit  # noqa: PLC0414 (re-exported for callers)
from district.db import tables as t
from district.db.engine import Database
from district.db.upsert import insert_ignore, insert_missing, upsert
from district.feed import mark_changed
from district.records import now_text
from points_protocol import ids
from points_protocol.catalogue import item_problems
from points_protocol.errors import Invalid
from points_protocol.settings import check_setting

FEED_ITEM_EXTRA = ("image_sha256",)      # what the district adds to an item: its picture



class AdminRefused(ValueError):
    """Staff input the district will not take; ``str()`` says why, naming the row."""


def register_kiosk(db: Database, kiosk_id: str, public_key: str, name: str = "") -> None:
    with db.write() as conn:
        upsert(conn, t.kiosks, {"id": kiosk_id, "public_key": public_key, "name": name,
                                "registered_at": now_text(), "applied_seq": 0},
               ("id",), ("public_key", "name"))


def upsert_volunteers(db: Database, rows: Iterable[tuple[str, str, str]]) -> int:
    """(id, masked name, status); unchanged rows are left alone (an idempotent import)."""
    rows = list(rows)
    with db.write() as conn:
        ids = [r[0] for r in rows]
        old: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 5000):
            old.update({r.id: (r.masked_name, r.status) for r in conn.execute(
                select(t.volunteers).where(t.volunteers.c.id.in_(ids[start:start + 5000])))})
        changed = [r for r in rows if old.get(r[0]) != (r[1], r[2])]
        upsert(conn, t.volunteers, [{"id": v, "masked_name": m, "status": s}
                                    for v, m, s in changed], ("id",), ("masked_name", "status"))
        marks = [("volunteer", r[0]) for r in changed]
        marks += [("balance", r[0]) for r in changed if r[0] not in old]
        mark_changed(conn, marks)
    return len(changed)


def _known_volunteers(conn: Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 5000):
        found.update(conn.execute(select(t.volunteers.c.id).where(
            t.volunteers.c.id.in_(ids[start:start + 5000]))).scalars())
    return found


def _card_ids(card_id: str, volunteer_id: str, kind: str | None) -> tuple[str, str, str]:
    """(card id, volunteer id, kind) in their normal form (points_protocol.ids)."""
    try:
        card = ids.normalize_card_id(card_id, kind)
        return card, ids.normalize_volunteer_id(volunteer_id), kind or ids.card_kind(card)
    except Invalid as exc:
        raise AdminRefused(str(exc)) from None


def upsert_card(db: Database, card_id: str, volunteer_id: str, kind: str, *,
                is_operator: bool = False) -> None:
    card_id, volunteer_id, kind = _card_ids(card_id, volunteer_id, kind)
    with db.write() as conn:
        if not _known_volunteers(conn, [volunteer_id]):
            raise AdminRefused(f"unknown volunteer {volunteer_id}")
        upsert(conn, t.cards, {"card_id": card_id, "volunteer_id": volunteer_id, "kind": kind,
                               "is_operator": is_operator},
               ("card_id",), ("volunteer_id", "kind", "is_operator"))
        mark_changed(conn, [("card", card_id)])


def add_cards(db: Database, rows: Iterable[tuple[str, str, str]]) -> None:
    """(card id, volunteer id, kind): new cards; a card already held is left as it is."""
    rows = [_card_ids(*row) for row in rows]
    with db.write() as conn:
        known = _known_volunteers(conn, sorted({r[1] for r in rows}))
        unknown = [r for r in rows if r[1] not in known]
        if unknown:
            raise AdminRefused(f"card {unknown[0][0]}: unknown volunteer {unknown[0][1]}")
        insert_missing(conn, t.cards, [{"card_id": c, "volunteer_id": v, "kind": k}
                                       for c, v, k in rows], ("card_id",))
        mark_changed(conn, [("card", r[0]) for r in rows])


def set_card_status(db: Database, card_id: str, status: str, *, revoke: bool = False) -> None:
    """Block or unblock; ``revoke`` also bumps the generation so old QR tokens die."""
    try:
        card_id = ids.normalize_card_id(card_id)
    except Invalid as exc:
        raise AdminRefused(str(exc)) from None
    with db.write() as conn:
        values: dict[str, Any] = {"status": status,
                                  "blocked_at": now_text() if status == "blocked" else None}
        if revoke:
            values["generation"] = t.cards.c.generation + 1
        done = conn.execute(t.cards.update().where(t.cards.c.card_id == card_id).values(
            **values))
        if done.rowcount == 0:
            raise AdminRefused(f"unknown card {card_id}")
        mark_changed(conn, [("card", card_id)])


def credit_many(db: Database, records: Iterable[Credit],
                also: Callable[[Connection, list[Credit]], None] | None = None) -> int:
    """Credit service records, each once by its record id; returns how many were new. A
    correction reverses the record it names (once) and credits its own points. Debt is
    settled first. The whole file is checked before anything is written (district.credits:
    one transaction, read up front, written at the end). ``also`` runs in that transaction
    with the records that were new."""
    records = list(records)
    try:
        credits.check(records)
        return db.run_write(lambda conn: credits.credit(conn, records, also))
    except credits.CreditRefused as exc:
        raise AdminRefused(str(exc)) from None


def upsert_items(db: Database, specs: Iterable[dict[str, Any]]) -> int:
    """Publish catalogue items; a new price is a new price version. Every item passes the
    protocol's catalogue rules first (the same the kiosk's import applies), so the feed never
    carries one a kiosk would refuse."""
    specs = list(specs)
    problems = [f"item {str(spec.get('id') if isinstance(spec, dict) else spec)[:40]}: {p}"
                for spec in specs for p in item_problems(spec, extra=FEED_ITEM_EXTRA)]
    if problems:
        raise AdminRefused("; ".join(problems[:10]))
    changed = []
    with db.write() as conn:
        at = now_text()
        for spec in specs:
            text = json.dumps(spec, ensure_ascii=False, sort_keys=True)
            old = conn.execute(select(t.items.c.spec, t.items.c.price)
                               .where(t.items.c.id == spec["id"])).first()
            if old is not None and old.spec == text:
                continue
            upsert(conn, t.items, {"id": spec["id"], "spec": text, "kind": spec["kind"],
                                   "price": spec["price"]}, ("id",), ("spec", "kind", "price"))
            if old is None or int(old.price) != spec["price"]:
                conn.execute(t.item_prices.insert().values(item_id=spec["id"],
                                                           price=spec["price"],
                                                           published_at=at))
            changed.append(("item", spec["id"]))
        mark_changed(conn, changed)
    return len(changed)


def add_image(db: Database, data: bytes) -> str:
    """Store a picture (checked by the caller) under its SHA-256; idempotent."""
    sha = hashlib.sha256(data).hexdigest()
    with db.write() as conn:
        insert_ignore(conn, t.images, {"sha256": sha, "data": data, "added_at": now_text()},
                      ("sha256",))
    return sha


def set_item_image(db: Database, item_id: str, sha256: str) -> bool:
    """Point an item at a stored picture; False if nothing changed."""
    with db.write() as conn:
        row = conn.execute(select(t.items.c.spec).where(t.items.c.id == item_id)).first()
        if row is None:
            raise AdminRefused(f"unknown item {item_id}")
        if conn.execute(select(t.images.c.sha256).where(t.images.c.sha256 == sha256)
                        ).first() is None:
            raise AdminRefused(f"no stored picture {sha256}")
        spec = json.loads(row.spec)
        if spec.get("image_sha256") == sha256:
            return False
        spec["image_sha256"] = sha256
        conn.execute(t.items.update().where(t.items.c.id == item_id).values(
            spec=json.dumps(spec, ensure_ascii=False, sort_keys=True)))
        mark_changed(conn, [("item", item_id)])
    return True


def set_setting(db: Database, key: str, value: Any) -> None:
    """A kiosk setting: only the protocol's keys, each within its range."""
    try:
        check_setting(key, value)
    except Invalid as exc:
        raise AdminRefused(str(exc)) from None
    with db.write() as conn:
        upsert(conn, t.settings, {"key": key, "value": json.dumps(value)}, ("key",), ("value",))
        mark_changed(conn, [("setting", key)])


def card_info(db: Database, card_id: str) -> tuple[str, int] | None:
    with db.read() as conn:
        row = conn.execute(select(t.cards.c.kind, t.cards.c.generation)
                           .where(t.cards.c.card_id == card_id)).first()
    return None if row is None else (str(row.kind), int(row.generation))


def image(db: Database, sha256: str) -> bytes | None:
    with db.read() as conn:
        data = conn.execute(select(t.images.c.data).where(t.images.c.sha256 == sha256)).scalar()
    return None if data is None else bytes(data)
