"""Recording print outcomes: a printer problem never undoes a sale and never escapes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.core import cards
from kiosk.core.devices import PrinterFault
from kiosk.core.errors import OrderNotFound
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard, Receipt
from kiosk.core.printing import last_print, print_and_record, reprint, unprinted_orders
from kiosk.core.receipt_text import short_order_id
from kiosk.core.voids import void_order
from kiosk.hardware.simulated import TextFilePrinter
from kiosk.services import Services
from tests.conftest import ManualClock

CARD = "04A1B2C3D4E5F6"


class BrokenAdapter(TextFilePrinter):
    """An adapter with a bug: raises something that is not a PrinterFault."""

    def __init__(self) -> None:
        super().__init__(Path("/nonexistent/paper.txt"))

    def print_receipt(self, receipt: Receipt) -> None:
        raise KeyError("font")


def sell(shop: Services) -> Receipt:
    return shop.checkout.checkout(uuid7(), PresentedCard(CARD), [CartLine("soap", 1)])


def test_a_printed_receipt_is_recorded(shop: Services, tmp_path: Path) -> None:
    printer = TextFilePrinter(tmp_path / "paper.txt")
    receipt = sell(shop)
    outcome = print_and_record(shop.conn, shop.clock, printer, receipt)
    assert outcome.printed and outcome.detail is None and outcome.fault is None
    assert printer.printed == [receipt]
    assert last_print(shop.conn, receipt.order_id) == ("printed", None)
    assert unprinted_orders(shop.conn) == []


@pytest.mark.expect_log(r"not printed")
def test_a_failed_print_is_recorded_and_the_sale_stands(shop: Services, tmp_path: Path) -> None:
    printer = TextFilePrinter(tmp_path / "paper.txt")
    printer.fail_with = "paper out"
    receipt = sell(shop)
    outcome = print_and_record(shop.conn, shop.clock, printer, receipt)
    assert not outcome.printed and outcome.detail == "paper out"
    assert isinstance(outcome.fault, PrinterFault) and "补打" in outcome.fault.zh
    assert last_print(shop.conn, receipt.order_id) == ("failed", "paper out")
    assert cards.look_up(shop.conn, PresentedCard(CARD)).balance == 800 - receipt.total
    [pending] = unprinted_orders(shop.conn)
    assert (pending.order_id, pending.total, pending.attempts, pending.last_detail) == \
        (receipt.order_id, receipt.total, 1, "paper out")


@pytest.mark.expect_log(r"not printed")
def test_an_adapter_bug_counts_as_a_failed_print(shop: Services) -> None:
    receipt = sell(shop)
    outcome = print_and_record(shop.conn, shop.clock, BrokenAdapter(), receipt)
    assert not outcome.printed and outcome.fault is not None
    assert outcome.detail == "unexpected KeyError: 'font'"
    assert [p.order_id for p in unprinted_orders(shop.conn)] == [receipt.order_id]


@pytest.mark.expect_log(r"not printed")
def test_reprint_after_failures_then_the_order_leaves_the_list(shop: Services,
                                                               tmp_path: Path,
                                                               clock: ManualClock) -> None:
    printer = TextFilePrinter(tmp_path / "paper.txt")
    printer.fail_with = "offline"
    first, second = sell(shop), sell(shop)
    for receipt in (first, second):
        print_and_record(shop.conn, shop.clock, printer, receipt)
    clock.advance(minutes=5)
    assert not reprint(shop.conn, shop.clock, printer, shop.kiosk, first.order_id).printed
    assert [(p.order_id, p.attempts) for p in unprinted_orders(shop.conn)] == \
        [(first.order_id, 2), (second.order_id, 1)]

    printer.fail_with = None
    again = reprint(shop.conn, shop.clock, printer, shop.kiosk, first.order_id)
    assert again.printed and printer.printed == [first]  # rebuilt from the stored order
    assert [p.order_id for p in unprinted_orders(shop.conn)] == [second.order_id]
    paper = (tmp_path / "paper.txt").read_text("utf-8")
    assert short_order_id(first.order_id) in paper and "张*华" in paper


def test_a_sale_never_tried_is_unprinted_until_voided(shop: Services) -> None:
    receipt = sell(shop)  # the kiosk crashed between the commit and the printer
    assert [p.attempts for p in unprinted_orders(shop.conn)] == [0]
    assert last_print(shop.conn, receipt.order_id) is None
    void_order(shop.conn, shop.clock, shop.kiosk, shop.policy, void_id=uuid7(),
               order_id=receipt.order_id, reason="wrong item")
    assert unprinted_orders(shop.conn) == []  # neither the voided sale nor the void itself


def test_reprint_of_an_unknown_order(shop: Services, tmp_path: Path) -> None:
    with pytest.raises(OrderNotFound):
        reprint(shop.conn, shop.clock, TextFilePrinter(tmp_path / "p.txt"), shop.kiosk, "nope")


def test_print_records_are_append_only(shop: Services, tmp_path: Path) -> None:
    receipt = sell(shop)
    print_and_record(shop.conn, shop.clock, TextFilePrinter(tmp_path / "p.txt"), receipt)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        shop.conn.execute("UPDATE receipt_prints SET outcome = 'failed'")


def test_printer_columns_count_every_double_byte_character_as_two() -> None:
    """In the printer's Chinese mode every GB18030 double-byte character prints full width,
    ambiguous ones (·, ×) included; a line one column too long would wrap on paper."""
    from kiosk.core.receipt_text import fit, left_right, text_width
    assert text_width("口罩（10只）") == 12
    assert text_width("A·B×") == 6
    line = left_right("兑换后余额", "1234 分", 32)
    assert text_width(line) == 32 and line.endswith("1234 分")
    assert fit("香皂香皂", 5) == "香皂"  # never half a character


@pytest.mark.expect_log(r"printed, but its record was not written")
def test_a_print_whose_record_cannot_be_written_still_counts_as_printed(
        shop: Services, clock: ManualClock) -> None:
    """Telling the volunteer 'not printed' with the paper in hand only brings a duplicate."""
    receipt = shop.checkout.checkout("sold", PresentedCard("04A1B2C3D4E5F6"),
                                     [CartLine("soap", 1)])

    class Paper(TextFilePrinter):
        def print_receipt(self, receipt: Receipt) -> None:
            # the printer works, then the database refuses the record (a lock held too long)
            shop.conn.execute("PRAGMA query_only = ON")

    outcome = print_and_record(shop.conn, clock, Paper(Path("/nonexistent/paper.txt")), receipt)
    shop.conn.execute("PRAGMA query_only = OFF")
    assert outcome.printed
    assert shop.conn.execute("SELECT COUNT(*) FROM receipt_prints").fetchone()[0] == 0
