"""Chinese line breaks at word boundaries.

Chinese has no spaces, so Qt (following Unicode's line-breaking rules) may wrap a line between
any two characters: "出示二" / "维码", "刷" / "卡". For a reader who reads slowly that splits
the words they look for. Here a text is cut into words with rjieba (a binding of the jieba-rs
segmenter, its dictionary built in) and the characters inside each word are joined with
U+2060 WORD JOINER: invisible, zero width, and a place Qt never breaks.
"""

from __future__ import annotations

from functools import lru_cache

import rjieba

JOINER = "\u2060"


def has_chinese(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words; lines are cut on their own."""
    out: list[str] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            out.append("\n")
        out.extend(rjieba.cut(line))
    return tuple(out)


def glue_words(text: str) -> str:
    """``text`` with a word joiner between the characters of each Chinese word (and between a
    number and its unit: "30 分" stays on one line)."""
    if not has_chinese(text):
        return text
    return "".join(_glue(word) for word in _keep_units(words(text)))


def _glue(word: str) -> str:
    if len(word) < 2 or not has_chinese(word) or "\u00a0" in word:
        return word  # one character, no Chinese, or a number glued to its unit already
    return JOINER.join(word)


def _keep_units(parts: tuple[str, ...]) -> list[str]:
    """Join a number, the space after it and a one-character unit into one word."""
    out: list[str] = []
    for part in parts:
        if len(out) >= 2 and len(part) == 1 and has_chinese(part) and out[-1] == " " \
                and out[-2].replace(",", "").isdigit():
            number = out[-2]
            out[-2:] = [f"{number}\u00a0{part}"]
            continue
        out.append(part)
    return out
