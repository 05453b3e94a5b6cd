"""The PIN pad behind the hidden long-press: the operator types their PIN, nothing else.

The PIN is checked on the worker thread (scrypt is slow on purpose); wrong tries and the
lockout are counted by the core, so leaving and coming back does not reset them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk.core.operators import Operator
from kiosk.ui.admin.base import AdminContext, AdminScreen, NumberPad, clicked
from kiosk.ui.widgets import button, label

PIN_MAX = 12


class PinPadScreen(AdminScreen):
    signed_in = Signal(object)  # Operator
    cancelled = Signal()

    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        center = Qt.AlignmentFlag.AlignCenter
        outer = QHBoxLayout(self)
        outer.addStretch(2)
        box = QVBoxLayout()
        box.setSpacing(m.unit // 2)
        outer.addLayout(box, 3)  # wide enough for the hint and a refusal on one line each
        outer.addStretch(2)
        self.hint = label("", "Big", align=center)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAlignment(center)
        self.pin.setReadOnly(True)  # digits come from the pad; no system keyboard pops up
        self.pin.setMinimumHeight(m.touch)
        self.pad = NumberPad(self.pin, m, max_length=PIN_MAX)
        box.addSpacing(m.unit)
        box.addWidget(self.hint)
        box.addWidget(self.pin)
        box.addWidget(self.pad)
        box.addWidget(self.notice)
        row = QHBoxLayout()
        self.cancel = button(role="back")
        self.go = button(role="go")
        clicked(self.cancel, self._cancel)
        clicked(self.go, self.submit)
        row.addWidget(self.cancel)
        row.addWidget(self.go)
        box.addLayout(row)
        box.addStretch(1)

    def title(self) -> str:
        return self.tr("Operator sign-in")

    def retranslate(self) -> None:
        self.hint.setText(self.tr("Type your PIN, or tap your card"))
        self.cancel.setText(self.tr("Cancel"))
        self.go.setText(self.tr("Sign in"))

    def refresh(self) -> None:
        self.pin.clear()
        self.say(None)
        self.go.setEnabled(True)

    def submit(self) -> None:
        pin = self.pin.text()
        self.pin.clear()
        if not pin:
            return
        self.go.setEnabled(False)
        self.change(lambda: self.ctx.work.sign_in_pin(pin), self._done,
                 lambda _refused: self.go.setEnabled(True))

    def _done(self, operator: Operator) -> None:
        self.go.setEnabled(True)
        self.say(None)
        self.signed_in.emit(operator)

    def _cancel(self) -> None:
        self.pin.clear()
        self.cancelled.emit()
