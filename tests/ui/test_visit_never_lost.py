"""A visit is never lost by accident, on the real screens: a double tap, someone else's card,
a stray barcode, a forged or blocked card in the middle of a visit; what can be spent shown
before the final confirm; a receipt that did not print."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.core.models import PresentedCard
from kiosk.core.printing import last_print
from kiosk.core.receipt_text import short_order_id
from kiosk.core.session_flow import Screen, ShowCatalogue
from kiosk.ui.demo_panel import DemoQr
from kiosk.ui.screens.balance import BalanceScreen
from kiosk.ui.screens.catalogue import CatalogueScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.records import RecordsScreen
from points_protocol.catalogue import Category
from tests.hardware.tcp_printer import PAPER_OK, PAPER_OUT
from tests.ui.conftest import BLOCKED, LI, WAIT_MS, ZHANG, Touchscreen
from tests.ui.test_volunteer_flow import open_catalogue, orders


def to_confirm(t: Touchscreen, *items: str) -> ConfirmScreen:
    shelf = open_catalogue(t)
    for item in items:
        t.click(shelf.tiles[item])
    t.click(shelf.to_cart)
    t.wait_for(Screen.CART)
    t.click(t.page(Screen.CART).go)  # type: ignore[attr-defined]
    t.wait_for(Screen.CONFIRM)
    confirm = t.page(Screen.CONFIRM)
    assert isinstance(confirm, ConfirmScreen)
    return confirm


def test_a_double_tap_on_exchange_now_shows_the_success_screen(touch: Touchscreen) -> None:
    """The second tap of a double tap lands on "finish" of the success screen, which sits
    where "exchange now" was; it must not skip 兑换成功 and the points left."""
    touch.tap(ZHANG)
    confirm = to_confirm(touch, "soap")
    touch.double_tap(confirm.pay, between=Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    touch.qtbot.wait(100)
    assert touch.showing(Screen.DONE) and done.balance.text() == "770"
    assert orders(touch) == 1
    touch.click(done.finish)      # a deliberate tap a moment later still finishes
    touch.wait_for(Screen.IDLE)


def test_another_card_mid_visit_asks_before_ending_it(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    confirm = to_confirm(touch, "soap", "toothbrush")
    touch.reader.remove()
    touch.reader.present(LI)
    question = touch.window.question
    touch.qtbot.waitUntil(question.isVisible, timeout=WAIT_MS)
    state = touch.kiosk.controller.state
    assert state.screen == Screen.CONFIRM and state.cart.count == 2
    assert state.holder is not None and state.holder.masked_name == "张*华"
    assert question.title.text() == "刚才刷了另一张卡"
    touch.click(question.keep)
    touch.qtbot.waitUntil(lambda: not question.isVisible(), timeout=WAIT_MS)
    assert touch.showing(Screen.CONFIRM) and confirm.pay.isEnabled()
    assert touch.kiosk.controller.state.cart.count == 2
    # Asked again, the other volunteer takes over: their own balance, an empty cart.
    touch.reader.remove()
    touch.reader.present(LI)
    touch.qtbot.waitUntil(question.isVisible, timeout=WAIT_MS)
    touch.click(question.switch)
    touch.wait_for(Screen.BALANCE)
    state = touch.kiosk.controller.state
    assert state.holder is not None and state.holder.masked_name == "李*"
    assert state.cart.items == () and orders(touch) == 0


def notice_on(t: Touchscreen, screen: Screen) -> str:
    page = t.page(screen)
    t.qtbot.waitUntil(page.notice.isVisible, timeout=WAIT_MS)  # type: ignore[attr-defined]
    return str(page.notice.text())  # type: ignore[attr-defined]


def test_stray_codes_mid_visit_are_ignored_with_a_note(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    qr = DemoQr(touch.clock)
    for n, code in enumerate(("DEADBEEF", "Doc-0001", "6901234500017"), start=1):
        qr.show(touch.reader, code)
        assert notice_on(touch, Screen.CATALOGUE) == "扫到的不是积分卡，已忽略。您的兑换照常进行。"
        state = touch.kiosk.controller.state
        assert state.screen == Screen.CATALOGUE and state.card == PresentedCard(ZHANG)
        assert state.cart.quantity_of("soap") == 1 and state.cart.quantity_of("masks") == n - 1
        touch.click(shelf.tiles["masks"])   # the visit goes on
        assert touch.kiosk.controller.state.cart.quantity_of("masks") == n


def test_stray_codes_and_refused_cards_leave_the_success_screen_up(touch: Touchscreen) -> None:
    """兑换成功 and the points left stay their time: a product's barcode or someone's blocked
    card in front of the kiosk is a line in place of the thanks; the next usable card waits
    for a tap on 下一位 (a card is no tap of the volunteer's: it used to end this screen at
    once)."""
    touch.tap(ZHANG)
    confirm = to_confirm(touch, "soap")
    touch.click(confirm.pay)
    touch.wait_for(Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    DemoQr(touch.clock).show(touch.reader, "6901234500017")
    touch.qtbot.waitUntil(lambda: "已忽略" in done.back_in.text(), timeout=WAIT_MS)
    assert touch.showing(Screen.DONE) and done.balance.text() == "770"
    assert done.back_in.isVisible()
    touch.reader.remove()
    touch.reader.present(BLOCKED)
    touch.qtbot.waitUntil(lambda: "停用" in done.back_in.text(), timeout=WAIT_MS)
    assert touch.showing(Screen.DONE) and done.balance.text() == "770"
    touch.reader.remove()
    touch.reader.present(LI)
    touch.qtbot.waitUntil(lambda: "下一位" in done.back_in.text(), timeout=WAIT_MS)
    touch.qtbot.wait(300)
    assert touch.showing(Screen.DONE) and done.balance.text() == "770"
    assert done.finish.text() == "下一位"
    touch.click(done.finish)
    touch.wait_for(Screen.BALANCE)
    state = touch.kiosk.controller.state
    assert state.holder is not None and state.holder.masked_name == "李*" and state.notice is None


def test_the_next_card_on_the_success_screen_waits_its_turn(touch: Touchscreen) -> None:
    """The next person in line taps their card while 兑换成功 shows: the points left and the
    order number stay their whole time, then the next visit begins by itself, in Chinese
    and with nothing read aloud, whatever the first volunteer had chosen."""
    touch.tap(ZHANG)
    touch.click(touch.window.top.language)
    touch.click(touch.window.top.speaker)      # her name and points, read aloud
    confirm = to_confirm(touch, "soap")
    touch.click(confirm.pay)
    touch.wait_for(Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    touch.reader.remove()
    touch.reader.present(LI)
    touch.qtbot.waitUntil(lambda: "Next card" in done.back_in.text(), timeout=WAIT_MS)
    assert done.finish.text() == "Next visit"
    stay = touch.services.config.ui.done_seconds
    touch.clock.advance(seconds=stay - 2)
    touch.qtbot.wait(2 * 250)          # the ticks come and go: the success screen stays
    assert touch.showing(Screen.DONE) and done.balance.text() == "770"
    touch.reader.remove()
    touch.reader.present(LI)           # tapped again, impatient: still one card waiting
    touch.clock.advance(seconds=3)
    touch.wait_for(Screen.BALANCE)
    state = touch.kiosk.controller.state
    assert state.holder is not None and state.holder.masked_name == "李*"
    assert state.cart.items == () and orders(touch) == 1
    assert touch.kiosk.language.code == "zh_CN" and not touch.window.reading
    assert not touch.window.top.speaker.isChecked()


@pytest.mark.expect_log(r"could not print the receipt: .*: the printer stopped responding",
                        r"receipt for order \S+ not printed: .*: the printer stopped responding")
def test_cards_and_codes_while_the_sale_commits_are_not_lost(
        touchscreen_factory: Callable[..., Touchscreen]) -> None:
    """A stuck printer keeps the sale committing for a while: a stray barcode then is a note
    (it was dropped without a word), and a usable card is the next visit, not forgotten."""
    t = touchscreen_factory(printer_timeout=3)
    t.paper.mode = "stall"             # accepts the receipt, then stays silent
    t.tap(ZHANG)
    confirm = to_confirm(t, "soap")
    t.click(confirm.pay)
    t.qtbot.waitUntil(lambda: len(t.paper.jobs) == 1, timeout=WAIT_MS)
    assert t.screen == Screen.CHECKING_OUT
    DemoQr(t.clock).show(t.reader, "6901234500017")
    t.qtbot.waitUntil(confirm.notice.isVisible, timeout=WAIT_MS)
    assert confirm.notice.text() == "扫到的不是积分卡，已忽略。您的兑换照常进行。"
    assert t.screen == Screen.CHECKING_OUT and not confirm.pay.isVisible()
    t.reader.remove()
    t.reader.present(LI)
    t.qtbot.waitUntil(lambda: t.kiosk.controller.state.next_card is not None, timeout=WAIT_MS)
    t.wait_for(Screen.DONE)            # the printer gave up: the sale stands
    done = t.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    assert done.balance.text() == "770" and orders(t) == 1
    assert "下一位" in done.back_in.text() and done.finish.text() == "下一位"
    t.click(done.finish)
    t.wait_for(Screen.BALANCE)
    state = t.kiosk.controller.state
    assert state.holder is not None and state.holder.masked_name == "李*"


def test_a_forged_or_blocked_card_mid_visit_is_a_note(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["soap"])
    qr = DemoQr(touch.clock)
    qr.show(touch.reader, qr.forged())
    text = notice_on(touch, Screen.CATALOGUE)
    assert "不受影响" in text
    touch.reader.remove()
    touch.reader.present(BLOCKED)
    touch.qtbot.waitUntil(lambda: "停用" in shelf.notice.text(), timeout=WAIT_MS)
    assert "不受影响" in shelf.notice.text()
    assert not touch.window.question.isVisible()
    state = touch.kiosk.controller.state
    assert state.screen == Screen.CATALOGUE and state.cart.quantity_of("soap") == 1
    assert state.card == PresentedCard(ZHANG)


def test_offline_caps_are_shown_before_the_final_confirm(
        touchscreen_factory: Callable[..., Touchscreen]) -> None:
    """Never synced, the kiosk is offline: 300 points a day for 张*华 although she has 800.
    The balance screen and the catalogue say so, and a tile above it cannot be had."""
    t = touchscreen_factory(synced=False)
    t.tap(ZHANG)
    balance = t.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    assert balance.balance.text() == "800"
    assert balance.spendable.isVisible() and balance.spendable.text() == "今天最多可以兑换 300 分"
    assert "网络" in balance.why.text()
    t.kiosk.controller.send(ShowCatalogue(Category.GROWTH_EDUCATION))
    t.wait_for(Screen.CATALOGUE)
    shelf = t.page(Screen.CATALOGUE)
    assert isinstance(shelf, CatalogueScreen)
    t.click(shelf.tiles["schoolbag"])   # 260
    assert shelf.after.text() == "今天还能兑换：40 分"
    bag, notebooks = shelf.tiles["schoolbag"], shelf.tiles["notebooks"]
    assert bag.property("state") == "in"
    t.click(shelf.tiles["schoolbag"])   # another 260: over the cap, said now
    assert "最多还能兑换 40 分" in shelf.notice.text() and "离线" in shelf.notice.text()
    assert notebooks.property("state") == "on"   # 30 still fits
    t.click(shelf.tabs[Category.DAILY_LIFE])
    detergent = shelf.tiles["detergent"]         # 230 does not
    assert detergent.property("state") == "off" and detergent.state.text() == "积分不足"
    # Restyled with its labels: white on dark red, not grey text under a green price.
    colour = detergent.state.palette().color(detergent.state.foregroundRole()).name()
    assert colour == "#ffffff"


@pytest.mark.expect_log(r"could not print the receipt: .*: out of paper",
                        r"receipt for order \S+ not printed: .*: out of paper")
def test_paper_out_says_what_to_do_and_the_next_visitor_is_told(touch: Touchscreen) -> None:
    touch.paper.paper = PAPER_OUT
    touch.tap(ZHANG)
    confirm = to_confirm(touch, "toothpaste")
    touch.click(confirm.pay)
    touch.wait_for(Screen.DONE)
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    receipt = touch.kiosk.controller.state.receipt
    assert receipt is not None
    assert done.order.isVisible() and done.order.text() == short_order_id(receipt.order_id)
    assert "我的记录" in done.notice.text() and "补打" not in done.title.text()
    outcome = last_print(touch.services.conn, receipt.order_id)
    assert outcome is not None and outcome[0] == "failed"
    # Key information stays 20 s, twice that with an order number to note.
    touch.clock.advance(seconds=touch.services.config.ui.done_seconds + 1)
    touch.qtbot.wait(2 * 250)
    assert touch.showing(Screen.DONE)
    touch.click(done.finish)
    touch.wait_for(Screen.IDLE)
    idle = touch.page(Screen.IDLE)
    assert isinstance(idle, IdleScreen)
    assert idle.banner.isVisible() and "打印机" in idle.banner.text()
    # My records marks the receipt that never came out; printing it clears the mark.
    touch.paper.paper = PAPER_OK
    touch.tap(ZHANG)
    touch.click(touch.page(Screen.BALANCE).records)  # type: ignore[attr-defined]
    touch.wait_for(Screen.RECORDS)
    records = touch.page(Screen.RECORDS)
    assert isinstance(records, RecordsScreen)
    # The reprint button and its badge are shown as the records arrive: wait for both.
    touch.qtbot.waitUntil(lambda: records.findChild(
        type(done.finish), f"reprint-{receipt.order_id}") is not None
        and "小票还没打印" in badges(records), timeout=WAIT_MS)
    again = records.findChild(type(done.finish), f"reprint-{receipt.order_id}")
    assert again is not None and again.text() == "现在打印"
    touch.click(again)
    touch.qtbot.waitUntil(lambda: not any(r.unprinted for r in (
        touch.kiosk.controller.state.records or [receipt])), timeout=WAIT_MS)
    touch.qtbot.waitUntil(lambda: bool(badges(records, "")), timeout=WAIT_MS)
    assert "小票还没打印" not in badges(records)
    assert records.notice.text() == "小票已打印，请取走。"
    touch.click(records.back)
    touch.click(touch.page(Screen.BALANCE).leave)  # type: ignore[attr-defined]
    touch.wait_for(Screen.IDLE)
    assert not idle.banner.isVisible()


def badges(page: RecordsScreen, name: str = "Badge") -> list[str]:
    """Texts of the visible labels named ``name`` (all visible labels for "")."""
    return [w.text() for w in page.findChildren(type(page.notice)) if w.isVisible()
            and (not name or w.objectName() == name)]
