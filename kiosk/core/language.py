"""The one rule for which of the two languages a person gets: Chinese for any zh locale (zh,
zh_CN, zh-Hans), English for everything else. Refusals, notices, voice prompts, the voice and
the screens all ask here, so a new locale code is handled in one place."""

from __future__ import annotations


def is_chinese(language: str) -> bool:
    return language.startswith("zh")


def in_language(language: str, zh: str, en: str) -> str:
    return zh if is_chinese(language) else en
