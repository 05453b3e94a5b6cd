"""Screenshots of every operator screen for docs/screenshots/admin/, both languages, drawn by
the real screens against a fresh demo shop with simulated devices (no display needed):

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m kiosk.demo.docs_run docs/screenshots/admin

``--size 1280x800`` draws them at another panel size (to check that captions fit); the docs
keep 1920x1080.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.core import audit, operators, qr_cards, sync_status
from kiosk.core.clock import to_db
from kiosk.core.devices import CardPresented, DeviceFound, DeviceLost
from kiosk.core.models import CartLine, PresentedCard, SunCounter
from kiosk.demo.run import Script, shrink
from kiosk.hardware.receipt_image import render_slip_image
from kiosk.services import pin_policy
from kiosk.ui.admin.base import AdminScreen
from kiosk.ui.admin.cards import CardsScreen
from kiosk.ui.admin.catalogue import CatalogueAdminScreen
from kiosk.ui.admin.count import CountScreen
from kiosk.ui.admin.health import HealthScreen
from kiosk.ui.admin.orders import OrdersScreen
from kiosk.ui.admin.reports import ReportsScreen
from kiosk.ui.admin.restock import RestockScreen
from kiosk.ui.demo_panel import DEMO_DISTRICT
from points_protocol import card_tokens

SIZE = (1920, 1080)
OPERATOR_CARD = "04D9E8F7A6B5C4"


class AdminScript(Script):
    def gate_settled(self, screen: AdminScreen | None = None) -> None:
        self.settle(lambda: screen is None or screen.busy == 0)

    def trade(self) -> None:
        """A morning's trade, an operator with a PIN and the devices' reports."""
        s, clock = self.services, self.clock
        self.settle()  # the worker thread is idle: this thread may use the connection
        clock.advance(2 * 3600)  # the shop opens two hours after the catalogue was loaded
        sync_status.mark_attempt(s.conn, to_db(clock.now()))
        sync_status.mark_success(s.conn, to_db(clock.now()))
        zhang, li = PresentedCard("04A1B2C3D4E5F6"), PresentedCard("04B7C8D9E0F1A2")
        s.checkout.checkout("0193a1b2-demo-0001", zhang, [CartLine("soap", 2),
                                                          CartLine("detergent", 1)])
        s.checkout.checkout("0193a1b2-demo-0002", li, [CartLine("toothbrush", 1),
                                                       CartLine("tissues", 2)])
        s.checkout.checkout("0193a1b2-demo-0003", zhang, [CartLine("notebooks", 2)])
        audit.void(s.conn, clock, s.kiosk, s.policy, "kiosk-admin",
                   void_id="0193a1b2-demo-void", order_id="0193a1b2-demo-0003",
                   reason="wrong item")
        audit.record_count(s.conn, clock, "kiosk-admin", {"schoolbag": 2}, "lost")
        operators.set_operator(s.conn, clock, pin_policy(s.config), "op1", name="刘社工",
                               pin="482913")
        self.kiosk.bridge(DeviceFound("ACS ACR122U 00 00"))
        self.kiosk.bridge(DeviceLost("camera /dev/video0", "not plugged in"))

    def run(self) -> list[Path]:
        self.trade()
        gate = self.kiosk.admin
        assert gate is not None
        shots = []
        gate.open_pin_pad()
        pad = gate.panel.pin_pad
        for digit in "123456":
            pad.pad.press(digit)
        pad.submit()
        self.gate_settled(pad)
        for digit in "4829":
            pad.pad.press(digit)
        shots.append(self.shot("pin-pad"))
        pad.pin.clear()
        self.reader.present(OPERATOR_CARD)
        self.settle(lambda: gate.operator is not None)
        self.reader.remove()
        screens = gate.panel.screens
        restock = screens["restock"]
        assert isinstance(restock, RestockScreen)
        gate.panel.open("restock")
        self.gate_settled(restock)
        restock.scanned("6901234500017")
        self.gate_settled(restock)
        restock.quantity.setText("12")
        restock.add_line()
        restock.select("rice")
        restock.quantity.setText("5")
        restock.add_line()
        restock.donor.setCurrentIndex(restock.donor.findText("汉阳惠民超市"))
        shots.append(self.shot("restock"))
        restock.submit()
        self.gate_settled(restock)
        shots.append(self.shot("restock-received"))
        shots.append(self.new_donor_keyboard(restock))
        return shots + self.other_screens()

    def other_screens(self) -> list[Path]:
        gate = self.kiosk.admin
        assert gate is not None
        screens, shots = gate.panel.screens, []
        count = screens["count"]
        assert isinstance(count, CountScreen)
        gate.panel.open("count")
        self.gate_settled(count)
        count.select("soap")
        count.quantity.setText("48")
        count.add_count()
        count.select("schoolbag")
        count.quantity.setText("1")
        count.add_count()
        shots.append(self.shot("count"))
        shots += self.catalogue()
        orders = screens["orders"]
        assert isinstance(orders, OrdersScreen)
        gate.panel.open("orders")
        self.gate_settled(orders)
        orders.look_up("")
        self.gate_settled(orders)
        orders.results.setCurrentRow(1)
        shots.append(self.shot("orders"))
        cards = screens["cards"]
        assert isinstance(cards, CardsScreen)
        gate.panel.open("cards")
        self.reader.present("04B7C8D9E0F1A2")
        self.gate_settled(cards)
        self.settle(lambda: cards.info is not None)
        self.reader.remove()
        shots.append(self.shot("cards"))
        self.choose_volunteer(cards, "V0003")
        cards.wait_for_card()
        self.reader.present("04AA11BB22CC33")  # a new card, registered by tapping it
        self.gate_settled(cards)
        self.settle(lambda: cards.info is not None and cards.info.card_id == "04AA11BB22CC33")
        self.reader.remove()
        shots.append(self.shot("cards-register"))
        shots.append(self.signed_card(cards))
        shots += self.qr_card(cards)
        for key in ("reports", "audit", "health"):
            gate.panel.open(key)
            self.gate_settled(screens[key])
            if key == "reports":
                self.last_seven_days(screens[key])
            if key == "health":
                health = screens[key]
                assert isinstance(health, HealthScreen)
                health.print_test_page()
                self.gate_settled(health)
            shots.append(self.shot(key))
        return shots

    def last_seven_days(self, reports: AdminScreen) -> None:
        """The reports screen on a chosen period: the last seven days, today included."""
        assert isinstance(reports, ReportsScreen)
        today = self.clock.now().astimezone(reports.zone).date()
        reports.set_dates(today - timedelta(days=6), today)
        reports.choose("chosen")
        self.gate_settled(reports)

    def new_donor_keyboard(self, restock: RestockScreen) -> Path:
        """The "new donor" form with the on-screen keyboard up (pinyin in Chinese)."""
        restock.new_donor.click()
        gate = self.kiosk.admin
        assert gate is not None
        self.settle(restock.donor_name.isVisible)
        QTest.mouseClick(restock.donor_name, Qt.MouseButton.LeftButton)   # a finger on it
        self.settle(lambda: gate.panel.keyboard is None or gate.panel.keyboard.isVisible())
        shot = self.shot("restock-keyboard")
        restock.donor_name.clearFocus()
        restock.donor_form.hide()
        self.settle(lambda: gate.panel.keyboard is None or not gate.panel.keyboard.isVisible())
        return shot

    def signed_card(self, cards: CardsScreen) -> Path:
        """A card that signs each tap (NTAG 424 DNA), registered by tapping it: the reader
        checked its SUN message, so it arrives signed, with its read counter."""
        self.choose_volunteer(cards, "V0001")
        cards.wait_for_card()
        self.reader.inject(CardPresented(kind="nfc", card_id="04C0FFEE000001",
                                         source=self.reader.name, signed=True,
                                         sun=SunCounter(1, 1)))
        self.gate_settled(cards)
        self.settle(lambda: cards.info is not None and cards.info.card_id == "04C0FFEE000001")
        return self.shot("cards-register-signed")

    def choose_volunteer(self, cards: CardsScreen, volunteer_id: str) -> None:
        cards.volunteer_search.setText(volunteer_id)
        self.gate_settled(cards)
        self.settle(lambda: cards.volunteer.currentData() == volunteer_id)

    def qr_card(self, cards: CardsScreen) -> list[Path]:
        """A QR card the demo district has signed (its answer written as the sync daemon
        would), printed from the screen; a second request still waiting for the district."""
        s, clock = self.services, self.clock
        self.settle()
        answered = qr_cards.request(s.conn, clock, "op1", "V0002")
        card_id = "QR5F3A9C21B7E4"
        token = card_tokens.issue(self.qr.district_key, DEMO_DISTRICT, card_id, 1,
                             issued_at=clock.now())
        qr_cards.record_issued(s.conn, clock, answered, card_id=card_id, generation=1,
                               token=token, expires_at=0)
        self.choose_volunteer(cards, "V0001")
        cards.request_qr_card()
        self.gate_settled(cards)
        cards.qr_list.setCurrentRow(1)
        cards.print_qr.click()
        self.gate_settled(cards)
        self.settle(lambda: bool(self.printer.slips) and cards.busy == 0)
        paper = self.out / "qr-card-paper.png"
        render_slip_image(self.printer.slips[-1]).save(paper)
        return [self.shot("cards-qr"), paper]

    def catalogue(self) -> list[Path]:
        """Kite retired (greyed in the list), then soap's price changed: its history shows."""
        gate = self.kiosk.admin
        assert gate is not None
        screen = gate.panel.screens["catalogue"]
        assert isinstance(screen, CatalogueAdminScreen)
        gate.panel.open("catalogue")
        self.gate_settled(screen)
        screen.select("kite")
        screen.toggle_active()
        self.gate_settled(screen)
        screen.select("soap")
        self.gate_settled(screen)
        screen.price.setText(str(int(screen.price.text()) + 5))
        screen.submit()
        self.gate_settled(screen)
        self.settle(lambda: len(screen.history) == 2)
        return [self.shot("catalogue")]


def admin_screenshots(folder: Path, size: tuple[int, int] = SIZE) -> None:
    for language in ("zh_CN", "en"):
        out = folder / f"{size[0]}x{size[1]}" / language
        if out.exists():
            shutil.rmtree(out)
        out.mkdir(parents=True)
        with tempfile.TemporaryDirectory() as tmp:
            script = AdminScript(out, size, language, Path(tmp) / "shop.sqlite", False)
            try:
                shots = script.run()
            finally:
                script.close()
        (out / "receipts.txt").unlink(missing_ok=True)
        for png in shots:
            shrink(png)
        print(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk-admin-docs", description=__doc__)
    p.add_argument("folder")
    p.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}", help="WIDTHxHEIGHT of the panel")
    args = p.parse_args(argv)
    width, _, height = args.size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        p.error(f"--size {args.size!r}: expected WIDTHxHEIGHT, e.g. 1280x800")
    admin_screenshots(Path(args.folder), (int(width), int(height)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
