"""One big button to exchange; while the sale commits and the receipt prints (off the GUI
thread) the same screen shows progress in the buttons' place and takes no more presses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QVBoxLayout

from kiosk.core.session_flow import Back, FlowState, Pay, Screen
from kiosk.ui.widgets import Screen as ScreenWidget
from kiosk.ui.widgets import UiContext, button, label


class ConfirmScreen(ScreenWidget):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        if m.cramped:   # large text on a short panel: notes as wide as can be, less air
            box.setContentsMargins(m.unit, m.unit // 2, m.unit, m.unit // 2)
            box.setSpacing(m.unit // 3)
        else:
            box.setContentsMargins(m.unit * 3, m.unit, m.unit * 3, m.unit)
            box.setSpacing(m.unit // 2)
        self.title = label("", "Title", align=center)
        self.lines = label("", "Big", align=center)
        self.total = label("", "Huge", align=center)
        self.after = label("", "Key", align=center)
        self.printer = label("", "Notice", align=center)
        # A stray code or someone's refused card, here or while the sale commits: a line,
        # and the exchange goes on.
        self.notice = label("", "Notice", align=center)
        box.addStretch(1)
        for w in (self.title, self.lines, self.total, self.after, self.printer, self.notice):
            box.addWidget(w)
        box.addStretch(1)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the commit takes a moment, not a known amount
        self.progress.setTextVisible(False)
        self.working = label("", "Big", align=center)
        box.addWidget(self.working)
        box.addWidget(self.progress)
        self.pay = button(role="go")
        self.pay.setProperty("role", "go")
        self.pay.setMinimumHeight(round(m.touch * 1.3))
        self.pay.clicked.connect(lambda: ctx.send(Pay()))
        self.back = button(role="back")
        self.back.clicked.connect(lambda: ctx.send(Back()))
        row = QHBoxLayout()
        row.setSpacing(m.gap * 2)  # "change" is never pressed for "exchange now"
        row.addWidget(self.back, 1)
        row.addWidget(self.pay, 2)
        box.addLayout(row)

    def show_state(self, state: FlowState) -> None:
        if state.holder is None:
            return
        n, lang = self.lang.number, self.lang
        busy = state.screen == Screen.CHECKING_OUT
        self.title.setText(self.tr("Please check your exchange"))
        self.lines.setText(lang.pick("、", ", ").join(
            f"{lang.pick(i.entry.name_zh, i.entry.name_en)} × {n(i.quantity)}"
            for i in state.cart.items))
        self.total.setText(self.lang.points(state.cart.total))
        self.after.setText(self.tr("Points left after: %1").replace(
            "%1", n(state.balance_after)))
        self.printer.setText(self.tr(
            "The printer cannot print receipts right now. The exchange still works; print "
            "the receipt later from \"My records\"."))
        self.printer.setVisible(state.printer_down is not None)
        self.notice.setText(state.notice.text(self.lang.code) if state.notice else "")
        self.notice.setVisible(state.notice is not None)
        self.working.setText(self.tr("Exchanging and printing your receipt…"))
        self.working.setVisible(busy)
        self.progress.setVisible(busy)
        self.pay.setText(self.tr("Exchange now"))
        self.back.setText(self.tr("Change"))
        # While the sale commits the buttons give way to the progress (they take no presses).
        for b in (self.pay, self.back):
            b.setEnabled(not busy)
            b.setVisible(not busy)
