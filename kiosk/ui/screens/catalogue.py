"""The shelves: need categories as tabs, item tiles that scroll under a finger, and the cart's
running total beside them (below them on a portrait panel)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.session_flow import Add, Back, FlowState, ShowCart, ShowCatalogue
from kiosk.ui.screens.spend import left_to_spend, spend_lines
from kiosk.ui.screens.tile import ItemTile
from kiosk.ui.widgets import Screen, UiContext, button, clear_layout, kinetic_scroll_area, label
from points_protocol.catalogue import Category

CATEGORY_ORDER = (Category.HEALTH, Category.CULTURE_LEISURE, Category.GROWTH_EDUCATION,
                  Category.DAILY_LIFE, Category.SERVICES, Category.DONATE)


class CatalogueScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.panel_width = min(m.unit * 15, round(m.width * (0.36 if m.large_text else 0.3)))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(m.unit, max(m.unit // 3, (m.gap + 1) // 2), m.unit, m.unit // 3)
        outer.setSpacing(m.gap)
        tabs = QGridLayout()
        tabs.setSpacing(m.gap)
        self.tabs: dict[Category, QPushButton] = {}
        self.group = QButtonGroup(self)
        # Six tabs in one row where their labels fit, else three or two to a row.
        room = m.width - m.unit * 2
        per_row = next(n for n in (6, 3, 2) if (room - m.gap * (n - 1)) / n >= m.unit * 7.2
                       or n == 2)
        for n, cat in enumerate(CATEGORY_ORDER):
            tab = button(role="tab")
            tab.setCheckable(True)
            tab.clicked.connect(lambda _=False, c=cat: ctx.send(ShowCatalogue(c)))
            self.group.addButton(tab)
            tabs.addWidget(tab, n // per_row, n % per_row)
            self.tabs[cat] = tab
        outer.addLayout(tabs)
        body = QBoxLayout(QBoxLayout.Direction.TopToBottom if m.portrait
                          else QBoxLayout.Direction.LeftToRight)
        body.setSpacing(m.gap)
        # Hints and notes across the top of the shelf, where there is width: in the narrow
        # summary they would push its buttons off a short panel. Only the shelf gives them
        # their height: beside it the summary keeps the whole height for its buttons (a
        # two-line note on a short panel with large text pushed "Back" below the glass).
        column = QVBoxLayout()
        column.setSpacing(m.unit // 3)   # a note is no target: no 8 mm around it
        self.notice = label("", "Notice")
        column.addWidget(self.notice)
        shelf = QWidget()
        self.grid = QGridLayout(shelf)
        self.grid.setSpacing(m.gap)
        self.grid.setContentsMargins(0, 0, m.unit // 2, 0)  # the scroll bar never covers a tile
        self.scroller = kinetic_scroll_area(shelf)
        column.addWidget(self.scroller, 1)
        body.addLayout(column, 1)
        body.addWidget(self._summary(ctx))
        outer.addLayout(body, 1)
        self.tiles: dict[str, ItemTile] = {}
        self._entries: tuple[CatalogueEntry, ...] = ()
        self._shown: tuple[Category, tuple[str, ...]] | None = None
        # Tiles reflow: as many columns as tiles of a readable width fit (fewer with large
        # text), never a tile squeezed until its name is cut.
        shelf_width = m.width - (0 if m.portrait else self.panel_width + m.gap) - m.unit * 3
        self.columns = max(1, min(5, (shelf_width + m.gap) // (m.unit * 7 + m.gap)))

    def _summary(self, ctx: UiContext) -> QFrame:
        m = ctx.metrics
        panel = QFrame()
        panel.setObjectName("Summary")
        if not m.portrait:
            panel.setFixedWidth(self.panel_width)
        box = QVBoxLayout(panel)
        box.setContentsMargins(m.unit // 2, m.unit // 3, m.unit // 2, m.unit // 3)
        box.setSpacing(m.unit // 4)
        self.balance = label()
        self.in_cart = label("", "Big")
        self.after = label("", "Key")
        self.to_cart = button(role="go")
        self.to_cart.clicked.connect(lambda: ctx.send(ShowCart()))
        self.back = button(role="back")
        self.back.clicked.connect(lambda: ctx.send(Back()))
        for w in (self.balance, self.in_cart, self.after):
            box.addWidget(w)
        # A short panel with large text: "left to spend" says enough, the buttons must fit.
        self.balance.setVisible(not m.cramped)
        box.addStretch(1)
        if m.portrait:
            row = QHBoxLayout()
            row.setSpacing(m.gap)
            row.addWidget(self.back)
            row.addWidget(self.to_cart)
            box.addLayout(row)
        else:
            box.addWidget(self.to_cart)
            box.addSpacing(m.gap - box.spacing())   # 8 mm between the two, no more
            box.addWidget(self.back)
        return panel

    def _fill(self, state: FlowState) -> None:
        if state.entries is not self._entries:
            for tile in self.tiles.values():
                tile.hide()   # not a window of its own before it goes (clear_layout says why)
                tile.setParent(None)
                tile.deleteLater()
            self.tiles = {}
            for e in state.entries:
                tile = ItemTile(self.ctx, e)
                tile.clicked.connect(lambda _=False, i=e.item_id: self.ctx.send(Add(i)))
                self.tiles[e.item_id] = tile
            self._entries = state.entries
            self._shown = None
        ids = tuple(e.item_id for e in state.entries if e.category == state.category)
        if self._shown != (state.category, ids):
            while self.grid.count():
                item = self.grid.takeAt(0)
                if item is not None and (w := item.widget()) is not None:
                    w.hide()
            clear_layout(self.grid)
            for n, item_id in enumerate(ids):
                tile = self.tiles[item_id]
                self.grid.addWidget(tile, n // self.columns, n % self.columns,
                                    Qt.AlignmentFlag.AlignTop)
                tile.show()
            self.grid.setRowStretch(max(1, (len(ids) + self.columns - 1) // self.columns), 1)
            self._shown = (state.category, ids)
            self.scroller.verticalScrollBar().setValue(0)

    def show_state(self, state: FlowState) -> None:
        if state.holder is None:
            return
        names = {Category.HEALTH: self.tr("Health"),
                 Category.CULTURE_LEISURE: self.tr("Culture and leisure"),
                 Category.GROWTH_EDUCATION: self.tr("Growth and education"),
                 Category.DAILY_LIFE: self.tr("Daily life"),
                 Category.SERVICES: self.tr("Services"),
                 Category.DONATE: self.tr("Donate")}
        for cat, tab in self.tabs.items():
            tab.setText(names[cat])
            tab.setChecked(cat == state.category)
        self._fill(state)
        for item_id, tile in self.tiles.items():
            entry = tile.entry
            have = state.cart.quantity_of(item_id)
            tile.refresh(self.lang, have, state.affordable(entry))
        n = self.lang.number
        self.balance.setText(spend_lines(self, state)[0] if state.capped else
                             self.tr("Your points: %1").replace("%1", n(state.holder.balance)))
        self.in_cart.setText(self.tr("In cart: %1 points").replace("%1", n(state.cart.total)))
        self.after.setText(left_to_spend(self, state))
        self.notice.setText(state.notice.text(self.lang.code) if state.notice else "")
        self.notice.setVisible(state.notice is not None)
        self.to_cart.setText(self.tr("View cart (%1)").replace("%1", n(state.cart.count)))
        self.to_cart.setEnabled(bool(state.cart.items))
        self.back.setText(self.tr("Back"))
