"""Catalogue: every item (retired ones too, marked), and a form to add one or edit the chosen
one: names, category, kind, points price (its history shown under the list), barcode, limits,
low-stock threshold and a picture copied from a file or USB stick. Nothing is ever deleted: an
item is retired, and can be brought back. Scanning a barcode picks the item it belongs to, or
fills the form's barcode field when no item has it yet."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
)

from kiosk.core.catalogue import CatalogueEntry
from kiosk.ui.admin.base import (
    ITEM_ID,
    AdminContext,
    ItemList,
    heading,
)
from kiosk.ui.admin.item_form import ItemFormScreen
from kiosk.ui.widgets import ASSETS, label, picture, touch_list
from points_protocol.catalogue import Category, ItemKind, ItemSpec

PERIODS = (None, "day", "week", "month")


class CatalogueAdminScreen(ItemFormScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.entries: dict[str, CatalogueEntry] = {}
        self.history: list[tuple[str, int]] = []
        self.editing: str | None = None  # the item in the form; None: a new item
        row = QHBoxLayout(self)
        row.setSpacing(m.unit)
        left = QVBoxLayout()
        self.list_heading = heading()
        self.items = touch_list(ItemList(), self.ctx.metrics)
        self.items.setWordWrap(True)  # long names (donations) wrap instead of being cut
        self.items.setMinimumWidth(m.unit * 14)
        self.items.currentItemChanged.connect(lambda *_: self._pick())
        self.history_label = label("", "Muted")
        left.addWidget(self.list_heading)
        left.addWidget(self.items, 1)
        left.addWidget(self.notice)  # here, not under the form: 800 px has no room there
        left.addWidget(self.history_label)
        row.addLayout(left, 1)
        row.addLayout(self._form(m), 2)  # two captions and two fields side by side

    # -- words -----------------------------------------------------------------------------------

    def title(self) -> str:
        return self.tr("Catalogue")

    def retranslate(self) -> None:
        self.list_heading.setText(self.tr("All items"))
        captions = {"id": self.tr("Item code"), "status": self.tr("Status"),
                    "name_zh": self.tr("Chinese name"), "name_en": self.tr("English name"),
                    "category": self.tr("Category"), "kind": self.tr("Kind"),
                    "price": self.tr("Points price"), "threshold": self.tr("Low stock at"),
                    "barcode": self.tr("Barcode"), "period": self.tr("Limit per"),
                    "limit_count": self.tr("Max pieces"),
                    "limit_points": self.tr("Max points"), "picture": self.tr("Picture")}
        for key, text in captions.items():
            self.captions[key].setText(text)
        self.barcode.setPlaceholderText(self.tr("Type or scan"))
        self.picture_path.setPlaceholderText(self.tr("Picture file (PNG or JPG)"))
        self.choose.setText(self.tr("From a USB stick…"))
        self.photo.setText(self.tr("Take a photo"))
        self.details.setText(self.tr("Show item codes and picture files"))
        self.new_item.setText(self.tr("New item"))
        self.save.setText(self.tr("Save"))
        self._fill_combo(self.category, [(c.value, self._category(c)) for c in Category])
        self._fill_combo(self.kind, [(k.value, self._kind(k)) for k in ItemKind])
        self._fill_combo(self.limit_period, [
            (None, self.tr("no limit")), ("day", self.tr("day")), ("week", self.tr("week")),
            ("month", self.tr("month"))])
        self._show_items()
        self._show_form_state()
        self._show_history()

    def _category(self, c: Category) -> str:
        return {Category.HEALTH: self.tr("Health"),
                Category.CULTURE_LEISURE: self.tr("Culture and leisure"),
                Category.GROWTH_EDUCATION: self.tr("Growth and education"),
                Category.DAILY_LIFE: self.tr("Daily life"),
                Category.SERVICES: self.tr("Services"),
                Category.DONATE: self.tr("Donate")}[c]

    def _kind(self, k: ItemKind) -> str:
        return {ItemKind.GOODS: self.tr("Goods"),
                ItemKind.SERVICE: self.tr("Service"),
                ItemKind.DONATION: self.tr("Donation"),
                ItemKind.FEE_OFFSET: self.tr("Fee offset")}[k]

    @staticmethod
    def _fill_combo(combo: QComboBox, choices: list[tuple[object, str]]) -> None:
        current = combo.currentData()
        combo.clear()
        for data, text in choices:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(current)))

    # -- loading and showing ---------------------------------------------------------------------

    def refresh(self) -> None:
        self.say(None)
        self._load(self.editing)

    def _load(self, select: str | None, then_say: str | None = None) -> None:
        def done(entries: list[CatalogueEntry]) -> None:
            self.entries = {e.item_id: e for e in entries}
            self._show_items()
            if select is not None and select in self.entries:
                self.select(select)
                self._pick()  # the row may have been current already
            elif self.editing is None:
                self.start_new()
            self.say(then_say)
        self.run(self.ctx.work.catalogue_items, done)

    def _show_items(self) -> None:
        def text(e: CatalogueEntry) -> str:
            shown = self.tr("%1 · %2 points").replace("%1", self.item_name(e)) \
                .replace("%2", self.n(e.price))
            return shown if e.active else self.tr("%1 (retired)").replace("%1", shown)
        self.items.blockSignals(True)
        rows = self.items.fill(((e.item_id, text(e)) for e in self.entries.values()),
                               keep=self.editing)
        for e, row in zip(self.entries.values(), rows, strict=True):
            if not e.active:
                row.setForeground(Qt.GlobalColor.gray)
        self.items.blockSignals(False)

    def select(self, item_id: str) -> None:
        self.items.select(item_id)  # -> _pick

    def _pick(self) -> None:
        row = self.items.currentItem()
        if row is None:
            return
        e = self.entries[row.data(ITEM_ID)]
        self.editing = e.item_id
        self.say(None)
        self.item_id.setText(e.item_id)
        self.item_id.setReadOnly(True)
        self.name_zh.setText(e.name_zh)
        self.name_en.setText(e.name_en)
        self.category.setCurrentIndex(self.category.findData(e.category.value))
        self.kind.setCurrentIndex(self.kind.findData(e.kind.value))
        self.price.setText(str(e.price))
        self.threshold.setText(str(e.low_stock_threshold))
        self.barcode.setText(e.barcode or "")
        self.limit_count.setText("" if e.limit_count is None else str(e.limit_count))
        self.limit_points.setText("" if e.limit_points is None else str(e.limit_points))
        self.limit_period.setCurrentIndex(max(0, self.limit_period.findData(e.limit_period)))
        self.picture_path.setText(e.image or "")
        self._show_form_state()
        self._load_history(e.item_id)

    def _load_history(self, item_id: str) -> None:
        def done(history: list[tuple[str, int]]) -> None:
            if self.editing == item_id:
                self.history = history
                self._show_history()
        self.run(lambda: self.ctx.work.price_history(item_id), done)

    def _show_history(self) -> None:
        if self.editing is None or not self.history:
            self.history_label.setText("")
            return
        lines = [self.tr("Price history:")]
        for stamp, price in reversed(self.history[-5:]):  # newest first, the last five
            lines.append(self.tr("%1: %2 points").replace(
                "%1", self.when(stamp)).replace("%2", self.n(price)))
        self.history_label.setText("\n".join(lines))

    def _show_form_state(self) -> None:
        e = self.entries.get(self.editing) if self.editing is not None else None
        m = self.ctx.metrics
        chosen = self.picture_path.text().strip()
        new_picture = bool(chosen) and chosen != (e.image if e else None)
        self.preview.setPixmap(picture(ASSETS, chosen or (e.image if e else None), m.touch))
        self.picture_note.setText(self.tr("New picture: saved with the item") if new_picture
                                  else "" if chosen else self.tr("No picture yet"))
        # An item's code and its picture's file name are for the curious: a new item needs
        # a code, otherwise they show only when asked for.
        details = self.details.isChecked()
        for widget in (self.item_id, self.captions["id"]):
            widget.setVisible(e is None or details)
        self.picture_path.setVisible(details)
        self.picture_note.setVisible(not details)
        if e is None:
            self.form_heading.setText(self.tr("New item"))
            self.status.setText(self.tr("new"))
            self.retire.setEnabled(False)
            self.retire.setText(self.tr("Retire"))
            return
        self.form_heading.setText(self.tr("Edit: %1").replace("%1", self.item_name(e)))
        self.status.setText(self.tr("on sale") if e.active else self.tr("retired"))
        self.retire.setEnabled(True)
        self.retire.setText(self.tr("Retire") if e.active else self.tr("Bring back"))

    def start_new(self) -> None:
        self.editing = None
        self.history = []
        self.items.blockSignals(True)
        self.items.setCurrentRow(-1)
        self.items.blockSignals(False)
        for field in (self.item_id, self.name_zh, self.name_en, self.price, self.barcode,
                      self.limit_count, self.limit_points, self.picture_path):
            field.clear()
        self.threshold.setText("0")
        self.item_id.setReadOnly(False)
        for combo in (self.category, self.kind, self.limit_period):
            combo.setCurrentIndex(0)
        self._show_form_state()
        self._show_history()

    # -- scanner and picture ---------------------------------------------------------------------

    def scanned(self, text: str) -> None:
        code = text.strip()
        owner = next((e.item_id for e in self.entries.values() if e.barcode == code), None)
        if owner is not None:
            self.select(owner)
        else:
            self.barcode.setText(code)

    def choose_picture(self) -> None:
        start = str(Path(self.picture_path.text()).parent) if self.picture_path.text() else ""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a picture"), start,
            self.tr("Pictures (*.png *.jpg *.jpeg *.webp)"))
        if path:
            self.picture_path.setText(path)
            self._show_form_state()

    def take_photo(self) -> None:
        """The item held up to the kiosk's camera becomes its picture (saved with the item)."""
        def done(photo: Path) -> None:
            self.picture_path.setText(str(photo))
            self._show_form_state()
            self.say(self.tr("Photo taken: press Save to keep it"))
        self.run(self.ctx.work.take_photo, done)

    # -- saving ----------------------------------------------------------------------------------

    def _int(self, field: QLineEdit) -> int | None:
        text = field.text().strip()
        return int(text) if text.isdigit() else None

    def spec(self) -> tuple[ItemSpec, Path | None] | None:
        """The form as an item and a new picture to copy, or None (and why, on the notice)."""
        item_id = self.item_id.text().strip()
        name_zh, name_en = self.name_zh.text().strip(), self.name_en.text().strip()
        price = self._int(self.price)
        if not item_id or not all(c.isascii() and (c.isalnum() or c in "-_") for c in item_id):
            self.say(self.tr("The item code must be letters, digits, - or _"))
            return None
        if not name_zh or not name_en:
            self.say(self.tr("Give the item a name in both languages"))
            return None
        if price is None:
            self.say(self.tr("Enter the points price"))
            return None
        count, points = self._int(self.limit_count) or None, self._int(self.limit_points) or None
        period = self.limit_period.currentData()
        if (count or points) and period is None:
            self.say(self.tr("A limit needs a period: day, week or month"))
            return None
        if not (count or points):
            period = None
        old = self.entries.get(self.editing) if self.editing is not None else None
        chosen = self.picture_path.text().strip()
        keep = old.image if old is not None else None
        new_picture = Path(chosen) if chosen and chosen != keep else None
        spec = ItemSpec(
            item_id=item_id, name_zh=name_zh, name_en=name_en,
            category=Category(self.category.currentData()), kind=ItemKind(self.kind.currentData()),
            price=price, image=(keep if chosen else None) if new_picture is None else None,
            barcode=self.barcode.text().strip() or None, limit_count=count, limit_points=points,
            limit_period=period, low_stock_threshold=self._int(self.threshold) or 0,
            active=old.active if old is not None else True,
            # The form has no voucher fields: an edit keeps what the district set.
            partner=old.partner if old is not None else None,
            valid_days=old.valid_days if old is not None else None)
        return spec, new_picture

    def submit(self) -> None:
        made = self.spec()
        if made is None:
            return
        spec, new_picture = made
        if self.editing is None and spec.item_id in self.entries:
            self.say(self.tr("There is already an item with the code %1").replace(
                "%1", spec.item_id))
            return
        op = self.operator_id

        def done(_saved: CatalogueEntry | None) -> None:
            self.editing = spec.item_id
            self._load(spec.item_id, self.tr("Saved"))
        self.change(lambda: self.ctx.work.save_item(op, spec, new_picture), done)

    def toggle_active(self) -> None:
        e = self.entries.get(self.editing) if self.editing is not None else None
        if e is None:
            return
        op, item_id, active = self.operator_id, e.item_id, not e.active

        def done(_changed: CatalogueEntry | None) -> None:
            self._load(item_id, self.tr("Retired: volunteers no longer see it")
                       if not active else self.tr("Back on sale"))
        self.change(lambda: self.ctx.work.set_item_active(op, item_id, active), done)
