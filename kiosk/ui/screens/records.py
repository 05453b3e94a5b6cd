"""My records: this card's recent exchanges at this kiosk, each with a reprint button."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout

from kiosk.core.models import Receipt
from kiosk.core.session_flow import Back, FlowState, Reprint
from kiosk.ui.widgets import Screen, UiContext, button, clear_layout, label


class RecordsScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        box, self.rows = self.titled_rows()
        box.addWidget(self.scroller, 1)
        self.notice = label("", "Notice")
        box.addWidget(self.notice)
        self.back = button(role="back")
        self.back.clicked.connect(lambda: ctx.send(Back()))
        box.addWidget(self.back)

    def _row(self, receipt: Receipt) -> QFrame:
        lang, n = self.lang, self.lang.number
        row = QFrame()
        row.setObjectName("Row")
        line = QHBoxLayout(row)
        text = QVBoxLayout()
        text.addWidget(label(lang.when(receipt.created_at), "Big"))
        goods = "、".join(f"{lang.pick(x.name_zh, x.name_en)} × {n(x.quantity)}"
                         for x in receipt.lines)
        text.addWidget(label(goods))
        text.addWidget(label(self.tr("%1 points").replace("%1", n(receipt.total)), "Muted"))
        line.addLayout(text, 1)
        again = button(self.tr("Print again"), "go")
        again.setObjectName(f"reprint-{receipt.order_id}")
        again.setMaximumWidth(self.ctx.metrics.unit * 10)
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
