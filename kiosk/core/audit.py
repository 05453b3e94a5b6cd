"""The operator audit log, and the operator's actions that write to it.

Every operator action (restock, count, void, card block/unblock, price change, retire) leaves a
row saying who, when, what, and the state before and after as JSON. The row is written in the
SAME transaction as the action (the action's own ``write_transaction`` becomes a savepoint
inside ours), so there is never an action without its row or a row without its action. The
table is append-only: the schema refuses UPDATE and DELETE.

The wrappers below call the existing core functions instead of copying them: they only read
the "before", run the action, read the "after" and record.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.core import cards as card_store
from kiosk.core import catalogue, outbox, printing, stock, sun_taps
from kiosk.core.clock import Clock, to_db
from kiosk.core.db import write_transaction
from kiosk.core.devices import ReceiptPrinter
from kiosk.core.errors import CardUnknown, StockError, UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import KioskInfo, Receipt, SalesPolicy, SunCounter
from kiosk.core.voids import void_order
from points_protocol.catalogue import ItemSpec


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    operator_id: str
    action: str
    subject: str | None
    before: Any
    after: Any


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def record(conn: sqlite3.Connection, clock: Clock, operator_id: str, action: str, *,
           subject: str | None, before: Any, after: Any) -> int:
    """Append one row inside the caller's write transaction (refused outside one), and an
    outbox entry (kind ``audit``) for it in the same transaction, so the district keeps every
    kiosk's audit log too: a kiosk that is stolen or wiped loses none of its history."""
    if not conn.in_transaction:
        raise RuntimeError("audit.record must run inside the action's write transaction")
    at = to_db(clock.now())
    cur = conn.execute(
        """INSERT INTO audit_log (at, operator_id, action, subject, before, after)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (at, operator_id, action, subject, _json(before), _json(after)))
    audit_id = int(cur.lastrowid or 0)
    outbox.append(conn, "audit", uuid7(), {
        "audit_id": audit_id, "at": at, "operator_id": operator_id, "action": action,
        "subject": subject, "before": before, "after": after}, at)
    return audit_id


def _push_card(conn: sqlite3.Connection, clock: Clock, card_id: str, action: str,
               **fields: Any) -> None:
    """Outbox entry (kind ``card``) for a block, unblock or registration made here, so the
    district applies it and the change feed carries it to every other kiosk."""
    at = to_db(clock.now())
    outbox.append(conn, "card", uuid7(), {"card_id": card_id, "action": action, "at": at,
                                          **fields}, at)


def _entry(r: sqlite3.Row) -> AuditEntry:
    return AuditEntry(id=int(r["id"]), at=r["at"], operator_id=r["operator_id"],
                      action=r["action"], subject=r["subject"],
                      before=None if r["before"] is None else json.loads(r["before"]),
                      after=None if r["after"] is None else json.loads(r["after"]))


def entries(conn: sqlite3.Connection, start: str | None = None,
            end: str | None = None) -> list[AuditEntry]:
    """Rows with ``start <= at < end`` (database time text), oldest first."""
    rows = conn.execute(
        "SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY id",
        (start or "", end or "\uffff")).fetchall()
    return [_entry(r) for r in rows]


def latest(conn: sqlite3.Connection, limit: int) -> list[AuditEntry]:
    """The newest ``limit`` rows, newest first (the audit screen)."""
    rows = conn.execute("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
    return [_entry(r) for r in rows.fetchall()]


def people_and_donors(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, str]]:
    """Names for the ids audit rows hold: operators (and, for rows from before operator cards
    were bound on the kiosk, ``card:<id>`` as the card holder's masked name), and donors."""
    people = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM operators")}
    people.update({f"card:{r[0]}": r[1] for r in conn.execute(
        "SELECT c.card_id, v.masked_name FROM cards c "
        "JOIN volunteers v ON v.id = c.volunteer_id WHERE c.is_operator = 1")})
    donors = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM donors")}
    return people, donors


def _levels(conn: sqlite3.Connection, item_ids: Sequence[str]) -> dict[str, int]:
    return {item_id: stock.on_hand(conn, item_id) for item_id in item_ids}


def restock(conn: sqlite3.Connection, clock: Clock, operator_id: str,
            lines: list[stock.Restock], *, donor_id: str | None,
            note: str | None = None) -> str:
    """:func:`kiosk.core.stock.restock`, audited with the stock levels before and after."""
    items = sorted({line.item_id for line in lines})
    with write_transaction(conn):
        before = _levels(conn, items)
        entry_id = stock.restock(conn, clock, lines, donor_id, note)
        record(conn, clock, operator_id, "restock", subject=entry_id, before={"stock": before},
               after={"stock": _levels(conn, items), "donor_id": donor_id, "note": note,
                "lines": [[line.item_id, line.quantity] for line in lines]})
    return entry_id


def add_donor(conn: sqlite3.Connection, clock: Clock, operator_id: str, donor_id: str, *,
              name: str, contact: str | None = None) -> None:
    with write_transaction(conn):
        old = conn.execute("SELECT name, contact FROM donors WHERE id = ?",
                           (donor_id,)).fetchone()
        stock.add_donor(conn, clock, donor_id, name, contact)
        record(conn, clock, operator_id, "donor", subject=donor_id,
               before=None if old is None else dict(old),
               after={"name": name, "contact": contact})


def record_count(conn: sqlite3.Connection, clock: Clock, operator_id: str,
                 counted: Mapping[str, int], reason: str) -> dict[str, int]:
    """:func:`kiosk.core.stock.record_count`, audited (even a count with no difference)."""
    items = sorted(counted)
    with write_transaction(conn):
        before = _levels(conn, items)
        adjustments = stock.record_count(conn, clock, counted, reason)
        record(conn, clock, operator_id, "count", subject=None, before={"stock": before},
               after={"stock": _levels(conn, items), "reason": reason, "adjustments": adjustments})
    return adjustments


def void(conn: sqlite3.Connection, clock: Clock, kiosk: KioskInfo, policy: SalesPolicy,
         operator_id: str, *, void_id: str, order_id: str, reason: str) -> Receipt:
    """:func:`kiosk.core.voids.void_order`, audited; a refused void leaves no row."""
    with write_transaction(conn):
        retry = conn.execute("SELECT 1 FROM orders WHERE id = ?", (void_id,)).fetchone()
        receipt = void_order(conn, clock, kiosk, policy, void_id=void_id, order_id=order_id,
                             reason=reason)
        if retry is None:
            record(conn, clock, operator_id, "void", subject=order_id, before=None,
                   after={"void_id": void_id, "reason": reason, "refund": -receipt.total})
    return receipt


def set_card_status(conn: sqlite3.Connection, clock: Clock, operator_id: str, card_id: str,
                    status: str) -> None:
    """Block or unblock a card (the sync pushes the change with the next run)."""
    card_id = card_store.card_id_of(card_id)
    with write_transaction(conn):
        row = conn.execute("SELECT status FROM cards WHERE card_id = ?", (card_id,)).fetchone()
        if row is None:
            raise CardUnknown()
        card_store.set_card_status(conn, card_id, status)
        _push_card(conn, clock, card_id, "block" if status == "blocked" else "unblock",
                   status=status)
        record(conn, clock, operator_id, "block" if status == "blocked" else "unblock",
               subject=card_id, before={"status": row["status"]}, after={"status": status})


def _item_state(conn: sqlite3.Connection, item_id: str) -> dict[str, Any] | None:
    found = catalogue.entry(conn, item_id)
    if found is None:
        return None
    state = asdict(found)
    state.pop("stock")
    state["category"], state["kind"] = found.category.value, found.kind.value
    return state


def upsert_item(conn: sqlite3.Connection, clock: Clock, operator_id: str,
                spec: ItemSpec) -> None:
    """Add or edit an item; a new price goes to the price history (action "price")."""
    with write_transaction(conn):
        before = _item_state(conn, spec.item_id)
        catalogue.upsert_items(conn, clock, [spec])
        after = _item_state(conn, spec.item_id)
        price_changed = before is not None and after is not None \
            and before["price"] != after["price"]
        action = "item_add" if before is None else "price" if price_changed else "item_edit"
        record(conn, clock, operator_id, action, subject=spec.item_id, before=before,
               after=after)


def set_active(conn: sqlite3.Connection, clock: Clock, operator_id: str, item_id: str,
               active: bool) -> None:
    """Retire an item or bring it back (never deleted)."""
    with write_transaction(conn):
        row = conn.execute("SELECT active FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise StockError(f"没有这个商品 {item_id!r}", f"unknown item {item_id!r}")
        catalogue.set_active(conn, item_id, active)
        record(conn, clock, operator_id, "unretire" if active else "retire", subject=item_id,
               before={"active": bool(row["active"])}, after={"active": active})


def reprint(conn: sqlite3.Connection, clock: Clock, printer: ReceiptPrinter, kiosk: KioskInfo,
            *, operator_id: str, order_id: str) -> printing.PrintOutcome:
    """Print a past receipt again. The print happens outside any transaction (a printer can
    stall), so the audit row follows the recorded outcome in its own short transaction."""
    outcome = printing.send_to_printer(printer, printing.reprint_receipt(conn, kiosk, order_id))
    return record_reprint(conn, clock, operator_id, outcome)


def record_reprint(conn: sqlite3.Connection, clock: Clock, operator_id: str,
                   outcome: printing.PrintOutcome) -> printing.PrintOutcome:
    """A reprint's outcome recorded (``receipt_prints``), then its audit row: the second half
    of :func:`reprint`, for a caller that ran the printer on a thread of its own."""
    printing.record_print(conn, clock, outcome)
    with write_transaction(conn):
        record(conn, clock, operator_id, "reprint", subject=outcome.order_id, before=None,
               after={"printed": outcome.printed, "detail": outcome.detail})
    return outcome


class CardTaken(UserFacingError):
    """The tapped card already belongs to another volunteer: registering it again would move
    someone's points card without them knowing."""

    code = "card_taken"

    def __init__(self, masked_name: str) -> None:
        super().__init__(f"这张卡已经登记给 {masked_name}，不能再登记给别人。请先停用或换一张卡。",
                         f"This card is already registered to {masked_name} and cannot be "
                         "registered to anyone else. Block it first or use another card.")


def register_card(conn: sqlite3.Connection, clock: Clock, operator_id: str, card_id: str,
                  volunteer_id: str, *, kind: str = "nfc", sun: SunCounter | None = None) -> bool:
    """Register a new card to a volunteer; a card of someone else is refused. Returns False
    (and records nothing) if the card was already this volunteer's, as this kind. A card
    tapped with a signature (``sun``: its tap is recorded like any other) is a 'sun' card;
    one this volunteer had as UID-only becomes one."""
    card_id = card_store.card_id_of(card_id, "nfc" if kind == "sun" or sun else kind)
    with write_transaction(conn):
        if sun is not None:
            kind = "sun"
            sun_taps.accept(conn, clock, card_id, sun)
        row = conn.execute(
            """SELECT c.volunteer_id, c.kind, v.masked_name FROM cards c
               JOIN volunteers v ON v.id = c.volunteer_id WHERE c.card_id = ?""",
            (card_id,)).fetchone()
        if row is not None:
            if row["volunteer_id"] != volunteer_id:
                raise CardTaken(row["masked_name"])
            if not (row["kind"] == "nfc" and kind == "sun"):
                return False
            conn.execute("UPDATE cards SET kind = 'sun' WHERE card_id = ?", (card_id,))
        elif conn.execute("SELECT 1 FROM volunteers WHERE id = ?",
                          (volunteer_id,)).fetchone() is None:
            raise UserFacingError("没有这位志愿者。", "No such volunteer.")
        else:
            card_store.upsert_cards(conn, [card_store.CardRecord(card_id, volunteer_id,
                                                                 kind=kind)])
        _push_card(conn, clock, card_id, "register", volunteer_id=volunteer_id, kind=kind)
        record(conn, clock, operator_id, "card_register", subject=card_id,
               before=None if row is None else {"kind": row["kind"]},
               after={"volunteer_id": volunteer_id, "kind": kind})
    return True


def print_test_page(conn: sqlite3.Connection, clock: Clock, printer: ReceiptPrinter,
               kiosk: KioskInfo, *, operator_id: str) -> printing.PrintOutcome:
    """:func:`kiosk.core.printing.print_test_page`, then its audit row (like :func:`reprint`,
    the print stays outside any transaction)."""
    return record_test_print(conn, clock, operator_id,
                             printing.print_test_page(printer, kiosk, clock))


def record_test_print(conn: sqlite3.Connection, clock: Clock, operator_id: str,
                      outcome: printing.PrintOutcome) -> printing.PrintOutcome:
    """A test page's audit row (a test print is no order: no ``receipt_prints`` row)."""
    with write_transaction(conn):
        record(conn, clock, operator_id, "test_print", subject=None, before=None,
               after={"printed": outcome.printed, "detail": outcome.detail})
    return outcome
