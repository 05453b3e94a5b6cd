"""A plain bar chart drawn with QPainter: enough for "points per day" and "goods per donor"
without pulling in QtCharts (PySide6-Addons, ~100 MB) for two pictures."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.theme import GO, INK, MUTED


class BarChart(QWidget):
    def __init__(self, font_px: int) -> None:
        super().__init__()
        self.font_px = font_px
        self.bars: list[tuple[str, int]] = []
        self.setMinimumHeight(font_px * 6)  # two charts and the date row fit 800 px
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[tuple[str, int]]) -> None:
        self.bars = bars
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = painter.font()
        font.setPixelSize(max(10, round(self.font_px * 0.6)))
        painter.setFont(font)
        w, h = self.width(), self.height()
        text_h = painter.fontMetrics().height()
        if not self.bars:
            painter.setPen(QColor(MUTED))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "—")
            return
        top = max((v for _, v in self.bars), default=0) or 1
        slot = w / len(self.bars)
        bar_w = max(2.0, slot * 0.7)
        chart_h = h - 2 * text_h - 4
        fm = painter.fontMetrics()
        # A long period has more days than room for their words: then every step-th bar,
        # counted back from the newest, is labelled, with a label's width free between two.
        widest = max(fm.horizontalAdvance(name) for name, _ in self.bars)
        step = 1 if widest <= slot else math.ceil(2 * widest / slot)
        for i, (name, value) in enumerate(self.bars):
            x = i * slot + (slot - bar_w) / 2
            bar_h = chart_h * max(value, 0) / top
            y = text_h + chart_h - bar_h
            painter.fillRect(QRectF(x, y, bar_w, bar_h), QColor(GO))
            if (len(self.bars) - 1 - i) % step:
                continue
            if step == 1:
                words = QRectF(i * slot, 0, slot, text_h)
            else:  # centred on its bar, kept inside the chart
                left = min(max(0.0, (i + 0.5) * slot - widest / 2), w - widest)
                words = QRectF(left, 0, widest, text_h)
            painter.setPen(QColor(INK))
            painter.drawText(words.translated(0, y - text_h), Qt.AlignmentFlag.AlignCenter,
                             str(value))
            painter.setPen(QColor(MUTED))
            painter.drawText(words.translated(0, h - text_h), Qt.AlignmentFlag.AlignCenter,
                             name if step > 1 else  # the widest name fits by definition
                             fm.elidedText(name, Qt.TextElideMode.ElideRight, int(slot)))
        painter.end()
