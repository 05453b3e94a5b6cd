"""An operator's print waits on the printer's own thread, like a volunteer's receipt: a
printer that stops answering holds none of the operator's database work behind it.

The printer is a real TCP socket on 127.0.0.1 that accepts the connection and then never
reads or answers (its timeout is made long here, so a print on the database thread could not
hide behind it); the operator screens run against the real SQLite file."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.core import audit, order_search
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.printing import last_print
from kiosk.ui.admin.health import HealthScreen
from kiosk.ui.admin.orders import OrdersScreen
from tests.ui.conftest import LI, WAIT_MS, Touchscreen
from tests.ui.test_admin_flow import OPERATOR, audit_actions, open_screen, quiet, sign_in_by_card


def the_database_still_answers(touch: Touchscreen, screen: OrdersScreen | HealthScreen) -> None:
    """An operator query through the screens' runner comes back while the print is stuck."""
    found: list[list[order_search.OrderSummary]] = []
    screen.run(lambda: screen.ctx.work.find_orders("stuck-sale"), found.append)
    touch.qtbot.waitUntil(lambda: found != [], timeout=WAIT_MS)
    assert [o.order_id for o in found[0]] == ["stuck-sale"]


def stuck(touch: Touchscreen, press: Callable[[], None]) -> None:
    touch.paper.mode = "stall"           # accepts, then stays silent
    jobs = len(touch.paper.jobs)
    press()
    touch.qtbot.waitUntil(lambda: len(touch.paper.jobs) > jobs, timeout=WAIT_MS)


@pytest.mark.expect_log(r"could not print the receipt: .*: connection lost mid-job",
                        r"receipt for order stuck-sale not printed: .*: connection lost mid-job")
def test_a_stuck_reprint_holds_no_operator_work_behind_it(
        touchscreen_factory: Callable[..., Touchscreen]) -> None:
    touch = touchscreen_factory(printer_timeout=120)   # far beyond WAIT_MS
    quiet(touch)
    touch.services.checkout.checkout("stuck-sale", PresentedCard(LI), [CartLine("soap", 1)])
    sign_in_by_card(touch)
    screen = open_screen(touch, "orders")
    assert isinstance(screen, OrdersScreen)
    screen.look_up("stuck-sale")
    touch.qtbot.waitUntil(lambda: screen.selected() is not None, timeout=WAIT_MS)
    try:
        stuck(touch, lambda: touch.click(screen.reprint))
        the_database_still_answers(touch, screen)
        assert (OPERATOR, "reprint") not in audit_actions(touch)   # still at the printer
    finally:
        touch.paper.close()   # the printer gives up the connection: a calm fault
    touch.qtbot.waitUntil(lambda: screen.busy == 0, timeout=WAIT_MS)
    assert "打印机没有打印" in screen.notice.text()
    quiet(touch)
    assert (OPERATOR, "reprint") in audit_actions(touch)
    outcome = last_print(touch.services.conn, "stuck-sale")
    assert outcome is not None and outcome[0] == "failed"


@pytest.mark.expect_log(r"could not print the receipt: .*: connection lost mid-job",
                        r"receipt for order TEST-PRINT not printed: .*: connection lost mid-job")
# (The printer is gone when the panel next asks for the paper.)
@pytest.mark.allow_log(r"could not read the paper status: .*: not reachable")
def test_a_stuck_test_page_holds_no_operator_work_behind_it(
        touchscreen_factory: Callable[..., Touchscreen]) -> None:
    touch = touchscreen_factory(printer_timeout=120)
    quiet(touch)
    touch.services.checkout.checkout("stuck-sale", PresentedCard(LI), [CartLine("soap", 1)])
    sign_in_by_card(touch)
    screen = open_screen(touch, "health")
    assert isinstance(screen, HealthScreen)
    try:
        stuck(touch, lambda: touch.click(screen.test_print))
        assert not screen.test_print.isEnabled()
        the_database_still_answers(touch, screen)
    finally:
        touch.paper.close()
    touch.qtbot.waitUntil(screen.test_print.isEnabled, timeout=WAIT_MS)
    quiet(touch)
    [entry] = [e for e in audit.entries(touch.services.conn) if e.action == "test_print"]
    assert entry.operator_id == OPERATOR and entry.after["printed"] is False
