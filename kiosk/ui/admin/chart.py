"""A plain bar chart drawn with QPainter: enough for "points per day" and "goods per donor"
without pulling in QtCharts (PySide6-Addons, ~100 MB) for two pictures."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk.ui.theme import GO, INK, MUTED


class BarChart(QWidget):
    def __init__(self, font_px: int) -> None:
        super().__init__()
        self.font_px = font_px
        self.bars: list[tuple[str, int]] = []
        self.setMinimumHeight(font_px * 8)
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
        for i, (name, value) in enumerate(self.bars):
            x = i * slot + (slot - bar_w) / 2
            bar_h = chart_h * max(value, 0) / top
            y = text_h + chart_h - bar_h
            painter.fillRect(QRectF(x, y, bar_w, bar_h), QColor(GO))
            painter.setPen(QColor(INK))
            painter.drawText(QRectF(i * slot, y - text_h, slot, text_h),
                             Qt.AlignmentFlag.AlignCenter, str(value))
            painter.setPen(QColor(MUTED))
            painter.drawText(QRectF(i * slot, h - text_h, slot, text_h),
                             Qt.AlignmentFlag.AlignCenter,
                             painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight,
                                                              int(slot)))
        painter.end()
