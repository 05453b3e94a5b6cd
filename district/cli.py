"""kiosk-district: run and administer the reference district server from the command line."""

from __future__ import annotations

import argparse
import csv
import ipaddress
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn

from district import catalogue_cli, sun_cli
from district.admin import AdminRefused, Credit
from district.app import QrIssuer, create_app
from district.asgi import (
    ENV_DATABASE,
    ENV_DISTRICT,
    ENV_QR_DISTRICT_ID,
    ENV_QR_KEY,
    ENV_QR_VALID_DAYS,
)
from district.console import cli as console_cli
from district.console.app import create_console, with_console
from district.db.engine import is_postgres_url
from district.db.errors import DatabaseRefused
from district.kiosk_health import DEFAULT_SILENT_AFTER, assess
from district.reports import NAMES as REPORTS
from district.store import Store
from points_protocol import card_tokens, ids, logs
from points_protocol.errors import Invalid
from points_protocol.names import mask_name
from points_protocol.settings import parse_setting
from points_protocol.signing import load_public_key


def _rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def cmd_init(store: Store, args: argparse.Namespace) -> int:
    print(f"district database {store.path} ready")
    return 0


def cmd_register_kiosk(store: Store, args: argparse.Namespace) -> int:
    key = Path(args.public_key).read_text().strip() if Path(args.public_key).exists() \
        else args.public_key
    load_public_key(key)  # refuse a malformed key now, not at the first request
    store.register_kiosk(args.kiosk_id, key, args.name or "")
    print(f"kiosk {args.kiosk_id} registered")
    return 0


def _volunteer_rows(path: str) -> tuple[list[tuple[str, str, str]],
                                         list[tuple[str, str, str]]]:
    """(volunteers, cards) of an import file, ids in their normal form; :class:`Invalid`
    lists every bad line, so nothing is imported from a file with one."""
    volunteers, cards, problems = [], [], []
    for line, r in enumerate(_rows(path), start=2):
        try:
            volunteer_id = ids.normalize_volunteer_id(r.get("id"))
            volunteers.append((volunteer_id, mask_name((r.get("name") or "").strip()),
                               (r.get("status") or "active").strip()))
            if (r.get("card_id") or "").strip():
                kind = (r.get("card_kind") or "").strip() or None
                card_id = ids.normalize_card_id(r["card_id"], kind)
                cards.append((card_id, volunteer_id, kind or ids.card_kind(card_id)))
        except Invalid as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        raise Invalid(problems)
    return volunteers, cards


def cmd_import_volunteers(store: Store, args: argparse.Namespace) -> int:
    """CSV with columns id,name[,status,card_id,card_kind]; only the masked name is kept."""
    rows, cards = _volunteer_rows(args.file)
    changed = store.upsert_volunteers(rows)
    if cards:
        store.upsert_cards(cards)
    print(f"{len(rows)} volunteers read, {changed} new or changed, {len(cards)} cards")
    return 0


def cmd_credit(store: Store, args: argparse.Namespace) -> int:
    """CSV with columns record_id,volunteer_id,hours[,points][,corrects]: each record credited
    once, by its record id. A mistake is corrected by a new record naming the wrong one in
    ``corrects``: that one is reversed and the new one credited. Hours must be positive."""
    records = [_credit_row(n, r, args.points_per_hour)
               for n, r in enumerate(_rows(args.file), start=2)]
    done = store.credit_many(records)
    print(f"{done} records credited, {len(records) - done} already credited before")
    return 0


def _credit_row(line: int, row: dict[str, str], per_hour: float) -> Credit:
    try:
        hours = float(row.get("hours") or "")
        points = int(row["points"]) if (row.get("points") or "").strip() else round(
            hours * per_hour)
    except (TypeError, ValueError):
        raise AdminRefused(f"line {line}: hours (and points, if given) must be numbers") \
            from None
    if not 0 < hours <= 24 * 366:
        raise AdminRefused(f"line {line}: hours must be positive (a correction is a new "
                           "record naming the wrong one in 'corrects')")
    record_id, volunteer_id = (row.get("record_id") or "").strip(), \
        (row.get("volunteer_id") or "").strip()
    if not record_id or not volunteer_id:
        raise AdminRefused(f"line {line}: record_id and volunteer_id are needed")
    return Credit(record_id, volunteer_id, hours, points,
                  (row.get("corrects") or "").strip() or None)


def cmd_issue_card(store: Store, args: argparse.Namespace) -> int:
    """Register a card; the kind follows from the id (``QR...`` or an NFC UID) unless given."""
    card_id = ids.normalize_card_id(args.card_id, args.kind)
    volunteer_id = ids.normalize_volunteer_id(args.volunteer_id)
    store.upsert_card(card_id, volunteer_id, args.kind or ids.card_kind(card_id),
                      is_operator=args.operator)
    print(f"card {card_id} issued to {volunteer_id}")
    return 0


def cmd_qr_token(store: Store, args: argparse.Namespace) -> int:
    """A signed QR token for a registered QR card, at the card's current generation (so a
    token printed before a revocation no longer works)."""
    card_id = ids.normalize_qr_card_id(args.card_id)
    row = store.card(card_id)
    if row is None or row[0] != "qr":
        raise KeyError(f"no QR card {card_id}")
    now = datetime.now(UTC)
    expires = now + timedelta(days=args.expires_days) if args.expires_days else None
    print(card_tokens.issue(card_tokens.load_private_key(Path(args.key)), args.district_id,
                            card_id, int(row[1]), issued_at=now, expires_at=expires))
    return 0


def cmd_block(store: Store, args: argparse.Namespace) -> int:
    card_id = ids.normalize_card_id(args.card_id)
    store.set_card_status(card_id, "blocked", revoke=args.revoke)
    print(f"card {card_id} blocked")
    return 0


def cmd_unblock(store: Store, args: argparse.Namespace) -> int:
    card_id = ids.normalize_card_id(args.card_id)
    store.set_card_status(card_id, "active")
    print(f"card {card_id} unblocked")
    return 0


def cmd_set(store: Store, args: argparse.Namespace) -> int:
    """A setting every kiosk's checkout obeys over its config.toml. Only the protocol's keys
    (``points_protocol.settings``), each a whole number in its range: a typo is refused here,
    never stored, so it can neither switch a cap off nor stop the kiosks' feed."""
    try:
        value = parse_setting(args.key, args.value)
    except Invalid as exc:
        print(f"kiosk-district: set: {exc}; nothing changed", file=sys.stderr)
        return 2
    store.set_setting(args.key, value)
    print(f"{args.key} = {value}")
    return 0


def cmd_report(store: Store, args: argparse.Namespace) -> int:
    rows = store.report(args.name)
    writer = csv.writer(sys.stdout)
    if rows:
        writer.writerow(rows[0].keys())
    for row in rows:
        writer.writerow(row.values())
    return 0


def cmd_kiosks(store: Store, args: argparse.Namespace) -> int:
    """Every registered kiosk with its last heartbeat; exit 1 if any needs attention (for a
    cron mail or a monitoring check)."""
    now = args.now if args.now is not None else time.time()
    rows = assess(store, now, args.silent_after)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    else:
        writer = csv.writer(sys.stdout)
        writer.writerow(("kiosk_id", "name", "problems", "last_heartbeat", "seconds_silent",
                         "version", "last_sale_at", "pending", "printer", "reader",
                         "disk_free_mb", "why"))
        for r in rows:
            writer.writerow((r.kiosk_id, r.name, " ".join(r.problems) or "ok",
                             r.last_heartbeat or "never", r.seconds_silent, r.version,
                             r.last_sale_at, r.pending, r.printer, r.reader, r.disk_free_mb,
                             "; ".join(filter(None, (r.clock_problem, *r.out_of_service)))))
    return 1 if any(r.problems for r in rows) else 0


def cmd_openapi(store: Store, args: argparse.Namespace) -> int:
    print(json.dumps(create_app(store).openapi(), indent=2, ensure_ascii=False))
    return 0


def cmd_serve(store: Store, args: argparse.Namespace) -> int:
    loopback = ipaddress.ip_address(args.host).is_loopback if args.host != "localhost" else True
    if not loopback and not (args.certfile and args.keyfile):
        print("kiosk-district: plain HTTP only on loopback; give --certfile and --keyfile",
              file=sys.stderr)
        return 2
    issuer = None
    if args.qr_key and not args.district_id:
        print("kiosk-district: --qr-key needs --district-id (the kiosks' [qr] district_id)",
              file=sys.stderr)
        return 2
    if args.qr_key:
        issuer = QrIssuer(card_tokens.load_private_key(Path(args.qr_key)), args.district_id,
                          args.qr_valid_days)
    if args.workers > 1:
        # One process per worker, each with its own pool: the store opened here only checked
        # the database; the workers open theirs from the environment (district.asgi).
        os.environ.update({ENV_DATABASE: args.database, ENV_DISTRICT: args.district,
                           ENV_QR_KEY: args.qr_key or "", ENV_QR_DISTRICT_ID: args.district_id,
                           ENV_QR_VALID_DAYS: str(args.qr_valid_days)})
        uvicorn.run("district.asgi:app_from_env", factory=True, workers=args.workers,
                    host=args.host, port=args.port, ssl_certfile=args.certfile,
                    ssl_keyfile=args.keyfile, log_level="warning", log_config=None)
        return 0
    app = with_console(create_app(store, qr_issuer=issuer),
                       create_console(store, qr_issuer=issuer))
    uvicorn.run(app, host=args.host, port=args.port,
                ssl_certfile=args.certfile, ssl_keyfile=args.keyfile, log_level="info",
                log_config=None)  # uvicorn's records go through points_protocol.logs like ours
    return 0


COMMANDS = {"init": cmd_init, "register-kiosk": cmd_register_kiosk,
            "import-volunteers": cmd_import_volunteers, "credit": cmd_credit,
            "issue-card": cmd_issue_card, "qr-token": cmd_qr_token, "block-card": cmd_block,
            "unblock-card": cmd_unblock,
            "set": cmd_set, "report": cmd_report,
            "kiosks": cmd_kiosks, "openapi": cmd_openapi, "serve": cmd_serve,
            **catalogue_cli.COMMANDS, **sun_cli.COMMANDS, **console_cli.COMMANDS}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kiosk-district", description=__doc__)
    p.add_argument("--database", default="var/district.sqlite",
                   help="an SQLite file, or postgresql://user@host/dbname")
    p.add_argument("--district", default="district",
                   help="on PostgreSQL: this district's name (its own schema d_NAME), so "
                        "several districts share one server without seeing each other")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create the district database")
    r = sub.add_parser("register-kiosk", help="register a kiosk's Ed25519 public key")
    r.add_argument("kiosk_id")
    r.add_argument("public_key", help="base64 key or a file holding it")
    r.add_argument("--name")
    sub.add_parser("import-volunteers", help="CSV id,name[,status,card_id,card_kind]") \
        .add_argument("file")
    c = sub.add_parser("credit", help="credit points from a service-records CSV")
    c.add_argument("file")
    c.add_argument("--points-per-hour", type=float, default=10.0)
    i = sub.add_parser("issue-card", help="register an NFC UID or a QR card")
    i.add_argument("card_id")
    i.add_argument("volunteer_id")
    i.add_argument("--kind", choices=ids.CARD_KINDS,
                   help="default: qr for an id that starts with QR, else nfc (sun: an NFC "
                   "card that signs each tap; provision-card registers those itself)")
    i.add_argument("--operator", action="store_true")
    q = sub.add_parser("qr-token", help="print a signed token for a QR card")
    q.add_argument("card_id")
    q.add_argument("--key", required=True, help="the district's Ed25519 private key (PEM)")
    q.add_argument("--district-id", required=True)
    q.add_argument("--expires-days", type=int, default=0)
    b = sub.add_parser("block-card", help="block a card on every kiosk")
    b.add_argument("card_id")
    b.add_argument("--revoke", action="store_true", help="also bump the generation")
    sub.add_parser("unblock-card").add_argument("card_id")
    catalogue_cli.add_parsers(sub)   # import-catalogue, add-image
    s = sub.add_parser("set", help="a kiosk setting, value as JSON (offline.after_seconds, "
                       "offline.cap_per_volunteer_per_day, offline.cap_per_kiosk_per_day, "
                       "nfc.uid_only_cap_per_day, checkout.max_quantity_per_line override "
                       "the kiosks' config.toml)")
    s.add_argument("key")
    s.add_argument("value")
    sub.add_parser("report").add_argument("name", choices=REPORTS)
    k = sub.add_parser("kiosks", help="list kiosks with their last heartbeat; flag problems")
    k.add_argument("--silent-after", type=float, default=DEFAULT_SILENT_AFTER,
                   help="seconds without a heartbeat before a kiosk counts as silent "
                        f"(default {DEFAULT_SILENT_AFTER})")
    k.add_argument("--now", type=float, help="judge as of this Unix time (default: now)")
    k.add_argument("--json", action="store_true", help="JSON instead of CSV")
    sun_cli.add_parsers(sub)   # sun-keys, provision-card (NTAG 424 DNA cards)
    console_cli.add_parsers(sub)   # console-community, console-account
    sub.add_parser("openapi", help="print the protocol's OpenAPI document")
    v = sub.add_parser("serve", help="run the HTTP server")
    v.add_argument("--host", default="127.0.0.1")
    v.add_argument("--port", type=int, default=8600)
    v.add_argument("--certfile")
    v.add_argument("--keyfile")
    v.add_argument("--qr-key", help="the district's Ed25519 private key (PEM): lets kiosks "
                   "issue QR cards (POST /v1/qr-cards); without it they cannot")
    v.add_argument("--district-id", default="", help="signed into issued QR cards; must be "
                   "the kiosks' [qr] district_id")
    v.add_argument("--workers", type=int, default=1,
                   help="server processes (PostgreSQL: one per core; SQLite: keep 1)")
    v.add_argument("--qr-valid-days", type=int, default=0,
                   help="issued QR cards expire after this many days (0: never)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logs.setup()
    if not is_postgres_url(args.database):
        Path(args.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        store = Store(args.database, district=args.district)
    except DatabaseRefused as exc:
        print(f"kiosk-district: {exc}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.command](store, args)
    except (KeyError, ValueError, OSError) as exc:   # Invalid and CatalogueFileError too
        print(f"kiosk-district: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
