"""What sits around every screen: the top bar (shop name, reading aloud, large text, language)
and what is laid over whatever screen is showing: the "still there?" countdown and the
question about another card tapped in the middle of a visit."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.core.session_flow import FlowState, KeepVisit, SwitchCard, Touch
from kiosk.ui.widgets import UiContext, button, cover_parent, label, picture


class TopBar(QFrame):
    language_clicked = Signal()
    large_text_clicked = Signal()
    speaker_clicked = Signal()

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.setObjectName("TopBar")
        self.ctx = ctx
        m = ctx.metrics
        outer = QVBoxLayout(self)
        # Half of the 8 mm to the screen's first buttons is on this side of the bar's edge.
        half_gap = (m.gap + 1) // 2
        outer.setContentsMargins(m.unit, m.unit // 4, m.unit // 2, max(m.unit // 4, half_gap))
        outer.setSpacing(m.unit // 4)
        row = QHBoxLayout()
        row.setSpacing(m.gap)
        self.shop = label(ctx.shop_name, wrap=False)
        # A narrow panel with large text: the shop's name on a line of its own, so the three
        # buttons keep their whole labels.
        if m.portrait and m.large_text:
            outer.addWidget(self.shop)
            row.addStretch(1)
        else:
            row.addWidget(self.shop, 1)
        outer.addLayout(row)
        self.speaker = button()
        self.speaker.setObjectName("SpeakerToggle")
        self.speaker.setCheckable(True)
        self.speaker.setIcon(QIcon(picture(ctx.assets, "ui/speaker.png", m.unit * 2)))
        self.speaker.setIconSize(QSize(round(m.unit * 1.2), round(m.unit * 1.2)))
        self.language = button()
        self.language.setObjectName("LanguageToggle")
        self.large = button()
        self.large.setObjectName("LargeTextToggle")
        self.large.setCheckable(True)
        for b in (self.speaker, self.large, self.language):
            b.setSizePolicy(b.sizePolicy().Policy.Fixed, b.sizePolicy().Policy.Fixed)
            row.addWidget(b)
        self.language.clicked.connect(self.language_clicked)
        self.large.clicked.connect(self.large_text_clicked)
        self.speaker.clicked.connect(self.speaker_clicked)

    def show_state(self, large_text: bool, reading: bool = False) -> None:
        # Each language names itself, so someone who reads only that one can find it.
        self.language.setText("English" if self.ctx.language.chinese else "中文")
        self.large.setText(self.tr("Larger text"))
        self.large.setChecked(large_text)
        self.speaker.setText(self.tr("Reading aloud") if reading else self.tr("Read aloud"))
        self.speaker.setChecked(reading)


class Overlay(QWidget):
    """A question laid dimmed over whatever screen is showing: a centred dialog whose ``box``
    the subclass fills; until it is hidden again the screen under it takes no touch."""

    def __init__(self, ctx: UiContext, parent: QWidget, max_width: int) -> None:
        super().__init__(parent)
        self.setObjectName("Overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        m = ctx.metrics
        outer = QVBoxLayout(self)
        dialog = QFrame()
        dialog.setObjectName("Dialog")
        dialog.setMaximumWidth(max_width)
        self.box = QVBoxLayout(dialog)
        self.box.setContentsMargins(m.unit * 2, m.unit * 2, m.unit * 2, m.unit * 2)
        self.box.setSpacing(m.unit)
        outer.addWidget(dialog, alignment=Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def cover(self) -> None:
        """Over the whole of the screen under it, on top."""
        cover_parent(self)


class StillThere(Overlay):
    """Dimmed overlay with the countdown; any touch (the button or elsewhere) answers it."""

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(ctx, parent, max_width=ctx.metrics.unit * 30)
        center = Qt.AlignmentFlag.AlignCenter
        self.title = label("", "Title", align=center)
        self.seconds = label("", "Huge", align=center)
        self.explain = label("", "Big", align=center)
        self.stay = button(role="go")
        self.stay.clicked.connect(lambda: ctx.send(Touch()))
        for w in (self.title, self.seconds, self.explain, self.stay):
            self.box.addWidget(w)

    def show_state(self, state: FlowState, now: datetime) -> None:
        if state.warning_until is None:
            self.hide()
            return
        self.title.setText(self.tr("Are you still there?"))
        self.seconds.setText(self.ctx.language.number(state.countdown_left(now)))
        self.explain.setText(self.tr("Going back to the start; your cart will be emptied and "
                                     "nothing is exchanged."))
        self.stay.setText(self.tr("I'm still here"))
        self.cover()


class OtherCard(Overlay):
    """Another card was tapped in the middle of a visit: end this visit for it, or go on?
    Until answered the screen under it takes nothing; the cart waits."""

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        m = ctx.metrics
        super().__init__(ctx, parent, max_width=min(m.unit * 30, m.width - m.unit * 2))
        center = Qt.AlignmentFlag.AlignCenter
        self.title = label("", "Title", align=center)
        self.explain = label("", "Big", align=center)
        self.keep = button(role="go")
        self.keep.setMinimumHeight(round(m.touch * 1.3))
        self.switch = button(role="back")
        self.keep.clicked.connect(lambda: ctx.send(KeepVisit()))
        self.switch.clicked.connect(lambda: ctx.send(SwitchCard()))
        for w in (self.title, self.explain, self.keep):
            self.box.addWidget(w)
        self.box.addSpacing(m.gap)
        self.box.addWidget(self.switch)

    def show_state(self, state: FlowState) -> None:
        if state.other_card is None:
            self.hide()
            return
        self.title.setText(self.tr("Another card was tapped"))
        self.explain.setText(self.tr("A visit is still going on. Should it end, so the new "
                                     "card can be used? What is in the cart will be "
                                     "put back."))
        self.keep.setText(self.tr("No, go on with this visit"))
        self.switch.setText(self.tr("End it and use the new card"))
        self.cover()
