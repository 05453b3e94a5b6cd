"""The start screen: the shop's name, the ways in (a card on the reader, a QR code at the
scanner) each with a picture of where that is on this kiosk, today's goods, and a banner while
the printer cannot print.

It is also what a walked-away session falls back to, so it must read at a glance from a few
steps away.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.session_flow import FlowState, Screen
from kiosk.ui.widgets import Screen as ScreenWidget
from kiosk.ui.widgets import UiContext, clear_layout, label, picture, picture_label

FEATURED = 4
ROTATE_MS = 8000


class IdleScreen(ScreenWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit, m.unit // 3, m.unit, m.unit // 3)
        box.setSpacing(m.unit // 3)
        self.banner = label("", "Banner", align=center)
        self.banner.setObjectName("Banner")
        self.banner.hide()
        box.addWidget(self.banner)
        self.shop = label(ctx.shop_name, "ShopName", align=center)
        self.welcome = label("", "Big", align=center)
        box.addWidget(self.shop)
        box.addWidget(self.welcome)
        box.addStretch(1)  # spare height (a portrait panel) is shared out between the parts
        box.addLayout(self._ways())
        self.then = label("", "Big", align=center)
        box.addWidget(self.then)
        box.addStretch(1)
        self.status = label("", "Notice", align=center)
        self.status.hide()
        box.addWidget(self.status)
        self.featured_title = label("", "Title", align=center)
        box.addWidget(self.featured_title)
        self.featured = QHBoxLayout()
        self.featured.setSpacing(m.gap)
        holder = QWidget()
        holder.setLayout(self.featured)
        box.addWidget(holder)
        box.addStretch(1)
        # Goods on offer only where they fit beside the ways in: not with large text on a
        # landscape panel, where the two pictures need the height.
        short = not m.portrait and m.height < 900
        self.show_featured = m.portrait or not (m.large_text or short)
        self.then.setVisible(not (short and m.large_text))
        holder.setVisible(self.show_featured)
        self._entries: list[CatalogueEntry] = []
        self._shelf: list[CatalogueEntry] = []
        self._offset = 0
        self._drawn_in = ""
        # A screensaver too: the featured goods change every few seconds, so no still
        # picture burns into the panel and passers-by see what is on offer.
        self.rotation = QTimer(self)
        self.rotation.setInterval(ROTATE_MS)
        self.rotation.timeout.connect(self.rotate)
        self.rotation.start()

    def _ways(self) -> QHBoxLayout:
        """The ways in this kiosk has, each with a picture of where it is on the kiosk."""
        m, front = self.ctx.metrics, self.ctx.front
        ways = QHBoxLayout()
        ways.setSpacing(m.gap)
        room = m.height - m.touch  # below the top bar
        size = min(m.display(8 if m.portrait else 6.5), round(room * (0.3 if m.portrait
                                                                         else 0.2)))
        self.way_texts: dict[str, QWidget] = {}
        shown = [(way, own) for way, on, own in (("card", front.card, front.card_picture),
                                                  ("qr", front.qr, front.qr_picture)) if on]
        for way, own in shown:
            one = QVBoxLayout()
            image: str | Path = own if own is not None else f"ui/front-{way}.png"
            one.addWidget(picture_label(picture(self.ctx.assets, image, size), size),
                          alignment=Qt.AlignmentFlag.AlignCenter)
            text = label("", "Step", align=Qt.AlignmentFlag.AlignCenter)
            self.way_texts[way] = text
            one.addWidget(text)
            ways.addLayout(one, 1)
        return ways

    def set_featured(self, entries: list[CatalogueEntry]) -> None:
        """Goods still on the shelf, most stocked first, shown four at a time."""
        shelf = [e for e in entries if e.stock is not None and e.stock > 0]
        self._shelf = sorted(shelf, key=lambda e: (-(e.stock or 0), e.item_id))
        self._choose()

    def rotate(self) -> None:
        if self.isVisible() and len(self._shelf) > FEATURED:
            self._offset = (self._offset + FEATURED) % len(self._shelf)
            self._choose()

    def _choose(self) -> None:
        doubled = self._shelf * 2
        chosen = doubled[self._offset:self._offset + min(FEATURED, len(self._shelf))]
        if chosen != self._entries:
            self._entries = chosen
            self._draw_featured()

    def _draw_featured(self) -> None:
        self._drawn_in = self.lang.code
        clear_layout(self.featured)
        m = self.ctx.metrics
        size = min(m.display(4 if m.portrait else 2.6), round((m.height - m.touch) * 0.08))
        for e in self._entries:
            one = QVBoxLayout()
            one.addWidget(picture_label(picture(self.ctx.assets, e.image, size), size),
                          alignment=Qt.AlignmentFlag.AlignCenter)
            points = self.lang.points(e.price)
            one.addWidget(label(f"{self.lang.pick(e.name_zh, e.name_en)}\n{points}",
                                align=Qt.AlignmentFlag.AlignCenter))
            cell = QWidget()
            cell.setLayout(one)
            self.featured.addWidget(cell)
        self.featured_title.setVisible(bool(self._entries) and self.show_featured)

    def show_state(self, state: FlowState) -> None:
        self.welcome.setText(self.tr("Exchange your volunteer points for everyday goods"))
        texts = {"card": self.tr("Put your points card on the reader (the green circle)"),
                 "qr": self.tr("Or hold your QR code to the scanner (the green circle)")}
        if "card" not in self.way_texts:
            texts["qr"] = self.tr("Hold your QR code to the scanner (the green circle)")
        for way, widget in self.way_texts.items():
            widget.setText(texts[way])  # type: ignore[attr-defined]
        self.then.setText(self.tr("Then pick what you need, confirm, and take your receipt."))
        self.featured_title.setText(self.tr("On the shelves today"))
        looking = state.screen == Screen.LOOKING_UP
        self.status.setText(self.tr("Reading your card…"))
        self.status.setVisible(looking)
        self.banner.setText(self.tr("The printer cannot print receipts right now (out of paper "
                                    "or a fault). You can still exchange; print the receipt "
                                    "later from \"My records\"."))
        self.banner.setVisible(state.printer_down is not None)
        if self._drawn_in != self.lang.code:
            self._draw_featured()
