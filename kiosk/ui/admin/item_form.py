"""The catalogue screen's form: its fields and how they are laid out (two captions and two
fields side by side, so seven rows of touch-sized fields fit 800 px). What the fields hold
and what the buttons do is the catalogue screen's (:mod:`kiosk.ui.admin.catalogue`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.admin.base import AdminScreen, clicked, heading, text_field
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import ASSETS, button, label, picture, picture_label


class ItemFormScreen(AdminScreen):
    # What the form's buttons and checkbox do (the catalogue screen's).
    def choose_picture(self) -> None:
        raise NotImplementedError

    def take_photo(self) -> None:
        raise NotImplementedError

    def start_new(self) -> None:
        raise NotImplementedError

    def submit(self) -> None:
        raise NotImplementedError

    def toggle_active(self) -> None:
        raise NotImplementedError

    def _show_form_state(self) -> None:
        raise NotImplementedError

    def _make_fields(self, m: Metrics) -> None:
        self.item_id = text_field(m)
        self.name_zh = text_field(m)
        self.name_en = text_field(m)
        self.category = self._combo(m)
        self.kind = self._combo(m)
        self.price = self._number(m)
        self.threshold = self._number(m)
        self.barcode = text_field(m)
        self.limit_count = self._number(m)
        self.limit_points = self._number(m)
        self.limit_period = self._combo(m)
        self.picture_path = text_field(m)   # the chosen file: shown only with the details
        self.choose = button()
        clicked(self.choose, self.choose_picture)
        self.photo = button()
        clicked(self.photo, self.take_photo)
        self.photo.setVisible(self.ctx.work.camera is not None)
        self.picture_note = label("", "Muted")
        self.preview = picture_label(picture(ASSETS, None, m.touch), m.touch)
        self.details = QCheckBox()
        self.details.setMinimumHeight(m.touch)
        self.details.toggled.connect(lambda _on: self._show_form_state())

    def _form(self, m: Metrics) -> QVBoxLayout:
        self._make_fields(m)
        box = QVBoxLayout()
        box.setSpacing(m.unit // 4)
        self.form_heading = heading()
        grid = QGridLayout()
        grid.setHorizontalSpacing(m.unit // 2)
        grid.setVerticalSpacing(0)  # seven rows of touch-sized fields must fit 800 px
        picture_row = QWidget()
        pr = QHBoxLayout(picture_row)
        pr.setContentsMargins(0, 0, 0, 0)
        pr.setSpacing(m.gap)
        pr.addWidget(self.preview)
        pr.addWidget(self.picture_note, 2)
        pr.addWidget(self.picture_path, 2)
        for b in (self.choose, self.photo):  # as wide as their words
            b.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            pr.addWidget(b)
        self.captions: dict[str, QLabel] = {}
        cells = (("id", self.item_id), ("status", None),
                 ("name_zh", self.name_zh), ("name_en", self.name_en),
                 ("category", self.category), ("kind", self.kind),
                 ("price", self.price), ("threshold", self.threshold),
                 ("barcode", self.barcode), ("period", self.limit_period),
                 ("limit_count", self.limit_count), ("limit_points", self.limit_points))
        for n, (key, widget) in enumerate(cells):
            caption = label("", "Muted", wrap=False)  # a wrapped caption pushes rows apart
            self.captions[key] = caption
            r, c = n // 2, (n % 2) * 2
            grid.addWidget(caption, r, c)
            if widget is not None:
                grid.addWidget(widget, r, c + 1)
        self.status = label()
        grid.addWidget(self.status, 0, 3)
        picture_caption = label("", "Muted", wrap=False)
        self.captions["picture"] = picture_caption
        last = len(cells) // 2
        grid.addWidget(picture_caption, last, 0)
        grid.addWidget(picture_row, last, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.new_item = button()
        clicked(self.new_item, self.start_new)
        self.save = button(role="go")
        clicked(self.save, self.submit)
        self.retire = button(role="back")
        clicked(self.retire, self.toggle_active)
        buttons = QHBoxLayout()
        buttons.setSpacing(m.gap)
        buttons.addWidget(self.new_item)
        buttons.addWidget(self.retire)
        buttons.addWidget(self.save)
        box.addWidget(self.form_heading)
        box.addLayout(grid)
        box.addLayout(buttons)
        box.addWidget(self.details)
        box.addStretch(1)
        return box

    @staticmethod
    def _combo(m: Metrics) -> QComboBox:
        combo = QComboBox()
        combo.setMinimumHeight(m.touch)
        # sized by the field's column, not by its longest choice (the list shows it whole)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        return combo

    @staticmethod
    def _number(m: Metrics) -> QLineEdit:
        field = text_field(m)
        field.setValidator(QIntValidator(0, 999_999, field))
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        return field
