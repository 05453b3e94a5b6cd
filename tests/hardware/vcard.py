"""A contactless card of our own for the vsmartcard ``vpcd`` reader driver.

pcscd loads ``vpcd``, which listens on a TCP port and treats whoever connects as a card put on
its reader; closing the connection takes the card away. Debian's ``vicc`` crashes on the
``FF CA 00 00 00`` (get UID) pseudo-APDU, so the tests use this program instead. It runs in a
subprocess: killing it is taking the card off the reader, and the test process never holds a
socket that could keep pcscd (or itself, at exit) waiting.

Protocol (vpcd's): each message is a 2-byte big-endian length and a payload. A payload of one
byte is a control message (0x00 power off, 0x01 power on, 0x02 reset, 0x04 send the ATR);
anything longer is an APDU to answer.

Usage: ``python vcard.py --port 35963 --uid 04A1B2C3D4E5F6 [--status 6A81] [--vanish-on-read]
[--verbose]``. It prints ``connected`` on stdout once vpcd accepted it, and with ``--verbose``
one line per request (``atr`` for each of pcscd's presence checks).

``--ntag424 STATE.json`` makes it an NTAG 424 DNA (``ntag424_card.py``) whose keys, files and
read counter are kept in that file, written after every command that changed them, so a card
taken off and put back is the same card. ``--vanish-before INS:N`` / ``--vanish-after INS:N``
pull it away at the N-th command with instruction byte INS (hex: C4 ChangeKey, B0 READ
BINARY, ...), before or after the tag carried it out.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]

# The ATR a PC/SC contactless reader synthesises for a MIFARE Classic 1K (PC/SC part 3).
ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
# ... and for an ISO 14443-4 type A card with no historical bytes (an NTAG 424 DNA).
NTAG424_ATR = bytes.fromhex("3B8180018080")
GET_UID = bytes.fromhex("FFCA0000")
INS_NOT_SUPPORTED = bytes.fromhex("6D00")

POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04
CONTROL_NAMES = {POWER_OFF: "power off", POWER_ON: "power on", RESET: "reset", GET_ATR: "atr"}


def answer(apdu: bytes, uid: bytes, status: bytes | None) -> bytes:
    """The card's reply: the UID and 90 00, or the chosen error status word."""
    if apdu[:4] != GET_UID:
        return INS_NOT_SUPPORTED
    if status is not None:
        return status
    return uid + b"\x90\x00"


def _receive(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        # Acknowledge at once: vpcd writes a request's length and its bytes separately, and
        # with Nagle's algorithm on its side the second write waits for our ACK, which Linux
        # would otherwise delay (~40 ms per APDU). Linux clears the flag after each use.
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("vpcd closed the connection")
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)


def connect(host: str, port: int, wait_seconds: float) -> socket.socket:
    """Connect to vpcd, retrying while pcscd is still starting."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=5)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)   # answers go at once
            return sock
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def serve(sock: socket.socket, respond: Callable[[bytes], bytes | None], atr: bytes,
          verbose: bool) -> None:
    """Answer vpcd until it closes the connection; ``respond`` returning None pulls the card
    away while the reader waits for its answer."""
    sock.settimeout(None)
    while True:
        (length,) = struct.unpack(">H", _receive(sock, 2))
        payload = _receive(sock, length)
        if length == 1:
            if verbose:
                print(CONTROL_NAMES.get(payload[0], f"control {payload[0]:02x}"), flush=True)
            if payload[0] == GET_ATR:
                _send(sock, atr)
            continue  # power on/off and reset need no answer
        if verbose:
            print(f"apdu {payload.hex()}", flush=True)
        reply = respond(payload)
        if reply is None:
            return
        _send(sock, reply)


def uid_card(uid: bytes, status: bytes | None, vanish_on_read: bool
             ) -> Callable[[bytes], bytes | None]:
    def respond(apdu: bytes) -> bytes | None:
        if vanish_on_read and apdu[:4] == GET_UID:
            return None
        return answer(apdu, uid, status)
    return respond


def _vanish_spec(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    ins, _, count = text.partition(":")
    return int(ins, 16), int(count or "1")


def ntag424_card(state_path: Path, vanish_before: tuple[int, int] | None,
                 vanish_after: tuple[int, int] | None) -> Callable[[bytes], bytes | None]:
    sys.path.insert(0, str(ROOT))   # run as a script: find points_protocol and tests.hardware
    from tests.hardware.ntag424_card import Ntag424

    card = Ntag424(json.loads(state_path.read_text()))
    seen: dict[int, int] = {}
    saved = json.dumps(card.state, sort_keys=True)

    def save() -> None:
        nonlocal saved
        text = json.dumps(card.state, sort_keys=True)
        if text != saved:
            fresh = state_path.with_name(state_path.name + ".new")
            fresh.write_text(text)
            os.replace(fresh, state_path)
            saved = text

    def respond(apdu: bytes) -> bytes | None:
        ins = apdu[1] if len(apdu) > 1 else -1
        seen[ins] = seen.get(ins, 0) + 1
        if vanish_before == (ins, seen[ins]):
            return None
        reply = card.process(apdu)
        save()
        if vanish_after == (ins, seen[ins]):
            return None
        return reply
    return respond


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=35963)
    parser.add_argument("--uid", default="04A1B2C3D4E5F6", help="UID in hex")
    parser.add_argument("--status", help="answer FF CA with this status word (hex), e.g. 6A81")
    parser.add_argument("--vanish-on-read", action="store_true",
                        help="disconnect instead of answering FF CA (a card pulled mid-read)")
    parser.add_argument("--ntag424", type=Path, metavar="STATE.json",
                        help="act as an NTAG 424 DNA whose state is kept in this file")
    parser.add_argument("--vanish-before", metavar="INS:N",
                        help="NTAG 424: pull away at the N-th command INS (hex)")
    parser.add_argument("--vanish-after", metavar="INS:N",
                        help="NTAG 424: pull away after carrying out the N-th command INS")
    parser.add_argument("--wait", type=float, default=30.0,
                        help="seconds to keep trying to reach vpcd")
    parser.add_argument("--verbose", action="store_true",
                        help="print each request (atr, power on, apdu HEX) on stdout")
    args = parser.parse_args(argv)
    uid = bytes.fromhex(args.uid)
    status = bytes.fromhex(args.status) if args.status else None
    if args.ntag424 is not None:
        respond = ntag424_card(args.ntag424, _vanish_spec(args.vanish_before),
                               _vanish_spec(args.vanish_after))
        atr = NTAG424_ATR
    else:
        respond, atr = uid_card(uid, status, args.vanish_on_read), ATR

    def leave(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, leave)
    try:
        sock = connect(args.host, args.port, args.wait)
    except OSError as exc:
        print(f"cannot reach vpcd on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    with sock:
        print("connected", flush=True)
        with contextlib.suppress(ConnectionError):  # pcscd went away: the card is off
            serve(sock, respond, atr, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
