"""Translations glue: Chinese first, English by a toggle, through Qt's translation system.

Screen texts are written in English in the code (``self.tr("...")``); the Chinese lives in
``assets/i18n/kiosk_zh_CN.ts`` (edit with Qt Linguist, refresh with ``pyside6-lupdate``,
compile with ``pyside6-lrelease``; both ship with PySide6-Essentials). Names of goods and
refusals come from the database and the core in both languages and are picked with
:meth:`Language.pick`. Numbers and dates are formatted with the language's ``QLocale``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QDateTime,
    QLocale,
    QObject,
    QTime,
    QTimeZone,
    QTranslator,
    Signal,
)

from kiosk.core.language import is_chinese

I18N_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "i18n"
LANGUAGES = ("zh_CN", "en")


class MissingTranslation(Exception):
    """The compiled Chinese translation is missing: the kiosk would show English only."""


class Language(QObject):
    """The current language; ``changed`` tells every screen to redraw its texts."""

    changed = Signal(str)

    def __init__(self, initial: str = "zh_CN", folder: Path = I18N_DIR) -> None:
        super().__init__()
        self._translator = QTranslator(self)
        qm = folder / "kiosk_zh_CN.qm"
        if not self._translator.load(str(qm)):
            raise MissingTranslation(f"{qm} cannot be loaded (run pyside6-lrelease)")
        self._code = ""
        self.set(initial)

    @property
    def code(self) -> str:
        return self._code

    @property
    def chinese(self) -> bool:
        return is_chinese(self._code)

    def set(self, code: str) -> None:
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {code!r}")
        if code == self._code:
            return
        app = QCoreApplication.instance()
        if app is not None:
            if code == "zh_CN":
                app.installTranslator(self._translator)
            else:
                app.removeTranslator(self._translator)
        self._code = code
        self.changed.emit(code)

    def detach(self) -> None:
        """Take this language's translator off the application (the kiosk is closing)."""
        app = QCoreApplication.instance()
        if app is not None:
            app.removeTranslator(self._translator)
        self._code = ""

    def toggle(self) -> None:
        self.set("en" if self.chinese else "zh_CN")

    def locale(self) -> QLocale:
        return QLocale(QLocale.Language.Chinese, QLocale.Country.China) if self.chinese \
            else QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)

    def pick(self, zh: str, en: str) -> str:
        return zh if self.chinese else en

    def number(self, value: int) -> str:
        return self.locale().toString(value)

    def count(self, n: int, one: str, many: str) -> str:
        """``one`` (for exactly one) or ``many`` with %1 replaced by the number: English says
        "1 item" and "2 items"; the Chinese of both is the same."""
        return (one if n == 1 else many).replace("%1", self.number(n))

    def points(self, n: int) -> str:
        return self.count(n, QCoreApplication.translate("Count", "1 point"),
                          QCoreApplication.translate("Count", "%1 points"))

    def when(self, moment: datetime) -> str:
        """``moment`` as read on its own wall clock (give it the shop's zone with
        :func:`kiosk.core.clock.shop_time`), never the machine's zone, which is often UTC."""
        offset = moment.utcoffset()
        if offset is None:
            raise ValueError("naive datetime: say which zone it is in")
        stamp = QDateTime(QDate(moment.year, moment.month, moment.day),
                          QTime(moment.hour, moment.minute, moment.second),
                          QTimeZone(int(offset.total_seconds())))
        fmt = "yyyy年M月d日 HH:mm" if self.chinese else "d MMM yyyy, HH:mm"
        return self.locale().toString(stamp, fmt)
