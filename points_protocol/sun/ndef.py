"""The NDEF file of a SUN card: one URI record whose URL the tag fills in on every read.

The URL is ``BASE?e=<PICCData: 32 hex digits>&c=<SDMMAC: 16 hex digits>``, the shape of NXP's
own example (AN12196): a phone that taps the card opens it; a kiosk reads the file over PC/SC
and checks the two parameters offline. The tag writes hex over the placeholder zeros at fixed
offsets in the file (counted from the file's first byte, the 2-byte NDEF length included).
The MACed input is empty (the MAC offset is also the MAC input offset): the session MAC key
already covers the UID and the counter that PICCData carries.

Parsing never trusts the file: every malformed byte gives :class:`NdefError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from points_protocol.sun.sdm import PICC_DATA_HEX, SDMMAC_HEX

# NFC Forum URI record prefixes (URI RTD, table 3) this module writes or reads.
URI_PREFIXES = {0x00: "", 0x01: "http://www.", 0x02: "https://www.", 0x03: "http://",
                0x04: "https://"}
PICC_PARAM, MAC_PARAM = "e", "c"
NDEF_FILE_SIZE = 256       # file 02 of an NTAG 424 DNA
MAX_SHORT_PAYLOAD = 255


class NdefError(ValueError):
    """The file holds no NDEF URI record we can read."""


@dataclass(frozen=True)
class SunTemplate:
    """The file to write and where the tag mirrors into it."""

    content: bytes
    picc_data_offset: int
    mac_offset: int

    @property
    def mac_input_offset(self) -> int:
        return self.mac_offset  # empty MACed input


def _prefix(url: str) -> tuple[int, str]:
    for code in (0x02, 0x01, 0x04, 0x03):   # longest first
        if url.startswith(URI_PREFIXES[code]):
            return code, url[len(URI_PREFIXES[code]):]
    return 0x00, url


def uri_file(url: str) -> bytes:
    """An NDEF file (NLEN + message) holding one short URI record."""
    code, rest = _prefix(url)
    payload = bytes([code]) + rest.encode("utf-8")
    if len(payload) > MAX_SHORT_PAYLOAD:
        raise ValueError("the URL is too long for one short NDEF record")
    record = bytes([0xD1, 0x01, len(payload)]) + b"U" + payload   # MB ME SR, TNF well-known
    return len(record).to_bytes(2, "big") + record


def sun_template(base_url: str) -> SunTemplate:
    """The file for ``base_url`` with zeros where the tag mirrors PICCData and SDMMAC."""
    if "?" in base_url or "#" in base_url:
        raise ValueError("the base URL must have no query or fragment: the card adds its own")
    if not base_url.startswith(("https://", "http://")):
        raise ValueError("the base URL must start with https:// (or http://)")
    head = f"{base_url}?{PICC_PARAM}="
    url = head + "0" * PICC_DATA_HEX + f"&{MAC_PARAM}=" + "0" * SDMMAC_HEX
    content = uri_file(url)
    if len(content) > NDEF_FILE_SIZE:
        raise ValueError("the URL does not fit the card's NDEF file")
    # Offsets in the file: NLEN (2) + record header (4) + prefix code (1) + the URL's text.
    _, rest = _prefix(head)
    picc = 2 + 4 + 1 + len(rest.encode("utf-8"))
    mac = picc + PICC_DATA_HEX + len(f"&{MAC_PARAM}=")
    return SunTemplate(content, picc, mac)


def parse_uri_file(data: bytes) -> str:
    """The URL of the first record of an NDEF file read from its start (NLEN included)."""
    if len(data) < 2:
        raise NdefError("no NDEF length")
    size = int.from_bytes(data[:2], "big")
    message = data[2:2 + size]
    if size == 0 or len(message) != size:
        raise NdefError(f"the NDEF message is {len(message)} bytes, its length says {size}")
    header = message[0]
    if header & 0x07 != 0x01 or not header & 0x10:   # TNF well-known, short record
        raise NdefError(f"the first record is not a short well-known record ({header:02X})")
    at = 3 + (1 if header & 0x08 else 0)             # IL: an id length byte follows
    if len(message) < at or message[1] != 1:
        raise NdefError("the first record has no one-byte type")
    payload_size, id_size = message[2], (message[3] if header & 0x08 else 0)
    record_type = message[at:at + 1]
    payload = message[at + 1 + id_size:at + 1 + id_size + payload_size]
    if record_type != b"U" or len(payload) != payload_size or not payload:
        raise NdefError("the first record is not a URI record")
    if payload[0] not in URI_PREFIXES:
        raise NdefError(f"URI prefix code {payload[0]:02X} is not one we read")
    try:
        return URI_PREFIXES[payload[0]] + payload[1:].decode("utf-8")
    except UnicodeDecodeError:
        raise NdefError("the URI is not UTF-8") from None


def sun_parameters(url: str) -> tuple[str, str] | None:
    """(PICCData hex, SDMMAC hex) when the URL carries a SUN message of ours, else None (any
    other URL: a card that does not sign its taps)."""
    query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    picc, mac = query.get(PICC_PARAM), query.get(MAC_PARAM)
    if picc is None or mac is None or len(picc) != 1 or len(mac) != 1:
        return None
    return picc[0], mac[0]
