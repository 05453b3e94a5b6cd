"""A card that cannot be used (or a kiosk that cannot sell): say why, kindly, then back to
the start."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout

from kiosk.core.errors import OutOfService
from kiosk.core.session_flow import Finish, FlowState
from kiosk.ui.widgets import Screen, UiContext, button, label, picture, picture_label


class RefusedScreen(Screen):
    def __init__(self, ctx: UiContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit * 2, m.unit, m.unit * 2, m.unit)
        box.setSpacing(m.unit)
        box.addStretch(1)
        size = min(m.display(5), round(m.height * 0.12))
        box.addWidget(picture_label(picture(ctx.assets, "ui/refused.png", size), size),
                      alignment=center)
        self.title = label("", "Title", align=center)
        self.message = label("", "Notice", align=center)
        box.addWidget(self.title)
        box.addWidget(self.message)
        box.addStretch(1)
        self.ok = button(role="back")
        self.ok.clicked.connect(lambda: ctx.send(Finish()))
        box.addWidget(self.ok)

    def show_state(self, state: FlowState) -> None:
        # The card is fine when the kiosk itself is out of service: never blame the card.
        stopped = state.notice is not None and state.notice.code == OutOfService.code
        self.title.setText(self.tr("Sorry, this kiosk is out of service") if stopped
                           else self.tr("Sorry, this card cannot be used here"))
        self.message.setText(state.notice.text(self.lang.code) if state.notice else "")
        self.ok.setText(self.tr("Back to the start"))
