"""kiosk-district commands for cards that sign each tap (NTAG 424 DNA with SUN):
``sun-keys new|rotate|export|list`` and ``provision-card``.

The district's key file holds every generation's master keys and stays on the provisioning
desk; kiosks get ``sun-keys export``'s file, which lacks the key that can re-key a card. After
a kiosk is lost or stolen: ``sun-keys rotate`` (a new generation), ``sun-keys export`` to every
kiosk, and each card is moved to the new keys by ``provision-card`` at its next visit to a
staffed desk; ``sun-keys list`` counts the cards still on each generation, and an export with
``--generations 1`` drops the old one from the kiosks once none is left.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from district import sun_provision, sun_tag
from district.store import Store
from points_protocol.sun import ev2
from points_protocol.sun.keys import (
    DistrictKeys,
    KeyFileError,
    load_district_keys,
    save_district_keys,
    save_kiosk_keys,
)


def _fail(message: str) -> int:
    print(f"kiosk-district: {message}", file=sys.stderr)
    return 2


def cmd_sun_keys(store: Store, args: argparse.Namespace) -> int:
    path = Path(args.file)
    if args.action == "new" and not args.district_id:
        return _fail("sun-keys new needs --district-id")
    if args.action == "export" and not args.out:
        return _fail("sun-keys export needs the file to write")
    try:
        if args.action == "new":
            return _new(path, args.district_id)
        generations = load_district_keys(path)
        if args.action == "rotate":
            return _rotate(path, generations)
        if args.action == "export":
            kept = generations[:args.generations] if args.generations else generations
            save_kiosk_keys(Path(args.out), [g.kiosk_keys() for g in kept])
            print(f"{args.out}: generations {', '.join(str(g.generation) for g in kept)}")
        else:
            _list(store, generations)
    except (KeyFileError, ValueError, OSError) as exc:
        return _fail(str(exc))
    return 0


def _list(store: Store, generations: list[DistrictKeys]) -> None:
    """Generations and how many cards the district last saw on each (no key is printed)."""
    counts = {int(g): int(n) for g, n in store.query(
        "SELECT key_generation, COUNT(*) FROM sun_counters GROUP BY key_generation")}
    for g in generations:
        print(f"generation {g.generation}: {counts.get(g.generation, 0)} cards")


def _new(path: Path, district_id: str) -> int:
    if path.exists():
        return _fail(f"{path} exists: losing master keys strands every card keyed with them, "
                     "so it is never overwritten (use rotate)")
    save_district_keys(path, [DistrictKeys.new(district_id, 1)])
    print(f"{path}: generation 1 for district {district_id} (keep it secret)")
    return 0


def _rotate(path: Path, generations: list[DistrictKeys]) -> int:
    newest = generations[0].generation + 1
    if newest > 255:
        return _fail("no generation numbers left (a key version is one byte)")
    save_district_keys(path, [DistrictKeys.new(generations[0].district_id, newest),
                              *generations])
    print(f"{path}: generation {newest} added; export it to every kiosk, then re-key cards "
          "at the desk with provision-card")
    return 0


def cmd_provision_card(store: Store, args: argparse.Namespace) -> int:
    try:
        generations = load_district_keys(Path(args.keys))
        reader = sun_provision.DeskReader(args.reader, args.wait)
        outcome = sun_provision.provision_card(store, generations, reader, args.url,
                                               args.volunteer)
    except (KeyFileError, ValueError) as exc:
        return _fail(str(exc))
    except sun_tag.ProvisionError as exc:
        return _fail(str(exc))
    except ev2.Ev2Error as exc:
        return _fail(f"the tag refused a step ({exc}); it is left re-provisionable: run "
                     "provision-card again")
    what = "keyed to" if outcome.changed else "already provisioned with"
    print(f"card {outcome.uid}: {what} key generation {outcome.generation}, SUN on; "
          f"tap read back and verified (counter {outcome.counter})")
    if outcome.registered == "new":
        print(f"card {outcome.uid} registered to {args.volunteer}")
    elif outcome.registered == "already":
        print(f"card {outcome.uid} was already registered to {args.volunteer}")
    return 0


COMMANDS = {"sun-keys": cmd_sun_keys, "provision-card": cmd_provision_card}


def add_parsers(sub: Any) -> None:
    k = sub.add_parser("sun-keys", help="master keys for NTAG 424 DNA cards (SUN)")
    k.add_argument("action", choices=("new", "rotate", "export", "list"))
    k.add_argument("file", help="the district's key file (keep it on the provisioning desk)")
    k.add_argument("out", nargs="?", help="export: the kiosks' key file to write")
    k.add_argument("--district-id", default="", help="new: the district's id (system "
                   "identifier in every card key)")
    k.add_argument("--generations", type=int, default=0,
                   help="export: only the newest N generations (0: all)")
    p = sub.add_parser("provision-card", help="key an NTAG 424 DNA on the desk reader to "
                       "sign each tap, and register it")
    p.add_argument("--keys", required=True, help="the district's key file (sun-keys new)")
    p.add_argument("--url", required=True, help="the URL the card carries, e.g. "
                   "https://points.example.cn/t (a phone tapping the card opens it)")
    p.add_argument("--volunteer", help="register the card to this volunteer")
    p.add_argument("--reader", default="", help="the first PC/SC reader whose name contains "
                   "this text (default: the first reader)")
    p.add_argument("--wait", type=float, default=30.0, help="seconds to wait for a tag")

