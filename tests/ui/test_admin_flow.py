"""The operator's side end to end on the real screens: in by operator card or long press and
PIN, fingers on the number pads (qtbot clicks), every action against the real SQLite file on
the worker thread, checked in the ledger and the audit log afterwards."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt

from kiosk.core import audit, cards, ledger, operators, stock
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.session_flow import Finish, Screen
from kiosk.services import pin_policy
from kiosk.ui.admin.audit_log import AuditScreen
from kiosk.ui.admin.base import AdminScreen, NumberPad
from kiosk.ui.admin.cards import CardsScreen
from kiosk.ui.admin.count import CountScreen
from kiosk.ui.admin.gate import AdminGate
from kiosk.ui.admin.orders import OrdersScreen
from kiosk.ui.admin.reports import ReportsScreen
from kiosk.ui.admin.restock import RestockScreen
from tests.ui.conftest import LI, WAIT_MS, ZHANG, Touchscreen

OPERATOR_CARD = "04D9E8F7A6B5C4"  # 王*国, flagged as operator in the demo shop
OPERATOR = "S0001"   # the operator the demo binds that card to


def gate(t: Touchscreen) -> AdminGate:
    assert t.kiosk.admin is not None
    return t.kiosk.admin


def signed_in(t: Touchscreen) -> bool:
    g = gate(t)
    return g.operator is not None and g.panel.isVisible() and g.panel.showing() is not None


def sign_in_by_card(t: Touchscreen) -> None:
    t.reader.remove()
    t.reader.present(OPERATOR_CARD)
    t.qtbot.waitUntil(lambda: signed_in(t), timeout=WAIT_MS)
    t.reader.remove()


def quiet(t: Touchscreen) -> None:
    """The worker thread is idle: the test may use the shared connection itself."""
    t.qtbot.waitUntil(lambda: t.kiosk.worker.pending == 0, timeout=WAIT_MS)


def settle(t: Touchscreen, screen: AdminScreen) -> None:
    t.qtbot.waitUntil(lambda: screen.busy == 0 and t.kiosk.worker.pending == 0,
                      timeout=WAIT_MS)


def open_screen(t: Touchscreen, key: str) -> AdminScreen:
    g = gate(t)
    t.click(g.panel.nav[key])
    screen = g.panel.screens[key]
    settle(t, screen)
    return screen


def choose_volunteer(t: Touchscreen, screen: CardsScreen, volunteer_id: str) -> None:
    """Type the volunteer's number into the cards screen's search; the list then holds them."""
    screen.volunteer_search.setText(volunteer_id)
    t.qtbot.waitUntil(lambda: screen.volunteer.currentData() == volunteer_id, timeout=WAIT_MS)


def type_digits(t: Touchscreen, pad: NumberPad, digits: str) -> None:
    for digit in digits:
        t.click(pad.keys[digit])


def audit_actions(t: Touchscreen) -> list[tuple[str, str]]:
    return [(e.operator_id, e.action) for e in audit.entries(t.services.conn)]


def test_restock_a_delivery_with_a_new_donor(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "restock")
    assert isinstance(screen, RestockScreen)
    screen.barcode.setText("6901234500017")  # what a wedge scanner types: soap
    touch.click(screen.find_button)
    touch.qtbot.waitUntil(lambda: screen.current_item() == "soap", timeout=WAIT_MS)
    type_digits(touch, screen.pad, "12")
    touch.click(screen.add)
    screen.select("rice")  # picked from the list
    type_digits(touch, screen.pad, "5")
    touch.click(screen.add)
    assert screen.delivery.count() == 2
    touch.click(screen.new_donor)
    # Chinese arrives from an input method as committed text (QTest cannot type it).
    screen.donor_name.insert("汉阳茶馆")
    touch.click(screen.save_donor)
    touch.qtbot.waitUntil(lambda: screen.donor.currentText() == "汉阳茶馆", timeout=WAIT_MS)
    touch.click(screen.receive)
    settle(touch, screen)
    assert "香皂: 40 → 52" in screen.result.text()
    conn = touch.services.conn
    assert (stock.on_hand(conn, "soap"), stock.on_hand(conn, "rice")) == (52, 15)
    donors = {r[0] for r in conn.execute(
        """SELECT d.name FROM stock_movements m JOIN donors d ON d.id = m.donor_id
           WHERE m.item_id IN ('soap', 'rice') AND m.delta IN (12, 5)""")}
    assert donors == {"汉阳茶馆"}
    assert audit_actions(touch)[-2:] == [(OPERATOR, "donor"), (OPERATOR, "restock")]
    assert screen.delivery.count() == 0


def test_stock_count_with_a_reason_and_the_low_stock_list(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "count")
    assert isinstance(screen, CountScreen)
    screen.select("soap")
    type_digits(touch, screen.pad, "38")
    touch.click(screen.set_count)
    screen.select("schoolbag")
    type_digits(touch, screen.pad, "1")
    touch.click(screen.set_count)
    screen.reason.setCurrentIndex(screen.reason.findData("damaged"))
    touch.click(screen.save)
    settle(touch, screen)
    assert screen.result.text() == "已保存：调整了 2 种商品。"
    conn = touch.services.conn
    assert (stock.on_hand(conn, "soap"), stock.on_hand(conn, "schoolbag")) == (38, 1)
    notes = {r[0] for r in conn.execute("SELECT note FROM stock_movements WHERE kind = 'count'")}
    assert notes == {"damaged"}
    low = [screen.low.item(i).text() for i in range(screen.low.count())]
    assert any(line.startswith("书包：剩 1 件") for line in low)
    assert audit_actions(touch)[-1] == (OPERATOR, "count")


def test_void_returns_points_and_stock_and_refuses_the_rest(touch: Touchscreen) -> None:
    conn, clock = touch.services.conn, touch.clock
    checkout = touch.services.checkout
    quiet(touch)
    checkout.checkout("old-sale", PresentedCard(LI), [CartLine("toothbrush", 1)])
    clock.advance(minutes=touch.services.policy.void_window_minutes + 1)
    checkout.checkout("sale-1", PresentedCard(ZHANG), [CartLine("soap", 2)])
    checkout.checkout("sale-2", PresentedCard(ZHANG), [CartLine("rice", 1)])
    zhang_before, li_before = ledger.balance(conn, "V0001"), ledger.balance(conn, "V0002")
    sign_in_by_card(touch)
    screen = open_screen(touch, "orders")
    assert isinstance(screen, OrdersScreen)

    def pick(order_id: str) -> None:
        screen.search.setText(order_id)
        touch.click(screen.find_button)
        settle(touch, screen)
        selected = screen.selected()
        assert selected is not None and selected.order_id == order_id

    def void_twice() -> None:
        touch.click(screen.void)
        assert screen.void.text() == "再点一次确认撤销"
        touch.click(screen.void)
        settle(touch, screen)

    gate(touch).on_scanned("sale-1")  # the receipt's QR through the keyboard-wedge scanner
    touch.qtbot.waitUntil(lambda: getattr(screen.selected(), "order_id", None) == "sale-1",
                          timeout=WAIT_MS)
    void_twice()
    assert ledger.balance(conn, "V0001") == zhang_before + 60
    assert stock.on_hand(conn, "soap") == 40
    assert "退回 60 分" in screen.result.text()
    selected = screen.selected()
    assert selected is not None and selected.voided_by and not screen.void.isEnabled()
    # Another operator voids sale-2 while this screen still shows it as a sale.
    pick("sale-2")
    quiet(touch)
    audit.void(conn, clock, touch.services.kiosk, touch.services.policy, "kiosk-admin",
               void_id="other-void", order_id="sale-2", reason="wrong item")
    after_other_void = ledger.balance(conn, "V0001")
    void_twice()
    assert screen.notice.text() == "这笔订单已经撤销过了。"
    assert ledger.balance(conn, "V0001") == after_other_void
    assert conn.execute("SELECT COUNT(*) FROM orders WHERE voids_order_id = 'sale-2'"
                        ).fetchone()[0] == 1
    # Too old to void.
    pick("old-sale")
    void_twice()
    assert screen.notice.text() == "这笔订单已超过可撤销的时间。"
    assert ledger.balance(conn, "V0002") == li_before
    voids = [a for a in audit_actions(touch) if a[1] == "void"]
    assert voids == [(OPERATOR, "void"), ("kiosk-admin", "void")]
    log = open_screen(touch, "audit")
    assert isinstance(log, AuditScreen)
    newest = log.rows.item(0).text()
    # In words: what was done and why, with the order's short number; codes only on request.
    assert "撤销订单" in newest and "原因: wrong item" in newest and "void" not in newest
    assert "{" not in newest and "sale-2" not in newest
    assert log.rows.count() == len(audit_actions(touch))
    log.details.setChecked(True)
    assert "sale-2" in log.rows.item(0).text()


def test_block_a_lost_card_then_the_volunteer_is_refused(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "cards")
    assert isinstance(screen, CardsScreen)
    touch.reader.present(ZHANG)  # tapped while the operator side is open: it goes here
    touch.qtbot.waitUntil(lambda: screen.info is not None and screen.info.card_id == ZHANG,
                          timeout=WAIT_MS)
    assert touch.screen == Screen.IDLE  # the volunteer flow never saw the tap
    assert "张*华" in screen.detail.text()
    touch.click(screen.block)
    touch.qtbot.waitUntil(lambda: screen.info is not None and screen.info.status == "blocked",
                          timeout=WAIT_MS)
    status = touch.services.conn.execute(
        "SELECT status FROM cards WHERE card_id = ?", (ZHANG,)).fetchone()[0]
    assert status == "blocked"
    assert audit_actions(touch)[-1] == (OPERATOR, "block")
    touch.click(gate(touch).panel.sign_out)
    touch.qtbot.waitUntil(lambda: not gate(touch).panel.isVisible(), timeout=WAIT_MS)
    touch.reader.remove()
    touch.reader.present(ZHANG)
    touch.wait_for(Screen.REFUSED)
    # A volunteer's card opens the volunteer screens, never the operator's.
    touch.reader.remove()
    touch.kiosk.controller.send(Finish())
    touch.wait_for(Screen.IDLE)
    touch.tap(LI)
    assert not gate(touch).panel.isVisible() and gate(touch).operator is None


def test_long_press_pin_lockout_and_idle_sign_out(touch: Touchscreen) -> None:
    services = touch.services
    policy = pin_policy(services.config)
    quiet(touch)
    operators.set_operator(services.conn, touch.clock, policy, "op1", name="刘社工",
                           pin="482913")
    g = gate(touch)
    shop_name = touch.window.idle.shop
    touch.qtbot.mousePress(shop_name, Qt.MouseButton.LeftButton)
    touch.qtbot.mouseRelease(shop_name, Qt.MouseButton.LeftButton)
    assert not g.press.isActive()  # a tap is not a long press
    touch.qtbot.mousePress(shop_name, Qt.MouseButton.LeftButton)
    touch.qtbot.waitUntil(g.panel.isVisible, timeout=WAIT_MS)
    touch.qtbot.mouseRelease(shop_name, Qt.MouseButton.LeftButton)
    pad = g.panel.pin_pad
    assert g.panel.showing() is None and g.operator is None
    touch.reader.present(ZHANG)  # a volunteer's card on the PIN pad opens nothing
    touch.qtbot.waitUntil(lambda: touch.kiosk.worker.pending == 0 and not g.door.checking,
                          timeout=WAIT_MS)
    touch.reader.remove()
    assert g.operator is None and pad.isVisible() and touch.screen == Screen.IDLE

    def try_pin(pin: str) -> None:
        type_digits(touch, pad.pad, pin)
        touch.click(pad.go)
        settle(touch, pad)

    try_pin("111111")
    assert pad.notice.text() == "密码不对，还可以再试 2 次。"
    try_pin("222222")
    try_pin("333333")
    assert pad.notice.text() == "密码输错太多次，请 30 秒后再试。"
    try_pin("482913")  # right, but locked: not even checked
    assert g.operator is None and "秒后再试" in pad.notice.text()
    touch.clock.advance(seconds=policy.lockout_seconds)
    try_pin("482913")
    touch.qtbot.waitUntil(lambda: signed_in(touch), timeout=WAIT_MS)
    assert g.panel.who.text() == "管理员：刘社工"
    assert audit_actions(touch)[-1] == ("op1", "sign_in")
    touch.clock.advance(seconds=services.config.operator.idle_signout_seconds)
    touch.qtbot.waitUntil(lambda: not g.panel.isVisible(), timeout=WAIT_MS)
    assert g.operator is None


def test_report_and_csv_export(touch: Touchscreen, tmp_path: Path) -> None:
    quiet(touch)
    touch.services.checkout.checkout("sale-1", PresentedCard(ZHANG),
                                     [CartLine("soap", 2), CartLine("detergent", 1)])
    sign_in_by_card(touch)
    screen = open_screen(touch, "reports")
    assert isinstance(screen, ReportsScreen)
    assert screen.report is not None and screen.report.points_redeemed == 290
    assert "兑换积分：290" in screen.figures.text()
    assert sum(v for _, v in screen.per_day.bars) == 290
    assert dict(screen.per_donor.bars)["绿家日化有限公司"] == 3
    # in the data folder beside the database (the config's folder is /etc on a kiosk)
    reports = touch.services.config.database_path.parent / "reports"
    assert screen.folder.currentData() == str(reports)
    touch.click(screen.export)
    settle(touch, screen)
    summary = next(reports.glob("summary_*.csv"))
    assert summary.read_bytes().startswith(b"\xef\xbb\xbf")
    with summary.open(encoding="utf-8-sig", newline="") as fh:
        assert int(dict(csv.reader(fh))["points_redeemed"]) == 290
    with next(reports.glob("top_items_*.csv")).open(
            encoding="utf-8-sig", newline="") as fh:
        top = {r["名称 name_zh"]: int(r["数量 quantity"]) for r in csv.DictReader(fh)}
    assert top == {"香皂": 2, "洗衣液": 1}
    assert cards.look_up(touch.services.conn, PresentedCard(ZHANG)).balance == 510
