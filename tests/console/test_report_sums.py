"""The sums the reports keep (district/console/rollups.py) stay exactly what a pass over the
whole history gives: sales an offline kiosk sends days late, their voids sent later still,
credits and their corrections, restocks, and volunteers moved to another community, through
the district's own push and credit paths, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from district.console import rollups
from district.console import schema as s
from district.console.queries import reports as rq
from district.console.scope import Principal, Role
from district.credits import Credit
from district.db import tables as t
from district.db.upsert import upsert
from district.store import Store
from tests.console.world import Client, ConsoleServer
from tests.district.entries import Pusher, sale, void

TODAY = datetime.now(UTC).date()
PEOPLE = (Principal("admin", "admin", Role.ADMIN, None),
          Principal("sw", "sw", Role.SOCIAL_WORKER, frozenset({"qintai"})),
          Principal("sw2", "sw2", Role.SOCIAL_WORKER, frozenset({"yuehu"})))
KIOSKS = ["k-late", "k-qintai", "k-yuehu"]


def _periods() -> list[rq.Period]:
    return [rq.period((TODAY - timedelta(days=n)).isoformat(), "", grain, TODAY)
            for n, grain in ((0, "day"), (3, "day"), (6, "week"), (40, "month"))]


def _assert_kept_sums_are_the_history(store: Store) -> None:
    rollups.ensure_earned(store.db)         # as a page does first
    with store.db.read() as conn:
        for period in _periods():
            for who in PEOPLE:
                assert rq.earned_kept(conn, who, period) == \
                    rq.earned_from_history(conn, who, period), (who.account_id, period)
            assert sorted(rq.sales_kept(conn, KIOSKS, period)) == \
                sorted(rq.sales_from_history(conn, KIOSKS, period)), period
            assert rq.sales_summed(conn, KIOSKS, period) == \
                rq.fold_sales(rq.sales_from_history(conn, KIOSKS, period)), period
        for kiosks in (KIOSKS, ["k-late"]):
            assert rq.stock_on_hand(conn, kiosks) == rq.stock_from_history(conn, kiosks)


def _at(days_ago: int, hour: int = 10) -> str:
    moment = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC)
    return (moment + timedelta(hours=hour)).isoformat()


def _sale(order_id: str, days_ago: int, **kw: Any) -> dict[str, Any]:
    entry = sale(order_id, kiosk="k-late", created_at=_at(days_ago), **kw)
    entry["offline"] = True
    return entry


def test_kept_report_sums_equal_the_history_after_late_entries_voids_and_corrections(
        console: ConsoleServer, signed_in: Callable[[str], Client]) -> None:
    store = console.store
    kiosk = Pusher(store, "k-late")
    with store.db.write() as conn:
        upsert(conn, s.kiosk_sites, {"kiosk_id": "k-late", "community_id": "qintai"},
               ("kiosk_id",), ("community_id",))
        conn.execute(t.stock_movements.insert().values(
            kiosk_id="k-late", entry_id="restock-1", item_id="soap", delta=20, kind="restock",
            donor_id="green-home"))
    _assert_kept_sums_are_the_history(store)

    # An offline kiosk comes back after five days: its old shop days get their sales now.
    first = [_sale(f"late-{n}", days_ago=5 - n % 5, volunteer=("V0001", "V0003")[n % 2])
             for n in range(8)]
    assert all(r.status == "applied" for r in kiosk.push(*first))
    with store.db.read() as conn:
        days = {r[0] for r in rq.sales_kept(conn, ["k-late"], _periods()[1])}
    assert (TODAY - timedelta(days=3)).isoformat() in days
    _assert_kept_sums_are_the_history(store)

    # Two days later in its own life it voids a sale of its first day and sends both again.
    assert all(r.status == "applied" for r in kiosk.push(void("void-0", first[0]),
                                                          _sale("late-9", days_ago=4)))
    _assert_kept_sums_are_the_history(store)

    # Credits and a correction that takes back more than is left (debt), by the console.
    admin = signed_in("admin")
    for volunteer, points in (("V0001", "70"), ("V0003", "40")):
        assert admin.post("/console/credits/manual", {"volunteer_id": volunteer,
                                                      "points": points,
                                                      "reason": "clean-up"}).status_code == 303
    store.credit_many([Credit("act-1/V0002", "V0002", 2.0, 20),
                       Credit("act-2/V0003", "V0003", 1.0, 10)])
    store.credit_many([Credit("act-1/V0002-fix", "V0002", 1.0, 5, corrects="act-1/V0002")])
    _assert_kept_sums_are_the_history(store)

    # An import that leaves every community as it was keeps the sums.
    with store.db.write() as conn:
        upsert(conn, s.volunteer_profiles, [{"volunteer_id": "V0001", "community_id": "qintai"},
                                            {"volunteer_id": "V0003", "community_id": "yuehu"}],
               ("volunteer_id",), ("community_id",))
    with store.db.read() as conn:
        assert rq.earned_kept(conn, PEOPLE[0], _periods()[3]) is not None

    # A volunteer moves to another community: the earned sums are dropped and rebuilt, and
    # until then a page reads the history (never the old community's figures).
    with store.db.write() as conn:
        upsert(conn, s.volunteer_profiles, {"volunteer_id": "V0003", "community_id": "qintai"},
               ("volunteer_id",), ("community_id",))
    with store.db.read() as conn:
        assert rq.earned_kept(conn, PEOPLE[0], _periods()[3]) is None
    _assert_kept_sums_are_the_history(store)
    with store.db.read() as conn:
        earned = rq.earned_kept(conn, PEOPLE[1], rq.period("", "", "day", TODAY))
    assert earned is not None and earned[(TODAY.isoformat(), "qintai")] >= 40 + 10

    # And the page shows the rebuilt figures.
    page = admin.get("/console/export/report_community.csv",
                     params={"from": str(date.today() - timedelta(days=40))})
    assert page.status_code == 200 and "琴台社区" in page.content.decode("utf-8")
