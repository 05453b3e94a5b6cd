"""kiosk-admin report / set-operator / operator-card: reports and operators from a shell.

``report today|week|period --from D --to D [--csv DIR]`` prints the same figures the reports
screen shows and, with ``--csv``, writes them (and the audit log of the period) as UTF-8 CSV
with a BOM, e.g. onto a USB stick. ``set-operator ID --name N`` asks for a PIN twice (never on
the command line, where it would land in the shell history) and stores only its scrypt hash.
``operator-card CARD --operator ID [--name N]`` lets a card open the operator screens: only
this kiosk's own list decides that, never a flag the district sends with the card.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.core import audit, operators, report_csv, reports
from kiosk.core.clock import to_db
from kiosk.services import Services, pin_policy


def _period(services: Services, args: argparse.Namespace) -> reports.Period:
    tz, now = services.kiosk.timezone, services.clock.now()
    if args.which == "today":
        return reports.today(now, tz)
    if args.which == "week":
        return reports.this_week(now, tz)
    if not args.date_from or not args.date_to:
        raise SystemExit("kiosk-admin: report period needs --from and --to (YYYY-MM-DD)")
    try:
        return reports.between(date.fromisoformat(args.date_from),
                               date.fromisoformat(args.date_to), tz)
    except ValueError as exc:
        raise SystemExit(f"kiosk-admin: report period: {exc}") from exc


def _print_report(rep: reports.Report) -> None:
    off = rep.offline
    print(f"period {rep.period.label}\n"
          f"orders: {rep.sales} sales, {rep.voids} voids\n"
          f"points redeemed (net): {rep.points_redeemed}\n"
          f"items out (net): {rep.items_out}")
    print("\ntop items:")
    for t in rep.top_items:
        print(f"  {t.item_id:<16} {t.quantity:>5}  {t.points:>7} pts  {t.name_zh}")
    print("\npoints per day:")
    for day, points in rep.points_per_day:
        print(f"  {day}  {points:>7}")
    print("\ngoods per donor (received / given out / written off):")
    for d in rep.donors:
        print(f"  {d.donor_name or '(no donor)'}  {d.item_id:<16} "
              f"{d.received:>5} {d.given_out:>5} {d.written_off:>5}")
    print("\nlow stock:")
    for s in rep.low_stock:
        print(f"  {s.item_id:<16} {s.on_hand:>5} (threshold {s.threshold})  {s.name_zh}")
    print(f"\noffline: {off.offline_sales} sales, {off.offline_points} points in the period; "
          f"{off.unconfirmed_entries} entries not yet confirmed by the district; "
          f"{off.volunteers_below_zero} volunteers below zero by {off.points_below_zero} "
          f"points together")


def cmd_report(services: Services, args: argparse.Namespace) -> int:
    period = _period(services, args)
    rep = reports.report(services.conn, period, services.kiosk.timezone)
    _print_report(rep)
    if args.csv:
        rows = audit.entries(services.conn, to_db(period.start), to_db(period.end))
        for path in report_csv.write_report(rep, Path(args.csv), rows):
            print(f"wrote {path}")
    return 0


def cmd_set_operator(services: Services, args: argparse.Namespace) -> int:
    if args.pin_stdin:
        pin = first = sys.stdin.readline().strip()
    else:
        first = getpass.getpass("new PIN (digits): ")
        pin = getpass.getpass("again: ")
    if pin != first:
        print("kiosk-admin: the two PINs differ; nothing changed", file=sys.stderr)
        return 2
    operators.set_operator(services.conn, services.clock, pin_policy(services.config),
                           args.operator_id, name=args.name, pin=pin)
    print(f"operator {args.operator_id} ({args.name}) can now sign in with their PIN")
    return 0


def cmd_operator_card(services: Services, args: argparse.Namespace) -> int:
    s = services
    if args.remove:
        done = operators.unbind_card(s.conn, s.clock, args.card_id)
        print(f"card {args.card_id} " + ("no longer opens the operator screens" if done
                                          else "was not an operator card"))
        return 0
    if not args.operator:
        print("kiosk-admin: operator-card needs --operator ID (or --remove)", file=sys.stderr)
        return 2
    operators.bind_card(s.conn, s.clock, args.card_id, args.operator, name=args.name)
    print(f"card {args.card_id} now opens the operator screens as {args.operator}")
    return 0


COMMANDS = {"report": cmd_report, "set-operator": cmd_set_operator,
            "operator-card": cmd_operator_card}


def add_parsers(sub: Any) -> None:
    r = sub.add_parser("report", help="orders, points, items, donors, low stock, offline debt")
    r.add_argument("which", choices=("today", "week", "period"))
    r.add_argument("--from", dest="date_from", help="first day (YYYY-MM-DD), with 'period'")
    r.add_argument("--to", dest="date_to", help="last day, included (YYYY-MM-DD)")
    r.add_argument("--csv", metavar="DIR", help="also write CSV files (UTF-8 with BOM) here")
    o = sub.add_parser("set-operator", help="add an operator or change their PIN")
    o.add_argument("operator_id")
    o.add_argument("--name", required=True)
    o.add_argument("--pin-stdin", action="store_true",
                   help="read the PIN from one line of stdin (scripts; never echo it)")
    c = sub.add_parser("operator-card", help="let a card open the operator screens, or stop it")
    c.add_argument("card_id")
    c.add_argument("--operator", help="the operator it signs in (see set-operator)")
    c.add_argument("--name", help="name of a new operator who signs in by card only")
    c.add_argument("--remove", action="store_true", help="the card no longer opens them")
