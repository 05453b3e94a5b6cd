"""My records: this card's recent exchanges at this kiosk, each with a reprint button; a
receipt that never came out (paper out) is marked so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from kiosk.core.models import Receipt
from kiosk.core.receipt_text import short_order_id
from kiosk.core.session_flow import Back, FlowState, Reprint
from kiosk.ui.widgets import Screen, UiContext, button, clear_layout, label


class RecordsScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        box, self.rows = self.titled_rows()
        box.addWidget(self.scroller, 1)
        self.notice = label("", "Notice")
        box.addWidget(self.notice)
        box.addSpacing(ctx.metrics.gap // 2)
        self.back = button(role="back")
        self.back.clicked.connect(lambda: ctx.send(Back()))
        box.addWidget(self.back)

    def _row(self, receipt: Receipt) -> QFrame:
        lang, n, m = self.lang, self.lang.number, self.ctx.metrics
        row = QFrame()
        row.setObjectName("Row")
        line = QHBoxLayout(row)
        line.setSpacing(m.gap)
        text = QVBoxLayout()
        text.addWidget(label(lang.when(receipt.created_at), "Big"))
        goods = "、".join(f"{lang.pick(x.name_zh, x.name_en)} × {n(x.quantity)}"
                         for x in receipt.lines)
        text.addWidget(label(goods))
        order = self.tr("Order %1").replace("%1", short_order_id(receipt.order_id))
        text.addWidget(label(self.lang.points(receipt.total)
                             + " · " + order, "Muted"))
        if receipt.unprinted:
            mark = label(self.tr("Receipt not printed yet"), "Badge", wrap=False)
            mark.setObjectName("Badge")
            text.addWidget(mark, alignment=Qt.AlignmentFlag.AlignLeft)
        line.addLayout(text, 1)
        again = button(self.tr("Print it now") if receipt.unprinted else self.tr("Print again"),
                       "go")
        again.setObjectName(f"reprint-{receipt.order_id}")
        again.setMaximumWidth(m.unit * 9)
        again.clicked.connect(lambda: self.ctx.send(Reprint(receipt.order_id)))
        line.addWidget(again)
        return row

    def show_state(self, state: FlowState) -> None:
        self.title.setText(self.tr("My records at this kiosk"))
        clear_layout(self.rows)
        if state.records is None:
            self.rows.addWidget(label(self.tr("Loading…"), "Big"))
        elif not state.records:
            self.rows.addWidget(label(self.tr("No exchanges yet."), "Big"))
        else:
            for receipt in state.records:
                self.rows.addWidget(self._row(receipt))
        self.rows.addStretch(1)
        self.notice.setText(state.notice.text(self.lang.code) if state.notice else "")
        self.notice.setVisible(state.notice is not None)
        self.back.setText(self.tr("Back"))
