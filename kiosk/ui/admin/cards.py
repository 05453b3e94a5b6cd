"""Cards: tap a card on the reader (or type its number) to see whose it is, then block a lost
card or unblock a found one. The change goes to the district with the next sync.

Registering a new NFC card: pick the volunteer, press "wait for the card", tap the card. The
next tap is registered (never looked up) and the wait ends; a card that is someone else's is
refused with their masked name. A card that signed its tap (NTAG 424 DNA with SUN) is
registered as such; any other NFC card is known by its UID alone (it can be copied, so it
keeps the daily cap). The card's line under its number says which kind it is.

Printing a QR card: pick the volunteer, press "issue a QR card". Only the district can sign
one, so the request waits for the sync daemon's next round (started at once); the screen
watches it and prints the card on the receipt printer as soon as the answer is in. A card
that did not print (paper out) stays in the list with "print" until it has."""

from __future__ import annotations

from contextlib import suppress

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.cards import CardInfo
from kiosk.core.clock import shop_time
from kiosk.core.models import PresentedCard
from kiosk.core.qr_cards import IssuedCard, QrCardRequest
from kiosk.core.session_flow import Notice
from kiosk.ui.admin.base import AdminContext, AdminScreen, clicked, heading, text_field
from kiosk.ui.widgets import button, label, touch_list
from points_protocol.errors import Invalid
from points_protocol.ids import normalize_card_id


class CardsScreen(AdminScreen):
    def __init__(self, ctx: AdminContext) -> None:
        super().__init__(ctx)
        m = ctx.metrics
        self.info: CardInfo | None = None
        self.tapped: PresentedCard | None = None   # the last card tapped here, as read
        self.waiting = False  # the next tap is a new card for the chosen volunteer
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
        self.volunteer_search = text_field(m)   # by number: the list shows matches only
        self.volunteer_search.textChanged.connect(lambda _text: self._load_volunteers())
        chooser = QHBoxLayout()
        chooser.addWidget(self.volunteer_search, 1)
        chooser.addWidget(self.volunteer, 2)
        self.wait = button(role="go")
        clicked(self.wait, self.wait_for_card)
        self.stop_waiting = button()
        clicked(self.stop_waiting, lambda: self._set_waiting(False))
        register = QHBoxLayout()
        register.addWidget(self.wait, 1)
        register.addWidget(self.stop_waiting, 1)
        self.volunteer_heading = label("", "Muted")
        self.register_state = label("", "Muted")
        self._build_qr(ctx)
        # Left: the card on the reader (find, block, unblock). Right: a new card for a
        # volunteer, an NFC card tapped here or a QR card printed here.
        page = QHBoxLayout(self)
        page.setSpacing(m.unit)
        left = QVBoxLayout()
        left.setSpacing(m.unit // 2)
        for widget in (self.heading, row, self.detail, buttons, self.notice):
            _add(left, widget)
        left.addStretch(1)
        page.addLayout(left, 1)
        self._chooser = chooser
        page.addLayout(self._new_card_column(register), 1)

    def _new_card_column(self, register: QHBoxLayout) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(self.ctx.metrics.unit // 2)
        for widget in (self.volunteer_heading, self._chooser, self.register_heading, register,
                       self.register_state, self.qr_heading, self.qr_row):
            _add(column, widget)
        column.addWidget(self.qr_list, 1)
        column.addWidget(self.qr_state)
        return column

    def _build_qr(self, ctx: AdminContext) -> None:
        m = ctx.metrics
        self.qr_enabled = bool(ctx.work.services.config.qr.public_key.strip())
        self.qr_heading = heading()
        self.issue_qr = button(role="go")
        clicked(self.issue_qr, self.request_qr_card)
        self.print_qr = button()
        clicked(self.print_qr, self._print_selected)
        self.qr_row = QHBoxLayout()
        self.qr_row.addWidget(self.issue_qr, 1)
        self.qr_row.addWidget(self.print_qr, 1)
        self.qr_list = touch_list(QListWidget(), self.ctx.metrics)
        self.qr_list.setMinimumHeight(m.touch)
        self.qr_list.currentItemChanged.connect(lambda *_: self._enable_print())
        self.qr_state = label("", "Muted")
        self.qr_requests: list[QrCardRequest] = []
        self.auto_print: set[str] = set()   # asked for on this screen: print when issued
        self.printing: set[str] = set()
        self.qr_poll = QTimer(self)
        self.qr_poll.setInterval(2000)
        self.qr_poll.timeout.connect(self._load_qr)

    def title(self) -> str:
        return self.tr("Cards")

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Tap the card on the reader, or type its number"))
        self.number.setPlaceholderText(self.tr("Card number"))
        self.find_button.setText(self.tr("Find"))
        self.block.setText(self.tr("Block this card"))
        self.unblock.setText(self.tr("Unblock this card"))
        self.volunteer_heading.setText(self.tr("A new card for this volunteer:"))
        self.volunteer_search.setPlaceholderText(self.tr("Volunteer number"))
        self.register_heading.setText(self.tr("Register a new card"))
        self.wait.setText(self.tr("Wait for the card"))
        self.stop_waiting.setText(self.tr("Cancel"))
        self.qr_heading.setText(self.tr("Print a QR card"))
        self.issue_qr.setText(self.tr("Issue a QR card"))
        self.print_qr.setText(self.tr("Print"))
        self.issue_qr.setEnabled(self.qr_enabled)
        on = self.tr("Signed by the district at the next sync (needs the network), then "
                     "printed here; the old QR card stops working.")
        off = self.tr("QR cards are switched off on this kiosk ([qr] public_key).")
        self.qr_state.setText(on if self.qr_enabled else off)
        self._fill_qr()
        self._show()
        self._set_waiting(self.waiting)

    def refresh(self) -> None:
        self.say(None)
        self._set_waiting(False)

        self._load_volunteers()
        self._load_qr()
        if self.info is not None:
            self.card(self.info.card_id)
        else:
            self._show()

    def _load_volunteers(self) -> None:
        prefix = self.volunteer_search.text()

        def volunteers(found: list[tuple[str, str]]) -> None:
            if prefix == self.volunteer_search.text():   # not a stale answer
                chosen = self.volunteer.currentData()
                self.volunteer.clear()
                for volunteer_id, masked_name in found:
                    self.volunteer.addItem(f"{volunteer_id} · {masked_name}", volunteer_id)
                self.volunteer.setCurrentIndex(max(0, self.volunteer.findData(chosen)))
        self.run(lambda: self.ctx.work.volunteers(prefix), volunteers)

    def _set_waiting(self, on: bool) -> None:
        self.waiting = on
        self.wait.setEnabled(not on)
        self.stop_waiting.setEnabled(on)
        self.volunteer.setEnabled(not on)
        self.volunteer_search.setEnabled(not on)
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

    def presented(self, card: PresentedCard) -> None:
        self.tapped = card
        self.card(card.card_id)

    def card(self, card_id: str) -> None:
        card_id = card_id.strip()
        with suppress(Invalid):   # shown as the reader reads it; a bad one: the work says why
            card_id = normalize_card_id(card_id)
        self.number.setText(card_id)
        if self.waiting:
            tap = self.tapped if self.tapped and self.tapped.card_id == card_id else None
            self.tapped = None   # a typed number later is not this tap
            self._register(card_id, tap)
            return

        def found(info: CardInfo | None) -> None:
            self.info = info
            self.say(None if info else self.tr("No card %1 on this kiosk").replace("%1", card_id))
            if info is not None and not self.waiting:   # a new card for the same
                self.volunteer_search.setText(info.volunteer_id)   # person: one tap
            self._show()

        def refused(_notice: Notice) -> None:
            self.info = None   # no other card stays on show
            self._show()
        self.run(lambda: self.ctx.work.card(card_id), found, refused)

    def _show(self) -> None:
        i = self.info
        self.block.setEnabled(i is not None and i.status == "active")
        self.unblock.setEnabled(i is not None and i.status == "blocked")
        if i is None:
            self.detail.setText("")
            return
        status = self.tr("active") if i.status == "active" else self.tr("blocked")
        kind = {"nfc": self.tr("NFC card known by its UID alone (daily cap)"),
                "sun": self.tr("NFC card that signs each tap (NTAG 424)")}.get(
            i.kind, self.tr("QR card"))
        text = self.tr("%1 · %2 · %3").replace("%1", i.masked_name).replace("%2", kind) \
            .replace("%3", status)
        if i.is_operator:
            text += "\n" + self.tr("Operator card")
        self.detail.setText(f"{i.card_id}\n{text}")

    def _set(self, status: str) -> None:
        if self.info is None:
            return
        card_id, op = self.info.card_id, self.operator_id

        def done(info: CardInfo | None) -> None:
            self.info = info
            self._show()
        self.change(lambda: self.ctx.work.set_card_status(op, card_id, status), done)

    def _register(self, card_id: str, tap: PresentedCard | None) -> None:
        volunteer_id, who = self.volunteer.currentData(), self.volunteer.currentText()
        op, sun = self.operator_id, tap.sun if tap is not None else None
        self._set_waiting(False)

        def done(registered: bool) -> None:   # a refusal (someone else's card): the notice
            text = self.tr("Card %1 registered to %2") if registered else \
                self.tr("Card %1 was already registered to %2")
            self.card(card_id)  # show it, with block / unblock, and which kind it is
            self.register_state.setText(text.replace("%1", card_id).replace("%2", who))
        self.change(lambda: self.ctx.work.register_card(op, card_id, volunteer_id, sun), done)

    # -- QR cards --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.qr_poll.start()

    def hideEvent(self, event: QHideEvent) -> None:
        self.qr_poll.stop()
        # Printing by itself is for the operator standing here; later the list has "print".
        self.auto_print.clear()
        super().hideEvent(event)

    def request_qr_card(self) -> None:
        volunteer_id = self.volunteer.currentData()
        if volunteer_id is None:
            self.say(self.tr("Choose a volunteer first"))
            return
        op = self.operator_id
        self.say(None)

        def done(request_id: str) -> None:
            self.auto_print.add(request_id)
            self._load_qr()
        self.change(lambda: self.ctx.work.request_qr_card(op, volunteer_id), done)

    def _load_qr(self) -> None:
        if self.busy:
            return   # the last answer is not in yet: never pile up polls on the worker

        def loaded(requests: list[QrCardRequest]) -> None:
            self.qr_requests = requests
            self._fill_qr()
            for request in self.qr_requests:
                if request.state == "issued" and request.request_id in self.auto_print:
                    self.auto_print.discard(request.request_id)
                    self._print(request.request_id)
        self.run(self.ctx.work.qr_card_requests, loaded)

    def _state_text(self, request: QrCardRequest) -> str:
        return {
            "waiting": self.tr("waiting for the district"),
            "issued": self.tr("ready to print"),
            "printed": self.tr("printed"),
            "refused": self.tr("refused: %1").replace("%1", request.detail or ""),
        }[request.state]

    def _fill_qr(self) -> None:
        chosen = self._selected()
        self.qr_list.clear()
        for request in self.qr_requests:
            asked = shop_time(request.requested_at, self.zone).strftime("%m-%d %H:%M")
            item = QListWidgetItem(f"{request.masked_name} · {self._state_text(request)} · "
                                   f"{asked}")
            item.setData(Qt.ItemDataRole.UserRole, request.request_id)
            self.qr_list.addItem(item)
            if request.request_id == chosen:
                self.qr_list.setCurrentItem(item)
        self._enable_print()

    def _selected(self) -> str | None:
        item = self.qr_list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _enable_print(self) -> None:
        chosen = self._selected()
        self.print_qr.setEnabled(any(r.request_id == chosen and r.state == "issued"
                                     for r in self.qr_requests))

    def _print_selected(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self._print(chosen)

    def _print(self, request_id: str) -> None:
        if request_id in self.printing or self.ctx.operator() is None:
            return   # already on its way, or signed out while the answer came in
        op = self.operator_id
        self.printing.add(request_id)

        def printed(card: IssuedCard) -> None:
            self.say(self.tr("QR card %1 printed for %2").replace("%1", card.card_id)
                     .replace("%2", card.masked_name))
            over()

        def over(_refused: Notice | None = None) -> None:
            self.printing.discard(request_id)
            self._load_qr()
        self.run_on_printer(self.ctx.printing.print_qr_card(op, request_id), printed, over,
                            changes=True)


def _add(column: QVBoxLayout, item: QWidget | QLayout) -> None:
    if isinstance(item, QLayout):
        column.addLayout(item)
    else:
        column.addWidget(item)
