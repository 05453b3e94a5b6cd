"""Print a receipt after the sale committed, and record what happened.

The sale is a fact before the printer is touched (its transaction has committed), so nothing
here can undo it: a failed print is written to ``receipt_prints`` as its own append-only row
and the caller gets a :class:`PrintOutcome` to tell the volunteer "ask staff for a reprint".
The latest row of an order is its receipt's state; orders without a 'printed' row are what
the operator reprints (:func:`unprinted_orders`).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, replace

from kiosk.core.clock import Clock, to_db
from kiosk.core.db import DatabaseError, write_transaction
from kiosk.core.devices import PrinterFault, ReceiptPrinter
from kiosk.core.models import KioskInfo, Receipt, ReceiptLine
from kiosk.core.orders import STANDING_SALE_SQL
from kiosk.core.receipts import copies_printed, receipt_for

log = logging.getLogger("kiosk.printing")


@dataclass(frozen=True)
class PrintOutcome:
    order_id: str
    printed: bool
    detail: str | None = None          # for the operator: why it failed
    fault: PrinterFault | None = None  # for the screen: zh/en text to show the volunteer


@dataclass(frozen=True)
class UnprintedOrder:
    order_id: str
    created_at: str
    total: int
    masked_name: str
    attempts: int
    last_detail: str | None


def _record(conn: sqlite3.Connection, clock: Clock, order_id: str, outcome: str,
            detail: str | None) -> None:
    with write_transaction(conn):
        conn.execute(
            "INSERT INTO receipt_prints (order_id, at, outcome, detail) VALUES (?, ?, ?, ?)",
            (order_id, to_db(clock.now()), outcome, detail))


def send_to_printer(printer: ReceiptPrinter, receipt: Receipt) -> PrintOutcome:
    """The printer's part alone, with no database: it runs on the printer's own thread, so a
    printer that stalls for its whole timeout holds no sale behind it. Never raises: anything
    the adapter throws counts as a failed print (a bug in an adapter must not take the screen
    down after the points were deducted); it is logged with the order id."""
    try:
        printer.print_receipt(receipt)
    except PrinterFault as fault:
        log.warning("receipt for order %s not printed: %s", receipt.order_id, fault.detail)
        return PrintOutcome(receipt.order_id, printed=False, detail=fault.detail, fault=fault)
    except Exception as exc:
        detail = f"unexpected {type(exc).__name__}: {exc}"
        log.exception("receipt for order %s not printed", receipt.order_id)
        return PrintOutcome(receipt.order_id, printed=False, detail=detail,
                            fault=PrinterFault(detail))
    return PrintOutcome(receipt.order_id, printed=True)


def record_print(conn: sqlite3.Connection, clock: Clock, outcome: PrintOutcome) -> PrintOutcome:
    """Record what :func:`send_to_printer` reported: 'printed' or 'failed'."""
    if not outcome.printed:
        _record(conn, clock, outcome.order_id, "failed", outcome.detail)
        return outcome
    try:
        _record(conn, clock, outcome.order_id, "printed", None)
    except (sqlite3.Error, DatabaseError):   # a lock held too long, a full or read-only disk
        # The paper is in the volunteer's hand; saying "not printed" would only bring a
        # duplicate from a reprint. The order stays listed as unprinted for the operator.
        log.exception("receipt for order %s printed, but its record was not written",
                      outcome.order_id)
    return outcome


def print_and_record(conn: sqlite3.Connection, clock: Clock, printer: ReceiptPrinter,
                     receipt: Receipt) -> PrintOutcome:
    """Print ``receipt`` and record 'printed' or 'failed' in one call, on one thread (the
    command line, the tests); a printer problem never raises."""
    return record_print(conn, clock, send_to_printer(printer, receipt))


def reprint_receipt(conn: sqlite3.Connection, kiosk: KioskInfo, order_id: str) -> Receipt:
    """Any past receipt rebuilt from the stored order, to print again; raises OrderNotFound.
    A copy after one that came out says so: 补打（第N次）, N counted per order from the
    printed copies recorded, so two slips of one sale are never taken for two sales."""
    return replace(receipt_for(conn, kiosk, order_id), reprint=copies_printed(conn, order_id))


def reprint(conn: sqlite3.Connection, clock: Clock, printer: ReceiptPrinter, kiosk: KioskInfo,
            order_id: str) -> PrintOutcome:
    """:func:`reprint_receipt`, printed and recorded."""
    return print_and_record(conn, clock, printer, reprint_receipt(conn, kiosk, order_id))


def last_print(conn: sqlite3.Connection, order_id: str) -> tuple[str, str | None] | None:
    """(outcome, detail) of the latest print attempt of an order, or None if never tried."""
    row = conn.execute(
        "SELECT outcome, detail FROM receipt_prints WHERE order_id = ? ORDER BY id DESC LIMIT 1",
        (order_id,)).fetchone()
    return None if row is None else (str(row["outcome"]), row["detail"])


_UNPRINTED_SQL = f"""
SELECT o.id, o.created_at, o.total, v.masked_name, p.detail,
       (SELECT COUNT(*) FROM receipt_prints a WHERE a.order_id = o.id) AS attempts
FROM orders o
JOIN volunteers v ON v.id = o.volunteer_id
LEFT JOIN receipt_prints p
       ON p.id = (SELECT MAX(l.id) FROM receipt_prints l WHERE l.order_id = o.id)
WHERE (p.outcome IS NULL OR p.outcome = 'failed') AND {STANDING_SALE_SQL}
ORDER BY o.created_at, o.id
"""


def unprinted_orders(conn: sqlite3.Connection) -> list[UnprintedOrder]:
    """Sales whose latest print failed or that were never printed (a crash between the commit
    and the printer), oldest first: the operator's reprint list. Voided sales are left out:
    their goods went back and nobody needs that receipt any more."""
    return [UnprintedOrder(order_id=r["id"], created_at=r["created_at"], total=int(r["total"]),
                           masked_name=r["masked_name"], attempts=int(r["attempts"]),
                           last_detail=r["detail"])
            for r in conn.execute(_UNPRINTED_SQL)]


TEST_ORDER_ID = "TEST-PRINT"  # never an order: a test print is not recorded in receipt_prints


def sample_receipt(kiosk: KioskInfo, clock: Clock) -> Receipt:
    """A zero-point receipt laid out like a real one, so the operator sees the Chinese, the
    widths and the cut exactly as a volunteer's receipt would come out."""
    line = ReceiptLine(item_id="test", name_zh="打印测试", name_en="Test print", kind="goods",
                       quantity=1, unit_price=0, amount=0)
    return Receipt(order_id=TEST_ORDER_ID, kind="sale", kiosk_id=kiosk.kiosk_id,
                   kiosk_name=kiosk.name, community=kiosk.community, created_at=clock.now(),
                   masked_name="测试 TEST", lines=(line,), total=0, balance_after=0,
                   offline=False)


def print_test_page(printer: ReceiptPrinter, kiosk: KioskInfo, clock: Clock) -> PrintOutcome:
    """Print :func:`sample_receipt`; a printer problem is returned, never raised."""
    return send_to_printer(printer, sample_receipt(kiosk, clock))
