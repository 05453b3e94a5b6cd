"""Chinese first, English second: every text on a console page is written in English in the
code and templates and looked up here for Chinese (district/console/messages_zh.py).
``tests/console/test_i18n.py`` checks that every text the templates and routes use has its
Chinese."""

from __future__ import annotations

from typing import Any

from district.console.messages_zh import ZH

LANGS = ("zh", "en")


def translate(text: str, lang: str, **values: Any) -> str:
    shown = ZH.get(text, text) if lang == "zh" else text
    return shown.format(**values) if values else shown
