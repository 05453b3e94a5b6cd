"""The touchscreen records what it learns about its devices for the sync daemon's heartbeat
(kiosk.core.device_status): readers found and lost, every print outcome."""

from __future__ import annotations

import pytest

from kiosk.core import device_status
from kiosk.core.devices import DeviceLost
from kiosk.core.session_flow import Screen
from tests.ui.conftest import WAIT_MS, ZHANG, Touchscreen
from tests.ui.test_volunteer_flow import open_catalogue, pay


def states(touch: Touchscreen) -> dict[str, tuple[str, str | None]]:
    return {d.device: (d.status, d.detail) for d in device_status.latest(touch.services.conn)}


@pytest.mark.expect_log(r"^device test reader lost: unplugged$")
def test_reader_found_and_lost_are_recorded(touch: Touchscreen) -> None:
    reader = device_status.reader("test reader")
    touch.qtbot.waitUntil(lambda: states(touch).get(reader) == ("ok", None), timeout=WAIT_MS)
    touch.kiosk.bridge(DeviceLost("test reader", "unplugged"))
    touch.qtbot.waitUntil(lambda: states(touch).get(reader) == ("fault", "unplugged"),
                          timeout=WAIT_MS)


@pytest.mark.expect_log(r"could not print the receipt: .*: not reachable",
                        r"receipt for order \S+ not printed: .*: not reachable")
def test_print_outcomes_are_recorded(touch: Touchscreen) -> None:
    touch.paper.refuse()  # printer switched off
    touch.tap(ZHANG)
    shelf = open_catalogue(touch)
    touch.click(shelf.tiles["toothpaste"])
    pay(touch)
    touch.wait_for(Screen.DONE)
    touch.qtbot.waitUntil(lambda: states(touch).get("printer", ("", None))[0] == "fault",
                          timeout=WAIT_MS)
    assert states(touch)["printer"][1]   # the adapter's reason, for the district's operator
