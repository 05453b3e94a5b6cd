"""The kiosk's look in one stylesheet: sizes follow the panel's real size, colours say "go" and
"back".

Sizes come from the panel's pixels and its diagonal in inches (``[ui] panel_diagonal_inches``),
so the numbers of the MIIT guidelines for elderly users (适老化) hold on the glass, not only on
a designer's screen: body text at least 18 pt, large text 1.5 times that, touch targets at
least 60 px and ~15 mm, and 8 mm between two things a finger can press. Widgets only set
object names and a ``role`` property; the look is here. ``bench/accessibility.py`` measures
the result on the rendered screens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Every text colour on every background it is drawn on has a contrast of at least 4.5:1
# (WCAG AA for body text), disabled buttons included.
INK = "#1a1a1a"
PAPER = "#faf7f0"
CARD = "#ffffff"
MUTED = "#4d4d4d"        # secondary text: 8.2:1 on PAPER
HEADER = "#a61b1b"       # civic red header bar
GO = "#1b6e35"           # every "go on" button: shop, add, confirm, pay
GO_DOWN = "#124d25"
BACK = "#2f4a7a"         # every "back / cancel / leave" button
BACK_DOWN = "#1f3357"
CALM_BG = "#fff3d6"      # notices: a refusal or printer problem, said calmly
CALM_INK = "#6b4200"
ALERT = "#9b1c1c"        # "not enough points", "not printed": white on it is 7.9:1
OFF_BG = "#eeebe4"       # a tile that cannot be had
OFF_INK = "#4d4d4d"      # its name and price: 7.4:1 on OFF_BG
DISABLED_BG = "#e4e1da"  # a button that cannot be pressed yet
DISABLED_INK = "#4d4d4d"  # 6.5:1 on DISABLED_BG

MIN_TOUCH_MM = 15.0   # the smallest thing a finger presses, on the glass
MIN_TOUCH_PX = 60     # MIIT: at least 60 x 60 px
GAP_MM = 8.0          # MIIT: room between two targets
BODY_PT = 18.0        # MIIT: body text at least 18 pt
LARGE = 1.5           # the large-text toggle
DEFAULT_DIAGONAL = 21.5


@dataclass(frozen=True)
class Metrics:
    unit: int    # body text in px (large text included)
    touch: int   # smallest touch target in px
    width: int
    height: int
    large_text: bool = False
    gap: int = 32    # px between two touch targets (8 mm)
    base: int = 0    # body text without the large-text toggle (titles keep to it)
    dpi: float = 102.5

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def cramped(self) -> bool:
        """Large text on a short landscape panel (1280x800): screens give up pictures and put
        a caption beside its value rather than above it, so their buttons stay on the glass."""
        return self.large_text and not self.portrait and self.height < 900

    def px(self, factor: float) -> int:
        return round(self.unit * factor)

    def display(self, factor: float) -> int:
        """A heading's size: ``factor`` times the normal body text, never below the body text
        (with large text the body grows 1.5x; headings that were already large grow less, so
        a screen still fits)."""
        return max(round((self.base or self.unit) * factor), self.unit)

    def mm(self, millimetres: float) -> int:
        return round(millimetres / 25.4 * self.dpi)


def panel_dpi(width: int, height: int, diagonal_inches: float) -> float:
    return math.hypot(width, height) / diagonal_inches


def metrics(width: int, height: int, large_text: bool, dpi: float | None = None) -> Metrics:
    """Body text ~2.8% of the short side, and never below 18 pt on this panel; x1.5 with large
    text. ``width`` and ``height`` are the window's; ``dpi`` the panel's (from its pixels and
    diagonal: :func:`panel_dpi`), by default a 21.5" panel of the window's size."""
    dpi = dpi or panel_dpi(width, height, DEFAULT_DIAGONAL)
    base = max(math.ceil(BODY_PT * dpi / 72), round(min(width, height) * 0.028))
    unit = round(base * LARGE) if large_text else base
    touch = max(MIN_TOUCH_PX, round(MIN_TOUCH_MM / 25.4 * dpi), round(unit * 1.9))
    gap = max(math.ceil(GAP_MM / 25.4 * dpi), 1)   # never under 8 mm
    return Metrics(unit=unit, touch=touch, width=width, height=height, large_text=large_text,
                   gap=gap, base=base, dpi=dpi)


def stylesheet(m: Metrics, font_family: str | None) -> str:
    family = f'font-family: "{font_family}";' if font_family else ""
    u, t = m.unit, m.touch
    radius = max(u // 2, 8)
    return f"""
QWidget {{ {family} font-size: {u}px; color: {INK}; }}
#KioskWindow, #Screen {{ background: {PAPER}; }}
#TopBar {{ background: {HEADER}; }}
#TopBar QLabel {{ color: white; font-size: {m.display(1.2)}px; font-weight: bold; }}
#TopBar QPushButton {{ background: white; color: {HEADER}; border-radius: {radius}px;
    min-height: {t}px; padding: 0 {u // 2}px; font-weight: bold; border: none; }}
#TopBar QPushButton:checked {{ background: #ffe08a; }}
#Banner {{ background: {ALERT}; color: white; font-weight: bold;
    padding: {u // 3}px {u}px; }}
QLabel#Title {{ font-size: {m.display(1.6)}px; font-weight: bold; }}
QLabel#ShopName {{ font-size: {m.display(2.2)}px; font-weight: bold; color: {HEADER}; }}
QLabel#Huge {{ font-size: {min(m.display(3.4), round(m.height * 0.09))}px; font-weight: bold;
    color: {GO}; }}
QLabel#OrderNumber {{ font-size: {m.display(2.2)}px; font-weight: bold; color: {INK};
    background: {CARD}; border: 3px solid {INK}; border-radius: {radius}px;
    padding: 0 {u}px; }}
QLabel#Big {{ font-size: {m.display(1.3)}px; font-weight: bold; }}
QLabel#Key {{ font-size: {m.display(1.25)}px; font-weight: bold; color: {GO}; }}
QLabel#Muted {{ color: {MUTED}; }}
QLabel#Step {{ font-size: {m.display(1.15)}px; font-weight: bold; }}
QLabel#Notice {{ background: {CALM_BG}; color: {CALM_INK}; border: 3px solid #e0b040;
    border-radius: {radius}px; padding: {u // 3}px {u // 2}px; }}
QLabel#Badge {{ background: {ALERT}; color: white; font-weight: bold;
    border-radius: {radius}px; padding: 0 {u // 3}px; }}
QPushButton {{ min-height: {t}px; min-width: {t}px; border-radius: {radius}px;
    padding: 0 {u // 2}px; background: #e6e1d6; border: 2px solid #8c8473;
    font-weight: bold; }}
QPushButton:pressed {{ background: #d0c9ba; }}
QPushButton:disabled {{ background: {DISABLED_BG}; color: {DISABLED_INK};
    border: 2px dashed #8c8473; }}
QPushButton[role="go"] {{ background: {GO}; color: white; border: none; }}
QPushButton[role="go"]:pressed {{ background: {GO_DOWN}; }}
QPushButton[role="back"] {{ background: {BACK}; color: white; border: none; }}
QPushButton[role="back"]:pressed {{ background: {BACK_DOWN}; }}
QPushButton[role="go"]:disabled, QPushButton[role="back"]:disabled {{
    background: {DISABLED_BG}; color: {DISABLED_INK}; border: 2px dashed #8c8473; }}
QPushButton[role="tab"] {{ background: {CARD}; color: {INK}; border: 3px solid {BACK}; }}
QPushButton[role="tab"]:checked {{ background: {BACK}; color: white; }}
QPushButton[role="big"] {{ min-height: {round(t * 1.3)}px; font-size: {m.display(1.3)}px; }}
QPushButton[role="step"] {{ min-width: {t}px; max-width: {t}px; font-size: {m.px(1.2)}px;
    padding: 0; background: {CARD}; border: 3px solid {GO}; color: {GO}; }}
QPushButton[role="step"]:disabled {{ border: 3px dashed {DISABLED_INK};
    color: {DISABLED_INK}; background: {DISABLED_BG}; }}
#Tile {{ background: {CARD}; border: 3px solid #b5ad9c; border-radius: {radius}px;
    min-height: {t * 2}px; }}
#Tile:pressed {{ border-color: {GO}; }}
#Tile[state="off"] {{ background: {OFF_BG}; border: 3px dashed {OFF_INK}; }}
#Tile[state="in"] {{ border: 5px solid {GO}; background: #f1faf3; }}
#Tile QLabel#TileName {{ font-weight: bold; }}
#Tile QLabel#TilePrice {{ color: {GO}; font-weight: bold; font-size: {m.display(1.15)}px; }}
#Tile[state="off"] QLabel#TileName, #Tile[state="off"] QLabel#TilePrice {{ color: {OFF_INK}; }}
#Tile QLabel#TileState {{ color: {MUTED}; }}
#Tile[state="off"] QLabel#TileState {{ background: {ALERT}; color: white; font-weight: bold;
    border-radius: {radius // 2}px; padding: 0 {u // 4}px; }}
#Row {{ background: {CARD}; border: 2px solid #b5ad9c; border-radius: {radius}px; }}
#Summary {{ background: {CARD}; border: 3px solid {BACK}; border-radius: {radius}px; }}
#Overlay {{ background: rgba(0, 0, 0, 150); }}
#Dialog {{ background: {CARD}; border: 4px solid {HEADER}; border-radius: {u}px; }}
#DemoPanel {{ background: #333333; }}
#DemoPanel QLabel {{ color: white; font-size: {max(14, m.base // 2)}px; }}
#DemoPanel QPushButton {{ min-height: {round(m.base * 1.4)}px; min-width: 0;
    font-size: {max(14, m.base // 2)}px; padding: 0 {m.base // 3}px; }}
QProgressBar {{ min-height: {u}px; border: 2px solid {BACK}; border-radius: {u // 3}px;
    background: {CARD}; }}
QProgressBar::chunk {{ background: {GO}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QScrollBar:vertical {{ width: {max(u // 2, 16)}px; background: #e6e1d6; }}
QScrollBar::handle:vertical {{ background: {BACK}; min-height: {t}px;
    border-radius: {max(u // 4, 4)}px; }}
QListWidget {{ background: {CARD}; border: 2px solid #b5ad9c; }}
QListWidget::item {{ min-height: {t}px; padding: 0 {u // 3}px; color: {INK};
    border-bottom: 1px solid #d8d2c4; }}
QListWidget::item:selected {{ background: {BACK}; color: white; }}
QLineEdit, QComboBox {{ min-height: {t}px; background: {CARD}; border: 2px solid #8c8473;
    border-radius: {radius // 2}px; padding: 0 {u // 3}px; }}
"""
