"""A network receipt printer of our own on 127.0.0.1, for tests.

It records every byte it receives, answers ``DLE EOT 4`` (paper status) like an Epson printer,
and can be told to misbehave the ways real printers do:
- ``refuse()``: nothing listening on the port (printer off or unplugged);
- ``mode = "close"``: reads a few bytes of the job, then resets the connection (printer
  restarted mid-job);
- ``mode = "stall"``: accepts the connection but never reads (paper jam, full buffer);
- ``paper``: the status byte it answers (0x12 ok, 0x1E near end, 0x72 out).
``come_back()`` listens again on the same port, so a test can reprint after a fault.

Also here: :func:`decode_text`, :func:`native_qr_contents` and friends, which read an ESC/POS
stream back the way the printer would, so tests check what is on paper, not our own helpers.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from typing import Any, Literal

DLE_EOT_PAPER = b"\x10\x04\x04"
PAPER_OK, PAPER_LOW, PAPER_OUT = 0x12, 0x1E, 0x72
Mode = Literal["normal", "close", "stall"]


class TcpPrinter:
    def __init__(self, mode: Mode = "normal", paper: int = PAPER_OK,
                 close_after: int = 16) -> None:
        self.mode: Mode = mode
        self.paper = paper
        self.close_after = close_after
        self._lock = threading.Lock()
        self._jobs: list[bytearray] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None
        self.port = 0
        self._listen()

    # -- control ---------------------------------------------------------------------------
    def refuse(self) -> None:
        """Stop listening: connecting now fails with 'connection refused'."""
        self._listener = None
        if self._acceptor is not None:
            # The accept thread closes the socket itself: closing it under a blocked accept()
            # would leave it listening (and resetting new connections) until accept returns.
            self._acceptor.join(timeout=30)
            self._acceptor = None

    def come_back(self, mode: Mode = "normal") -> None:
        self.mode = mode
        if self._listener is None:
            self._listen()

    def close(self) -> None:
        self._stop.set()
        self.refuse()
        for thread in self._threads:
            thread.join(timeout=30)

    # -- what arrived ----------------------------------------------------------------------
    @property
    def jobs(self) -> list[bytes]:
        """Bytes received, one entry per connection."""
        with self._lock:
            return [bytes(job) for job in self._jobs]

    def wait_for_jobs(self, count: int, *, ending_with: bytes = b"", timeout: float = 30) -> \
            list[bytes]:
        """Wait (with a generous deadline) until ``count`` connections arrived and the last of
        them delivered data ending with ``ending_with``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.jobs
            if len(jobs) >= count and jobs[count - 1].endswith(ending_with):
                return jobs
            time.sleep(0.01)
        raise AssertionError(f"expected {count} jobs ending with {ending_with!r}, got "
                             f"{[j[-8:] for j in self.jobs]}")

    # -- server ----------------------------------------------------------------------------
    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(8)
        listener.settimeout(0.05)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._acceptor = self._spawn(self._accept_loop, listener)

    def _spawn(self, target: object, *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()
        return thread

    def _accept_loop(self, listener: socket.socket) -> None:
        with listener:
            while not self._stop.is_set() and self._listener is listener:
                try:
                    conn, _ = listener.accept()
                except TimeoutError:
                    continue
                self._take(conn)

    def _take(self, conn: socket.socket) -> None:
        with self._lock:
            job = bytearray()
            self._jobs.append(job)
        self._spawn(self._serve, conn, job, self.mode)

    def _serve(self, conn: socket.socket, job: bytearray, mode: Mode) -> None:
        conn.settimeout(0.05)
        answered = 0
        try:
            while not self._stop.is_set():
                if mode == "stall":
                    time.sleep(0.05)  # hold the connection open and never read
                    continue
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                with self._lock:
                    job.extend(chunk)
                    queries = bytes(job).count(DLE_EOT_PAPER)
                if mode == "close" and len(job) >= self.close_after:
                    # SO_LINGER 0: close with a reset, as a printer that restarts does
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                for _ in range(queries - answered):
                    conn.sendall(bytes([self.paper]))
                answered = queries
        except OSError:
            return
        finally:
            conn.close()


# -- reading an ESC/POS stream back ---------------------------------------------------------
FS_ON, FS_OFF = b"\x1c&", b"\x1c."


# Layout commands inside the text: ESC a n (alignment), GS ! n (character size).
_LAYOUT = re.compile(rb"\x1ba[\x00-\x02]|\x1d![\x00-\xff]")
_DOUBLE = re.compile(rb"\x1d!\x11(.*?)\n", re.S)


def decode_text(data: bytes) -> str:
    """The text printed in Chinese mode: GB18030 between FS & and FS ., segments joined."""
    segments = re.findall(re.escape(FS_ON) + b"(.*?)" + re.escape(FS_OFF), data, re.S)
    return "".join(_LAYOUT.sub(b"", s).decode("gb18030") for s in segments)


def double_size_lines(data: bytes) -> list[str]:
    """The lines printed at double width and height (GS ! 0x11 ... LF)."""
    return [m.decode("gb18030") for m in _DOUBLE.findall(data)]


def native_qr_contents(data: bytes) -> list[str]:
    """Contents stored with GS ( k cn=49 fn=80 (store QR data), in order."""
    found, i = [], 0
    while (i := data.find(b"\x1d(k", i)) != -1:
        length = data[i + 3] + 256 * data[i + 4]
        body = data[i + 5:i + 5 + length]
        if body[:3] == b"1P0":
            found.append(body[3:].decode("utf-8"))
        i += 5 + length
    return found


def prints_native_qr(data: bytes) -> bool:
    """GS ( k cn=49 fn=81: print the stored QR symbol."""
    return b"\x1d(k\x03\x001Q0" in data


def has_cut(data: bytes) -> bool:
    return b"\x1dV" in data


def has_raster_image(data: bytes) -> bool:
    return b"\x1dv0" in data


def raster_images(data: bytes) -> list[Any]:
    """Every picture printed with GS v 0 (raster bit image), as the paper shows it: a PIL image
    per picture, its horizontal strips (python-escpos sends tall pictures in fragments) joined.
    Bits are dots, most significant first, 1 = black."""
    from PIL import Image

    strips: list[Any] = []
    pictures: list[Any] = []
    i, last_end = 0, -1
    while (i := data.find(b"\x1dv0", i)) != -1:
        width_bytes = data[i + 4] + 256 * data[i + 5]
        height = data[i + 6] + 256 * data[i + 7]
        body = data[i + 8:i + 8 + width_bytes * height]
        strip = Image.frombytes("1", (width_bytes * 8, height), body)
        strip = Image.eval(strip.convert("L"), lambda v: 255 - v)   # 1 is a black dot
        if strips and i != last_end:
            pictures.append(_stack(strips))
            strips = []
        strips.append(strip)
        last_end = i + 8 + width_bytes * height
        i = last_end
    if strips:
        pictures.append(_stack(strips))
    return pictures


def _stack(strips: list[Any]) -> Any:
    from PIL import Image

    picture = Image.new("L", (max(s.width for s in strips), sum(s.height for s in strips)), 255)
    y = 0
    for s in strips:
        picture.paste(s, (0, y))
        y += s.height
    return picture
