"""The demo panel drives the kiosk only through the simulated devices, like real hardware."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.app import Kiosk, build_kiosk
from kiosk.core.errors import CardTokenForged
from kiosk.core.session_flow import Screen
from kiosk.hardware.simulated import SimulatedCardReader, TextFilePrinter
from kiosk.services import Services
from kiosk.ui.demo_panel import DemoPanel
from tests.conftest import ManualClock
from tests.ui.conftest import WAIT_MS


# It plays real sound: a machine with no sound server keeps the kiosk silent, and says so.
@pytest.mark.allow_log(r"^no audio output: the kiosk stays silent$")
def test_demo_panel_cards_qr_and_paper(shop: Services, clock: ManualClock, qtbot: object,
                                       tmp_path: Path) -> None:
    reader = SimulatedCardReader("demo reader")
    paper = TextFilePrinter(tmp_path / "receipts.txt")
    panels: list[DemoPanel] = []
    quits: list[bool] = []

    def factory(kiosk: Kiosk) -> QWidget:
        panels.append(DemoPanel(reader, paper, clock, lambda: quits.append(True)))
        return panels[0]

    kiosk = build_kiosk(shop, paper, [reader], side_panel_factory=factory, size=(1280, 800))
    window = kiosk.window
    assert window is not None
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    kiosk.start_devices()
    panel = panels[0]
    buttons = {b.text(): b for b in panel.findChildren(QPushButton)}

    def press(text: str) -> None:
        qtbot.mouseClick(buttons[text], Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]

    def showing(screen: Screen) -> None:
        qtbot.waitUntil(lambda: kiosk.controller.state.screen == screen,  # type: ignore[attr-defined]
                        timeout=WAIT_MS)

    try:
        press("停用卡 blocked")
        showing(Screen.REFUSED)
        press("拿开卡 Lift card")
        press("伪造二维码 Forged QR")
        showing(Screen.REFUSED)
        assert kiosk.controller.state.notice is not None
        assert kiosk.controller.state.notice.code == CardTokenForged.code
        press("二维码卡 Demo QR")
        showing(Screen.BALANCE)
        holder = kiosk.controller.state.holder
        assert holder is not None and holder.card_id == "QR-0001"
        paper_button = buttons["缺纸 Paper out"]
        press("缺纸 Paper out")
        assert paper.fail_with == "demo: paper out"
        assert paper_button.text() == "装纸 Refill paper"
        press("退出 Quit demo")
        assert quits == [True]
    finally:
        kiosk.stop()
