"""The volunteer's visit end to end on the real screens: a card through the simulated reader,
fingers on the widgets (qtbot clicks), the checkout against the real SQLite file on the worker
thread, and the receipt as ESC/POS bytes received by a TCP printer on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from kiosk.core import cards, families, stock
from kiosk.core.db import write_transaction
from kiosk.core.models import PresentedCard
from kiosk.core.printing import last_print
from kiosk.core.session_flow import Add, Confirm, Finish, Pay, Screen, ShowCart, Tick
from kiosk.ui.demo_panel import DemoQr
from kiosk.ui.screens.balance import BalanceScreen
from kiosk.ui.screens.cart import CartScreen
from kiosk.ui.screens.catalogue import CatalogueScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.records import RecordsScreen
from kiosk.ui.screens.refused import RefusedScreen
from points_protocol.catalogue import Category
from tests.hardware.tcp_printer import decode_text
from tests.ui.conftest import BLOCKED, LI, WAIT_MS, ZHANG, Touchscreen


def catalogue(t: Touchscreen) -> CatalogueScreen:
    page = t.page(Screen.CATALOGUE)
    assert isinstance(page, CatalogueScreen)
    return page


def balance_of(t: Touchscreen, card_id: str) -> int:
    return cards.look_up(t.services.conn, PresentedCard(card_id)).balance


def orders(t: Touchscreen) -> int:
    return int(t.services.conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


def open_catalogue(t: Touchscreen) -> CatalogueScreen:
    balance = t.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    t.click(balance.shop)
    t.wait_for(Screen.CATALOGUE)
    return catalogue(t)


def pay(t: Touchscreen) -> None:
    shelf = catalogue(t)
    t.click(shelf.to_cart)
    t.wait_for(Screen.CART)
    cart = t.page(Screen.CART)
    assert isinstance(cart, CartScreen)
    t.click(cart.go)
    t.wait_for(Screen.CONFIRM)
    confirm = t.page(Screen.CONFIRM)
    assert isinstance(confirm, ConfirmScreen)
    t.click(confirm.pay)


def test_purchase_from_tap_to_receipt(touch: Touchscreen) -> None:
    soap_before = stock.on_hand(touch.services.conn, "soap")
    detergent_before = stock.on_hand(touch.services.conn, "detergent")
    touch.tap(ZHANG)
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    assert balance.hello.text() == "您好，张*华" and balance.balance.text() == "800"
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    touch.click(shelf.tiles["soap"])
    touch.click(shelf.tabs[Category.DAILY_LIFE])
    assert not shelf.tiles["soap"].isVisible() and shelf.tiles["detergent"].isVisible()
    touch.click(shelf.tiles["detergent"])
    assert shelf.in_cart.text() == "已选：290 分" and shelf.after.text() == "兑换后剩余：510 分"
    pay(touch)
    touch.wait_for(Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    assert done.title.text() == "兑换成功！请取走小票。" and done.balance.text() == "510"
    assert not done.notice.isVisible()
    # the sale is in the ledger and on the shelf
    assert balance_of(touch, ZHANG) == 510
    assert stock.on_hand(touch.services.conn, "soap") == soap_before - 2
    assert stock.on_hand(touch.services.conn, "detergent") == detergent_before - 1
    # and on paper, as the printer received it
    receipt = touch.kiosk.controller.state.receipt
    assert receipt is not None
    job = touch.paper.wait_for_jobs(1)[0]
    text = decode_text(job)
    assert "香皂" in text and "洗衣液" in text and "张*华" in text and "510" in text
    assert last_print(touch.services.conn, receipt.order_id) == ("printed", None)
    # "finish" goes back to the start screen
    touch.click(done.finish)
    touch.wait_for(Screen.IDLE)


def test_checkout_and_printing_run_off_the_gui_thread(touch: Touchscreen) -> None:
    """The receipt goes out on the printer's own thread (not the database's: see
    test_printer_thread.py)."""
    seen: list[str] = []
    real = touch.printer.print_receipt

    def spy(receipt: object) -> None:  # wraps the real printer: only records the thread
        seen.append(threading.current_thread().name)
        real(receipt)  # type: ignore[arg-type]

    touch.printer.print_receipt = spy  # type: ignore[method-assign]
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["toothbrush"])
    pay(touch)
    touch.wait_for(Screen.DONE)
    assert seen and all(name.startswith("kiosk-printer") for name in seen)
    assert threading.current_thread() is threading.main_thread()


def test_not_enough_points_is_shown_and_explained(touch: Touchscreen) -> None:
    touch.tap(LI)
    shelf = open_catalogue(touch)
    touch.click(shelf.tabs[Category.GROWTH_EDUCATION])
    bag = shelf.tiles["schoolbag"]
    assert bag.property("state") == "off" and bag.state.text() == "积分不足"
    touch.click(bag)
    assert shelf.notice.isVisible() and "积分不够" in shelf.notice.text()
    assert touch.kiosk.controller.state.cart.items == ()
    assert not shelf.to_cart.isEnabled()


def test_out_of_stock_tile_and_stock_gone_before_paying(touch: Touchscreen) -> None:
    conn, clock = touch.services.conn, touch.clock
    stock.record_count(conn, clock, {"kite": 0}, "shelf count")
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tabs[Category.CULTURE_LEISURE])
    kite = shelf.tiles["kite"]
    assert kite.property("state") == "off" and kite.state.text() == "已兑完"
    touch.click(kite)
    assert "已兑完" in shelf.notice.text()
    touch.click(shelf.tabs[Category.DAILY_LIFE])
    touch.click(shelf.tiles["umbrella"])
    # someone else takes the last umbrellas meanwhile (the worker is idle: no race on conn)
    stock.record_count(conn, clock, {"umbrella": 0}, "shelf count")
    pay(touch)
    touch.wait_for(Screen.CART)
    cart = touch.page(Screen.CART)
    assert isinstance(cart, CartScreen)
    assert cart.notice.isVisible() and "已兑完" in cart.notice.text()
    assert orders(touch) == 0 and balance_of(touch, ZHANG) == 800


def test_per_person_limit_explained_in_the_cart_and_at_checkout(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    for _ in range(3):
        touch.click(shelf.tiles["soap"])
    assert "每周限 2 件" in shelf.notice.text()
    assert touch.kiosk.controller.state.cart.quantity_of("soap") == 2
    pay(touch)
    touch.wait_for(Screen.DONE)
    # the same card again this week: the cart allows one, the ledger knows she had two
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    pay(touch)
    touch.wait_for(Screen.CART)
    cart = touch.page(Screen.CART)
    assert isinstance(cart, CartScreen)
    assert "本期已兑换 2 件" in cart.notice.text()
    assert orders(touch) == 1


def test_forged_and_genuine_qr_cards(touch: Touchscreen) -> None:
    qr = DemoQr(touch.clock)
    qr.show(touch.reader, qr.forged())
    touch.wait_for(Screen.REFUSED)
    refused = touch.page(Screen.REFUSED)
    assert isinstance(refused, RefusedScreen)
    assert "无法验证" in refused.message.text()
    touch.click(refused.ok)
    touch.wait_for(Screen.IDLE)
    qr.show(touch.reader, qr.genuine())
    touch.wait_for(Screen.BALANCE)
    holder = touch.kiosk.controller.state.holder
    assert holder is not None and holder.masked_name == "张*华"


def test_blocked_and_unknown_cards_are_refused_then_idle(touch: Touchscreen) -> None:
    touch.reader.present(BLOCKED)
    touch.wait_for(Screen.REFUSED)
    refused = touch.page(Screen.REFUSED)
    assert isinstance(refused, RefusedScreen)
    assert refused.message.text() == "这张卡已停用，请联系工作人员。"
    touch.clock.advance(seconds=touch.services.config.ui.done_seconds)
    touch.kiosk.controller.send(Tick())
    touch.wait_for(Screen.IDLE)
    touch.reader.remove()
    touch.reader.present("DEADBEEF")
    touch.wait_for(Screen.REFUSED)
    assert "没有登记" in refused.message.text()


def test_inactivity_countdown_then_idle_nothing_sold(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    touch.reader.remove()  # lifting the card ends nothing
    assert touch.screen == Screen.CATALOGUE
    touch.clock.advance(seconds=61)
    touch.kiosk.controller.send(Tick())
    overlay = touch.window.overlay
    touch.qtbot.waitUntil(overlay.isVisible, timeout=WAIT_MS)
    assert overlay.seconds.text() == "15"
    touch.clock.advance(seconds=15)
    touch.kiosk.controller.send(Tick())
    touch.wait_for(Screen.IDLE)
    assert not overlay.isVisible()
    assert touch.kiosk.controller.state.cart.items == () and orders(touch) == 0


def test_still_here_button_keeps_the_cart(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    touch.clock.advance(seconds=61)
    touch.kiosk.controller.send(Tick())
    overlay = touch.window.overlay
    touch.qtbot.waitUntil(overlay.isVisible, timeout=WAIT_MS)
    touch.click(overlay.stay)
    assert not overlay.isVisible()
    assert touch.kiosk.controller.state.cart.quantity_of("soap") == 1


@pytest.mark.expect_log(r"could not print the receipt: .*: not reachable",
                        r"receipt for order \S+ not printed: .*: not reachable")
def test_printer_problem_explained_calmly_and_the_sale_stands(touch: Touchscreen) -> None:
    touch.paper.refuse()  # printer switched off
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["toothpaste"])
    pay(touch)
    touch.wait_for(Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    # An unmanned shop: no "ask staff", but where to print it later and the order number.
    assert done.notice.isVisible() and "我的记录" in done.notice.text()
    assert "工作人员" not in done.notice.text()
    assert done.title.text() == "兑换成功！"
    assert balance_of(touch, ZHANG) == 760
    receipt = touch.kiosk.controller.state.receipt
    assert receipt is not None
    outcome = last_print(touch.services.conn, receipt.order_id)
    assert outcome is not None and outcome[0] == "failed"


def test_my_records_and_reprint(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["masks"])
    pay(touch)
    touch.wait_for(Screen.DONE)
    touch.paper.wait_for_jobs(1)
    touch.tap(ZHANG)
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    touch.click(balance.records)
    touch.wait_for(Screen.RECORDS)
    touch.qtbot.waitUntil(
        lambda: touch.kiosk.controller.state.records is not None, timeout=WAIT_MS)
    records = touch.page(Screen.RECORDS)
    assert isinstance(records, RecordsScreen)
    state = touch.kiosk.controller.state
    assert state.records is not None and len(state.records) == 1
    order_id = state.records[0].order_id
    again = records.findChild(type(balance.records), f"reprint-{order_id}")
    assert again is not None
    touch.click(again)
    touch.qtbot.waitUntil(records.notice.isVisible, timeout=WAIT_MS)
    assert records.notice.text() == "小票已打印，请取走。"
    jobs = touch.paper.wait_for_jobs(2)
    assert "口罩" in decode_text(jobs[1])


def test_donation_and_fee_offset_voucher(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    touch.click(balance.donate)
    touch.wait_for(Screen.CATALOGUE)
    shelf = catalogue(touch)
    assert shelf.tabs[Category.DONATE].isChecked()
    touch.click(shelf.tiles["donate-10"])
    touch.click(shelf.tabs[Category.SERVICES])
    assert shelf.tiles["property-fee"].state.text() == "打印兑换券，到合作单位核销"
    touch.click(shelf.tiles["property-fee"])
    pay(touch)
    touch.wait_for(Screen.DONE)
    assert balance_of(touch, ZHANG) == 800 - 10 - 500
    printed = decode_text(touch.paper.wait_for_jobs(1)[0])
    assert "爱心捐赠" in printed and "服务兑换券" in printed and "核销码" in printed


def test_taps_while_committing_do_not_interrupt(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    controller = touch.kiosk.controller
    for event in (Add("rice"), ShowCart(), Confirm(), Pay()):
        controller.send(event)
    touch.reader.remove()
    touch.reader.present(LI)  # arrives while (or just after) the sale commits
    touch.qtbot.waitUntil(lambda: orders(touch) == 1, timeout=WAIT_MS)
    touch.qtbot.waitUntil(lambda: touch.kiosk.worker.pending == 0, timeout=WAIT_MS)
    assert balance_of(touch, ZHANG) == 600
    controller.send(Finish())


def test_qr_cards_are_not_held_to_the_uid_only_cap(touch: Touchscreen) -> None:
    """A QR card's signature is checked at the scanner: the sale must not be capped as if it
    were a cloneable NFC UID (the flag has to survive device -> flow -> checkout)."""
    from dataclasses import replace

    from kiosk.core.checkout import Checkout
    s = touch.services
    s.checkout = Checkout(s.conn, s.clock, s.kiosk,
                          replace(s.policy, uid_only_cap_per_day=50))
    qr = DemoQr(touch.clock)
    qr.show(touch.reader, qr.genuine())   # QR-0001 belongs to 张*华 too
    touch.wait_for(Screen.BALANCE)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    touch.click(shelf.tiles["soap"])      # 60 points: above the UID-only cap of 50
    pay(touch)
    touch.wait_for(Screen.DONE)
    assert orders(touch) == 1
    touch.click(touch.page(Screen.DONE).finish)  # type: ignore[attr-defined]
    touch.wait_for(Screen.IDLE)
    touch.tap(ZHANG)                      # the same volunteer's bare NFC UID is capped
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["toothpaste"])
    touch.click(shelf.tiles["toothpaste"])  # 80 points: said at the tile, not at the end
    assert touch.kiosk.controller.state.cart.quantity_of("toothpaste") == 1
    assert "最多还能兑换 10 分" in shelf.notice.text()   # 50 less the first 40
    assert orders(touch) == 1


def test_a_family_in_need_is_never_addressed_as_a_volunteer(touch: Touchscreen) -> None:
    """李* is registered at the district as a family in need (the change feed's families row,
    written as the feed writes it): the done screen and the paper say family, not volunteer."""
    with write_transaction(touch.services.conn):
        families.store(touch.services.conn, [("V0002",)])
    touch.tap(LI)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    pay(touch)
    touch.wait_for(Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    shown = " ".join(w.text() for w in (done.title, done.caption, done.notice, done.back_in))
    assert "志愿" not in shown and "谢谢" in shown
    printed = decode_text(touch.paper.wait_for_jobs(1)[0])
    assert "受助家庭" in printed and "志愿者" not in printed
