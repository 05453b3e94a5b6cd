"""Cards: tap a card on the reader (or type its number) to see whose it is, then block a lost
card or unblock a found one. The change goes to the district with the next sync.

Registering a new NFC card: pick the volunteer, press "wait for the card", tap the card. The
next tap is registered (never looked up) and the wait ends; a card that is someone else's is
refused with their masked name."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout

from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked, heading, text_field
from kiosk.ui.admin.work import CardInfo, Result
from kiosk.ui.widgets import button, label


class CardsScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.info: CardInfo | None = None
        self.waiting = False  # the next tap is a new card for the chosen volunteer
        box = QVBoxLayout(self)
        box.setSpacing(m.unit // 2)
        self.heading = heading()
        self.number = text_field(m)
        self.find_button = button()
        clicked(self.find_button, lambda: self.card(self.number.text()))
        row = QHBoxLayout()
        row.addWidget(self.number, 3)
        row.addWidget(self.find_button, 1)
        self.detail = label("", "Big")
        self.block = button(role="back")
        self.unblock = button(role="go")
        clicked(self.block, lambda: self._set("blocked"))
        clicked(self.unblock, lambda: self._set("active"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.block)
        buttons.addWidget(self.unblock)
        self.register_heading = heading()
        self.volunteer = QComboBox()
        self.volunteer.setMinimumHeight(m.touch)
        self.wait = button(role="go")
        clicked(self.wait, self.wait_for_card)
        self.stop_waiting = button()
        clicked(self.stop_waiting, lambda: self._set_waiting(False))
        register = QHBoxLayout()
        register.addWidget(self.volunteer, 2)
        register.addWidget(self.wait, 1)
        register.addWidget(self.stop_waiting, 1)
        self.register_state = label("", "Muted")
        box.addWidget(self.heading)
        box.addLayout(row)
        box.addWidget(self.detail)
        box.addLayout(buttons)
        box.addWidget(self.notice)
        box.addSpacing(m.unit)
        box.addWidget(self.register_heading)
        box.addLayout(register)
        box.addWidget(self.register_state)
        box.addStretch(1)

    def title(self) -> str:
        return self.tr("Cards")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Tap the card on the reader, or type its number"))
        self.number.setPlaceholderText(self.tr("Card number"))
        self.find_button.setText(self.tr("Find"))
        self.block.setText(self.tr("Block this card"))
        self.unblock.setText(self.tr("Unblock this card"))
        self.register_heading.setText(self.tr("Register a new card"))
        self.wait.setText(self.tr("Wait for the card"))
        self.stop_waiting.setText(self.tr("Cancel"))
        self._show()
        self._set_waiting(self.waiting)

    def refresh(self) -> None:
        self.say(None)
        self._set_waiting(False)

        def volunteers(result: Result) -> None:
            if result.ok:
                chosen = self.volunteer.currentData()
                self.volunteer.clear()
                for volunteer_id, masked_name in result.value:
                    self.volunteer.addItem(f"{volunteer_id} · {masked_name}", volunteer_id)
                self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(chosen)))
        self.run(self.ctx.work.volunteers, volunteers)
        if self.info is not None:
            self.card(self.info.card_id)
        else:
            self._show()

    def _set_waiting(self, on: bool) -> None:
        self.waiting = on
        self.wait.setEnabled(not on)
        self.stop_waiting.setEnabled(on)
        self.volunteer.setEnabled(not on)
        self.register_state.setText(
            self.tr("Tap the new card on the reader now: it will be registered to %1")
            .replace("%1", self.volunteer.currentText()) if on else
            self.tr("Choose the volunteer, then press the button and tap the new card"))

    def wait_for_card(self) -> None:
        if self.volunteer.currentData() is None:
            self.say(self.tr("Choose a volunteer first"))
            return
        self.say(None)
        self._set_waiting(True)

    def card(self, card_id: str) -> None:
        card_id = card_id.strip()
        self.number.setText(card_id)
        if self.waiting:
            self._register(card_id)
            return

        def found(result: Result) -> None:
            if result.ok:
                self.info = result.value
                self.say(None if self.info else
                         self.tr("No card %1 on this kiosk").replace("%1", card_id))
                self._show()
        self.run(lambda: self.ctx.work.card(card_id), found)

    def _show(self) -> None:
        i = self.info
        self.block.setEnabled(i is not None and i.status == "active")
        self.unblock.setEnabled(i is not None and i.status == "blocked")
        if i is None:
            self.detail.setText("")
            return
        status = self.tr("active") if i.status == "active" else self.tr("blocked")
        kind = self.tr("NFC card") if i.kind == "nfc" else self.tr("QR card")
        text = self.tr("%1 · %2 · %3").replace("%1", i.masked_name).replace("%2", kind) \
            .replace("%3", status)
        if i.is_operator:
            text += "\n" + self.tr("Operator card")
        self.detail.setText(f"{i.card_id}\n{text}")

    def _set(self, status: str) -> None:
        if self.info is None:
            return
        card_id, op = self.info.card_id, self.operator_id

        def done(result: Result) -> None:
            if result.ok:
                self.info = result.value
                self._show()
        self.run(lambda: self.ctx.work.set_card_status(op, card_id, status), done)

    def _register(self, card_id: str) -> None:
        volunteer_id, who = self.volunteer.currentData(), self.volunteer.currentText()
        op = self.operator_id
        self._set_waiting(False)

        def done(result: Result) -> None:
            if not result.ok:
                return  # refused (someone else's card): the notice says why
            text = self.tr("Card %1 registered to %2") if result.value else \
                self.tr("Card %1 was already registered to %2")
            self.card(card_id)  # show it, with block / unblock
            self.register_state.setText(text.replace("%1", card_id).replace("%2", who))
        self.run(lambda: self.ctx.work.register_card(op, card_id, volunteer_id), done)
