"""The reports screen's chosen period and the shop's clock on the operator screens.

Sales are made around midnight in the shop's zone (Asia/Shanghai, UTC+8), where a shop day
and a UTC day disagree, and the figures on screen are checked against sums taken straight
from the SQLite file with hand-written UTC bounds. The time test runs the process in UTC
(the usual kiosk PC set-up) and expects the shop's wall clock on screen.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

from kiosk.core import audit
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.session_flow import Screen
from kiosk.ui.admin.audit_log import AuditScreen
from kiosk.ui.admin.health import HealthScreen
from kiosk.ui.admin.orders import OrdersScreen
from kiosk.ui.admin.reports import ReportsScreen
from kiosk.ui.screens.balance import BalanceScreen
from tests.conftest import mark_synced
from tests.ui.conftest import LI, WAIT_MS, ZHANG, Touchscreen
from tests.ui.test_admin_flow import open_screen, quiet, settle, sign_in_by_card

# Shop days 2026-12-01 .. 2026-12-03 in Asia/Shanghai, written out by hand in UTC.
RANGE_START = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
RANGE_END = datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


def sell(t: Touchscreen, at: datetime, order_id: str, card: str, lines: list[CartLine]) -> None:
    t.clock.moment = at
    mark_synced(t.services, at)  # online: no offline caps in the way
    t.services.checkout.checkout(order_id, PresentedCard(card), lines)


def ledger_sums(database: Path) -> tuple[int, int, int]:
    """(net points, sales, items out) of the orders inside the range, from the file itself."""
    conn = sqlite3.connect(database)
    try:
        orders = conn.execute("SELECT id, kind, total, created_at FROM orders").fetchall()
        inside = {o[0]: o for o in orders
                  if RANGE_START <= datetime.fromisoformat(o[3]) < RANGE_END}
        items = sum(q for order_id, q in conn.execute(
            "SELECT order_id, quantity FROM order_lines") if order_id in inside)
    finally:
        conn.close()
    return (sum(o[2] for o in inside.values()), sum(o[1] == "sale" for o in inside.values()),
            items)


def test_a_chosen_period_counts_the_shop_days_and_matches_the_ledger(
        touch: Touchscreen, tmp_path: Path) -> None:
    services, clock = touch.services, touch.clock
    quiet(touch)
    sell(touch, datetime(2026, 11, 30, 2, 0, tzinfo=UTC), "before", ZHANG,
         [CartLine("soap", 1)])                              # 30 Nov 10:00 local: outside
    sell(touch, datetime(2026, 11, 30, 16, 30, tzinfo=UTC), "first-day", ZHANG,
         [CartLine("detergent", 1)])                         # 1 Dec 00:30 local: inside
    sell(touch, datetime(2026, 12, 2, 4, 0, tzinfo=UTC), "voided", LI,
         [CartLine("toothbrush", 1)])                        # inside, then voided
    audit.void(services.conn, clock, services.kiosk, services.policy, "kiosk-admin",
               void_id="the-void", order_id="voided", reason="wrong item")
    sell(touch, datetime(2026, 12, 3, 15, 50, tzinfo=UTC), "last-day", ZHANG,
         [CartLine("tissues", 2)])                           # 3 Dec 23:50 local: inside
    sell(touch, datetime(2026, 12, 3, 16, 10, tzinfo=UTC), "after", ZHANG,
         [CartLine("notebooks", 1)])                         # 4 Dec 00:10 local: outside
    points, sales, items = ledger_sums(Path(services.config.database.path))
    assert (sales, points) == (3, 230 + 70)  # the sums are not empty or trivial
    sign_in_by_card(touch)
    screen = open_screen(touch, "reports")
    assert isinstance(screen, ReportsScreen)
    assert not screen.range_row.isVisible()
    touch.click(screen.tabs["chosen"])
    touch.qtbot.waitUntil(screen.range_row.isVisible, timeout=WAIT_MS)
    finger = touch.window.ctx.metrics.touch
    for picker in (screen.first_day, screen.last_day):  # sized for fingers, calendar too
        assert picker.calendarPopup() and picker.height() >= finger
        calendar = picker.calendarWidget().minimumSize()
        assert (calendar.width(), calendar.height()) >= (7 * finger, 7 * finger)
    screen.first_day.setDate(QDate(2026, 12, 1))  # what picking a day in the calendar does
    screen.last_day.setDate(QDate(2026, 12, 3))
    settle(touch, screen)
    r = screen.report
    assert r is not None and r.period.label == "2026-12-01..2026-12-03"
    assert (r.points_redeemed, r.sales, r.voids, r.items_out) == (points, sales, 1, items)
    assert f"兑换积分：{points}" in screen.figures.text()
    assert f"订单：{sales} 笔（撤销 1 笔）" in screen.figures.text()
    assert screen.per_day.bars == [("12-01", 230), ("12-02", 0), ("12-03", 70)]
    # The CSV export writes the same period.
    screen.folder.addItem(str(tmp_path / "usb"), str(tmp_path / "usb"))
    screen.folder.setCurrentIndex(screen.folder.count() - 1)
    touch.click(screen.export)
    settle(touch, screen)
    with (tmp_path / "usb" / "summary_2026-12-01_2026-12-03.csv").open(
            encoding="utf-8-sig", newline="") as fh:
        summary = dict(csv.reader(fh))
    assert (int(summary["points_redeemed"]), int(summary["sales"])) == (points, sales)


def test_a_chosen_period_that_ends_before_it_starts_is_refused(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "reports")
    assert isinstance(screen, ReportsScreen)
    touch.click(screen.tabs["chosen"])
    settle(touch, screen)
    assert screen.report is not None and screen.export.isEnabled()
    screen.set_dates(datetime(2026, 11, 20).date(), datetime(2026, 11, 10).date())
    settle(touch, screen)
    assert screen.notice.isVisible()
    assert screen.notice.text() == "开始日期晚于结束日期，请重新选择日期。"
    assert screen.report is None and not screen.export.isEnabled()
    assert screen.figures.text() == "" and screen.per_day.bars == []
    screen.lang.set("en")
    screen.set_dates(datetime(2026, 11, 21).date(), datetime(2026, 11, 10).date())
    settle(touch, screen)
    assert screen.notice.text() == \
        "The first day is after the last day: choose the dates again."
    screen.set_dates(datetime(2026, 11, 10).date(), datetime(2026, 11, 21).date())
    settle(touch, screen)
    assert not screen.notice.isVisible()
    assert screen.report is not None and screen.report.period.label == "2026-11-10..2026-11-21"


@pytest.fixture
def machine_in_utc() -> Iterator[None]:
    """The kiosk PC's own zone is UTC (the usual image); Qt's local time follows TZ."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_operator_screens_show_the_shops_clock(machine_in_utc: None,
                                               touch: Touchscreen) -> None:
    assert touch.services.kiosk.timezone.key == "Asia/Shanghai"
    assert touch.clock.now() == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    quiet(touch)
    mark_synced(touch.services, touch.clock.now())
    touch.services.checkout.checkout("sale-1", PresentedCard(ZHANG), [CartLine("soap", 1)])
    sign_in_by_card(touch)  # the sign-in is in the audit log at the same moment
    orders = open_screen(touch, "orders")
    assert isinstance(orders, OrdersScreen)
    orders.look_up("sale-1")
    settle(touch, orders)
    assert orders.results.item(0).text().startswith("2026年11月30日 10:00")
    assert "时间：2026年11月30日 10:00" in orders.detail.text()
    log = open_screen(touch, "audit")
    assert isinstance(log, AuditScreen)
    assert log.rows.item(0).text().startswith("2026年11月30日 10:00")
    health = open_screen(touch, "health")
    assert isinstance(health, HealthScreen)
    assert "上次成功：2026年11月30日 10:00" in health.sync.text()
    health.lang.set("en")
    assert "Last success: 30 Nov 2026, 10:00" in health.sync.text()


def test_my_records_show_the_shops_clock(machine_in_utc: None, touch: Touchscreen) -> None:
    """The volunteer's own list of exchanges uses the same wall clock."""
    quiet(touch)
    touch.services.checkout.checkout("sale-1", PresentedCard(ZHANG), [CartLine("soap", 1)])
    touch.tap(ZHANG)
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    touch.click(balance.records)
    touch.wait_for(Screen.RECORDS)
    records = touch.page(Screen.RECORDS)
    touch.qtbot.waitUntil(lambda: any(
        w.text().startswith("2026年11月30日") for w in records.findChildren(QLabel)),
        timeout=WAIT_MS)
    stamps = [w.text() for w in records.findChildren(QLabel)
              if w.text().startswith("2026年11月30日")]
    assert stamps == ["2026年11月30日 10:00"]
