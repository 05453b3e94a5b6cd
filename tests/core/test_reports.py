"""Reports: figures checked against the ledger itself, FIFO goods per donor, CSV round trip."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from kiosk.core import audit, ledger, report_csv, reports, stock
from kiosk.core.clock import to_db
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services
from tests.conftest import ManualClock

ZHANG, LI = PresentedCard("04A1B2C3D4E5F6"), PresentedCard("04B7C8D9E0F1A2")


def _sell_a_day(shop: Services, clock: ManualClock) -> None:
    """Sales across two days, a void, a second delivery of soap and a count loss."""
    shop.checkout.checkout("s1", ZHANG, [CartLine("soap", 2), CartLine("donate-10", 1)])
    clock.advance(minutes=10)
    shop.checkout.checkout("s2", LI, [CartLine("toothbrush", 1), CartLine("soap", 1)])
    clock.advance(minutes=10)
    shop.checkout.checkout("s3", ZHANG, [CartLine("rice", 1)])
    audit.void(shop.conn, clock, shop.kiosk, shop.policy, "op", void_id="v3", order_id="s3",
               reason="wrong")
    audit.add_donor(shop.conn, clock, "op", "tea-house", name="茶馆")
    audit.restock(shop.conn, clock, "op", [stock.Restock("soap", 10)],
                  donor_id="tea-house")
    audit.record_count(shop.conn, clock, "op", {"soap": 46}, "broken")  # 47 -> 46
    clock.advance(days=1)
    shop.checkout.checkout("s4", LI, [CartLine("soap", 1)])


def _ledger_points_spent(shop: Services, start: str, end: str) -> int:
    """Points that left volunteer accounts in [start, end), straight from the transfers."""
    row = shop.conn.execute(
        """SELECT COALESCE(SUM(CASE WHEN from_account LIKE 'volunteer:%' THEN amount END), 0)
                - COALESCE(SUM(CASE WHEN to_account LIKE 'volunteer:%' THEN amount END), 0)
           FROM transfers WHERE created_at >= ? AND created_at < ?""", (start, end)).fetchone()
    return int(row[0])


def test_today_figures_agree_with_the_ledger(shop: Services, clock: ManualClock) -> None:
    _sell_a_day(shop, clock)
    tz = shop.kiosk.timezone
    first = reports.between(date(2026, 11, 30), date(2026, 11, 30), tz)
    rep = reports.report(shop.conn, first, tz)
    assert (rep.sales, rep.voids) == (3, 1)
    assert rep.points_redeemed == _ledger_points_spent(
        shop, to_db(first.start), to_db(first.end)) == 70 + 20 + 30
    # Items out: net line quantities (the voided rice came back).
    assert rep.items_out == 2 + 1 + 1 + 1
    assert [(t.item_id, t.quantity) for t in rep.top_items][:1] == [("soap", 3)]
    assert "rice" not in [t.item_id for t in rep.top_items]
    assert dict(rep.points_per_day) == {"2026-11-30": rep.points_redeemed}
    soap_from = {d.donor_id: d for d in rep.donors if d.item_id == "soap"}
    # FIFO: the three soaps sold and the one broken come out of the oldest delivery.
    assert (soap_from["green-home"].received, soap_from["green-home"].given_out,
            soap_from["green-home"].written_off) == (40, 3, 1)
    assert (soap_from["tea-house"].received, soap_from["tea-house"].given_out) == (10, 0)
    assert sum(d.given_out for d in rep.donors) == 4  # 3 soap + 1 toothbrush; rice voided


def test_week_spans_days_and_matches_the_stock_ledger(shop: Services,
                                                      clock: ManualClock) -> None:
    _sell_a_day(shop, clock)
    tz = shop.kiosk.timezone
    week = reports.this_week(clock.now(), tz)
    rep = reports.report(shop.conn, week, tz)
    assert rep.sales == 4
    assert rep.points_redeemed == _ledger_points_spent(
        shop, to_db(week.start), to_db(week.end))
    assert len(rep.points_per_day) == 7
    assert dict(rep.points_per_day)["2026-12-01"] == 30
    given = sum(d.given_out for d in rep.donors)
    sold_goods = -int(shop.conn.execute(
        "SELECT SUM(delta) FROM stock_movements WHERE kind IN ('sale', 'void')").fetchone()[0])
    assert given == sold_goods == 5
    # A period with nothing in it.
    empty = reports.report(shop.conn, reports.between(date(2026, 1, 1), date(2026, 1, 2), tz),
                           tz)
    assert (empty.sales, empty.points_redeemed, empty.donors) == (0, 0, [])


def test_low_stock_and_offline(shop: Services, clock: ManualClock) -> None:
    audit.record_count(shop.conn, clock, "op", {"schoolbag": 1, "soap": 6}, "count")
    ledger.apply_snapshots(shop.conn, [ledger.Snapshot("V0002", -40, 0, clock.now())])
    tz = shop.kiosk.timezone
    rep = reports.report(shop.conn, reports.today(clock.now(), tz), tz)
    low = {s.item_id: (s.on_hand, s.threshold) for s in rep.low_stock}
    assert low["schoolbag"] == (1, 2)
    assert "soap" not in low  # 6 > its threshold of 5
    assert (rep.offline.volunteers_below_zero, rep.offline.points_below_zero) == (1, 40)
    assert rep.offline.unconfirmed_entries == shop.conn.execute(
        "SELECT COUNT(*) FROM outbox").fetchone()[0]


def test_csv_export_opens_back_with_chinese_intact(shop: Services, clock: ManualClock,
                                                   tmp_path: Path) -> None:
    _sell_a_day(shop, clock)
    tz = shop.kiosk.timezone
    period = reports.this_week(clock.now(), tz)
    rep = reports.report(shop.conn, period, tz)
    files = report_csv.write_report(rep, tmp_path / "usb", audit.entries(shop.conn))
    assert all(f.read_bytes().startswith(b"\xef\xbb\xbf") for f in files)
    by_name = {f.name.split("_2026")[0]: f for f in files}
    with by_name["donors"].open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    green = [r for r in rows if r["捐赠方编号 donor_id"] == "green-home" and
             r["商品编号 item_id"] == "soap"]
    assert green[0]["捐赠方 donor"] == "绿家日化有限公司"
    assert int(green[0]["已兑出 given_out"]) == 4
    with by_name["summary"].open(encoding="utf-8-sig", newline="") as fh:
        summary = dict(csv.reader(fh))
    assert int(summary["points_redeemed"]) == rep.points_redeemed
    with by_name["audit"].open(encoding="utf-8-sig", newline="") as fh:
        actions = [r["操作 action"] for r in csv.DictReader(fh)]
    assert actions == ["void", "donor", "restock", "count"]
