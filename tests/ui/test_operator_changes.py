"""What an operator changes is announced once by the runner (Anki's change hook), and the
start screen under the operator's screens redraws its goods then, not after the next visit.
Real screens offscreen, fingers on the pads, the real SQLite file."""

from __future__ import annotations

from kiosk.ui.admin.catalogue import CatalogueAdminScreen
from kiosk.ui.admin.restock import RestockScreen
from tests.ui.conftest import WAIT_MS, Touchscreen
from tests.ui.test_admin_flow import open_screen, quiet, settle, sign_in_by_card, type_digits


def featured(touch: Touchscreen) -> list[str]:
    return [e.item_id for e in touch.window.idle._entries]


def test_a_delivery_and_a_retired_item_show_on_the_start_screen_at_once(
        touch: Touchscreen) -> None:
    quiet(touch)
    assert featured(touch) and featured(touch)[0] != "rice"   # most stocked first
    sign_in_by_card(touch)
    restock = open_screen(touch, "restock")
    assert isinstance(restock, RestockScreen)
    restock.select("rice")
    type_digits(touch, restock.pad, "900")
    touch.click(restock.add)
    touch.click(restock.receive)
    settle(touch, restock)
    touch.qtbot.waitUntil(lambda: featured(touch)[:1] == ["rice"], timeout=WAIT_MS)

    catalogue = open_screen(touch, "catalogue")
    assert isinstance(catalogue, CatalogueAdminScreen)
    catalogue.select("rice")
    touch.qtbot.waitUntil(lambda: catalogue.editing == "rice", timeout=WAIT_MS)
    touch.click(catalogue.retire)
    settle(touch, catalogue)
    touch.qtbot.waitUntil(lambda: "rice" not in featured(touch), timeout=WAIT_MS)
    assert touch.kiosk.admin is not None and touch.kiosk.admin.operator is not None  # no visit
