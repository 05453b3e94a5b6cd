"""One tap, read through PC/SC: the card's UID, then (when it is an NFC Forum type 4 tag) the
URL in its NDEF file, turned into one event.

The UID comes from the reader's ``FF CA`` pseudo-APDU. Then, as NFC Forum's type 4 tag
operation says: SELECT the NDEF application (``00A4040007D276000085010100``), SELECT the
NDEF file (``00A4000C02E104``), READ BINARY its 2-byte length, then the message. A card that
has no NDEF application (a MIFARE Classic, a bank card) or no URI record is a card known by
its UID alone; a URL that carries a SUN message is checked by
:class:`kiosk.core.sun_cards.SunVerifier`. Everything happens in one connection to the card,
released before returning whatever happened.
"""

from __future__ import annotations

import logging
from typing import Any

from smartcard import scard

from kiosk.core.devices import CardPresented, CardRejected
from kiosk.core.errors import CardUnreadable
from kiosk.core.sun_cards import SunVerifier, card_event
from points_protocol.errors import Invalid
from points_protocol.ids import normalize_nfc_uid
from points_protocol.sun import ndef

log = logging.getLogger("kiosk.hardware.nfc")

# PC/SC part 3 pseudo-APDU: the reader answers with the card's UID (anticollision id) + 90 00.
GET_UID = bytes.fromhex("FFCA000000")
SELECT_NDEF_APP = bytes.fromhex("00A4040007D276000085010100")
SELECT_NDEF_FILE = bytes.fromhex("00A4000C02E104")
SW_OK = b"\x90\x00"
READ_CHUNK = 0xF0   # bytes per READ BINARY (readers and tags limit a short answer)
MAX_NDEF = 1024     # more than any URL card holds; a bigger length is nonsense

SERVICE_DOWN = frozenset({
    scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_F_COMM_ERROR,
    scard.SCARD_E_INVALID_HANDLE, scard.SCARD_F_INTERNAL_ERROR})
READER_GONE = frozenset({
    scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_NO_READERS_AVAILABLE})


class SessionBroken(Exception):
    """The PC/SC session broke off (service or reader gone, or an unexpected answer). A fresh
    session finds out what is wrong and says so, so one outage is one ``DeviceLost`` with one
    clear reason."""


class _Unreadable(Exception):
    """The card went away or answered nonsense mid-read; the text is for the operator's log."""


def describe(code: int) -> str:
    return f"{scard.SCardGetErrorMessage(code)} (0x{code & 0xFFFFFFFF:08X})"


def check_gone(code: int, doing: str) -> None:
    if code in SERVICE_DOWN or code in READER_GONE:
        raise SessionBroken(f"{doing} failed: {describe(code)}")


class _Card:
    """An open connection: APDU in, (data, status word) out."""

    def __init__(self, handle: Any, protocol: int) -> None:
        self.handle, self.protocol = handle, protocol

    def transmit(self, apdu: bytes, doing: str) -> tuple[bytes, bytes]:
        code, response = scard.SCardTransmit(self.handle, self.protocol, list(apdu))
        check_gone(code, doing)
        if code != scard.SCARD_S_SUCCESS:   # pulled away mid-read
            raise _Unreadable(f"{doing} failed: {describe(code)}")
        if len(response) < 2:
            raise _Unreadable(f"no answer to {doing} (card taken away mid-read?)")
        return bytes(response[:-2]), bytes(response[-2:])


def _uid(card: _Card) -> bytes:
    uid, status = card.transmit(GET_UID, "reading the UID")
    if status != SW_OK or not uid:
        raise _Unreadable(f"the card answered FF CA with status {status.hex(' ').upper()}"
                          + ("" if uid else " and no UID"))
    try:
        normalize_nfc_uid(uid.hex())
    except Invalid:   # a reader or card that answers with no real UID (1 byte, 32 bytes)
        raise _Unreadable(f"the card answered FF CA with a {len(uid)}-byte UID; UIDs are 4 "
                          "to 10 bytes") from None
    return uid


def _ndef_file(card: _Card) -> bytes | None:
    """The NDEF file (length and message), or None for a card without one."""
    for apdu, doing in ((SELECT_NDEF_APP, "selecting the NDEF application"),
                        (SELECT_NDEF_FILE, "selecting the NDEF file")):
        if card.transmit(apdu, doing)[1] != SW_OK:
            return None
    head, status = card.transmit(bytes.fromhex("00B0000002"), "reading the NDEF length")
    size = int.from_bytes(head, "big") if status == SW_OK and len(head) == 2 else 0
    if not 0 < size <= MAX_NDEF:
        return None
    body = b""
    while len(body) < size:
        offset, want = 2 + len(body), min(READ_CHUNK, size - len(body))
        chunk, status = card.transmit(bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, want]),
                                      "reading the NDEF file")
        if status != SW_OK or not chunk:
            return None
        body += chunk
    return head + body[:size]


def _ndef_url(card: _Card) -> str | None:
    """The URL of the card's NDEF file, or None for a card without one."""
    content = _ndef_file(card)
    if content is None:
        return None
    try:
        return ndef.parse_uri_file(content)
    except ndef.NdefError as exc:
        log.debug("NDEF file of a card not read as a URL: %s", exc)
        return None


def read_tap(context: Any, reader: str, verifier: SunVerifier | None
             ) -> CardPresented | CardRejected:
    """Connect, read, let go, and say what was tapped. Raises :class:`SessionBroken` when
    the service or the reader went away."""
    code, handle, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED,
        scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
    check_gone(code, "connecting to a card")
    if code != scard.SCARD_S_SUCCESS:  # pulled away already, or mute
        return _rejected(reader, f"connect failed: {describe(code)}")
    card = _Card(handle, protocol)
    try:
        uid = _uid(card)
        url = _ndef_url(card)
    except _Unreadable as exc:
        return _rejected(reader, str(exc))
    finally:
        # Always let go of the card: a connection left open keeps pcscd (and, at exit,
        # this process) waiting on a card that may already be gone.
        scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    return card_event(uid, url, verifier, reader)


def _rejected(reader: str, detail: str) -> CardRejected:
    log.info("NFC card on %s not read: %s", reader, detail)
    return CardRejected(kind="nfc", source=reader, error=CardUnreadable(detail))
