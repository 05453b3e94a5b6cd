"""The start-up check that Chinese can be drawn at all.

Without a CJK font Qt draws every Chinese character as an empty box: the kiosk would look
broken to every volunteer. Debian's ``fonts-noto-cjk`` provides "Noto Sans CJK SC".
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

PREFERRED = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback")
DEBIAN_PACKAGE = "fonts-noto-cjk"


class NoChineseFont(Exception):
    def __init__(self) -> None:
        super().__init__(f"no Chinese font found: install the Debian package {DEBIAN_PACKAGE} "
                         f"(apt-get install {DEBIAN_PACKAGE})")


def chinese_font_family() -> str:
    """The family to draw the screens with; raises :class:`NoChineseFont` if there is none.
    Needs a QGuiApplication."""
    families = QFontDatabase.families()
    for name in PREFERRED:
        if name in families:
            return name
    for name in families:
        if QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(name):
            return name
    raise NoChineseFont()
