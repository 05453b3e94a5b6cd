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
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import socket
import struct
import sys
import time
from types import FrameType

# The ATR a PC/SC contactless reader synthesises for a MIFARE Classic 1K (PC/SC part 3).
ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
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
            return socket.create_connection((host, port), timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def serve(sock: socket.socket, uid: bytes, status: bytes | None, vanish_on_read: bool,
          verbose: bool) -> None:
    sock.settimeout(None)
    while True:
        (length,) = struct.unpack(">H", _receive(sock, 2))
        payload = _receive(sock, length)
        if length == 1:
            if verbose:
                print(CONTROL_NAMES.get(payload[0], f"control {payload[0]:02x}"), flush=True)
            if payload[0] == GET_ATR:
                _send(sock, ATR)
            continue  # power on/off and reset need no answer
        if verbose:
            print(f"apdu {payload.hex()}", flush=True)
        if vanish_on_read and payload[:4] == GET_UID:
            return  # the card is pulled away while the reader waits for its answer
        _send(sock, answer(payload, uid, status))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=35963)
    parser.add_argument("--uid", default="04A1B2C3D4E5F6", help="UID in hex")
    parser.add_argument("--status", help="answer FF CA with this status word (hex), e.g. 6A81")
    parser.add_argument("--vanish-on-read", action="store_true",
                        help="disconnect instead of answering FF CA (a card pulled mid-read)")
    parser.add_argument("--wait", type=float, default=30.0,
                        help="seconds to keep trying to reach vpcd")
    parser.add_argument("--verbose", action="store_true",
                        help="print each request (atr, power on, apdu HEX) on stdout")
    args = parser.parse_args(argv)
    uid = bytes.fromhex(args.uid)
    status = bytes.fromhex(args.status) if args.status else None

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
            serve(sock, uid, status, args.vanish_on_read, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
