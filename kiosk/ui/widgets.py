"""Small building blocks shared by the screens: buttons with a role, picture loading, the base
class every screen derives from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.session_flow import Event, FlowState
from kiosk.ui.i18n import Language
from kiosk.ui.theme import Metrics

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"


@dataclass
class UiContext:
    """What every screen needs: the language, sizes, the shop and the way to send events."""

    language: Language
    metrics: Metrics
    shop_name: str
    send: Callable[[Event], None]
    assets: Path = ASSETS


def button(text: str = "", role: str | None = None) -> QPushButton:
    b = QPushButton(text)
    if role:
        b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return b


def label(text: str = "", name: str | None = None, *, wrap: bool = True,
          align: Qt.AlignmentFlag | None = None) -> QLabel:
    lab = QLabel(text)
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


def picture(assets: Path, relative: str | None, size: int) -> QPixmap:
    """An image under assets/ scaled to ``size``; a null pixmap if missing (never a crash)."""
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
        box.setContentsMargins(m.unit * 2, m.unit, m.unit * 2, m.unit)
        box.setSpacing(m.unit // 2)
        self.title = label("", "Title")
        box.addWidget(self.title)
        content = QWidget()
        rows = QVBoxLayout(content)
        rows.setSpacing(m.unit // 2)
        self.scroller = kinetic_scroll_area(content)
        return box, rows


def kinetic_scroll_area(content: QWidget, *, frameless: bool = False) -> QScrollArea:
    """A vertical scroll area a finger can flick (touch panels have no scroll wheel)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if frameless:
        area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(content)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of a layout (rows of a list being redrawn)."""
    while layout.count():
        child = layout.takeAt(0)
        widget = child.widget() if child is not None else None
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif child is not None and (inner := child.layout()) is not None:
            clear_layout(inner)
