"""The kiosk's voice on the real screens: a beep on every card read, each step spoken, and a
volunteer's name and points only when they turn reading aloud on (for their visit only)."""

from __future__ import annotations

from kiosk.core.session_flow import Screen
from kiosk.ui.demo_panel import DemoQr
from kiosk.ui.screens.balance import BalanceScreen
from tests.ui.conftest import WAIT_MS, ZHANG, Touchscreen


def said(t: Touchscreen) -> list[str]:
    voice = t.kiosk.voice
    assert voice is not None
    return [prompt.text(language) for prompt, language in voice.spoken]


def test_every_card_read_beeps(touch: Touchscreen) -> None:
    voice = touch.kiosk.voice
    assert voice is not None
    touch.tap(ZHANG)
    assert touch.player.played and touch.player.played[0] == voice.beep
    beeps = touch.player.played.count(voice.beep)
    DemoQr(touch.clock).show(touch.reader, "DEADBEEF")   # a read that is no card: beeps too
    touch.qtbot.waitUntil(lambda: touch.player.played.count(voice.beep) == beeps + 1,
                          timeout=WAIT_MS)


def test_speech_names_nobody_until_the_volunteer_asks(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    touch.qtbot.waitUntil(lambda: any("请选择" in text for text in said(touch)),
                          timeout=WAIT_MS)
    assert not any("张*华" in text or "800" in text for text in said(touch))
    # The rendered prompt reaches the loudspeaker (off the GUI thread, then played).
    touch.qtbot.waitUntil(lambda: len(touch.player.played) >= 2, timeout=WAIT_MS)
    speaker = touch.window.top.speaker
    assert speaker.text() == "朗读" and not speaker.isChecked()
    touch.click(speaker)
    touch.qtbot.waitUntil(lambda: any("张*华" in text and "800" in text
                                      for text in said(touch)), timeout=WAIT_MS)
    assert speaker.text() == "朗读：开" and speaker.isChecked()
    voice = touch.kiosk.voice
    assert voice is not None
    cache = touch.services.config.voice.cache_dir
    # Played from a private scratch file, never from the cache of prompts kept on disk.
    touch.qtbot.waitUntil(lambda: not str(touch.player.played[-1]).startswith(cache),
                          timeout=WAIT_MS)
    # The visit ends: the next person starts with their details not read out.
    touch.click(balance.leave)
    touch.wait_for(Screen.IDLE)
    assert not touch.window.reading and not touch.window.top.speaker.isChecked()
    before = len(said(touch))
    touch.tap(ZHANG)
    touch.qtbot.waitUntil(lambda: len(said(touch)) > before + 1, timeout=WAIT_MS)
    assert not any("800" in text for text in said(touch)[before:])


def test_english_is_spoken_in_english(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    touch.click(touch.window.top.language)
    touch.qtbot.waitUntil(lambda: any(text.startswith("Choose") for text in said(touch)),
                          timeout=WAIT_MS)
