"""What bench/accessibility.py measures on one screen as it shows: its targets (size and the
gaps between them), and its texts (size at the panel's real size, contrast on the rendered
pixels, whether each fits, Chinese phrases broken inside a word). The figures gather in
:class:`Figures`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import rjieba
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontInfo, QImage, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QWidget,
)

JOINERS = {"\u2060", "\u200b"}   # word joiners a kiosk label keeps in its text


@dataclass
class Figures:
    screens: int = 0
    min_target_px: float = math.inf
    min_gap_px: float = math.inf
    min_gap_mm: float = math.inf
    min_font_pt: float = math.inf
    min_contrast: float = math.inf
    cut_text: int = 0
    broken_phrases: int = 0
    worst: dict[str, list[tuple[float, str]]] = field(default_factory=dict)

    def note(self, kind: str, value: float, what: str) -> None:
        self.worst.setdefault(kind, []).append((value, what))


def luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(np.float64) / 255.0
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]


def image_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(h, image.bytesPerLine() // 4, 4)
    return raw[:, :w, 2::-1].copy()  # BGRA in memory -> RGB, owned (the image goes away)


def contrast_in(pixels: np.ndarray) -> float | None:
    """The background is the commonest colour; the ink is the pixel that stands out most."""
    flat = pixels.reshape(-1, 3)
    if len(flat) < 4:
        return None
    packed = (flat[:, 0].astype(np.int64) << 16) | (flat[:, 1].astype(np.int64) << 8) | flat[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    bg = values[counts.argmax()]
    bg_rgb = np.array([(bg >> 16) & 255, (bg >> 8) & 255, bg & 255])
    lb = float(luminance(bg_rgb))
    lum = luminance(flat)
    ratios = (np.maximum(lum, lb) + 0.05) / (np.minimum(lum, lb) + 0.05)
    best = float(ratios.max())
    return None if best <= 1.0001 else best  # no ink at all: an empty area


def drawn_text(widget: QWidget) -> str:
    """What Qt draws (a kiosk label keeps word joiners in it that ``text()`` leaves out)."""
    if isinstance(widget, QLabel):
        return str(QLabel.text(widget))
    if isinstance(widget, QAbstractButton):
        return str(QAbstractButton.text(widget))
    return ""


def plain(text: str) -> str:
    return "".join(ch for ch in text if ch not in JOINERS)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def break_positions(text: str, widget: QWidget, width: int) -> list[int]:
    """Where Qt wraps ``text`` at ``width`` (positions in the text without joiners)."""
    layout = QTextLayout(text.replace("\n", "\u2028"), widget.font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    starts = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    out = []
    for start in starts[1:]:
        if text[start - 1:start] == "\n":
            continue  # a line the author broke
        out.append(len(plain(text[:start])))
    return out


def word_bounds(text: str) -> set[int]:
    bounds, at = {0}, 0
    for part in text.split("\n"):
        for word in rjieba.cut(part):
            at += len(word)
            bounds.add(at)
        at += 1
        bounds.add(at)
    return bounds


def inside_inner_scroll(widget: QWidget, pages: set[int]) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and id(parent) not in pages:
            return True
        parent = parent.parentWidget()
    return False


def reachable(w: QWidget, rect: QRect, top: QWidget) -> QRect:
    """The part of ``rect`` that shows in the scroll areas around ``w`` (a tile scrolled half
    out of its shelf is reachable only where it shows)."""
    parent = w.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            port = parent.viewport()
            rect = rect.intersected(QRect(port.mapTo(top, QPoint(0, 0)), port.size()))
        parent = parent.parentWidget()
    return rect


def targets_of(widgets: list[QWidget], top: QWidget) -> list[tuple[QRect, QRect, str]]:
    """(its whole rect, the part a finger can reach, its name) of every target; a list row
    or a tile scrolled partly out of its list is reachable only where it shows."""
    out = []
    for w in widgets:
        if isinstance(w, (QAbstractButton, QLineEdit, QComboBox)):
            if isinstance(w.parentWidget(), QComboBox) or w.objectName().startswith("qt_"):
                continue  # a combo box's own line edit, scroll-bar arrows
            rect = QRect(w.mapTo(top, QPoint(0, 0)), w.size())
            reach = reachable(w, rect, top)
            if not reach.isEmpty():
                out.append((rect, reach, plain(drawn_text(w)) or type(w).__name__))
        elif isinstance(w, QListWidget):
            port = QRect(w.viewport().mapTo(top, QPoint(0, 0)), w.viewport().size())
            for i in range(w.count()):
                rect = w.visualItemRect(w.item(i))
                if rect.isEmpty() or w.item(i).isHidden():
                    continue
                whole = QRect(w.viewport().mapTo(top, rect.topLeft()), rect.size())
                reach = whole.intersected(port)
                if not reach.isEmpty():
                    out.append((whole, reach, w.item(i).text().split("\n")[0]))
    return out


def gap(a: QRect, b: QRect) -> float | None:
    if a.contains(b) or b.contains(a):
        return None
    dx = max(0, b.left() - a.right() - 1, a.left() - b.right() - 1)
    dy = max(0, b.top() - a.bottom() - 1, a.top() - b.bottom() - 1)
    return math.hypot(dx, dy)


@dataclass
class Shown:
    """One screen as it shows now: ``root`` is what covers the window (the screen, an
    overlay, the operator panel), ``top`` the window the pixels are grabbed from."""

    root: QWidget
    top: QWidget
    pages: set[int]
    dpi: float
    where: str
    widgets: list[QWidget] = field(default_factory=list)
    covered: list[QRect] = field(default_factory=list)   # under the on-screen keyboard
    shot: Any = None


def measure(shown: Shown, fig: Figures) -> None:
    root, top = shown.root, shown.top
    shown.widgets = [w for w in root.findChildren(QWidget) if w.isVisible()]
    if root is not top:
        shown.widgets.append(root)
    shown.covered = [QRect(w.mapTo(top, QPoint(0, 0)), w.size()) for w in shown.widgets
                     if type(w).__name__ == "OnScreenKeyboard"]
    shown.shot = image_array(top.grab().toImage())
    fig.screens += 1
    measure_targets(shown, fig)
    for w in shown.widgets:
        if not any(QRect(w.mapTo(top, QPoint(0, 0)), w.size()).intersects(c)
                   for c in shown.covered):
            measure_text(shown, w, fig)


def measure_targets(shown: Shown, fig: Figures) -> None:
    found = [t for t in targets_of(shown.widgets, shown.top)
             if not any(t[1].intersects(c) for c in shown.covered)]
    for rect, _reach, name in found:
        side = min(rect.width(), rect.height())
        fig.min_target_px = min(fig.min_target_px, side)
        fig.note("target", side, f"{shown.where}: {name!r} {rect.width()}x{rect.height()}")
    targets = [(reach, name) for _rect, reach, name in found]
    for i, (a, name_a) in enumerate(targets):
        for b, name_b in targets[i + 1:]:
            g = gap(a, b)
            if g is None:
                continue
            fig.min_gap_px = min(fig.min_gap_px, g)
            fig.min_gap_mm = min(fig.min_gap_mm, g / shown.dpi * 25.4)
            fig.note("gap", g, f"{shown.where}: {name_a!r} / {name_b!r}")


def measure_text(shown: Shown, w: QWidget, fig: Figures) -> None:
    text, where = drawn_text(w), shown.where
    is_label = isinstance(w, QLabel) and w.pixmap().isNull()
    if isinstance(w, (QLineEdit, QListWidget)) or (text.strip() and (
            is_label or isinstance(w, QAbstractButton))):
        pt = QFontInfo(w.font()).pixelSize() * 72 / shown.dpi
        fig.min_font_pt = min(fig.min_font_pt, pt)
        fig.note("font", pt, f"{where}: {plain(text)[:30]!r} {type(w).__name__}")
    if not text.strip() or not (is_label or isinstance(w, QAbstractButton)):
        return
    visible = w.visibleRegion().boundingRect()
    if isinstance(w, QLabel):
        cut, ink = label_fits(w, text, visible, where, fig)
    elif isinstance(w, QAbstractButton):
        cut, ink = button_fits(w, text, visible)
    else:
        return
    if not cut and visible.size() != w.size() and not inside_inner_scroll(w, shown.pages):
        cut = True  # clipped off a screen that cannot be scrolled to it
    if cut:
        fig.cut_text += 1
        fig.note("cut", 0, f"{where}: {plain(text)[:40]!r} ({type(w).__name__})")
    # Ink is measured where the whole text shows (scrolled half out of view, it cannot be).
    if ink.width() > 2 and ink.height() > 2 and visible.size() == w.size():
        ink.translate(w.mapTo(shown.top, QPoint(0, 0)))
        crop = shown.shot[ink.top():ink.bottom() + 1, ink.left():ink.right() + 1]
        ratio = contrast_in(crop)
        if ratio is not None:
            fig.min_contrast = min(fig.min_contrast, ratio)
            state = "" if w.isEnabled() else " (disabled)"
            fig.note("contrast", ratio, f"{where}: {plain(text)[:30]!r}{state}")


def label_fits(w: QLabel, text: str, visible: QRect, where: str,
               fig: Figures) -> tuple[bool, QRect]:
    """(cut, where its ink is); a wrapped Chinese label is checked for breaks in words."""
    fm = w.fontMetrics()
    inner = w.contentsRect()
    flags = int(w.alignment()) | (int(Qt.TextFlag.TextWordWrap) if w.wordWrap() else 0)
    need = fm.boundingRect(QRect(0, 0, inner.width(), 10**6), flags, text)
    cut = need.width() > inner.width() + 1 or need.height() > inner.height() + 1
    if w.wordWrap() and has_cjk(text) and need.height() > fm.height() * 1.5:
        bounds = word_bounds(plain(text))
        broken = [p for p in break_positions(text, w, inner.width()) if p not in bounds]
        if broken:
            fig.broken_phrases += len(broken)
            fig.note("broken", 0, f"{where}: {plain(text)!r} at {broken}")
    return cut, inner.intersected(visible)


def button_fits(w: QAbstractButton, text: str, visible: QRect) -> tuple[bool, QRect]:
    """(cut, where its ink is): the text, centred, after the icon if there is one."""
    fm = w.fontMetrics()
    inner = w.contentsRect()
    icon = w.iconSize().width() + 4 if not w.icon().isNull() else 0
    width = fm.horizontalAdvance(text)
    cut = width + icon > inner.width() or fm.height() > w.height()
    if isinstance(w, QCheckBox):  # its words follow the box, on the left
        return cut, w.rect().intersected(visible)
    ink = QRect(0, 0, min(width, inner.width()), fm.height())
    ink.moveCenter(w.rect().center())
    ink.translate(icon // 2, 0)
    return cut, ink.intersected(visible)
