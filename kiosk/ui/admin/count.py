"""Stock count: walk the shelf, enter what is really there; each difference becomes an
adjustment with a reason chosen from a short list (no keyboard needed). Beside it, the items at
or below their low-stock threshold."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QListWidget, QVBoxLayout

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.session_flow import Notice
from kiosk.ui.admin.base import AdminContext, AdminScreen, ItemList, clicked, heading
from kiosk.ui.widgets import button, label, touch_list

# Stored in the ledger in English (stable for reports); shown translated.
REASONS = ("shelf count", "damaged", "expired", "lost", "found")


class CountScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.entries: dict[str, CatalogueEntry] = {}
        self.counted: dict[str, int] = {}
        row = QHBoxLayout(self)
        row.setSpacing(m.unit)
        left = QVBoxLayout()
        self.items_heading = heading()
        self.items = touch_list(ItemList(), self.ctx.metrics)
        self.items.currentItemChanged.connect(lambda *_: self._show_item())
        left.addWidget(self.items_heading)
        left.addWidget(self.items, 1)
        row.addLayout(left, 3)
        mid, self.set_count = self.quantity_column(self.add_count)
        row.addLayout(mid, 2)
        right = QVBoxLayout()
        self.counted_heading = heading()
        self.counted_list = touch_list(QListWidget(), self.ctx.metrics)
        self.reason_label = label()
        self.reason = QComboBox()
        self.reason.setMinimumHeight(m.touch)
        self.save = button(role="go")
        clicked(self.save, self.submit)
        self.result = label()
        self.low_heading = heading()
        self.low = touch_list(QListWidget(), self.ctx.metrics)
        right.addWidget(self.counted_heading)
        right.addWidget(self.counted_list, 1)
        right.addWidget(self.reason_label)
        right.addWidget(self.reason)
        right.addWidget(self.save)
        right.addWidget(self.notice)
        right.addWidget(self.result)
        right.addWidget(self.low_heading)
        right.addWidget(self.low, 1)
        row.addLayout(right, 3)

    def title(self) -> str:
        return self.tr("Stock count")

    def _reason_text(self, reason: str) -> str:
        return {"shelf count": self.tr("Shelf count"), "damaged": self.tr("Damaged"),
                "expired": self.tr("Expired"), "lost": self.tr("Lost"),
                "found": self.tr("Found")}[reason]

    def retranslate(self) -> None:
        self.items_heading.setText(self.tr("Pick an item"))
        self.qty_heading.setText(self.tr("Counted"))
        self.set_count.setText(self.tr("Set the count"))
        self.counted_heading.setText(self.tr("Counted so far"))
        self.reason_label.setText(self.tr("Reason for differences"))
        self.save.setText(self.tr("Save the count"))
        self.low_heading.setText(self.tr("Low stock"))
        current = self.reason.currentIndex()
        self.reason.clear()
        for reason in REASONS:
            self.reason.addItem(self._reason_text(reason), reason)
        self.reason.setCurrentIndex(max(current, 0))
        self._show()

    def refresh(self) -> None:
        self.counted.clear()
        self.result.clear()
        self.say(None)
        self._load()

    def _load(self) -> None:
        def goods(entries: list[CatalogueEntry]) -> None:
            self.entries = {e.item_id: e for e in entries}
            self._show()
        self.run(self.ctx.work.goods, goods)

    def _show(self) -> None:
        self.items.fill(((e.item_id, self.tr("%1 · in stock %2").replace("%1", self.item_name(e))
                          .replace("%2", self.n(e.stock or 0))) for e in self.entries.values()),
                        keep=self.current_item())
        self.low.clear()
        for e in self.entries.values():
            if (e.stock or 0) <= e.low_stock_threshold:
                self.low.addItem(self.tr("%1: %2 left (alert at %3)")
                                 .replace("%1", self.item_name(e))
                                 .replace("%2", self.n(e.stock or 0))
                                 .replace("%3", self.n(e.low_stock_threshold)))
        self._show_counted()
        self._show_item()

    def _show_counted(self) -> None:
        self.counted_list.clear()
        for item_id, qty in self.counted.items():
            e = self.entries.get(item_id)
            stock = e.stock or 0 if e else 0
            self.counted_list.addItem(
                f"{self.item_name(e) if e else item_id}: {self.n(stock)} → {self.n(qty)}")
        self.save.setEnabled(bool(self.counted))

    def current_item(self) -> str | None:
        return self.items.current_id()

    def select(self, item_id: str) -> None:
        self.items.select(item_id)

    def _show_item(self) -> None:
        e = self.entries.get(self.current_item() or "")
        self.chosen.setText(self.tr("Choose an item first") if e is None else self.item_name(e))
        self.set_count.setEnabled(e is not None)

    def scanned(self, text: str) -> None:
        code = text.strip()

        def found(entry: CatalogueEntry | None) -> None:
            if entry is not None:
                self.select(entry.item_id)
        self.run(lambda: self.ctx.work.by_barcode(code), found)

    def add_count(self) -> None:
        item_id, qty = self.current_item(), self.pad.value()
        if item_id is None or qty is None:
            self.say(self.tr("Enter the counted quantity (0 if none)"))
            return
        self.say(None)
        self.counted[item_id] = qty
        self.quantity.clear()
        self._show_counted()

    def submit(self) -> None:
        counted, op, reason = dict(self.counted), self.operator_id, self.reason.currentData()
        self.save.setEnabled(False)

        def refused(_notice: Notice) -> None:
            self.save.setEnabled(bool(self.counted))

        def done(changes: dict[str, int]) -> None:
            self.save.setEnabled(bool(self.counted))
            self.say(None)
            if not changes:
                self.result.setText(self.tr("Saved: the shelf matches the records."))
            else:
                self.result.setText(self.lang.count(len(changes),
                                                    self.tr("Saved: 1 item adjusted."),
                                                    self.tr("Saved: %1 items adjusted.")))
            self.counted.clear()
            self._load()
        self.change(lambda: self.ctx.work.count(op, counted, str(reason)), done, refused)
