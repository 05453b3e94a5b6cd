"""The kiosk's voice: a beep on every card read, and each step and refusal spoken.

What is said comes from :func:`kiosk.core.voice_prompts.prompt_for` (names and amounts only
when the volunteer turned reading aloud on for their visit); the WAV is rendered by espeak-ng
on the voice's own thread (never the GUI thread, never the database thread) and played with
Qt Multimedia. A prompt that is out of date by the time it is rendered (the screen moved on)
is dropped, and a new prompt cuts the one playing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QUrl

from kiosk.config import VoiceSection
from kiosk.core.devices import CardPresented, CardRejected, DeviceEvent
from kiosk.core.session_flow import FlowState
from kiosk.core.voice_prompts import REFUSALS, STEPS, Prompt, prompt_for
from kiosk.hardware.speech import SpeechUnavailable, write_beep
from kiosk.ui.worker import Worker

log = logging.getLogger("kiosk.ui.voice")


class Player(Protocol):
    def play(self, wav: Path, volume: float) -> None: ...
    def stop(self) -> None: ...


class Renderer(Protocol):
    def render(self, text: str, language: str, *, personal: bool) -> Path: ...
    def close(self) -> None: ...


class SoundPlayer:
    """Short WAV files through Qt Multimedia's QSoundEffect (PySide6-Addons). Made at the
    first sound (Qt Multimedia loads FFmpeg: start-up need not wait for it). With no audio
    device it plays nothing."""

    def __init__(self) -> None:
        self._effect: Any = None
        self._silent = False

    def play(self, wav: Path, volume: float) -> None:
        if self._silent:
            return
        if self._effect is None:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect  # noqa: PLC0415

            if not QMediaDevices.audioOutputs():
                log.warning("no audio output: the kiosk stays silent")
                self._silent = True
                return
            self._effect = QSoundEffect()
        self._effect.stop()
        self._effect.setSource(QUrl.fromLocalFile(str(wav)))
        self._effect.setVolume(volume)
        self._effect.play()

    def stop(self) -> None:
        if self._effect is not None:
            self._effect.stop()


def _beep_file(path: Path) -> Path:
    """The beep written where the voice cache is; a cache folder that cannot be written (a
    read-only or full disk, a wrong [voice] cache_dir) leaves the kiosk silent, never stopped."""
    try:
        return write_beep(path)
    except OSError as exc:
        log.warning("no card beep: %s cannot be written (%s)", path, exc)
        return path


class Voice(QObject):
    def __init__(self, settings: VoiceSection, renderer: Renderer, player: Player,
                 beep: Path) -> None:
        super().__init__()
        self.settings = settings
        self.renderer = renderer
        self.player = player
        self.beep = _beep_file(beep) if settings.beep and not beep.exists() else beep
        self.work = Worker()
        self.language = "zh_CN"
        self.personal = False
        self._said: tuple[str, str, bool] | None = None
        self._wanted = 0
        self.spoken: list[tuple[Prompt, str]] = []  # what was said, for the log and tests
        self._warned = False

    # -- what happens on the kiosk ----------------------------------------------------------

    def device_event(self, event: DeviceEvent) -> None:
        if isinstance(event, (CardPresented, CardRejected)) and self.settings.beep:
            self.player.play(self.beep, self.settings.volume)

    def state_changed(self, state: FlowState) -> None:
        if not self.settings.enabled:
            return
        prompt = prompt_for(state, personal=self.personal)
        said = (prompt.key, self.language, self.personal)
        if said == self._said:
            return
        self._said = said
        self.say(prompt)

    def set_language(self, code: str, state: FlowState) -> None:
        self.language = code
        self.state_changed(state)

    def set_personal(self, on: bool, state: FlowState) -> None:
        """The volunteer's speaker button: their name and points read out, this visit only."""
        self.personal = on
        self.state_changed(state)

    # -- rendering and playing ---------------------------------------------------------------

    def say(self, prompt: Prompt) -> None:
        self._wanted += 1
        ticket, language = self._wanted, self.language
        text = prompt.text(language)
        self.spoken.append((prompt, language))

        def render() -> tuple[int, Path | None]:
            try:
                return ticket, self.renderer.render(text, language, personal=prompt.personal)
            except SpeechUnavailable as exc:
                if not self._warned:
                    log.warning("the kiosk cannot speak: %s", exc)
                    self._warned = True
                return ticket, None
        self.work.submit(render, self._rendered)

    def _rendered(self, result: tuple[int, Path | None]) -> None:
        ticket, wav = result
        if wav is None or ticket != self._wanted:
            return  # failed, or the screen has moved on since
        self.player.play(wav, self.settings.volume)

    def warm_cache(self) -> None:
        """Render every guidance prompt once, in both languages, on the voice's thread: the
        first volunteer of the day hears each step without a delay."""
        if not self.settings.enabled:
            return

        def render_all() -> bool:
            for zh, en in (*STEPS.values(), *REFUSALS.values()):
                for text, language in ((zh, "zh_CN"), (en, "en")):
                    try:
                        self.renderer.render(text, language, personal=False)
                    except SpeechUnavailable:
                        return False
            return True
        self.work.submit(render_all, lambda _done: None)

    def close(self) -> None:
        self.player.stop()
        self.work.shutdown()
        self.renderer.close()
