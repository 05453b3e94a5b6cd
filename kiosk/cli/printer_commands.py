"""kiosk-admin reprint / test-print: the operator's receipt-printer commands.

``reprint ORDER`` prints any past receipt again and records the outcome like the kiosk does;
``reprint --unprinted`` lists the sales whose receipt never came out. ``test-print`` sends a
sample receipt (recorded nowhere: it is no sale) and shows the paper status.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.config import Config
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.devices import PrinterFault
from kiosk.core.ids import uuid7
from kiosk.core.models import KioskInfo, Receipt, ReceiptLine
from kiosk.core.printing import reprint, unprinted_orders
from kiosk.services import Services, kiosk_info

if TYPE_CHECKING:
    from kiosk.hardware.printer import EscposReceiptPrinter

PAPER_ZH = {"ok": "纸张正常", "low": "纸张将尽", "out": "缺纸", "unknown": "无法查询"}


def _printer(config: Config) -> EscposReceiptPrinter | None:
    # python-escpos takes most of a second to import: only the printer commands pay for it.
    from kiosk.hardware.escpos_job import UnknownProfile  # noqa: PLC0415
    from kiosk.hardware.printer import EscposReceiptPrinter  # noqa: PLC0415
    try:
        return EscposReceiptPrinter(config.printer)
    except UnknownProfile as exc:
        print(f"kiosk-admin: {exc}")
        return None


def cmd_reprint(services: Services, args: argparse.Namespace) -> int:
    if args.unprinted or not args.order:
        pending = unprinted_orders(services.conn)
        for p in pending:
            print(f"{p.order_id}  {p.created_at[:19]}  {p.total:>5} pts  {p.masked_name}  "
                  f"tries {p.attempts}  {p.last_detail or 'never printed'}")
        print(f"{len(pending)} receipt(s) not printed")
        return 0
    printer = _printer(services.config)
    if printer is None:
        return 2
    outcome = reprint(services.conn, services.clock, printer, services.kiosk, args.order)
    if outcome.printed:
        print(f"receipt {args.order} printed on {printer.describe()}")
        return 0
    print(f"receipt {args.order} NOT printed: {outcome.detail}")
    return 1


def sample_receipt(kiosk: KioskInfo, clock: Clock) -> Receipt:
    lines = (ReceiptLine("test-soap", "测试商品：香皂", "Test item: soap", "goods", 2, 30, 60),
             ReceiptLine("test-donate", "测试：爱心捐赠（积分）", "Test: donation", "donation",
                         1, 10, 10))
    return Receipt(order_id=f"TEST-{uuid7()}", kind="sale", kiosk_id=kiosk.kiosk_id,
                   kiosk_name=kiosk.name, community=kiosk.community,
                   created_at=clock.now().astimezone(kiosk.timezone),
                   masked_name="测*试", lines=lines, total=70, balance_after=0, offline=False)


def cmd_test_print(config: Config, args: argparse.Namespace) -> int:
    """Needs no database: a test print is no sale, and the printer may be set up first."""
    printer = _printer(config)
    if printer is None:
        return 2
    print(f"printer: {printer.describe()}")
    try:
        status = printer.paper_status()
        print(f"paper: {status} ({PAPER_ZH[status]})")
        printer.print_receipt(sample_receipt(kiosk_info(config), SystemClock()))
    except PrinterFault as fault:  # the operator's detail, not the volunteer's screen text
        print(f"test print FAILED: {fault.detail}")
        return 1
    print("test receipt sent: check the paper (Chinese text, QR code, cut)")
    return 0


COMMANDS: dict[str, Callable[[Services, argparse.Namespace], int]] = {"reprint": cmd_reprint}
CONFIG_COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {
    "test-print": cmd_test_print}


def add_parsers(sub: Any) -> None:
    r = sub.add_parser("reprint", help="print a past receipt again, or list unprinted ones")
    r.add_argument("order", nargs="?", help="order id (from the receipt or --unprinted)")
    r.add_argument("--unprinted", action="store_true",
                   help="list sales whose receipt was not printed")
    sub.add_parser("test-print", help="print a sample receipt and show the paper status")
