"""Orders: find one by its id (typed, or the receipt's QR scanned), by card (tap it), or among
the most recent; void it with a reason (inside the configured window, refusals shown), or
print its receipt again. A void asks for a second tap: it gives points back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QListWidget, QListWidgetItem, QVBoxLayout

from kiosk.core.models import Receipt
from kiosk.core.order_search import OrderSummary
from kiosk.core.printing import PrintOutcome
from kiosk.core.receipt_text import short_order_id
from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked, heading, text_field
from kiosk.ui.widgets import button, label, touch_list

ROLE = Qt.ItemDataRole.UserRole
REASONS = ("wrong item", "volunteer changed their mind", "double sale", "test sale")


class OrdersScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.orders: list[OrderSummary] = []
        self.armed = False
        row = QHBoxLayout(self)
        row.setSpacing(m.unit)
        left = QVBoxLayout()
        self.search = text_field(m)
        self.find_button = button()
        self.recent = button()
        clicked(self.find_button, lambda: self.look_up(self.search.text()))
        clicked(self.recent, lambda: self.look_up(""))
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 3)
        search_row.addWidget(self.find_button, 1)
        search_row.addWidget(self.recent, 1)
        self.results = touch_list(QListWidget(), self.ctx.metrics)
        self.results.currentRowChanged.connect(lambda _row: self._show_order())
        self.list_heading = heading()
        self.hint = label("", "Muted")
        left.addWidget(self.list_heading)
        left.addWidget(self.hint)
        left.addLayout(search_row)
        left.addWidget(self.results, 1)
        row.addLayout(left, 3)
        right = QVBoxLayout()
        right.setSpacing(m.unit // 3)  # seven lines of detail and three controls on 800 px
        self.detail_heading = heading()
        self.detail = label()
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_label = label()
        self.reason = QComboBox()
        self.reason.setMinimumHeight(m.touch)
        self.void = button(role="back")
        clicked(self.void, self.void_order)
        self.reprint = button()
        clicked(self.reprint, self.reprint_order)
        self.result = label()
        right.addWidget(self.detail_heading)
        right.addWidget(self.detail)
        right.addStretch(1)
        right.addWidget(self.reason_label)
        right.addWidget(self.reason)
        right.addWidget(self.void)
        right.addWidget(self.reprint)
        right.addWidget(self.notice)
        right.addWidget(self.result)
        row.addLayout(right, 2)

    def title(self) -> str:
        return self.tr("Orders")

    def _reason_text(self, reason: str) -> str:
        return {"wrong item": self.tr("Wrong item"),
                "volunteer changed their mind": self.tr("Volunteer changed their mind"),
                "double sale": self.tr("Sold twice by mistake"),
                "test sale": self.tr("Test sale")}[reason]

    def retranslate(self) -> None:
        self.list_heading.setText(self.tr("Find an order"))
        self.hint.setText(self.tr("Scan the receipt, type its number, or tap the card"))
        self.search.setPlaceholderText(self.tr("Order or card number"))
        self.find_button.setText(self.tr("Find"))
        self.recent.setText(self.tr("Recent"))
        self.detail_heading.setText(self.tr("Order"))
        self.reason_label.setText(self.tr("Reason for the void"))
        self.reprint.setText(self.tr("Print the receipt again"))
        current = self.reason.currentIndex()
        self.reason.clear()
        for reason in REASONS:
            self.reason.addItem(self._reason_text(reason), reason)
        self.reason.setCurrentIndex(max(current, 0))
        self._show_list()

    def refresh(self) -> None:
        self.result.clear()
        self.say(None)
        self.look_up(self.search.text())

    def card(self, card_id: str) -> None:
        self.look_up(card_id)

    def scanned(self, text: str) -> None:
        self.look_up(text)

    def look_up(self, text: str) -> None:
        self.search.setText(text.strip())

        def found(orders: list[OrderSummary]) -> None:
            self.orders = list(orders)
            self._show_list()
            if self.orders:
                self.results.setCurrentRow(0)
                self.say(None)
            elif text.strip():
                self.say(self.tr("No order found for %1").replace("%1", text.strip()))
        self.run(lambda: self.ctx.work.find_orders(text), found)

    def _show_list(self) -> None:
        row = self.results.currentRow()
        self.results.clear()
        for o in self.orders:
            kind = self.tr("void") if o.kind == "void" else \
                self.tr("voided") if o.voided_by else self.tr("sale")
            item = QListWidgetItem(f"{self.when(o.created_at)}  {o.masked_name}  "
                                   f"{self.n(o.total)}  ({kind})  {short_order_id(o.order_id)}")
            item.setData(ROLE, o.order_id)
            self.results.addItem(item)
        if 0 <= row < len(self.orders):
            self.results.setCurrentRow(row)
        self._show_order()

    def selected(self) -> OrderSummary | None:
        row = self.results.currentRow()
        return self.orders[row] if 0 <= row < len(self.orders) else None

    def _show_order(self) -> None:
        self.armed = False
        o = self.selected()
        self.void.setText(self.tr("Void this order"))
        self.void.setEnabled(o is not None and o.kind == "sale" and o.voided_by is None)
        self.reprint.setEnabled(o is not None)
        if o is None:
            self.detail.setText(self.tr("No order selected"))
            return
        lines = [self.tr("Number: %1").replace("%1", short_order_id(o.order_id)),
                 self.tr("Time: %1").replace("%1", self.when(o.created_at)),
                 self.tr("Volunteer: %1").replace("%1", o.masked_name),
                 self.tr("Card: %1").replace("%1", o.card_id),
                 self.tr("Points: %1").replace("%1", self.n(o.total)),
                 self.tr("Receipt printed") if o.printed else self.tr("Receipt not printed")]
        if o.voided_by:
            lines.append(self.tr("Voided by %1").replace("%1", short_order_id(o.voided_by)))
        self.detail.setText("\n".join(lines))

    def void_order(self) -> None:
        o = self.selected()
        if o is None:
            return
        if not self.armed:  # first tap arms, the second one voids
            self.armed = True
            self.void.setText(self.tr("Tap again to void"))
            return
        self.armed = False
        op, reason = self.operator_id, str(self.reason.currentData())
        self.void.setEnabled(False)

        def done(void: Receipt) -> None:
            self.say(None)
            self.result.setText(self.tr("Voided: %1 points returned, goods back on the "
                                        "shelf.").replace("%1", self.n(-void.total)))
            self.look_up(self.search.text())
        self.change(lambda: self.ctx.work.void(op, o.order_id, reason), done,
                 lambda _refused: self.look_up(self.search.text()))

    def reprint_order(self) -> None:
        o = self.selected()
        if o is None:
            return
        op = self.operator_id

        def done(outcome: PrintOutcome) -> None:
            if outcome.printed:
                self.say(None)
                self.result.setText(self.tr("Receipt printed."))
            else:
                self.result.clear()
                self.say(self.tr("The printer did not print: %1")
                         .replace("%1", outcome.detail or ""))
            self.look_up(self.search.text())
        self.run_on_printer(self.ctx.printing.reprint(op, o.order_id), done, changes=True)
