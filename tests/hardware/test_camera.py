"""Camera QR scanner through the real capture path: cv2.VideoCapture reading a Motion-JPEG video
and a PNG image sequence of generated frames (tilt, blur, noise), each decoder, each source."""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import Config
from kiosk.core import tokens
from kiosk.core.devices import CardPresented, CardRejected, DeviceEvent, DeviceFound, DeviceLost
from kiosk.core.errors import CardTokenForged, NotACardCode
from kiosk.hardware.camera import CameraQrScanner, PresentationTracker, camera_from_config
from kiosk.hardware.qr_decoders import DecoderUnavailable, make_decoder
from points_protocol import card_tokens
from tests.hardware.qr_frames import card_in_hand, write_image_sequence, write_video

DISTRICT = "test-district"
# Fixed keys (Ed25519 signatures are deterministic): the same QR frames on every run, so a
# frame that is hard to read is hard on every run, not one run in a thousand.
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
SIZE = (640, 480)
FORGET = 15


class FixedClock:
    def now(self) -> datetime:
        return NOW


def token(card_id: str, generation: int = 1, key: Ed25519PrivateKey = KEY) -> str:
    return card_tokens.issue(key, DISTRICT, card_id, generation,
                        issued_at=datetime(2026, 1, 1, tzinfo=UTC))


GOOD, OTHER = token("QR-0001", 2), token("QR-0002")
FORGED = token("QR-0003", key=Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33))))
URL = "https://example.com/not-a-card"


def recording() -> list[np.ndarray]:
    """A volunteer shows a card, takes it away for longer than FORGET frames, shows it again;
    then a forged card, a plain URL, and a second card."""
    rng = np.random.default_rng(2026)
    plan = [(None, 5), (GOOD, 20), (None, FORGET + 10), (GOOD, 15), (None, 5), (FORGED, 10),
            (None, 5), (URL, 10), (OTHER, 10), (None, 3)]
    return [card_in_hand(text, SIZE, rng) for text, count in plan for _ in range(count)]


EXPECTED_CARDS = [("presented", "QR-0001"), ("presented", "QR-0001"), ("rejected", "forged"),
                  ("rejected", "not a card"), ("presented", "QR-0002")]


def summary(events: list[DeviceEvent]) -> list[tuple[str, str]]:
    out = []
    for e in events:
        if isinstance(e, CardPresented):
            assert e.kind == "qr" and e.signed
            assert e.generation == (2 if e.card_id == "QR-0001" else 1)
            out.append(("presented", e.card_id))
        elif isinstance(e, CardRejected):
            assert e.kind == "qr"
            assert isinstance(e.error, CardTokenForged | NotACardCode)
            out.append(("rejected", "forged" if isinstance(e.error, CardTokenForged)
                        else "not a card"))
    return out


class Collector:
    """The sink: events arrive on the scanner's thread."""

    def __init__(self) -> None:
        self.queue: queue.Queue[DeviceEvent] = queue.Queue()
        self.events: list[DeviceEvent] = []

    def __call__(self, event: DeviceEvent) -> None:
        self.queue.put(event)

    def wait_for(self, predicate: Callable[[list[DeviceEvent]], bool],
                 timeout: float = 120.0) -> list[DeviceEvent]:
        deadline = time.monotonic() + timeout
        while not predicate(self.events):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; events so far: {self.events}")
            try:
                self.events.append(self.queue.get(timeout=min(remaining, 1.0)))
            except queue.Empty:
                continue
        return self.events


def verifier() -> tokens.TokenVerifier:
    return tokens.TokenVerifier(KEY.public_key(), DISTRICT, FixedClock())


def lost(events: list[DeviceEvent]) -> bool:
    return any(isinstance(e, DeviceLost) for e in events)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("camera")
    frames = recording()
    write_video(folder / "recording.avi", frames)
    return {"video": str(folder / "recording.avi"),
            "images": write_image_sequence(folder / "frames", frames)}


@pytest.mark.slow
@pytest.mark.parametrize("decoder_name", ["zxing", "pyzbar"])
@pytest.mark.parametrize("kind", ["video", "images"])
@pytest.mark.expect_log(r"stopped delivering frames")
def test_recorded_frames_through_the_real_capture_path(sources: dict[str, str], kind: str,
                                                        decoder_name: str) -> None:
    scanner = CameraQrScanner(sources[kind], make_decoder(decoder_name),
                              verifier().card_event, name="test camera", retry_seconds=300,
                              forget_after_frames=FORGET)
    sink = Collector()
    scanner.start(sink)
    try:
        events = sink.wait_for(lost)  # the end of the recording: the source stops delivering
    finally:
        scanner.stop()
    assert isinstance(events[0], DeviceFound) and events[0].source == "test camera"
    assert summary(events) == EXPECTED_CARDS
    assert isinstance(events[-1], DeviceLost) and "stopped delivering" in events[-1].reason


@pytest.mark.expect_log(r"cannot open camera source")
def test_a_source_that_cannot_be_opened_is_lost_then_found_when_it_appears(
        tmp_path: Path, sources: dict[str, str]) -> None:
    target = tmp_path / "later.avi"
    scanner = CameraQrScanner(str(target), make_decoder("auto"), verifier().card_event,
                              retry_seconds=1, forget_after_frames=FORGET)
    sink = Collector()
    scanner.start(sink)
    try:
        first = list(sink.wait_for(lost))
        assert first == [DeviceLost(scanner.name, f"cannot open camera source {str(target)!r}")]
        partial = tmp_path / "copying.avi"
        partial.write_bytes(Path(sources["video"]).read_bytes())
        partial.rename(target)  # plugged in, all at once
        events = sink.wait_for(lambda ev: any(isinstance(e, CardPresented) for e in ev))
    finally:
        scanner.stop()
    assert [e for e in events if isinstance(e, DeviceLost)] == first  # reported once
    assert any(isinstance(e, DeviceFound) for e in events)


@pytest.mark.expect_log(r"cannot open camera source")
def test_a_camera_device_that_is_not_there_is_lost() -> None:
    scanner = CameraQrScanner("97", make_decoder("auto"), verifier().card_event,
                              retry_seconds=300)
    sink = Collector()
    scanner.start(sink)
    try:
        events = sink.wait_for(lost)
    finally:
        scanner.stop()
    assert events == [DeviceLost("camera 97", "cannot open camera source '97'")]


def test_same_code_in_consecutive_frames_is_one_presentation() -> None:
    tracker = PresentationTracker(forget_after_frames=3)
    seen = [tracker.frame(f) for f in (["a"], ["a"], [], ["a"], ["a", "b"], [], [], [], ["a"],
                                       ["b", "b"])]
    assert seen == [["a"], [], [], [], ["b"], [], [], [], ["a"], ["b"]]


def test_unknown_decoder_and_auto_choice() -> None:
    assert make_decoder("auto").name == "zxing"
    with pytest.raises(ValueError, match="unknown"):
        make_decoder("opencv")
    assert isinstance(DecoderUnavailable("x"), Exception)


def test_camera_from_config(config: Config, tmp_path: Path) -> None:
    from dataclasses import replace

    from kiosk.config import CameraSection
    assert camera_from_config(config, verifier().card_event) is None  # no source: no camera
    with_camera = replace(config, camera=CameraSection(source="frames/%04d.png",
                                                       decoder="pyzbar", retry_seconds=7))
    scanner = camera_from_config(with_camera, verifier().card_event)
    assert scanner is not None and scanner.source == "frames/%04d.png"
    assert scanner.name == "camera frames/%04d.png"


@pytest.mark.slow
@pytest.mark.expect_log(r"stopped delivering frames")
def test_a_stream_url_from_a_real_http_server_on_loopback(sources: dict[str, str]) -> None:
    """The same recording served over HTTP: the stream-URL path (OpenCV's FFmpeg backend)."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    folder = str(Path(sources["video"]).parent)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=folder))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/recording.avi"
    scanner = CameraQrScanner(url, make_decoder("auto"), verifier().card_event,
                              retry_seconds=300, forget_after_frames=FORGET)
    sink = Collector()
    scanner.start(sink)
    try:
        events = sink.wait_for(lost)
    finally:
        scanner.stop()
        server.shutdown()
        server.server_close()
        thread.join()
    assert isinstance(events[0], DeviceFound)
    assert summary(events) == EXPECTED_CARDS


def test_a_photo_of_an_item_is_the_middle_square_of_the_latest_frame(tmp_path: Path) -> None:
    """The operator holds an item up to the QR camera: its latest picture, squared and scaled,
    becomes the item's photo (read through the real capture path from a recorded video)."""
    from kiosk.hardware.camera import NoPhoto

    rng = np.random.default_rng(5)
    video = tmp_path / "item.avi"
    write_video(video, [card_in_hand(None, (640, 480), rng) for _ in range(20)])
    events: queue.Queue[DeviceEvent] = queue.Queue()
    scanner = CameraQrScanner(str(video), make_decoder("auto"), lambda t, s: DeviceFound(s),
                              retry_seconds=60)
    with pytest.raises(NoPhoto):
        scanner.photo(tmp_path / "none.png")
    scanner.start(events.put)
    try:
        assert isinstance(events.get(timeout=20), DeviceFound)
        photo = scanner.photo(tmp_path / "photos" / "soap.png", size=240)
    finally:
        scanner.stop()
    from PIL import Image

    with Image.open(photo) as picture:
        assert picture.size == (240, 240) and picture.format == "PNG"
