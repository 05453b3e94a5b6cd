"""The demo panel (only with ``kiosk --demo``): present the demo shop's cards, a signed
demo QR card and a forged one, lift the card, break the printer, and read the last receipt.

Everything goes through the same paths as real devices: cards through the simulated reader's
events, QR texts through the token verifier every scanner uses, receipts through the printer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

from kiosk.config import QrSection
from kiosk.core import tokens
from kiosk.core.clock import Clock
from kiosk.core.receipt_text import receipt_lines
from kiosk.hardware.simulated import SimulatedCardReader, TextFilePrinter
from points_protocol import card_tokens

DEMO_DISTRICT = "demo-district"
DEMO_KEY = Path(__file__).resolve().parent.parent.parent / "assets" / "demo" / \
    "demo-district-key.DEMO-ONLY.pem"
DEMO_CARDS = (("张*华 NFC", "04A1B2C3D4E5F6"), ("李* NFC", "04B7C8D9E0F1A2"),
              ("停用卡 blocked", "04C3D4E5F6A7B8"), ("未登记 unknown", "DEADBEEF"))
DEMO_QR_CARD = "QR-0001"
# The demo shop is the demo district: QR cards it signs are accepted (and the operator's cards
# screen offers to issue them; without a district server the request just waits).
DEMO_QR_SETTINGS = QrSection(district_id=DEMO_DISTRICT,
                             public_key=str(DEMO_KEY.parent / "demo-district-public.key"))


class DemoQr:
    """The demo district's key (shipped for demos only, so the printed demo card in
    assets/demo works too) signs the demo QR card; any other key makes the forgery."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.district_key = card_tokens.load_private_key(DEMO_KEY) if DEMO_KEY.exists() \
            else Ed25519PrivateKey.generate()
        self.verifier = tokens.TokenVerifier(self.district_key.public_key(), DEMO_DISTRICT,
                                             clock)

    def genuine(self) -> str:
        return card_tokens.issue(self.district_key, DEMO_DISTRICT, DEMO_QR_CARD, 1,
                            issued_at=self.clock.now())

    def forged(self) -> str:
        return card_tokens.issue(Ed25519PrivateKey.generate(), DEMO_DISTRICT, DEMO_QR_CARD, 1,
                            issued_at=self.clock.now())

    def show(self, reader: SimulatedCardReader, text: str) -> None:
        reader.inject(self.verifier.card_event(text, "demo camera"))


class DemoPanel(QFrame):
    def __init__(self, reader: SimulatedCardReader, printer: TextFilePrinter, clock: Clock,
                 quit_app: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName("DemoPanel")
        self.setFixedWidth(240)
        self.reader = reader
        self.printer = printer
        self.qr = DemoQr(clock)
        box = QVBoxLayout(self)
        box.addWidget(QLabel("演示面板 Demo"))
        for title, card_id in DEMO_CARDS:
            self._button(box, title, self._presenter(card_id))
        self._button(box, "拿开卡 Lift card", reader.remove)
        self._button(box, "二维码卡 Demo QR", lambda: self.qr.show(reader, self.qr.genuine()))
        self._button(box, "伪造二维码 Forged QR",
                     lambda: self.qr.show(reader, self.qr.forged()))
        self.paper = self._button(box, "", self.toggle_paper)
        self._button(box, "退出 Quit demo", quit_app)
        box.addWidget(QLabel("小票 Receipt"))
        self.receipt = QPlainTextEdit()
        self.receipt.setReadOnly(True)
        box.addWidget(self.receipt, 1)
        self._paper_text()

    def _presenter(self, card_id: str) -> Callable[[], None]:
        return lambda: self.reader.present(card_id)

    def _button(self, box: QVBoxLayout, text: str, action: Callable[[], object]) -> QPushButton:
        b = QPushButton(text)
        b.clicked.connect(lambda *_: action())
        box.addWidget(b)
        return b

    def toggle_paper(self) -> None:
        self.printer.fail_with = None if self.printer.fail_with else "demo: paper out"
        self._paper_text()

    def _paper_text(self) -> None:
        self.paper.setText("装纸 Refill paper" if self.printer.fail_with
                           else "缺纸 Paper out")

    def show_last_receipt(self) -> None:
        if self.printer.printed:
            self.receipt.setPlainText("\n".join(receipt_lines(self.printer.printed[-1])))
