"""Prompts rendered by the real espeak-ng (Debian package espeak-ng, see system-deps.sh):
Mandarin through the pinyin voice, cached once when they name nobody, never cached when they
do."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from kiosk.config import VoiceSection
from kiosk.hardware.speech import EspeakRenderer, SpeechUnavailable, write_beep
from kiosk.ui.voice import Voice


def seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return float(w.getnframes() / w.getframerate())


def test_guidance_is_rendered_once_and_cached(tmp_path: Path) -> None:
    renderer = EspeakRenderer("espeak-ng", 150, tmp_path / "cache")
    first = renderer.render("兑换成功，请取走小票。", "zh_CN", personal=False)
    assert first.parent == tmp_path / "cache" and seconds(first) > 1.0
    stamp = first.stat().st_mtime_ns
    again = renderer.render("兑换成功，请取走小票。", "zh_CN", personal=False)
    assert again == first and again.stat().st_mtime_ns == stamp   # not rendered again
    english = renderer.render("Done. Please take your receipt.", "en", personal=False)
    assert english != first and seconds(english) > 1.0
    assert renderer.spoken_form("兑换成功", "zh_CN") == ("cmn-latn-pinyin",
                                                        "dui4 huan4 cheng2 gong1")


def test_a_prompt_with_a_name_is_never_kept(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    renderer = EspeakRenderer("espeak-ng", 150, cache)
    first = renderer.render("您好，张*华。您有 800 分。", "zh_CN", personal=True)
    assert first.exists() and cache not in first.parents and seconds(first) > 1.0
    assert (first.parent.stat().st_mode & 0o777) == 0o700
    second = renderer.render("还剩 770 分。", "zh_CN", personal=True)
    assert second.exists() and not first.exists()   # the last one is removed by the next
    renderer.close()
    assert not second.exists()
    assert not cache.exists() or not any(cache.iterdir())


def test_no_speech_program_is_a_typed_failure(tmp_path: Path) -> None:
    renderer = EspeakRenderer("no-such-espeak", 150, tmp_path)
    assert not renderer.available()
    with pytest.raises(SpeechUnavailable, match="not installed"):
        renderer.render("你好", "zh_CN", personal=False)


def test_the_card_beep(tmp_path: Path) -> None:
    beep = write_beep(tmp_path / "beep.wav")
    assert 0.1 < seconds(beep) < 0.3


@pytest.mark.expect_log(r"no card beep")
def test_a_voice_cache_that_cannot_be_written_is_silence_not_a_crash(tmp_path: Path,
                                                                     qapp: object) -> None:
    """A packaged kiosk's config folder is read-only to the touch session; a cache folder that
    cannot be made (here: under a file, which fails even for root) leaves the kiosk silent."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    renderer = EspeakRenderer("espeak-ng", 150, blocker / "voice-cache")
    with pytest.raises(SpeechUnavailable, match="cannot be made"):
        renderer.render("你好", "zh_CN", personal=False)
    voice = Voice(VoiceSection(), renderer, SilentPlayer(), blocker / "voice-cache" / "beep.wav")
    assert not voice.beep.exists()
    voice.close()


class SilentPlayer:
    def play(self, wav: Path, volume: float) -> None:
        raise AssertionError("nothing is played in this test")

    def stop(self) -> None:
        pass
