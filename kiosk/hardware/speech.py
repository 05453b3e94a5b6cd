"""Spoken prompts as WAV files, offline: espeak-ng (Debian package espeak-ng).

Mandarin goes to espeak-ng's ``cmn-latn-pinyin`` voice as pinyin with tone numbers
(:mod:`kiosk.core.speech_text`), English to its ``en`` voice. A prompt that names nobody is
rendered once and kept in the cache folder under a hash of what is said and how; a prompt
with a name or an amount in it (the volunteer asked for reading aloud) is rendered into a
private scratch folder and removed once the next prompt replaces it, never cached.

Runs on the voice's own thread (``kiosk.ui.voice``), never on the GUI thread.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

from kiosk.core.language import is_chinese
from kiosk.core.speech_text import mandarin_pinyin

log = logging.getLogger("kiosk.speech")

VOICES = {"zh": "cmn-latn-pinyin", "en": "en"}
RENDER_TIMEOUT_SECONDS = 10


class SpeechUnavailable(Exception):
    """The speech program is missing or failed: the kiosk stays silent (and logs it)."""


class EspeakRenderer:
    def __init__(self, program: str, rate: int, cache_dir: Path) -> None:
        self.program = program
        self.rate = rate
        self.cache_dir = cache_dir
        self._scratch: Path | None = None
        self._last_private: Path | None = None

    def available(self) -> bool:
        return shutil.which(self.program) is not None

    def spoken_form(self, text: str, language: str) -> tuple[str, str]:
        """(voice, the text as the voice is given it)."""
        if is_chinese(language):
            return VOICES["zh"], mandarin_pinyin(text)
        return VOICES["en"], text

    def render(self, text: str, language: str, *, personal: bool) -> Path:
        voice, spoken = self.spoken_form(text, language)
        if personal:
            self._forget_private()
            target = self._private_dir() / f"{os.urandom(8).hex()}.wav"
            self._last_private = target
        else:
            key = hashlib.sha256(f"{voice}\n{self.rate}\n{spoken}".encode()).hexdigest()[:32]
            target = self.cache_dir / f"{key}.wav"
            if target.exists():
                return target
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:   # a read-only or full disk: silent, not stopped
                raise SpeechUnavailable(f"{self.cache_dir} cannot be made: {exc}") from None
        partial = target.with_suffix(".part")
        command = [self.program, "-v", voice, "-s", str(self.rate), "-w", str(partial), "--",
                   spoken]
        try:
            subprocess.run(command, check=True, capture_output=True,  # noqa: S603 - our args
                           timeout=RENDER_TIMEOUT_SECONDS)
        except FileNotFoundError:
            raise SpeechUnavailable(f"{self.program} is not installed "
                                    "(apt-get install espeak-ng)") from None
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            partial.unlink(missing_ok=True)
            raise SpeechUnavailable(f"{self.program} failed: {exc}") from None
        try:
            partial.replace(target)  # a half-written file is never played or cached
        except OSError as exc:
            raise SpeechUnavailable(f"{target} cannot be written: {exc}") from None
        return target

    def _private_dir(self) -> Path:
        if self._scratch is None or not self._scratch.exists():
            self._scratch = Path(tempfile.mkdtemp(prefix="kiosk-voice-"))  # mode 0700
        return self._scratch

    def _forget_private(self) -> None:
        if self._last_private is not None:
            self._last_private.unlink(missing_ok=True)
            self._last_private = None

    def close(self) -> None:
        self._forget_private()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def write_beep(path: Path, rate: int = 22050) -> Path:
    """The card-read sound: two short rising tones (a "seen it"), 16-bit mono WAV."""
    frames = bytearray()
    for freq, seconds in ((880.0, 0.07), (1320.0, 0.09)):
        count = int(rate * seconds)
        for i in range(count):
            fade = min(1.0, i / 200, (count - i) / 200)  # no click at either end
            value = int(12000 * fade * math.sin(2 * math.pi * freq * i / rate))
            frames += struct.pack("<h", value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path
