"""kiosk-district commands for the console: ``console-community ID NAME`` and
``console-account NAME --role ROLE`` (the first administrator is made here; later accounts can
be made on the console's accounts page). The password is read from standard input, never
from the command line (which other users of the machine can see)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from district.console import audit
from district.console import schema as s
from district.console.accounts import AccountRefused, Accounts
from district.console.routes.accounts import COMMUNITY_ID_RE
from district.console.scope import Role
from district.db.upsert import upsert
from district.store import Store


def _fail(message: str) -> int:
    print(f"kiosk-district: {message}", file=sys.stderr)
    return 2


def cmd_community(store: Store, args: argparse.Namespace) -> int:
    if not COMMUNITY_ID_RE.fullmatch(args.community_id):
        return _fail("a community id is 1-40 of a-z, 0-9, '-' and '_'")
    with store.db.write() as conn:
        upsert(conn, s.communities, {"id": args.community_id, "name": args.name}, ("id",),
               ("name",))
        audit.record(conn, "command-line", "community_saved", args.community_id,
                     after={"name": args.name})
    print(f"community {args.community_id} = {args.name}")
    return 0


def _password(args: argparse.Namespace) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise AccountRefused("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_account(store: Store, args: argparse.Namespace) -> int:
    try:
        Accounts(store.db, lambda: 0.0).create(
            args.account, _password(args), Role(args.role), display_name=args.name or "",
            communities=args.community or [], partner_id=args.partner)
    except AccountRefused as exc:
        return _fail(f"console-account: {exc}")
    audit.log(store.db, "command-line", "account_saved", args.account,
              after={"role": args.role, "communities": args.community or [],
                     "partner": args.partner})
    print(f"console account {args.account} ({args.role}) saved")
    return 0


COMMANDS = {"console-community": cmd_community, "console-account": cmd_account}


def add_parsers(sub: Any) -> None:
    c = sub.add_parser("console-community", help="add or rename a community (the scope of "
                       "social workers' console accounts)")
    c.add_argument("community_id")
    c.add_argument("name")
    a = sub.add_parser("console-account", help="add or change a console account; the "
                       "password is read from standard input")
    a.add_argument("account")
    a.add_argument("--role", required=True, choices=[r.value for r in Role])
    a.add_argument("--name", help="shown on the console")
    a.add_argument("--community", action="append",
                   help="a social worker's community (repeat for several)")
    a.add_argument("--partner", help="a partner account's partner id")
