"""One item on the catalogue: picture, name, points, what is left, and why it cannot be had."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout

from kiosk.core.catalogue import CatalogueEntry
from kiosk.ui.i18n import Language
from kiosk.ui.widgets import UiContext, label, picture, picture_label
from points_protocol.catalogue import ItemKind

_PERIODS = {"day": ("每天", "day"), "week": ("每周", "week"), "month": ("每月", "month")}


def limit_text(entry: CatalogueEntry, lang: Language) -> str:
    if entry.limit_count is None:
        return ""
    zh, en = _PERIODS.get(entry.limit_period or "", ("每次", "visit"))
    return lang.pick(f"每人{zh}限 {entry.limit_count} 件",
                     f"Limit {entry.limit_count} per person per {en}")


class ItemTile(QPushButton):
    def __init__(self, ctx: UiContext, entry: CatalogueEntry) -> None:
        super().__init__()
        self.setObjectName("Tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.entry = entry
        self.ctx = ctx
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit // 3, m.unit // 3, m.unit // 3, m.unit // 3)
        box.setSpacing(m.unit // 6)
        size = m.display(3.2)
        box.addWidget(picture_label(picture(ctx.assets, entry.image, size), size),
                      alignment=center)
        self.name = label("", "TileName", align=center)
        self.price = label("", "TilePrice", align=center)
        self.state = label("", "TileState", align=center)
        self.limit = label("", "Muted", align=center)
        for w in (self.name, self.price, self.state, self.limit):
            box.addWidget(w)
        self.price.setWordWrap(False)
        for child in self.findChildren(QLabel):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def refresh(self, lang: Language, in_cart: int, affordable: bool) -> None:
        e = self.entry
        self.name.setText(lang.pick(e.name_zh, e.name_en))
        self.price.setText(lang.points(e.price))
        off = False
        if e.stock is not None and e.stock - in_cart <= 0 and not in_cart:
            state, off = self.tr("Out of stock"), True
        elif not affordable and not in_cart:
            state, off = self.tr("Not enough points"), True
        elif e.kind is ItemKind.DONATION:
            state = self.tr("Goes to families in need")
        elif e.partner is not None:     # a voucher the partner redeems once
            state = self.tr("Printed as a voucher for the partner")
        elif e.kind in (ItemKind.SERVICE, ItemKind.FEE_OFFSET):
            state = self.tr("Voucher printed on the receipt")
        else:
            state = self.tr("%1 left").replace("%1", lang.number(e.stock or 0))
        if in_cart:
            state = self.tr("In cart: %1").replace("%1", lang.number(in_cart)) + " · " + state
        self.state.setText(state)
        self.limit.setText(limit_text(e, lang))
        self.limit.setVisible(bool(self.limit.text()))
        look = "off" if off else ("in" if in_cart else "on")
        if self.property("state") != look:
            self.setProperty("state", look)
            # The labels' looks depend on the tile's state ("#Tile[state=off] QLabel"): each
            # is polished again, or it keeps the colours of the state before.
            for widget in (self, *self.findChildren(QLabel)):
                widget.style().unpolish(widget)
                widget.style().polish(widget)
