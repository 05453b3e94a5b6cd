"""After the tap: who (masked name) and how many points, large; what can be spent today when a
daily cap is lower than the balance; then what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout

from kiosk.core.session_flow import Back, FlowState, ShowCatalogue, ShowRecords
from kiosk.ui.screens.spend import spend_lines
from kiosk.ui.widgets import Screen, UiContext, button, label
from points_protocol.catalogue import Category


class BalanceScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit * 2, m.unit // 2, m.unit * 2, m.unit // 2)
        box.setSpacing(m.unit // 3)
        self.hello = label("", "Title", align=center)
        self.caption = label("", "Big", align=center)
        self.balance = label("", "Huge", align=center)
        self.spendable = label("", "Key", align=center)
        self.why = label("", "Muted", align=center)
        self.notice = label("", "Notice", align=center)
        box.addStretch(1)
        for w in (self.hello, self.caption, self.balance, self.spendable, self.why,
                  self.notice):
            box.addWidget(w)
        box.addStretch(1)
        self.shop = button(role="go")
        self.short = m.cramped
        # A short panel with large text: the buttons keep their 8 mm, the caption goes.
        self.shop.setMinimumHeight(round(m.touch * (1.0 if self.short else 1.3)))
        self.donate = button()
        self.records = button()
        self.leave = button(role="back")
        self.shop.clicked.connect(lambda: ctx.send(ShowCatalogue(Category.HEALTH)))
        self.donate.clicked.connect(lambda: ctx.send(ShowCatalogue(Category.DONATE)))
        self.services = button()
        self.services.clicked.connect(lambda: ctx.send(ShowCatalogue(Category.SERVICES)))
        self.records.clicked.connect(lambda: ctx.send(ShowRecords()))
        self.leave.clicked.connect(lambda: ctx.send(Back()))
        grid = QGridLayout()
        grid.setSpacing(m.gap)
        # Three side by side where there is room, else one above the other (long English
        # labels in portrait or with large text must never be cut).
        across = 3 if (m.width - m.unit * 4 - m.gap * 2) / 3 >= m.unit * 11 else 1
        if across == 1 and m.width - m.unit * 4 - m.gap >= m.unit * 2 * 11:
            across = 2
        grid.addWidget(self.shop, 0, 0, 1, across)
        # The other four flow in rows under it ("leave" last), none on a row of its own
        # when two fit side by side: a short panel with large text has no height to spare.
        rest = (self.services, self.donate, self.records, self.leave)
        if across == 3:
            for n, extra in enumerate(rest[:3]):
                grid.addWidget(extra, 1, n)
            grid.addWidget(self.leave, 2, 0, 1, 3)
        else:
            for n, extra in enumerate(rest):
                grid.addWidget(extra, 1 + n // across, n % across)
        box.addLayout(grid)

    def show_state(self, state: FlowState) -> None:
        holder = state.holder
        if holder is None:
            return
        self.hello.setText(self.tr("Hello, %1").replace("%1", holder.masked_name))
        self.caption.setText(self.tr("Your points"))
        self.caption.setVisible(not self.short)
        self.balance.setText(self.lang.number(holder.balance))
        can, why = spend_lines(self, state)
        self.spendable.setText(can)
        self.why.setText(why)
        self.spendable.setVisible(state.capped)
        self.why.setVisible(state.capped)
        self.notice.setText(state.notice.text(self.lang.code) if state.notice else "")
        self.notice.setVisible(state.notice is not None)
        self.shop.setText(self.tr("Start shopping"))
        self.services.setText(self.tr("Services and vouchers"))
        self.donate.setText(self.tr("Donate points"))
        self.records.setText(self.tr("My records"))
        self.leave.setText(self.tr("Leave"))
