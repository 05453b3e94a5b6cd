"""A volunteer's visit inside the booted test container: copied there by test_boot.py and
run by the package's own Python as the touchscreen's user, on the installed config and the
live ledger that the running touchscreen and the sync daemon share.

    python container_sale.py CONFIG CARD_ID ITEM_ID

The app's own composition root builds the screens (kiosk.app.build_kiosk) around the
installed services, as the touchscreen does; the card comes through the simulated reader
(a real reader cannot be plugged into a container), and fingers are Qt mouse clicks on the
real widgets: balance, shelf, cart, confirm. The checkout runs on the app's worker thread
against the live database. Prints ``order ORDER_ID balance N`` and exits 0 when the done
screen shows; anything else exits 1 with what it saw.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.app import build_kiosk
from kiosk.config import load_config
from kiosk.core.session_flow import Screen
from kiosk.hardware.simulated import SimulatedCardReader, TextFilePrinter
from kiosk.services import build

WAIT_SECONDS = 60.0


def wait_until(app: QApplication, condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"container_sale: gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    config_path, card_id, item_id = sys.argv[1:4]
    app = QApplication(sys.argv[:1])
    config = load_config(config_path)
    services = build(config, create=False)
    reader = SimulatedCardReader("container reader")
    paper = TextFilePrinter(config.database_path.parent / "home" / "container-receipts.txt")
    kiosk = build_kiosk(services, paper, [reader], size=(1280, 800))
    window = kiosk.window
    assert window is not None
    window.show()
    kiosk.start_devices()
    state = kiosk.controller

    def showing(screen: Screen) -> bool:
        page = window.pages[window.screens[screen]]
        return state.state.screen == screen and window.stack.currentWidget() is page

    def click(widget: QWidget, what: str) -> None:
        # A person reads a screen before pressing: presses in the first moment after the
        # screen changes are ignored (SessionFlow.press), so wait that moment out.
        wait_until(app, lambda: widget.isVisible() and widget.isEnabled()
                   and not state.flow.settling(), what)
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)

    wait_until(app, lambda: showing(Screen.IDLE), "the start screen")
    reader.present(card_id)
    wait_until(app, lambda: showing(Screen.BALANCE), "the balance after the tap")
    screens: Any = window.screens   # each screen's own buttons, found by their names
    click(screens[Screen.BALANCE].shop, "the shop button")
    wait_until(app, lambda: showing(Screen.CATALOGUE), "the shelf")
    shelf = screens[Screen.CATALOGUE]
    click(shelf.tiles[item_id], f"the {item_id} tile")
    click(shelf.to_cart, "the cart button")
    wait_until(app, lambda: showing(Screen.CART), "the cart")
    click(screens[Screen.CART].go, "the checkout button")
    wait_until(app, lambda: showing(Screen.CONFIRM), "the confirmation")
    click(screens[Screen.CONFIRM].pay, "the pay button")
    wait_until(app, lambda: showing(Screen.DONE) or showing(Screen.REFUSED), "the outcome")
    receipt = state.state.receipt
    if not showing(Screen.DONE) or receipt is None:
        print(f"container_sale: refused: {state.state}", file=sys.stderr)
        return 1
    print(f"order {receipt.order_id} balance {receipt.balance_after}")
    kiosk.stop()
    services.conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
