"""Receiving donated goods: pick or scan each item, its quantity on the number pad, the donor
from the list (or a new one), then the whole delivery in one go, with stock before and after."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.session_flow import Notice
from kiosk.ui.admin.base import (
    SEARCH,
    AdminContext,
    AdminScreen,
    ItemList,
    clicked,
    heading,
    text_field,
)
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import button, label, touch_list


class RestockScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.entries: dict[str, CatalogueEntry] = {}
        self.lines: dict[str, int] = {}
        row = QHBoxLayout(self)
        row.setSpacing(m.unit)
        row.addLayout(self._pick_column(m), 3)
        row.addLayout(self._quantity_column(m), 2)
        row.addLayout(self._delivery_column(m), 3)

    def _pick_column(self, m: Metrics) -> QVBoxLayout:
        # 1: the item
        pick = QVBoxLayout()
        self.pick_heading = heading()
        self.barcode = text_field(m)
        self.barcode.textChanged.connect(self._narrow)
        self.find_button = button()
        clicked(self.find_button, lambda: self.scanned(self.barcode.text()))
        scan_row = QHBoxLayout()
        scan_row.setSpacing(m.gap)
        scan_row.addWidget(self.barcode, 2)
        scan_row.addWidget(self.find_button, 1)
        self.items = touch_list(ItemList(), m)
        self.items.currentItemChanged.connect(lambda *_: self._show_item())
        pick.setSpacing(m.gap // 2)
        pick.addWidget(self.pick_heading)
        pick.addLayout(scan_row)
        pick.addWidget(self.items, 1)
        return pick

    def _quantity_column(self, m: Metrics) -> QVBoxLayout:
        # 2: how many
        qty, self.add = self.quantity_column(self.add_line)
        return qty

    def _delivery_column(self, m: Metrics) -> QVBoxLayout:
        # 3: the delivery
        deliver = QVBoxLayout()
        self.delivery_heading = heading()
        self.delivery = touch_list(QListWidget(), m)
        self.remove = button()
        clicked(self.remove, self.remove_line)
        self.donor_label = label()
        self.donor = QComboBox()
        self.donor.setMinimumHeight(m.touch)
        self.new_donor = button()
        clicked(self.new_donor, lambda: self.donor_form.setVisible(True))
        donor_row = QHBoxLayout()
        donor_row.addWidget(self.donor, 1)
        # As wide as its words (English is longer), the drop-down takes the rest.
        self.new_donor.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        donor_row.addWidget(self.new_donor)
        self.donor_form = QWidget()
        form = QHBoxLayout(self.donor_form)
        form.setContentsMargins(0, 0, 0, 0)
        self.donor_name = text_field(m)
        self.donor_contact = text_field(m)
        self.save_donor = button(role="go")
        clicked(self.save_donor, self._save_donor)
        form.addWidget(self.donor_name, 2)
        form.addWidget(self.donor_contact, 2)
        form.addWidget(self.save_donor, 1)
        self.donor_form.hide()
        self.note = text_field(m)
        self.receive = button(role="go")
        clicked(self.receive, self.submit)
        self.result = label()
        deliver.addWidget(self.delivery_heading)
        deliver.addWidget(self.delivery, 1)
        deliver.addWidget(self.remove)
        deliver.addWidget(self.donor_label)
        deliver.addLayout(donor_row)
        deliver.addWidget(self.donor_form)
        deliver.addWidget(self.note)
        deliver.addWidget(self.receive)
        deliver.addWidget(self.notice)
        deliver.addWidget(self.result)
        return deliver

    def title(self) -> str:
        return self.tr("Restock")

    def retranslate(self) -> None:
        self.pick_heading.setText(self.tr("1. Scan or pick"))
        self.barcode.setPlaceholderText(self.tr("Barcode or name"))
        self.find_button.setText(self.tr("Find"))
        self.qty_heading.setText(self.tr("2. How many"))
        self.add.setText(self.tr("Add to the delivery"))
        self.delivery_heading.setText(self.tr("3. This delivery"))
        self.remove.setText(self.tr("Remove the selected line"))
        self.donor_label.setText(self.tr("Donor"))
        self.new_donor.setText(self.tr("New donor"))
        self.donor_name.setPlaceholderText(self.tr("Donor name"))
        self.donor_contact.setPlaceholderText(self.tr("Contact (optional)"))
        self.save_donor.setText(self.tr("Save"))
        self.note.setPlaceholderText(self.tr("Note (optional)"))
        self.receive.setText(self.tr("Receive the delivery"))
        self._show_items()
        self._show_lines()
        self._show_item()

    def refresh(self) -> None:
        self.lines.clear()
        self.result.clear()
        self.say(None)
        self._load()

    def _load(self, select_donor: str | None = None) -> None:
        def goods(entries: list[CatalogueEntry]) -> None:
            self.entries = {e.item_id: e for e in entries}
            self._show_items()
            self._show_lines()

        def donors(found: list[tuple[str, str]]) -> None:
            self.donor.clear()
            self.donor.addItem(self.tr("(no donor)"), None)
            for donor_id, name in found:
                self.donor.addItem(name, donor_id)
            if select_donor is not None:
                self.donor.setCurrentIndex(self.donor.findData(select_donor))
        self.run(self.ctx.work.goods, goods)
        self.run(self.ctx.work.donors, donors)

    def _show_items(self) -> None:
        rows = self.items.fill(((e.item_id, self.tr("%1 · in stock %2").replace(
            "%1", self.item_name(e)).replace("%2", self.n(e.stock or 0)))
            for e in self.entries.values()), keep=self.current_item())
        for e, row in zip(self.entries.values(), rows, strict=True):
            row.setData(SEARCH, f"{e.name_zh} {e.name_en}")  # found in either language
        self._narrow(self.barcode.text())

    def current_item(self) -> str | None:
        return self.items.current_id()

    def select(self, item_id: str) -> None:
        self.items.select(item_id)

    def _show_item(self) -> None:
        item_id = self.current_item()
        e = self.entries.get(item_id or "")
        self.chosen.setText(self.tr("Choose an item first") if e is None else self.item_name(e))
        self.add.setEnabled(e is not None)

    def _narrow(self, text: str) -> None:
        """Typing a name narrows the list; a barcode is looked up with "Find" or a scan."""
        if not text.strip().isdigit():
            self.items.narrow(text)

    def scanned(self, text: str) -> None:
        code = text.strip()
        self.barcode.setText(code)
        if not code:
            return

        def found(entry: CatalogueEntry | None) -> None:
            if entry is None or entry.item_id not in self.entries:
                self.say(self.tr("No goods with barcode %1").replace("%1", code))
                return
            self.say(None)
            self.select(entry.item_id)
        self.run(lambda: self.ctx.work.by_barcode(code), found)

    def add_line(self) -> None:
        item_id, qty = self.current_item(), self.pad.value()
        if item_id is None or not qty:
            self.say(self.tr("Enter a quantity above zero"))
            return
        self.say(None)
        self.lines[item_id] = self.lines.get(item_id, 0) + qty
        self.quantity.clear()
        self._show_lines()

    def remove_line(self) -> None:
        row = self.delivery.currentRow()
        if 0 <= row < len(self.lines):
            del self.lines[list(self.lines)[row]]
            self._show_lines()

    def _show_lines(self) -> None:
        self.delivery.clear()
        for item_id, qty in self.lines.items():
            e = self.entries.get(item_id)
            name = self.item_name(e) if e else item_id
            self.delivery.addItem(f"{name} × {self.n(qty)}")
        self.receive.setEnabled(bool(self.lines))

    def _save_donor(self) -> None:
        name, contact = self.donor_name.text().strip(), self.donor_contact.text().strip()
        if not name:
            self.say(self.tr("Enter the donor's name"))
            return
        op = self.operator_id

        def saved(donor_id: str) -> None:
            self.donor_form.hide()
            self.donor_name.clear()
            self.donor_contact.clear()
            self.say(None)
            self._load(select_donor=donor_id)
        self.change(lambda: self.ctx.work.add_donor(op, name, contact or None), saved)

    def submit(self) -> None:
        if not self.lines:
            return
        lines, op = dict(self.lines), self.operator_id
        donor_id, note = self.donor.currentData(), self.note.text().strip()
        self.receive.setEnabled(False)

        def refused(_notice: Notice) -> None:
            self.receive.setEnabled(bool(self.lines))

        def done(levels: dict[str, tuple[int, int]]) -> None:
            self.receive.setEnabled(bool(self.lines))
            self.say(None)
            parts = []
            for item_id, (before, after) in levels.items():
                e = self.entries.get(item_id)
                parts.append(f"{self.item_name(e) if e else item_id}: "
                             f"{self.n(before)} → {self.n(after)}")
            self.result.setText(self.tr("Received.") + "\n" + "\n".join(parts))
            self.lines.clear()
            self.note.clear()
            self._load(select_donor=donor_id)
        self.change(lambda: self.ctx.work.restock(op, lines, donor_id, note), done, refused)
