"""Small building blocks shared by the screens: buttons with a role, picture loading, the base
class every screen derives from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QListWidget,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.session_flow import Event, FlowState
from kiosk.ui.i18n import Language
from kiosk.ui.phrases import glue_words
from kiosk.ui.theme import Metrics

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"


@dataclass(frozen=True)
class ShopFront:
    """What the start screen shows of this kiosk: the ways in and pictures of where they are,
    and the phone number for a receipt that did not print."""

    card: bool = True
    qr: bool = True
    card_picture: Path | None = None   # None: the drawing that ships in assets/ui
    qr_picture: Path | None = None
    phone: str = ""


@dataclass
class UiContext:
    """What every screen needs: the language, sizes, the shop and the way to send events."""

    language: Language
    metrics: Metrics
    shop_name: str
    send: Callable[[Event], None]
    assets: Path = ASSETS
    front: ShopFront = ShopFront()


def button(text: str = "", role: str | None = None) -> QPushButton:
    b = QPushButton(text)
    if role:
        b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return b


class PhraseLabel(QLabel):
    """A label that wraps Chinese between words, never inside one ("出示二/维码").

    Qt may break a line between any two Chinese characters. The text is cut into words
    (:mod:`kiosk.ui.phrases`) and the characters of each word are joined by an invisible
    WORD JOINER, which Qt honours; ``text()`` gives the text back without them."""

    def setText(self, text: str) -> None:
        self._plain = text
        self._shown = glue_words(text) if self.wordWrap() else text
        super().setText(self._shown)

    def text(self) -> str:
        shown = super().text()
        # Qt may have changed the text itself (clear(), a C++ caller): then it is the truth.
        return self._plain if shown == getattr(self, "_shown", None) else shown

    def setWordWrap(self, on: bool) -> None:
        super().setWordWrap(on)
        self.setText(self.text())


def label(text: str = "", name: str | None = None, *, wrap: bool = True,
          align: Qt.AlignmentFlag | None = None) -> QLabel:
    lab = PhraseLabel(text)
    # A label with a border (a note, the order number) is indented by Qt by the width of an
    # "x", and its height for a width reckons a whole "x" where painting takes half: a
    # two-line note got the height of three. The stylesheet's padding is the inset.
    lab.setIndent(0)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    if align is not None:
        lab.setAlignment(align)
    return lab


@lru_cache(maxsize=256)
def _picture(path: str, size: int) -> QPixmap:
    pixmap = QPixmap(path)
    if pixmap.isNull():
        return pixmap
    return pixmap.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)


def picture(assets: Path, relative: str | Path | None, size: int) -> QPixmap:
    """An image under assets/ (or an absolute path) scaled to fit ``size``; a null pixmap if
    missing (never a crash)."""
    if not relative:
        return QPixmap()
    return _picture(str(assets / relative), size)


def picture_label(pixmap: QPixmap, size: int) -> QLabel:
    lab = QLabel()
    lab.setFixedSize(size, size)
    lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lab.setPixmap(pixmap)
    return lab


class Screen(QWidget):
    """One screen: draws a :class:`FlowState` in the current language."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.setObjectName("Screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx

    @property
    def lang(self) -> Language:
        return self.ctx.language

    def show_state(self, state: FlowState) -> None:
        raise NotImplementedError

    def titled_rows(self) -> tuple[QVBoxLayout, QVBoxLayout]:
        """The page of a list screen (cart, my records): the title on top of a list of rows a
        finger can flick. Sets ``self.title`` and ``self.scroller``; returns the page's layout
        (for what goes under the list) and the rows' layout."""
        m = self.ctx.metrics
        box = QVBoxLayout(self)
        box.setContentsMargins(m.unit, m.unit // 2, m.unit, m.unit // 2)
        box.setSpacing(m.unit // 2)
        self.title = label("", "Title")
        box.addWidget(self.title)
        content = QWidget()
        rows = QVBoxLayout(content)
        rows.setSpacing(m.gap)
        rows.setContentsMargins(0, 0, m.unit // 2, 0)  # the scroll bar never covers a button
        self.scroller = kinetic_scroll_area(content)
        return box, rows


def spaced(layout: QBoxLayout | QGridLayout, metrics: Metrics) -> None:
    """Room between things a finger presses: 8 mm on the glass (MIIT)."""
    layout.setSpacing(metrics.gap)


ListT = TypeVar("ListT", bound=QListWidget)


def touch_list(widget: ListT, metrics: Metrics) -> ListT:
    """A list whose rows are touch targets: each at least one target tall and 8 mm apart."""
    widget.setSpacing(max((metrics.gap + 1) // 2, 1))  # around each row: 8 mm between two
    widget.setWordWrap(True)
    widget.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    flickable(widget.viewport())
    return widget


def kinetic_scroll_area(content: QWidget, *, frameless: bool = False) -> QScrollArea:
    """A vertical scroll area a finger can flick (touch panels have no scroll wheel)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if frameless:
        area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    flickable(area.viewport())
    return area


def flickable(viewport: QWidget) -> None:
    """A finger drags the view; a tap still reaches the button under it at once. Qt holds
    back every press on a view that can scroll (MousePressEventDelay) until it knows the
    finger is not flicking, and a quick tap's press could be lost on the way: a button on an
    operator screen one line taller than the panel did not take taps."""
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(viewport)
    properties = scroller.scrollerProperties()
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0)
    scroller.setScrollerProperties(properties)


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of a layout (rows of a list being redrawn).

    Each is hidden first: a widget added to a shown layout has a show of its own queued
    (QLayout::addChildWidget), and one taken out again before that show ran (a list redrawn
    twice in a row) would otherwise come up as a window of its own, on top of the kiosk,
    until its deletion. Qt said so under the tests ("does not support propagateSizeHints",
    from the stray window): the start screen's goods, redrawn at once by an operator's
    change."""
    while layout.count():
        child = layout.takeAt(0)
        widget = child.widget() if child is not None else None
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif child is not None and (inner := child.layout()) is not None:
            clear_layout(inner)


def cover_parent(widget: QWidget) -> None:
    """Show ``widget`` over the whole of its parent, on top (an overlay, the operator panel)."""
    parent = widget.parentWidget()
    if parent is not None:
        widget.setGeometry(parent.rect())
    widget.show()
    widget.raise_()
