"""The attract screen: the shop's name, how it works in three pictures, today's goods.

It is also what a walked-away session falls back to, so it must read at a glance from a few
steps away.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.session_flow import FlowState, Screen
from kiosk.ui.widgets import Screen as ScreenWidget
from kiosk.ui.widgets import UiContext, clear_layout, label, picture, picture_label

STEPS = ("ui/step-card.png", "ui/step-pick.png", "ui/step-receipt.png")
FEATURED = 4
ROTATE_MS = 8000


class IdleScreen(ScreenWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit * 2, m.unit // 2, m.unit * 2, m.unit // 2)
        box.setSpacing(m.unit // 2)
        self.shop = label(ctx.shop_name, "ShopName", align=center)
        self.welcome = label("", "Big", align=center)
        box.addWidget(self.shop)
        box.addWidget(self.welcome)
        box.addStretch(1)  # spare height (a portrait panel) is shared out between the parts
        steps = QHBoxLayout()
        self.step_texts = []
        room = m.height - m.touch  # below the top bar
        size = min(m.px(7 if m.portrait else 5.5), round(room * 0.15))
        for image in STEPS:
            one = QVBoxLayout()
            one.addWidget(picture_label(picture(ctx.assets, image, size), size),
                          alignment=center)
            text = label("", "Step", align=center)
            self.step_texts.append(text)
            one.addWidget(text)
            steps.addLayout(one, 1)
        box.addLayout(steps)
        box.addStretch(1)
        self.status = label("", "Notice", align=center)
        self.status.hide()
        box.addWidget(self.status)
        self.featured_title = label("", "Title", align=center)
        box.addWidget(self.featured_title)
        self.featured = QHBoxLayout()
        holder = QWidget()
        holder.setLayout(self.featured)
        box.addWidget(holder)
        self.prompt = label("", "Big", align=center)
        box.addStretch(1)
        box.addWidget(self.prompt)
        self.show_featured = m.portrait or not m.large_text
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
        size = min(m.px(5 if m.portrait else 3.2), round((m.height - m.touch) * 0.09))
        for e in self._entries:
            one = QVBoxLayout()
            one.addWidget(picture_label(picture(self.ctx.assets, e.image, size), size),
                          alignment=Qt.AlignmentFlag.AlignCenter)
            points = self.tr("%1 points").replace("%1", self.lang.number(e.price))
            one.addWidget(label(f"{self.lang.pick(e.name_zh, e.name_en)}\n{points}",
                                align=Qt.AlignmentFlag.AlignCenter))
            cell = QWidget()
            cell.setLayout(one)
            self.featured.addWidget(cell)
        # Large text on a landscape panel leaves room for the three steps only.
        self.featured_title.setVisible(bool(self._entries) and self.show_featured)

    def show_state(self, state: FlowState) -> None:
        self.welcome.setText(self.tr("Exchange your volunteer points for everyday goods"))
        texts = (self.tr("1. Tap your card on the reader, or show your QR code"),
                 self.tr("2. Pick what you need"),
                 self.tr("3. Confirm and take your receipt"))
        for widget, text in zip(self.step_texts, texts, strict=True):
            widget.setText(text)
        self.featured_title.setText(self.tr("On the shelves today"))
        looking = state.screen == Screen.LOOKING_UP
        self.status.setText(self.tr("Reading your card…"))
        self.status.setVisible(looking)
        self.prompt.setText(self.tr("Tap your card to start"))
        if self._drawn_in != self.lang.code:
            self._draw_featured()
