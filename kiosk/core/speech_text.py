"""Prompts as text a speech synthesiser reads right: Mandarin as pinyin with tone numbers.

espeak-ng's Mandarin voice guesses the reading of Chinese characters poorly, and its plain
``cmn`` voice reads tone numbers in pinyin aloud in English; its ``cmn-latn-pinyin`` voice reads
pinyin with tone numbers ("dui4 huan4 cheng2 gong1") as Mandarin. pypinyin turns characters
into that (it knows the readings of words: 还剩 is hai2 sheng4, not huan2). Numbers are spoken
as Chinese numerals first ("510" -> 五百一十), and the star of a masked name as 某.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

DIGITS = "零一二三四五六七八九"
_NUMBER = re.compile(r"\d+")
_PAUSE = {"，": ",", "、": ",", "；": ",", "：": ",", "。": ".", "！": ".", "？": "?",
          "（": ",", "）": ",", "“": "", "”": ""}


def chinese_number(n: int) -> str:
    """0..99,999,999 as spoken: 510 -> 五百一十, 10 -> 十, 1005 -> 一千零五."""
    if n < 0:
        return "负" + chinese_number(-n)
    if n == 0:
        return "零"
    if n >= 10**4:
        high, low = divmod(n, 10**4)
        rest = chinese_number(low) if low else ""
        if rest and low < 1000:
            rest = "零" + rest
        return chinese_number(high) + "万" + rest
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + unit
    return out[1:] if out.startswith("一十") else out


def _spaced(chars: str) -> str:
    """What pypinyin does with characters that are not Chinese: one token each."""
    return " ".join(chars)


def mandarin_pinyin(text: str) -> str:
    """``text`` as pinyin with tone numbers, punctuation kept as pauses; letters and digits of
    an order number are spelt out one by one."""
    text = text.replace("*", "某")
    text = _NUMBER.sub(lambda m: chinese_number(int(m.group())) if len(m.group()) <= 8
                       else " ".join(m.group()), text)
    parts = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors=_spaced)
    words = [_PAUSE.get(token, token) for token in " ".join(parts).split()]
    words = [word for word in words if word]
    return " ".join(words).replace(" ,", ",").replace(" .", ".").replace(" ?", "?")
