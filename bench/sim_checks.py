"""The simulator's judge: after a seed has healed, every invariant I1-I8, the offline caps, and
the district's balances against an independent fold of the honest entries alone."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from district.store import Store
from kiosk.core import cards, ledger, sync_status
from kiosk.core.errors import UserFacingError
from kiosk.core.models import PresentedCard
from kiosk.core.periods import period_bounds

if TYPE_CHECKING:
    from simulate import Sale, SimKiosk, World  # type: ignore[import-not-found]

CAP_VOLUNTEER = 150
CAP_KIOSK = 600


def card_of(volunteer_id: str) -> str:
    """The NFC UID of a volunteer's card: 7 bytes in the reader's form, like a real one."""
    return f"04{int(volunteer_id.removeprefix('V')):012X}"


def check(store: Store, sims: list[SimKiosk], sales: list[Sale], vids: list[str]) -> list[str]:
    problems = list(store.verify())                                     # I1, I4, I5 (>= 0)
    server_balance = {r["volunteer_id"]: r["balance"] for r in store.report("balances")}
    server_transfers = {r[0]: (r[1], r[2], r[3]) for r in store.query(
        "SELECT id, from_account, to_account, amount FROM transfers")}
    server_orders = {r[0] for r in store.query("SELECT order_id FROM orders")}
    for s in sims:
        problems += check_kiosk(s, store, server_transfers, server_balance, vids)
    for sale in sales:                                                     # I3
        if sale.order_id not in server_orders:
            problems.append(f"I3: sale {sale.order_id} of {sale.kiosk_id} never arrived")
    try:
        store.execute("DELETE FROM transfers")
        problems.append("I6 district: transfers could be deleted")
    except IntegrityError:
        pass
    problems += reused_id_refused(store, sims[0], server_balance)
    return problems


def check_kiosk(s: SimKiosk, server: Store,
                server_transfers: dict[str, tuple[str, str, int]],
                server_balance: dict[str, int], vids: list[str]) -> list[str]:
    problems: list[str] = []
    kid = s.config.kiosk.id
    conn = s.conn
    if sum(ledger.account_fold(conn).values()) != 0:
        problems.append(f"I1 {kid}: local transfers do not balance")
    for tid, src, dst, amount in conn.execute(
            "SELECT id, from_account, to_account, amount FROM transfers"):
        if server_transfers.get(tid) != (src, dst, amount):                # I2, I3
            problems.append(f"I2/I3 {kid}: transfer {tid} missing or different")
    outbox = conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
    entries = server.query("SELECT COUNT(*) FROM entries WHERE kiosk_id = :k", k=kid)[0][0]
    if outbox != entries or sync_status.acked_seq(conn) != outbox:
        problems.append(f"I2 {kid}: outbox {outbox}, district has {entries}")
    if conn.execute("SELECT COUNT(*) FROM outbox WHERE entry_id LIKE 'ghost-%'"
                    ).fetchone()[0]:
        problems.append(f"{kid}: a sale rolled back by a crash survived")
    for v in vids:                                                     # I7
        if ledger.balance(conn, v) != server_balance[v]:
            problems.append(f"I7 {kid}: {v} shows {ledger.balance(conn, v)}, "
                            f"district {server_balance[v]}")
        with contextlib.suppress(UserFacingError):        # a blocked card shows nothing
            shown = cards.look_up(conn, PresentedCard(card_of(v))).balance
            if shown != server_balance[v]:
                problems.append(f"I7 {kid}: a tap of {v}'s card shows {shown}, "
                                f"district {server_balance[v]}")
    for table in ("transfers", "orders", "stock_movements"):           # I6
        if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None:
            continue                        # nothing to try to rewrite (a kiosk that sold nothing)
        try:
            conn.execute(f"UPDATE {table} SET created_at = created_at")
            problems.append(f"I6 {kid}: {table} could be updated")
        except sqlite3.IntegrityError:
            pass
    problems += offline_exposure(s)
    return problems


def offline_exposure(s: SimKiosk) -> list[str]:
    """I5: offline sales stayed inside the caps, per kiosk and per volunteer, per shop day."""
    per_kiosk: dict[str, int] = {}
    per_person: dict[tuple[str, str], int] = {}
    for volunteer, created, total in s.conn.execute(
            "SELECT o.volunteer_id, o.created_at, o.total FROM orders o WHERE o.kind = 'sale' "
            "AND o.offline = 1 AND NOT EXISTS (SELECT 1 FROM orders v "
            "WHERE v.voids_order_id = o.id)"):
        day = period_bounds(datetime.fromisoformat(created), "day",
                            s.services.kiosk.timezone)[0].isoformat()
        per_kiosk[day] = per_kiosk.get(day, 0) + total
        per_person[(volunteer, day)] = per_person.get((volunteer, day), 0) + total
    problems = [f"I5 {s.config.kiosk.id}: {spent} offline on {day} > {CAP_KIOSK}"
                for day, spent in per_kiosk.items() if spent > CAP_KIOSK]
    problems += [f"I5 {s.config.kiosk.id}: {v} spent {spent} offline on {day}"
                 for (v, day), spent in per_person.items() if spent > CAP_VOLUNTEER]
    return problems


def honest_fold(world: World) -> list[str]:
    """The district's balances against a fold made without it: the credits it was given and
    the transfers in the honest kiosks' own databases. A volunteer's debt account is counted
    with them (a debt moves points between the two, never in or out), and every account a
    dishonest kiosk could have touched must show only what honest entries put there."""
    expected: dict[str, int] = {}

    def move(account: str, amount: int) -> None:
        expected[account] = expected.get(account, 0) + amount

    for volunteer, points in world.credits.items():
        move(f"volunteer:{volunteer}", points)
        move("issuance", -points)
    for sim in world.sims:
        for src, dst, amount in sim.conn.execute(
                "SELECT from_account, to_account, amount FROM transfers"):
            move(src, -amount)
            move(dst, amount)
    held: dict[str, int] = {}
    for account, value in world.store.query(
            "SELECT account, SUM(balance) FROM balances GROUP BY account"):
        name = "volunteer:" + account[5:] if account.startswith("debt:") else account
        held[name] = held.get(name, 0) + int(value)
    return [f"fold: {account} holds {held.get(account, 0)}, honest entries make "
            f"{expected.get(account, 0)}"
            for account in sorted(set(expected) | set(held))
            if held.get(account, 0) != expected.get(account, 0)]


def reused_id_refused(store: Store, sim: SimKiosk, before: dict[str, int]) -> list[str]:
    """I8: an old entry id sent again with other content is rejected and changes nothing."""
    row = sim.conn.execute("SELECT seq, kind, entry_id, payload FROM outbox WHERE kind = 'sale' "
                           "ORDER BY seq LIMIT 1").fetchone()
    if row is None:
        return []
    payload = json.loads(row[3])
    payload["total"] += 1
    body = json.dumps({"idempotency_key": f"forged-{row[2]}", "entries": [
        {"seq": row[0], "entry_id": row[2], "kind": row[1], "kiosk_id": sim.config.kiosk.id,
         "payload": payload}]}).encode()
    status, answer = sim.transport.inner.request("POST", "/v1/push", body)
    result = json.loads(answer)["results"][0]["status"] if status == 200 else None
    after = {r["volunteer_id"]: r["balance"] for r in store.report("balances")}
    problems = []
    if result != "rejected":
        problems.append(f"I8: reused id with other content answered {result}")
    if after != before:
        problems.append("I8: a reused id changed balances")
    return problems


