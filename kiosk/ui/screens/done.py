"""Done: take your receipt, the balance left; a printer problem said calmly (the sale stands)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from kiosk.core.session_flow import Finish, FlowState
from kiosk.ui.widgets import Screen, UiContext, button, label, picture, picture_label


class DoneScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit * 3, m.unit, m.unit * 3, m.unit)
        box.setSpacing(m.unit // 2)
        box.addStretch(1)
        size = m.px(5)
        self.ok_picture = picture(ctx.assets, "ui/done.png", size)
        self.printer_picture = picture(ctx.assets, "ui/printer.png", size)
        self.picture = picture_label(self.ok_picture, size)
        box.addWidget(self.picture, alignment=center)
        self.title = label("", "Title", align=center)
        self.caption = label("", "Big", align=center)
        self.balance = label("", "Huge", align=center)
        self.notice = label("", "Notice", align=center)
        self.back_in = label("", "Muted", align=center)
        for w in (self.title, self.caption, self.balance, self.notice, self.back_in):
            box.addWidget(w)
        box.addStretch(1)
        self.finish = button(role="back")
        self.finish.clicked.connect(lambda: ctx.send(Finish()))
        box.addWidget(self.finish)

    def show_state(self, state: FlowState) -> None:
        receipt = state.receipt
        if receipt is None:
            return
        printed = state.printer_notice is None
        self.picture.setPixmap(self.ok_picture if printed else self.printer_picture)
        self.title.setText(self.tr("Done! Please take your receipt.") if printed
                           else self.tr("Done! Your exchange went through."))
        self.caption.setText(self.tr("Points left"))
        self.balance.setText(self.lang.number(receipt.balance_after))
        self.notice.setText(self.tr(
            "The receipt could not be printed this time. Nothing is wrong with your "
            "exchange: please ask staff to print it again.") if not printed else "")
        self.notice.setVisible(not printed)
        self.back_in.setText(self.tr("Thank you for volunteering!"))
        self.finish.setText(self.tr("Finish"))
