"""What sits around every screen: the top bar (shop name, language toggle, large-text toggle)
and the "still there?" countdown laid over whatever screen is showing."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core.session_flow import FlowState, Touch
from kiosk.ui.widgets import UiContext, button, label


class TopBar(QFrame):
    language_clicked = Signal()
    large_text_clicked = Signal()

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.setObjectName("TopBar")
        self.ctx = ctx
        m = ctx.metrics
        row = QHBoxLayout(self)
        row.setContentsMargins(m.unit, m.unit // 3, m.unit, m.unit // 3)
        self.shop = label(ctx.shop_name, wrap=False)
        row.addWidget(self.shop, 1)
        self.language = button()
        self.language.setObjectName("LanguageToggle")
        self.large = button()
        self.large.setObjectName("LargeTextToggle")
        self.large.setCheckable(True)
        for b in (self.large, self.language):
            b.setSizePolicy(b.sizePolicy().Policy.Fixed, b.sizePolicy().Policy.Fixed)
            row.addWidget(b)
        self.language.clicked.connect(self.language_clicked)
        self.large.clicked.connect(self.large_text_clicked)

    def show_state(self, large_text: bool) -> None:
        # Each language names itself, so someone who reads only that one can find it.
        self.language.setText("English" if self.ctx.language.chinese else "中文")
        self.large.setText(self.tr("Larger text"))
        self.large.setChecked(large_text)


class StillThere(QWidget):
    """Dimmed overlay with the countdown; any touch (the button or elsewhere) answers it."""

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("Overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        m = ctx.metrics
        outer = QVBoxLayout(self)
        dialog = QFrame()
        dialog.setObjectName("Dialog")
        dialog.setMaximumWidth(m.unit * 30)
        box = QVBoxLayout(dialog)
        box.setContentsMargins(m.unit * 2, m.unit * 2, m.unit * 2, m.unit * 2)
        box.setSpacing(m.unit)
        center = Qt.AlignmentFlag.AlignCenter
        self.title = label("", "Title", align=center)
        self.seconds = label("", "Huge", align=center)
        self.explain = label("", "Big", align=center)
        self.stay = button(role="go")
        self.stay.clicked.connect(lambda: ctx.send(Touch()))
        for w in (self.title, self.seconds, self.explain, self.stay):
            box.addWidget(w)
        outer.addWidget(dialog, alignment=center)
        self.hide()

    def show_state(self, state: FlowState, now: datetime) -> None:
        if state.warning_until is None:
            self.hide()
            return
        self.title.setText(self.tr("Are you still there?"))
        self.seconds.setText(self.ctx.language.number(state.countdown_left(now)))
        self.explain.setText(self.tr("Going back to the start; your cart will be emptied and "
                                     "nothing is exchanged."))
        self.stay.setText(self.tr("I'm still here"))
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
