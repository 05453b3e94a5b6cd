"""The kiosk's look in one stylesheet: sizes follow the screen, colours say "go" and "back".

Everything is sized from two numbers: ``unit`` (body text, from the screen's short side, larger
with the large-text toggle) and ``touch`` (the smallest height of anything a finger presses,
at least ~15 mm on a typical 15-22" kiosk panel). Widgets only set object names and a ``role``
property; the look is here.
"""

from __future__ import annotations

from dataclasses import dataclass

# High-contrast palette (WCAG AA for large text on every pair used below).
INK = "#1a1a1a"
PAPER = "#faf7f0"
CARD = "#ffffff"
MUTED = "#555555"
HEADER = "#a61b1b"       # civic red header bar
GO = "#1b6e35"           # every "go on" button: shop, add, confirm, pay
GO_DOWN = "#124d25"
BACK = "#2f4a7a"         # every "back / cancel / leave" button
BACK_DOWN = "#1f3357"
CALM_BG = "#fff3d6"      # notices: a refusal or printer problem, said calmly
CALM_INK = "#6b4200"
OFF = "#8a8a8a"          # out of stock, unaffordable

MIN_TOUCH_MM = 15.0


@dataclass(frozen=True)
class Metrics:
    unit: int    # body text in px
    touch: int   # smallest touch target in px
    width: int
    height: int
    large_text: bool = False

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def px(self, factor: float) -> int:
        return round(self.unit * factor)


def metrics(width: int, height: int, large_text: bool, dpi: float = 96.0) -> Metrics:
    """Body text ~2.8% of the short side (30 px on 1080), x1.3 with large text."""
    short = min(width, height)
    unit = max(18, round(short * 0.028 * (1.3 if large_text else 1.0)))
    mm = max(dpi, 120.0) / 25.4  # kiosk panels are rarely below 120 dpi; never trust less
    touch = max(round(MIN_TOUCH_MM * mm), round(unit * 2.6))
    return Metrics(unit=unit, touch=touch, width=width, height=height, large_text=large_text)


def stylesheet(m: Metrics, font_family: str | None) -> str:
    family = f'font-family: "{font_family}";' if font_family else ""
    u, t = m.unit, m.touch
    return f"""
QWidget {{ {family} font-size: {u}px; color: {INK}; }}
#KioskWindow, #Screen {{ background: {PAPER}; }}
#TopBar {{ background: {HEADER}; }}
#TopBar QLabel {{ color: white; font-size: {m.px(1.2)}px; font-weight: bold; }}
#TopBar QPushButton {{ background: white; color: {HEADER}; border-radius: {u // 2}px;
    min-height: {t}px; min-width: {t * 2}px; padding: 0 {u}px; font-weight: bold; }}
#TopBar QPushButton:checked {{ background: #ffe08a; }}
QLabel#Title {{ font-size: {m.px(1.8)}px; font-weight: bold; }}
QLabel#ShopName {{ font-size: {m.px(2.6)}px; font-weight: bold; color: {HEADER}; }}
QLabel#Huge {{ font-size: {m.px(4.2)}px; font-weight: bold; color: {GO}; }}
QLabel#Big {{ font-size: {m.px(1.5)}px; font-weight: bold; }}
QLabel#Muted {{ color: {MUTED}; }}
QLabel#Step {{ font-size: {m.px(1.2)}px; font-weight: bold; }}
QLabel#Notice {{ background: {CALM_BG}; color: {CALM_INK}; border: 3px solid #e0b040;
    border-radius: {u // 2}px; padding: {u // 2}px {u}px; font-size: {m.px(1.1)}px; }}
QPushButton {{ min-height: {t}px; border-radius: {u // 2}px; padding: 0 {u}px;
    background: #e6e1d6; border: 2px solid #b8b0a0; font-weight: bold; }}
QPushButton:pressed {{ background: #d0c9ba; }}
QPushButton[role="go"] {{ background: {GO}; color: white; border: none; }}
QPushButton[role="go"]:pressed {{ background: {GO_DOWN}; }}
QPushButton[role="back"] {{ background: {BACK}; color: white; border: none; }}
QPushButton[role="back"]:pressed {{ background: {BACK_DOWN}; }}
QPushButton[role="go"]:disabled, QPushButton[role="back"]:disabled {{
    background: #c9c9c9; color: #6a6a6a; }}
QPushButton[role="tab"] {{ background: {CARD}; color: {INK}; border: 3px solid {BACK}; }}
QPushButton[role="tab"]:checked {{ background: {BACK}; color: white; }}
QPushButton[role="big"] {{ min-height: {round(t * 1.5)}px; font-size: {m.px(1.5)}px; }}
QPushButton[role="step"] {{ min-width: {t}px; max-width: {t}px; font-size: {m.px(1.8)}px;
    padding: 0; background: {CARD}; border: 3px solid {GO}; color: {GO}; }}
QPushButton[role="step"]:disabled {{ border-color: #c9c9c9; color: #c9c9c9; }}
#Tile {{ background: {CARD}; border: 3px solid #d8d2c4; border-radius: {u // 2}px;
    min-height: {t * 3}px; }}
#Tile:pressed {{ border-color: {GO}; }}
#Tile[state="off"] {{ background: #efefef; border-style: dashed; }}
#Tile[state="in"] {{ border: 4px solid {GO}; background: #f1faf3; }}
#Tile QLabel#TileName {{ font-weight: bold; }}
#Tile QLabel#TilePrice {{ color: {GO}; font-weight: bold; font-size: {m.px(1.2)}px; }}
#Tile[state="off"] QLabel {{ color: {OFF}; }}
#Tile QLabel#TileState {{ color: {MUTED}; }}
#Tile[state="off"] QLabel#TileState {{ color: #9b1c1c; font-weight: bold; }}
#Row {{ background: {CARD}; border: 2px solid #d8d2c4; border-radius: {u // 2}px; }}
#Summary {{ background: {CARD}; border: 3px solid {BACK}; border-radius: {u // 2}px; }}
#Overlay {{ background: rgba(0, 0, 0, 150); }}
#Dialog {{ background: {CARD}; border: 4px solid {HEADER}; border-radius: {u}px; }}
#DemoPanel {{ background: #333333; }}
#DemoPanel QLabel {{ color: white; font-size: {m.px(0.6)}px; }}
#DemoPanel QPushButton {{ min-height: {round(u * 1.6)}px; font-size: {m.px(0.6)}px;
    padding: 0 {u // 3}px; }}
QProgressBar {{ min-height: {u}px; border: 2px solid {BACK}; border-radius: {u // 3}px;
    background: {CARD}; }}
QProgressBar::chunk {{ background: {GO}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QScrollBar:vertical {{ width: {u}px; background: #e6e1d6; }}
QScrollBar::handle:vertical {{ background: {BACK}; min-height: {t}px; border-radius: 4px; }}
"""
