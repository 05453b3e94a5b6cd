"""The cart: big + and -, remove, the total against the balance and what is left after; the
reason when something cannot be had (stock, per-person limits, points)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
)

from kiosk.core.session_flow import Add, Back, CartItem, Confirm, Decrease, FlowState, Remove
from kiosk.ui.screens.spend import left_to_spend, spend_lines
from kiosk.ui.screens.tile import limit_text
from kiosk.ui.widgets import (
    Screen,
    UiContext,
    button,
    clear_layout,
    label,
    picture,
    picture_label,
)


class CartScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        box, self.rows = self.titled_rows()
        self.empty = label("", "Big", align=Qt.AlignmentFlag.AlignCenter)
        left = QVBoxLayout()
        left.addWidget(self.scroller, 1)
        left.addWidget(self.empty)
        body = QBoxLayout(QBoxLayout.Direction.TopToBottom if m.portrait
                          else QBoxLayout.Direction.LeftToRight)
        body.setSpacing(m.gap)
        body.addLayout(left, 1)
        summary = QFrame()
        summary.setObjectName("Summary")
        if not m.portrait:
            summary.setFixedWidth(min(m.unit * 14, round(m.width * 0.34)))
        sbox = QVBoxLayout(summary)
        sbox.setSpacing(m.unit // 4)
        self.total = label("", "Big")
        self.balance = label()
        self.after = label("", "Key")
        self.notice = label("", "Notice")
        for w in (self.total, self.balance, self.after, self.notice):
            sbox.addWidget(w)
        sbox.addStretch(1)
        self.more = button(role="back")
        self.more.clicked.connect(lambda: ctx.send(Back()))
        self.go = button(role="go")
        self.go.clicked.connect(lambda: ctx.send(Confirm()))
        buttons = QBoxLayout(QBoxLayout.Direction.RightToLeft if m.portrait
                             else QBoxLayout.Direction.TopToBottom)
        buttons.setSpacing(m.gap)
        buttons.addWidget(self.go)
        buttons.addWidget(self.more)
        sbox.addLayout(buttons)
        body.addWidget(summary)
        box.addLayout(body, 1)

    def _row(self, item: CartItem) -> QFrame:
        """Picture | name, price and limit over the -/count/+ and remove buttons | amount:
        two lines, so even a long English name fits a portrait panel."""
        m, lang, e = self.ctx.metrics, self.lang, item.entry
        row = QFrame()
        row.setObjectName("Row")
        line = QHBoxLayout(row)
        line.setSpacing(m.unit // 2)
        size = m.display(2.4)
        line.addWidget(picture_label(picture(self.ctx.assets, e.image, size), size),
                       alignment=Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.addWidget(label(lang.pick(e.name_zh, e.name_en), "Big"))
        unit = self.tr("%1 points each").replace("%1", lang.number(e.price))
        limit = limit_text(e, lang)
        text.addWidget(label(unit + (f" · {limit}" if limit else ""), "Muted"))
        controls = QHBoxLayout()
        controls.setSpacing(m.gap)
        minus = button("−", "step")
        minus.setObjectName(f"minus-{e.item_id}")
        minus.clicked.connect(lambda: self.ctx.send(Decrease(e.item_id)))
        count = label(lang.number(item.quantity), "Big", align=Qt.AlignmentFlag.AlignCenter,
                      wrap=False)
        count.setMinimumWidth(m.unit * 2)
        plus = button("+", "step")
        plus.setObjectName(f"plus-{e.item_id}")
        plus.clicked.connect(lambda: self.ctx.send(Add(e.item_id)))
        remove = button(self.tr("Remove"), "back")
        remove.setObjectName(f"remove-{e.item_id}")
        remove.clicked.connect(lambda: self.ctx.send(Remove(e.item_id)))
        for w in (minus, count, plus):
            if w is not count:
                w.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            controls.addWidget(w)
        remove.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        controls.addWidget(remove)
        controls.addStretch(1)
        amount = label(self.lang.points(item.amount), "Big", wrap=False)
        amount.setMinimumWidth(amount.sizeHint().width())  # a total is never cut
        if m.large_text:  # no width to spare beside the buttons: the amount over them
            text.insertWidget(1, amount)
        else:
            amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        text.addLayout(controls)
        line.addLayout(text, 1)
        if not m.large_text:
            line.addWidget(amount)
        return row

    def show_state(self, state: FlowState) -> None:
        if state.holder is None:
            return
        n = self.lang.number
        self.title.setText(self.tr("Your cart"))
        clear_layout(self.rows)
        for item in state.cart.items:
            self.rows.addWidget(self._row(item))
        self.rows.addStretch(1)
        self.empty.setText(self.tr("The cart is empty."))
        self.empty.setVisible(not state.cart.items)
        self.total.setText(self.tr("Total: %1 points").replace("%1", n(state.cart.total)))
        self.balance.setText(spend_lines(self, state)[0] if state.capped else
                             self.tr("Your points: %1").replace("%1", n(state.holder.balance)))
        self.after.setText(left_to_spend(self, state))
        self.notice.setText(state.notice.text(self.lang.code) if state.notice else "")
        self.notice.setVisible(state.notice is not None)
        self.more.setText(self.tr("Keep shopping"))
        self.go.setText(self.tr("Next: confirm"))
        self.go.setEnabled(bool(state.cart.items))
