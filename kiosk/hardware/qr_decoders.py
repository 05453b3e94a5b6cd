"""QR decoders behind one small interface, so the camera (and the benchmark) can use either.

zxing-cpp is preferred: on this project's benchmark (``bench/qr_decode.py``) it decodes a 720p
frame several times faster than pyzbar and reads more rotated, blurred and skewed codes. pyzbar
stays as the fallback because Debian ships its library (libzbar0) and it is well proven.
Each library is imported only when its decoder is made, so a kiosk without one still starts.
"""

from __future__ import annotations

import importlib.util
from typing import Any, Protocol

import cv2
import cv2.typing

Frame = cv2.typing.MatLike  # what cv2 hands out: 8-bit BGR or grayscale in practice

DECODER_NAMES = ("auto", "zxing", "pyzbar")


class DecoderUnavailable(Exception):
    """The decoder asked for (or any, for 'auto') cannot be loaded; says what to install."""


class QrDecoder(Protocol):
    name: str

    def decode(self, frame: Frame) -> list[str]:
        """Texts of the QR codes in a BGR or grayscale frame (empty when none is readable)."""
        ...


def _gray(frame: Frame) -> Frame:
    if frame.ndim == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return frame


class ZxingDecoder:
    name = "zxing"

    def __init__(self) -> None:
        try:
            import zxingcpp  # noqa: PLC0415 - optional: loaded only when chosen
        except ImportError as exc:
            raise DecoderUnavailable(f"zxing-cpp is not installed ({exc}): "
                                     "pip install zxing-cpp") from None
        self._zxing: Any = zxingcpp
        self._formats = zxingcpp.BarcodeFormat.QRCode

    def decode(self, frame: Frame) -> list[str]:
        results = self._zxing.read_barcodes(_gray(frame), formats=self._formats)
        return [str(r.text) for r in results if r.valid]


class PyzbarDecoder:
    name = "pyzbar"

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar  # noqa: PLC0415 - optional: needs Debian libzbar0
        except ImportError as exc:  # pyzbar raises ImportError when libzbar0 is missing too
            raise DecoderUnavailable(f"pyzbar cannot be loaded ({exc}): pip install pyzbar "
                                     "and apt-get install libzbar0") from None
        self._pyzbar: Any = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]

    def decode(self, frame: Frame) -> list[str]:
        results = self._pyzbar.decode(_gray(frame), symbols=self._symbols)
        # A card token is ASCII; anything else is passed on mangled and refused as "not a card".
        return [bytes(r.data).decode("utf-8", errors="replace") for r in results]


def installed() -> list[str]:
    """Decoder names whose Python package is present (the libraries may still fail to load)."""
    modules = {"zxing": "zxingcpp", "pyzbar": "pyzbar"}
    return [name for name, module in modules.items() if importlib.util.find_spec(module)]


def make_decoder(name: str = "auto") -> QrDecoder:
    """The decoder named in ``[camera] decoder``; 'auto' tries zxing-cpp first, then pyzbar."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "pyzbar":
        return PyzbarDecoder()
    if name != "auto":
        raise ValueError(f"unknown QR decoder {name!r} (known: {', '.join(DECODER_NAMES)})")
    problems: list[str] = []
    for make in (ZxingDecoder, PyzbarDecoder):
        try:
            return make()
        except DecoderUnavailable as exc:
            problems.append(str(exc))
    raise DecoderUnavailable("no QR decoder can be loaded: " + "; ".join(problems))
