"""Reports tell the truth: a donor's units are followed first in, first out through sales,
voids and write-offs; earned and spent land in the right period and community; a new credit
shows at once (the history cache keys on the history's growth)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from district.console.queries import donors as dq
from district.db import tables as t
from district.store import Store
from tests.console.world import Client, ConsoleServer


def _movements(store: Store, rows: list[tuple[str, int, str, str | None, str]]) -> None:
    """(kind, delta, entry id, donor, volunteer) at kiosk k-qintai for soap (price 30)."""
    with store.db.write() as conn:
        for kind, delta, entry, donor, volunteer in rows:
            if kind in ("sale", "void"):
                conn.execute(t.orders.insert().values(
                    order_id=entry, kiosk_id="k-qintai", kind=kind, volunteer_id=volunteer,
                    card_id="04A1B2C3D4E5F6", total=30 * -delta if kind == "sale" else 30,
                    offline=False, voids_order_id="s1" if kind == "void" else None,
                    created_at="2026-11-30T02:00:00+00:00", shop_day="2026-11-30",
                    received_at="2026-11-30T02:00:00+00:00"))
                conn.execute(t.order_lines.insert().values(
                    order_id=entry, line_no=1, item_id="soap", quantity=abs(delta),
                    unit_price=30, amount=30 * abs(delta)))
            conn.execute(t.stock_movements.insert().values(
                kiosk_id="k-qintai", entry_id=entry, item_id="soap", delta=delta, kind=kind,
                donor_id=donor))


def test_a_donors_units_are_followed_first_in_first_out(console: ConsoleServer) -> None:
    store = console.store
    _movements(store, [("restock", 3, "r1", "green-home", ""),
                       ("restock", 5, "r2", "hanyang-mart", ""),
                       ("sale", -2, "s1", None, "V0001"),      # green's first two
                       ("sale", -2, "s2", None, "V0002"),      # green's last, one of hanyang's
                       ("void", 2, "v1", None, "V0001"),       # s1's two back on the shelf
                       ("count", -1, "c1", None, ""),          # the oldest one written off
                       ("sale", -1, "s3", None, "V0003")])
    with store.db.read() as conn:
        shares = dq.attribute(conn, ["k-qintai"], ["soap"])
        green = shares[("green-home", "soap", "k-qintai")]
        mart = shares[("hanyang-mart", "soap", "k-qintai")]
        assert (green.given, green.sold, green.written_off, green.on_shelf) == (3, 2, 1, 0)
        assert green.volunteers == {"V0002", "V0003"} and green.points == 60
        assert (mart.given, mart.sold, mart.on_shelf) == (5, 1, 4)
        assert mart.volunteers == {"V0002"}
        report = dq.report(conn, "green-home", ["k-qintai"])
    assert report[0]["kiosks"] == "k-qintai (2)" and report[0]["volunteer_count"] == 2


def test_reports_count_credits_and_sales_where_they_belong(
        console: ConsoleServer, signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin")
    qintai = signed_in("sw-qintai")

    def community_rows(client: Client) -> dict[str, tuple[int, int]]:
        text = client.get("/console/export/report_community.csv",
                          params={"from": str(date.today() - timedelta(days=400)),
                                  "to": str(date.today() + timedelta(days=1))}).content
        lines = text.decode("utf-8").lstrip("\ufeff").splitlines()[1:]
        return {r.split(",")[0]: (int(r.split(",")[1]), int(r.split(",")[2])) for r in lines}

    before = community_rows(admin)
    assert before["琴台社区"][0] == 920 and before["月湖社区"][0] == 500   # opening balances
    assert set(community_rows(qintai)) == {"琴台社区"}
    assert admin.post("/console/credits/manual", {"volunteer_id": "V0002", "points": "70",
                                                  "reason": "clean-up day"}).status_code == 303
    after = community_rows(admin)                       # shown at once, not a stale page
    assert after["琴台社区"][0] == 990 and after["月湖社区"] == before["月湖社区"]
