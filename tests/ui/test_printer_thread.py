"""A printer that stops answering holds no sale behind it: the receipt waits on the printer's
own thread while the database thread goes on serving (Electrum's one thread per device).

The printer here is a real TCP socket on 127.0.0.1 that accepts the connection and then
never reads or answers; the kiosk asks it for its paper status and waits for the printer's
whole timeout (made long here, so the old single worker thread could not hide it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest

from kiosk.core import cards
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.printing import last_print
from kiosk.core.session_flow import Add, Confirm, Pay, RunCheckout, Screen, ShowCart
from kiosk.operations.session_work import PrintStep
from kiosk.ui.screens.done import DoneScreen
from tests.ui.conftest import LI, WAIT_MS, ZHANG, Touchscreen


def balance(t: Touchscreen, card_id: str) -> int:
    return cards.look_up(t.services.conn, PresentedCard(card_id)).balance


@pytest.mark.expect_log(r"could not print the receipt: .*: connection lost mid-job",
                        r"receipt for order \S+ not printed: .*: connection lost mid-job")
def test_a_stuck_printer_holds_no_other_sale_behind_it(
        touchscreen_factory: Callable[..., Touchscreen]) -> None:
    touch = touchscreen_factory(printer_timeout=120)   # far beyond WAIT_MS
    try:
        stuck_then_second_sale(touch)
    finally:
        touch.paper.close()   # never leave the kiosk's shutdown waiting on the printer
    touch.wait_for(Screen.DONE)   # the printer gave up the connection: a calm fault
    done = touch.page(Screen.DONE)
    assert isinstance(done, DoneScreen) and done.notice.isVisible()
    receipt = touch.kiosk.controller.state.receipt
    assert receipt is not None
    outcome = last_print(touch.services.conn, receipt.order_id)
    assert outcome is not None and outcome[0] == "failed"


def stuck_then_second_sale(touch: Touchscreen) -> None:
    touch.paper.mode = "stall"           # accepts, then stays silent
    touch.tap(ZHANG)
    controller = touch.kiosk.controller
    for event in (Add("rice"), ShowCart(), Confirm(), Pay()):
        controller.send(event)
    touch.qtbot.waitUntil(lambda: len(touch.paper.jobs) == 1, timeout=WAIT_MS)
    assert balance(touch, ZHANG) == 600    # its sale committed before the printer was touched

    # A second volunteer's sale, through the database thread as the touchscreen runs it
    # (its own printing would queue behind the stuck one on the printer's thread).
    second: list[object] = []
    sale = RunCheckout(1_000, uuid7(), PresentedCard(LI), (CartLine("soap", 1),))
    touch.kiosk.worker.submit(partial(controller.work.begin, sale), second.append)
    touch.qtbot.waitUntil(lambda: second != [], timeout=WAIT_MS)
    assert isinstance(second[0], PrintStep)   # committed; only its printing is left
    assert balance(touch, LI) == 120 - 30
    assert touch.screen == Screen.CHECKING_OUT   # the first receipt is still stuck
