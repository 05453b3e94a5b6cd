"""What every operator screen shares: the context, running work off the GUI thread, a notice
line, and a number pad (the kiosk has a touchscreen, often no keyboard)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.clock import Clock, shop_time
from kiosk.core.errors import UserFacingError
from kiosk.core.models import PresentedCard
from kiosk.core.operators import Operator
from kiosk.core.session_flow import Notice
from kiosk.operations.operator_printing import OperatorPrinting
from kiosk.operations.operator_work import OperatorWork
from kiosk.operations.outcome import A, B, DeviceOp, Outcome, Refused
from kiosk.ui.i18n import Language
from kiosk.ui.runner import OpRunner
from kiosk.ui.theme import Metrics
from kiosk.ui.widgets import button, label

ITEM_ID = Qt.ItemDataRole.UserRole
SEARCH = Qt.ItemDataRole.UserRole + 1   # other words a row is found by (the other language)

T = TypeVar("T")


@dataclass
class AdminContext:
    language: Language
    metrics: Metrics
    runner: OpRunner
    work: OperatorWork
    printing: OperatorPrinting
    clock: Clock
    operator: Callable[[], Operator | None]


class AdminScreen(QWidget):
    """One operator screen. ``refresh`` runs when it is opened; ``card``/``scanned`` receive a
    tapped card or a scanned code while it is showing."""

    def __init__(self, ctx: AdminContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.notice = label("", "Notice")
        self.notice.hide()
        self.busy = 0

    @property
    def lang(self) -> Language:
        return self.ctx.language

    @property
    def operator_id(self) -> str:
        op = self.ctx.operator()
        if op is None:  # signed out while a job was on its way: nothing may be done
            raise PermissionError("no operator signed in")
        return op.operator_id

    def title(self) -> str:
        raise NotImplementedError

    def quantity_column(self, go: Callable[[], Any]) -> tuple[QVBoxLayout, QPushButton]:
        """The chosen item, a number field with its pad, and the button that takes the
        quantity: the middle column that restock and stock count share."""
        m = self.ctx.metrics
        column = QVBoxLayout()
        self.qty_heading = heading()
        self.chosen = label("", "Muted")
        self.quantity = number_field(m)
        self.quantity.setReadOnly(True)
        self.pad = NumberPad(self.quantity, m, max_length=4)
        take = button(role="go")
        clicked(take, go)
        for widget in (self.qty_heading, self.chosen, self.quantity, self.pad, take):
            column.addWidget(widget)
        column.addStretch(1)
        return column, take

    def refresh(self) -> None:
        """Load what the screen shows (called when opened)."""

    def retranslate(self) -> None:
        """Set every text in the current language."""

    def card(self, card_id: str) -> None:
        """A card was tapped while this screen shows."""

    def presented(self, card: PresentedCard) -> None:
        """A card was tapped while this screen shows, as read (signed or not)."""
        self.card(card.card_id)

    def refused(self, error: UserFacingError) -> None:
        """A tapped card was refused before any look-up (unreadable, failed its signature):
        the screen says why, so a card that seems to do nothing is explained."""
        self.say(Notice.of(error))

    def scanned(self, text: str) -> None:
        """A barcode or receipt QR was scanned while this screen shows."""

    def run(self, op: Callable[[], T], success: Callable[[T], None],
            failure: Callable[[Notice], None] | None = None) -> None:
        """``op``, which only reads, on the database thread, then ``success(value)`` here; a
        refusal goes to the notice line, then to ``failure`` if given."""
        self.busy += 1
        self.ctx.runner.run(op, partial(self._finish, success, failure))

    def change(self, op: Callable[[], T], success: Callable[[T], None],
               failure: Callable[[Notice], None] | None = None) -> None:
        """Like :meth:`run`, for an operation that writes: once it succeeded the runner
        announces a change (the start screen under the operator's redraws its goods)."""
        self.busy += 1
        self.ctx.runner.run(op, partial(self._finish, success, failure), changes=True)

    def run_on_printer(self, op: DeviceOp[A, B, T], success: Callable[[T], None],
                       failure: Callable[[Notice], None] | None = None, *,
                       changes: bool) -> None:
        """Like :meth:`run` or :meth:`change`, for an operation that prints or asks the
        printer (that part on the printer's thread, never the database's)."""
        self.busy += 1
        self.ctx.runner.run_on_device(op, partial(self._finish, success, failure),
                                      changes=changes)

    def _finish(self, success: Callable[[T], None], failure: Callable[[Notice], None] | None,
                outcome: Outcome[T]) -> None:
        self.busy -= 1
        if isinstance(outcome, Refused):
            self.say(outcome.notice)
            if failure is not None:
                failure(outcome.notice)
            return
        success(outcome.value)

    def say(self, notice: Notice | str | None) -> None:
        if notice is None:
            self.notice.hide()
            return
        self.notice.setText(notice if isinstance(notice, str) else notice.text(self.lang.code))
        self.notice.show()

    def n(self, value: int) -> str:
        return self.lang.number(value)

    def item_name(self, entry: CatalogueEntry) -> str:
        return self.lang.pick(entry.name_zh, entry.name_en)

    @property
    def zone(self) -> ZoneInfo:
        """The shop's time zone: days, limits and every time on these screens are in it."""
        return self.ctx.work.services.kiosk.timezone

    def when(self, stamp: str | datetime) -> str:
        """A stored time as the shop reads it (the machine itself may well run in UTC)."""
        return self.lang.when(shop_time(stamp, self.zone))


class NumberPad(QWidget):
    """Digits into a line edit; big keys for a finger. ``entered`` on the check key."""

    entered = Signal()

    def __init__(self, target: QLineEdit, metrics: Metrics, *, max_length: int = 6) -> None:
        super().__init__()
        self.target = target
        self.max_length = max_length
        grid = QGridLayout(self)
        grid.setSpacing(metrics.gap)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, QPushButton] = {}
        layout = ("789", "456", "123", "C0⌫")
        for row, keys in enumerate(layout):
            for col, key in enumerate(keys):
                b = button(key)
                b.clicked.connect(partial(self.press, key))
                grid.addWidget(b, row, col)
                self.keys[key] = b

    def press(self, key: str) -> None:
        text = self.target.text()
        if key == "C":
            text = ""
        elif key == "⌫":
            text = text[:-1]
        elif len(text) < self.max_length:
            text += key
        self.target.setText(text)

    def value(self) -> int | None:
        text = self.target.text()
        return int(text) if text.isdigit() else None


def number_field(metrics: Metrics) -> QLineEdit:
    field = QLineEdit()
    field.setAlignment(Qt.AlignmentFlag.AlignRight)
    field.setMinimumHeight(metrics.touch)
    return field


class ItemList(QListWidget):
    """A list of catalogue items, each row carrying its item id: restock, count and the
    catalogue screen pick goods from one of these."""

    def current_id(self) -> str | None:
        row = self.currentItem()
        return None if row is None else str(row.data(ITEM_ID))

    def select(self, item_id: str) -> None:
        for i in range(self.count()):
            if self.item(i).data(ITEM_ID) == item_id:
                self.setCurrentRow(i)
                return

    def narrow(self, text: str) -> int:
        """Show only the rows whose words hold ``text`` (any case); returns how many show.
        The search over a long list of goods: typing 香 or soap finds soap."""
        wanted = text.strip().casefold()
        shown = 0
        for i in range(self.count()):
            row = self.item(i)
            hide = bool(wanted) and wanted not in row.text().casefold() \
                and wanted not in str(row.data(SEARCH)).casefold()
            row.setHidden(hide)
            shown += not hide
        return shown

    def fill(self, rows: Iterable[tuple[str, str]], keep: str | None) -> list[QListWidgetItem]:
        """Replace the rows with (item id, text); the row of ``keep`` stays chosen. Returns
        the rows, for a screen that styles some (retired items in grey)."""
        self.clear()
        made = []
        for item_id, text in rows:
            row = QListWidgetItem(text)
            row.setData(ITEM_ID, item_id)
            self.addItem(row)
            made.append(row)
            if item_id == keep:
                self.setCurrentItem(row)
        return made


def text_field(metrics: Metrics, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setMinimumHeight(metrics.touch)
    field.setPlaceholderText(placeholder)
    return field


def heading(text: str = "") -> QLabel:
    return label(text, "Big")


def clicked(widget: QPushButton, slot: Callable[[], Any]) -> None:
    """Connect without the ``checked`` argument Qt passes (slots here take none)."""
    widget.clicked.connect(lambda _checked=False: slot())
