"""The touchscreen when the kiosk must not sell: a full or read-only disk under a sale, or a
ledger that stopped (entries lost, a failed audit). The volunteer reads that the kiosk is out
of service, never the generic "something went wrong, ask staff" with a traceback behind it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import service_stops
from kiosk.core.session_flow import Screen
from kiosk.ui.screens.cart import CartScreen
from kiosk.ui.screens.refused import RefusedScreen
from tests.ui.conftest import WAIT_MS, ZHANG, Touchscreen
from tests.ui.test_admin_flow import quiet
from tests.ui.test_volunteer_flow import open_catalogue, pay

OUT_OF_SERVICE = "本机暂停服务，请联系工作人员。"


@pytest.mark.expect_log(r"^RunCheckout: .*the database cannot be written")
def test_a_sale_the_disk_refuses_says_out_of_service(touch: Touchscreen,
                                                     tmp_path: Path) -> None:
    """The disk went read-only under a running kiosk (SQLite answers SQLITE_READONLY, as it
    does here with query_only; a full disk's SQLITE_FULL takes the same path, tested on a
    real full disk in tests/test_disk_full_and_read_only.py)."""
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["toothbrush"])
    quiet(touch)
    conn = touch.services.conn
    conn.execute("PRAGMA query_only = ON")
    pay(touch)
    touch.qtbot.waitUntil(lambda: touch.kiosk.controller.state.notice is not None,
                          timeout=WAIT_MS)
    notice = touch.kiosk.controller.state.notice
    assert notice is not None and notice.code == "out_of_service"
    cart = touch.page(Screen.CART)
    assert isinstance(cart, CartScreen)
    touch.wait_for(Screen.CART)
    assert cart.notice.text() == OUT_OF_SERVICE
    cart.grab().save(str(tmp_path / "out-of-service.png"))
    assert conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0   # nothing sold


@pytest.mark.expect_log(r"^kiosk stops selling \(ledger_audit\)")
def test_a_stopped_kiosk_says_so_at_the_tap(touch: Touchscreen, tmp_path: Path) -> None:
    quiet(touch)
    service_stops.stop(touch.services.conn, service_stops.LEDGER_AUDIT, "a damaged row",
                       "2026-11-30T02:00:00+00:00")
    touch.reader.present(ZHANG)
    touch.wait_for(Screen.REFUSED)
    refused = touch.page(Screen.REFUSED)
    assert isinstance(refused, RefusedScreen)
    assert refused.message.text() == OUT_OF_SERVICE
    assert refused.title.text() == "抱歉，本机暂停服务"   # not "this card cannot be used"
    refused.grab().save(str(tmp_path / "stopped.png"))
