"""Done: take your receipt, the balance left. When the receipt did not print, the sale still
stands: the order number large (to note or show), where to print it later, and whom to call,
since nobody staffs the shop."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QVBoxLayout

from kiosk.core.receipt_text import short_order_id
from kiosk.core.session_flow import Finish, FlowState
from kiosk.ui.widgets import Screen, UiContext, button, label, picture, picture_label


class DoneScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        side = m.unit if m.cramped else m.unit * 2   # notes of fewer lines on a short panel
        box.setContentsMargins(side, m.unit // 2, side, m.unit // 2)
        box.setSpacing(m.unit // 3)
        box.addStretch(1)
        # With large text the words need the height: a smaller picture.
        size = min(m.display(4), round(m.height * (0.08 if m.large_text else 0.12)))
        self.ok_picture = picture(ctx.assets, "ui/done.png", size)
        self.printer_picture = picture(ctx.assets, "ui/printer.png", size)
        self.picture = picture_label(self.ok_picture, size)
        box.addWidget(self.picture, alignment=center)
        self.picture.setVisible(not m.cramped)
        self.title = label("", "Title", align=center)
        self.caption = label("", "Big", align=center)
        self.balance = label("", "Huge", align=center)
        self.order_caption = label("", "Big", align=center)
        self.order = label("", "OrderNumber", align=center, wrap=False)
        self.notice = label("", "Notice", align=center)
        self.back_in = label("", "Muted", align=center)
        box.addWidget(self.title)
        if m.large_text and not m.portrait:
            box.addLayout(self._side_by_side(m.unit))
        else:
            for w in (self.caption, self.balance, self.order_caption):
                box.addWidget(w)
            box.addWidget(self.order, alignment=center)
        box.addWidget(self.notice)
        box.addWidget(self.back_in)
        box.addStretch(1)
        self.finish = button(role="back")
        self.finish.clicked.connect(lambda: ctx.send(Finish()))
        box.addWidget(self.finish)

    def _side_by_side(self, spacing: int) -> QGridLayout:
        """Each caption left of its value, the pair centred: with large text on a landscape
        panel the order number, the printer note, a line about a stray code and 完成 then all
        fit (stacked, 完成 fell off the glass)."""
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        grid = QGridLayout()
        grid.setHorizontalSpacing(spacing)
        grid.setVerticalSpacing(spacing // 3)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(3, 1)
        for row, (caption, value) in enumerate(((self.caption, self.balance),
                                                (self.order_caption, self.order))):
            caption.setAlignment(right)
            grid.addWidget(caption, row, 1, right)
            grid.addWidget(value, row, 2, left)
        return grid

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
        self.order_caption.setText(self.tr("Order number"))
        self.order.setText(short_order_id(receipt.order_id))
        phone = self.ctx.front.phone.strip()
        text = self.tr("The receipt could not be printed (the printer may be out of paper). "
                       "Your exchange is done. Once paper is in, print it from \"My records\".")
        if phone:
            text += " " + self.tr("Questions? Call %1.").replace("%1", phone)
        self.notice.setText(text if not printed else "")
        for w in (self.notice, self.order_caption, self.order):
            w.setVisible(not printed)
        # Someone's stray code or refused card while this shows is a line in place of the
        # thanks, and so is the next volunteer's card, which waits for "next visit" (or for
        # this screen's time to be up): the points left and the order number stay.
        aside = state.notice.text(self.lang.code) if state.notice is not None else ""
        if state.next_card is not None:
            aside = self.tr("Next card read. Tap \"Next visit\", or it starts by itself.")
        # A family in need is thanked as a guest: no volunteer wording on their screens.
        thanks = (self.tr("Thank you, and welcome back!") if receipt.family
                  else self.tr("Thank you for volunteering!"))
        self.back_in.setText(aside or thanks)
        # A long note on a short panel: the thanks give way to what must be read.
        self.back_in.setVisible(bool(aside) or printed or not self.ctx.metrics.large_text)
        self.finish.setText(self.tr("Next visit") if state.next_card is not None
                            else self.tr("Finish"))
