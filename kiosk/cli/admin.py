"""kiosk-admin: the operator's command line (database, catalogue, stock, orders, export)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from kiosk import __version__
from kiosk.cli import (
    backup_commands,
    card_commands,
    hardware_commands,
    printer_commands,
    report_commands,
    self_check,
)
from kiosk.config import ConfigError, load_config
from kiosk.core import catalogue, export, schema, stock
from kiosk.core.db import DatabaseError
from kiosk.core.errors import (
    LedgerConflict,
    OrderNotFound,
    OutOfService,
    StockError,
    UserFacingError,
)
from kiosk.core.ids import uuid7
from kiosk.core.ledger import WrongKioskError
from kiosk.core.receipt_text import receipt_lines
from kiosk.core.receipts import receipt_for
from kiosk.core.voids import void_order
from kiosk.scripted_sale import run_scripted_sale
from kiosk.services import Services, build
from points_protocol import logs
from points_protocol.catalogue_file import read_catalogue
from points_protocol.errors import Invalid


def cmd_init(services: Services, args: argparse.Namespace) -> int:
    version = schema.current_version(services.conn)
    print(f"database {services.config.database_path} ready (schema v{version}, "
          f"kiosk {services.kiosk.kiosk_id})")
    return 0


def cmd_import_catalogue(services: Services, args: argparse.Namespace) -> int:
    specs = read_catalogue(Path(args.file))
    changed = catalogue.upsert_items(services.conn, services.clock, specs)
    print(f"{len(specs)} items imported, {changed} new prices")
    return 0


def cmd_stock(services: Services, args: argparse.Namespace) -> int:
    for e in catalogue.entries(services.conn, include_retired=args.all):
        if e.stock is None or (args.low and e.stock > e.low_stock_threshold):
            continue
        flag = "  LOW" if e.stock <= e.low_stock_threshold else ""
        print(f"{e.item_id:<16} {e.stock:>5}  {e.price:>5} pts  {e.name_zh}{flag}")
    return 0


def cmd_restock(services: Services, args: argparse.Namespace) -> int:
    before = stock.on_hand(services.conn, args.item)
    stock.restock(services.conn, services.clock, [stock.Restock(args.item, args.quantity)],
                  donor_id=args.donor, note=args.note)
    print(f"{args.item}: {before} -> {stock.on_hand(services.conn, args.item)}")
    return 0


def cmd_receipt(services: Services, args: argparse.Namespace) -> int:
    print("\n".join(receipt_lines(receipt_for(services.conn, services.kiosk, args.order))))
    return 0


def cmd_void(services: Services, args: argparse.Namespace) -> int:
    receipt = void_order(services.conn, services.clock, services.kiosk, services.policy,
                         void_id=uuid7(), order_id=args.order, reason=args.reason)
    print("\n".join(receipt_lines(receipt)))
    return 0


def cmd_export(services: Services, args: argparse.Namespace) -> int:
    """One CSV per table (kiosk.core.export)."""
    for path, rows in export.export_tables(services.conn, Path(args.folder)):
        print(f"{path}: {rows} rows")
    return 0


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    return run_scripted_sale(services)


COMMANDS: dict[str, Callable[[Services, argparse.Namespace], int]] = {
    "init": cmd_init, "import-catalogue": cmd_import_catalogue, "stock": cmd_stock,
    "restock": cmd_restock, "receipt": cmd_receipt, "void": cmd_void, "export": cmd_export,
    "demo": cmd_demo,
}
COMMANDS.update(printer_commands.COMMANDS)
COMMANDS.update(report_commands.COMMANDS)
# The only commands that may make a new database (where there is no file at all).
CREATING_COMMANDS = {"init", "demo"}
# Commands that take only the config: they must run on a damaged or locked database, or where
# there is none (the district's card tools, device checks before provisioning).
CONFIG_COMMANDS = {**backup_commands.COMMANDS, **self_check.COMMANDS, **card_commands.COMMANDS,
                   **hardware_commands.COMMANDS, **printer_commands.CONFIG_COMMANDS}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-admin", description=__doc__)
    p.add_argument("--config", default="config.toml", help="config file (default: %(default)s)")
    p.add_argument("--database", help="use this database file instead of the config's")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create the database (only where there is no file), or "
                                "migrate it")
    sub.add_parser("import-catalogue", help="add or update items from a TOML file") \
        .add_argument("file")
    s = sub.add_parser("stock", help="list stock on hand")
    s.add_argument("--low", action="store_true", help="only items at or below their threshold")
    s.add_argument("--all", action="store_true", help="include retired items")
    r = sub.add_parser("restock", help="receive goods from a donor")
    r.add_argument("item")
    r.add_argument("quantity", type=int)
    r.add_argument("--donor")
    r.add_argument("--note")
    sub.add_parser("receipt", help="show a past receipt").add_argument("order")
    v = sub.add_parser("void", help="void a sale (reverses points and stock)")
    v.add_argument("order")
    v.add_argument("--reason", required=True)
    sub.add_parser("export", help="write every ledger table as CSV").add_argument("folder")
    sub.add_parser("demo", help="seed the demo shop and run a scripted sale")
    printer_commands.add_parsers(sub)
    card_commands.add_parsers(sub)
    hardware_commands.add_parsers(sub)
    report_commands.add_parsers(sub)
    backup_commands.add_parsers(sub)
    self_check.add_parsers(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Each command says what happened in its own words, one line for a refusal; the core's
    # log lines (meant for the daemons' journal) would only repeat them. Put back afterwards:
    # tests call this in their own process.
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    logs.setup(logging.CRITICAL)
    try:
        return _run(args)
    finally:
        root.setLevel(before[0])
        root.handlers[:] = before[1]


def _run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        if args.database:
            config = replace(config, database=replace(
                config.database, path=str(Path(args.database).resolve())))
        if args.command in CONFIG_COMMANDS:
            return CONFIG_COMMANDS[args.command](config, args)
        services = build(config, create=args.command in CREATING_COMMANDS)
        return COMMANDS[args.command](services, args)
    except (ConfigError, DatabaseError, Invalid, WrongKioskError,   # Invalid: a catalogue
            StockError, OrderNotFound, LedgerConflict) as exc:  # or an id refused
        print(f"kiosk-admin: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:   # a file it writes (an export, a report) on a full or read-only disk
        print(f"kiosk-admin: cannot write {exc.filename or ''}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    except OutOfService as exc:   # the operator needs the why, not the volunteer's words
        print(f"kiosk-admin: out of service: {exc.detail}", file=sys.stderr)
        return 1
    except UserFacingError as exc:
        print(f"kiosk-admin: {exc.zh} / {exc.en}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
