"""Camera QR scanner: frames from OpenCV, decoded on the scanner's own thread, turned into card
events through the same token check as the keyboard-wedge scanner.

One ``source`` string covers everything ``cv2.VideoCapture`` opens, so tests and demos feed
recorded frames through exactly the code a live camera uses: a device index ("0"), a device
path, a video file, an image sequence (a printf pattern such as ``frames/%04d.png``) or a
stream URL. A source that cannot be opened, or that stops delivering frames (unplugged, end of
a file), is reported once as :class:`DeviceLost` and reopened every ``retry_seconds``.

A card held in front of the camera is in dozens of frames: it counts as one presentation until
it has been missing from ``forget_after_frames`` frames in a row. Frames rather than seconds, so
a recorded video read faster than real time behaves like the live camera it was recorded from.
QR presentations have no removal event: a code leaving the picture is not a card being taken
off a reader, and the screens should not end a visit on it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import cv2
import cv2.utils.logging

from kiosk.config import Config
from kiosk.core.devices import DeviceEvent, DeviceFound, DeviceLost, EventSink
from kiosk.hardware.qr_decoders import Frame, QrDecoder, make_decoder

log = logging.getLogger("kiosk.hardware.camera")

_IMAGE_SEQUENCE = re.compile(r"%0?\d*d")
_STREAM = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
MISSED_READS_BEFORE_LOST = 5  # a live camera may drop a frame now and then; five in a row is not
PHOTO_SIZE = 480  # an item's picture: a tile shows it at ~100-200 px


class NoPhoto(Exception):
    """The camera has no picture to give (not started, unplugged)."""


class PresentationTracker:
    """Which decoded texts are new presentations, given one frame's worth at a time."""

    def __init__(self, forget_after_frames: int) -> None:
        self.forget_after_frames = forget_after_frames
        self._missing: dict[str, int] = {}  # text in view -> frames since last seen

    def frame(self, texts: Iterable[str]) -> list[str]:
        seen = list(dict.fromkeys(texts))
        new = [t for t in seen if t not in self._missing]
        for text in list(self._missing):
            self._missing[text] += 1
            if self._missing[text] >= self.forget_after_frames:
                del self._missing[text]
        for text in seen:
            self._missing[text] = 0
        return new

    def reset(self) -> None:
        self._missing.clear()


def open_capture(source: str, base_dir: Path, width: int, height: int) -> cv2.VideoCapture:
    """A capture for ``source`` (see the module doc); check ``isOpened()`` on the result."""
    if source.isdigit():
        capture = cv2.VideoCapture(int(source))
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # decode the newest frame, not a queue of old
        return capture
    if _STREAM.match(source):
        return cv2.VideoCapture(source)
    path = Path(source)
    path = path if path.is_absolute() else base_dir / path
    if _IMAGE_SEQUENCE.search(path.name):
        return cv2.VideoCapture(str(path), cv2.CAP_IMAGES)
    capture = cv2.VideoCapture(str(path))
    if str(path).startswith("/dev/video"):
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return capture


class CameraQrScanner:
    """A :class:`kiosk.core.devices.CardSource` reading QR cards through a camera."""

    def __init__(self, source: str, decoder: QrDecoder,
                 to_event: Callable[[str, str], DeviceEvent], *, name: str | None = None,
                 base_dir: Path = Path("."), width: int = 1280, height: int = 720,
                 retry_seconds: float = 3.0, forget_after_frames: int = 15) -> None:
        """``to_event(text, source)`` judges a decoded text: normally
        :meth:`kiosk.core.tokens.TokenVerifier.card_event`."""
        self.source = source
        self.name = name or f"camera {source}"
        self._decoder = decoder
        self._to_event = to_event
        self._base_dir = base_dir
        self._size = (width, height)
        self._retry_seconds = retry_seconds
        self._tracker = PresentationTracker(forget_after_frames)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._sink: EventSink | None = None
        self._lost_reason: str | None = None
        self._found = False
        self._last_frame: Frame | None = None   # for an operator's photo of an item
        self._frame_lock = threading.Lock()

    def start(self, sink: EventSink) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.name} is already running")
        self._sink = sink
        self._stop.clear()
        # OpenCV warns on stderr at every failed open, i.e. every retry; the outage is logged
        # once, with context, by this class instead. (A process-wide OpenCV setting.)
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        self._thread = threading.Thread(target=self._run, name=f"qr {self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ends the worker; it notices between frames (a blocked camera read ends by the
        backend's own timeout, 10 s for V4L2)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._sink = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._session()
            except Exception as exc:  # a decoder or backend fault must not kill the scanner
                log.exception("camera %s failed", self.name)
                self._lost(f"camera error: {exc}")
            self._stop.wait(self._retry_seconds)

    def _session(self) -> None:
        """Open the source and read until it fails or the scanner stops."""
        capture = open_capture(self.source, self._base_dir, *self._size)
        try:
            if not capture.isOpened():
                self._lost(f"cannot open camera source {self.source!r}")
                return
            self._tracker.reset()
            missed = 0
            while not self._stop.is_set():
                ok, frame = capture.read()
                if not ok or frame is None:
                    missed += 1
                    if missed >= MISSED_READS_BEFORE_LOST:
                        self._lost(f"camera source {self.source!r} stopped delivering frames")
                        return
                    continue
                missed = 0
                self._found_now()
                self._handle(frame)
        finally:
            capture.release()

    def _handle(self, frame: Frame) -> None:
        with self._frame_lock:
            self._last_frame = frame
        for text in self._tracker.frame(self._decoder.decode(frame)):
            self._emit(self._to_event(text, self.name))

    def photo(self, path: Path, size: int = PHOTO_SIZE) -> Path:
        """The camera's latest picture, cut to the square in its middle and scaled to
        ``size``, written to ``path`` (PNG): an operator holds an item up to the camera
        instead of finding a photo file. Raises :class:`NoPhoto` when no frame has come."""
        with self._frame_lock:
            frame = self._last_frame
        if frame is None:
            raise NoPhoto(f"{self.name} has delivered no picture yet")
        height, width = frame.shape[:2]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        square = frame[top:top + side, left:left + side]
        path.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(path), cv2.resize(square, (size, size),
                                                 interpolation=cv2.INTER_AREA)):
            raise NoPhoto(f"the photo could not be written to {path}")
        return path

    def _found_now(self) -> None:
        if not self._found:
            self._found, self._lost_reason = True, None
            log.info("camera %s delivers frames", self.name)
            self._emit(DeviceFound(self.name))

    def _lost(self, reason: str) -> None:
        """Report an outage once, not on every retry (again only if the reason changes)."""
        self._found = False
        if reason != self._lost_reason:
            self._lost_reason = reason
            log.warning("%s: %s; retrying every %s s", self.name, reason, self._retry_seconds)
            self._emit(DeviceLost(self.name, reason))

    def _emit(self, event: DeviceEvent) -> None:
        sink = self._sink
        if sink is not None:
            sink(event)


def camera_from_config(config: Config, to_event: Callable[[str, str], DeviceEvent],
                       decoder: QrDecoder | None = None) -> CameraQrScanner | None:
    """The ``[camera]`` scanner, or None when no source is configured. Raises
    :class:`kiosk.hardware.qr_decoders.DecoderUnavailable` when no decoder can be loaded."""
    cam = config.camera
    if not cam.source.strip():
        return None
    return CameraQrScanner(cam.source, decoder or make_decoder(cam.decoder), to_event,
                           base_dir=config.base_dir, width=cam.width, height=cam.height,
                           retry_seconds=cam.retry_seconds,
                           forget_after_frames=cam.forget_after_frames)
