"""A tap of a card that signs its taps (NTAG 424 DNA with SUN), through the real PC/SC stack.

    python bench/sun_tap.py [--reads 300] [--taps 60] [--volunteers 100000]

Starts its own pcscd with the vsmartcard vpcd driver (tests/hardware/pcsc_stack.py) and puts
the virtual NTAG 424 DNA (tests/hardware/vcard.py) on the reader, then measures:

- ``sun_read_ms``: the kiosk's read of one tap (kiosk.hardware.nfc_tap.read_tap): connect,
  FF CA, SELECT application, SELECT file, two READ BINARY, disconnect, and the offline check
  of the SUN message (AES, CMAC, AN10922 key of the card). The card stays on the reader; each
  read is a new tap (the tag counts up after every selection).
- the physical limit of that read on this machine, in the same run: one bare connect and
  disconnect plus one bare APDU round trip (FF CA on an open connection) times the six APDUs;
  ``sun_read_ratio`` = sun_read p50 / that limit.
- ``sun_tap_to_balance_ms``: the touchscreen app (offscreen, the app's own composition root)
  with the real PC/SC reader: from the moment the reader starts reading a card put on it to
  the first paint of the balance screen (read, check, event to the GUI thread, operator-card
  check, replay check and its durable commit, look-up, paint); ``tap_read_part_ms`` is the
  reader thread's share of it. Each tap puts a fresh card process on the reader; the card's
  own start-up is not counted.

p50 and p99 of each; the last line is a JSON object. Goal: tap to balance p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# libpcsclite reads this once, at the first PC/SC call: our own pcscd, never a system one.
RUN_DIR = Path(tempfile.mkdtemp(prefix="bench-pcscd-"))
os.environ["PCSCLITE_CSOCK_NAME"] = str(RUN_DIR / "pcscd.comm")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

UID = "04BE0C4A000001"   # a card of the first benchmark volunteer (B0), signing its taps


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def reads(port: int, work: Path, count: int) -> dict[str, list[float]]:
    from smartcard import scard

    from kiosk.core.devices import CardPresented
    from kiosk.core.sun_cards import SunVerifier
    from kiosk.hardware.nfc_tap import GET_UID, read_tap
    from tests.hardware.pcsc_stack import READER, VirtualCard
    from tests.hardware.sun_cards import district_keys, provisioned

    keys = district_keys()
    verifier = SunVerifier([keys.kiosk_keys()])
    card = VirtualCard(port, ntag424=provisioned(work / "read-card.json", keys, uid=UID))
    code, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert code == scard.SCARD_S_SUCCESS
    out: dict[str, list[float]] = {"read": [], "connect": [], "apdu": []}
    try:
        deadline = time.monotonic() + 30
        while not isinstance(read_tap(context, READER, verifier), CardPresented):
            assert time.monotonic() < deadline, "the card was never read"
            time.sleep(0.05)
        for _ in range(count):
            start = time.perf_counter()
            event = read_tap(context, READER, verifier)
            out["read"].append(_ms(start))
            assert isinstance(event, CardPresented) and event.signed, event
        for _ in range(count):
            start = time.perf_counter()
            code, handle, protocol = scard.SCardConnect(
                context, READER, scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            assert code == scard.SCARD_S_SUCCESS
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
            out["connect"].append(_ms(start))
        code, handle, protocol = scard.SCardConnect(
            context, READER, scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        for _ in range(count):
            start = time.perf_counter()
            code, _answer = scard.SCardTransmit(handle, protocol, list(GET_UID))
            out["apdu"].append(_ms(start))
            assert code == scard.SCARD_S_SUCCESS
        scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    finally:
        scard.SCardReleaseContext(context)
        card.remove()
    return out


def shop_with_a_signed_card(db: Path, volunteers: int) -> Path:
    """The demo shop with rich volunteers; the first one's card signs its taps."""
    from bench.common import rich_shop

    shop = rich_shop(db, volunteers)
    with shop.conn:
        shop.conn.execute("INSERT INTO cards (card_id, volunteer_id, kind) VALUES (?, 'B0', "
                          "'sun')", (UID,))
    shop.conn.close()
    return db


def taps(port: int, work: Path, count: int, volunteers: int
         ) -> tuple[list[float], list[float]]:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from bench.common import bench_config
    from kiosk.app import build_kiosk
    from kiosk.core.devices import DeviceFound
    from kiosk.core.session_flow import Finish, Screen
    from kiosk.core.sun_cards import SunVerifier
    from kiosk.hardware.nfc import PcscCardReader
    from kiosk.hardware.simulated import TextFilePrinter
    from kiosk.services import build
    from tests.hardware.pcsc_stack import READER_PREFIX, VirtualCard, reader_is_empty
    from tests.hardware.sun_cards import district_keys, provisioned

    db = shop_with_a_signed_card(work / "kiosk.sqlite", volunteers)
    app = QApplication.instance() or QApplication([])
    services = build(bench_config(db))
    keys = district_keys()
    started: list[float] = []
    read_parts: list[float] = []

    class TimedReader(PcscCardReader):
        """Notes when a read starts and how long the reader's own part (the APDUs and the
        check, up to the event handed to the GUI thread) took."""

        def _read_card(self, context: Any, reader: str) -> None:
            started.append(time.perf_counter())
            super()._read_card(context, reader)
            read_parts.append(_ms(started[-1]))

    reader = TimedReader(READER_PREFIX, retry_seconds=0.2,
                         sun=SunVerifier([keys.kiosk_keys()]))
    kiosk = build_kiosk(services, TextFilePrinter(work / "receipts.txt"), [reader],
                        size=(1920, 1080))
    window = kiosk.window
    assert window is not None

    class PaintWatch(QObject):
        painted_at: float | None = None

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and self.painted_at is None:
                self.painted_at = time.perf_counter()
            return False

    watch = PaintWatch()
    window.screens[Screen.BALANCE].installEventFilter(watch)
    window.show()
    found: list[object] = []
    kiosk.bridge.device_event.connect(
        lambda e: found.append(e) if isinstance(e, DeviceFound) else None)
    kiosk.start_devices()

    def pump(until: Any, what: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not until():
            app.processEvents()
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.0005)

    pump(lambda: found, "the reader")
    state = provisioned(work / "tap-card.json", keys, uid=UID)
    timings = []
    for _ in range(count):
        watch.painted_at = None
        before = len(started)
        card = VirtualCard(port, ntag424=state)
        pump(lambda: watch.painted_at is not None, "the balance screen")
        assert len(started) == before + 1
        timings.append((watch.painted_at - started[-1]) * 1000)  # type: ignore[operator]
        kiosk.controller.send(Finish())
        card.remove()
        pump(lambda: kiosk.controller.state.screen == Screen.IDLE and not kiosk.worker.pending
             and reader_is_empty(), "idle again")
    kiosk.stop()
    services.conn.close()
    return timings, read_parts


def percentiles(values: list[float]) -> dict[str, float]:
    from bench.common import percentile

    return {"p50": round(percentile(values, 50), 2), "p99": round(percentile(values, 99), 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--reads", type=int, default=300)
    p.add_argument("--taps", type=int, default=60)
    p.add_argument("--volunteers", type=int, default=100_000,
                   help="volunteers with cards and balances in the kiosk's database")
    args = p.parse_args()
    from bench.common import work_dir
    from tests.hardware.pcsc_stack import PcscDaemon

    work = work_dir("bench-sun-")
    daemon = PcscDaemon(work, RUN_DIR)
    daemon.start()
    try:
        measured = reads(daemon.port, work, args.reads)
        tapped, read_parts = taps(daemon.port, work, args.taps, args.volunteers)
    finally:
        daemon.stop()
    read, connect, apdu = (percentiles(measured[k]) for k in ("read", "connect", "apdu"))
    limit = connect["p50"] + 6 * apdu["p50"]
    to_balance = percentiles(tapped)
    print(f"read {read}, bare connect {connect}, bare APDU {apdu}; tap to balance {to_balance}")
    print("taps (ms):", " ".join(f"{t:.0f}" for t in tapped))
    print(json.dumps({
        "sun_read_ms": read, "sun_tap_to_balance_ms": to_balance,
        "tap_read_part_ms": percentiles(read_parts),
        "bare_connect_ms": connect, "bare_apdu_ms": apdu,
        "sun_read_limit_ms": round(limit, 2), "sun_read_ratio": round(read["p50"] / limit, 2),
        "reads": args.reads, "taps": args.taps, "volunteers": args.volunteers,
        "goal_tap_to_balance_p99_ms": 100,
    }))


if __name__ == "__main__":
    main()
