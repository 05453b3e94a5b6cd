"""Checking a SUN message: what an NTAG 424 DNA mirrors into its NDEF file on every read.

As NXP AN12196 ("NTAG 424 DNA and NTAG 424 DNA TagTamper features and hints") and the NTAG 424
DNA datasheet (NT4H2421Gx, "Secure Dynamic Messaging") describe it, for AES mode:

- PICCData, encrypted with the SDM meta-read key (AES-128 CBC, zero IV), is
  ``PICCDataTag || UID || SDMReadCtr || random padding``; the tag byte says whether the UID
  and the counter are mirrored and how long the UID is; the counter is 3 bytes, least
  significant first.
- The session MAC key is ``CMAC(SDM file-read key, 3CC3 0001 0080 || UID || SDMReadCtr)``.
- SDMMAC is the odd bytes of ``CMAC(session MAC key, MACed input)``, where the MACed input is
  the file's bytes from SDMMACInputOffset up to SDMMACOffset (empty when both are equal).

Every way a message can be wrong raises a :class:`SunError` subclass and nothing else, whatever
bytes a card (or a forger) supplies. Comparisons of MACs take constant time.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from points_protocol.sun import aes

SV2_PREFIX = bytes.fromhex("3CC300010080")
UID_MIRRORED, COUNTER_MIRRORED = 0x80, 0x40
UID_LENGTH = 7              # NTAG 424 DNA has a 7-byte UID (the tag byte's low nibble says so)
COUNTER_LIMIT = 0xFFFFFF    # SDMReadCtr is 24 bits: a tag at this value counts no further
PICC_DATA_HEX = 32          # 16 bytes of encrypted PICCData, mirrored as hex text
SDMMAC_HEX = 16             # 8 bytes of SDMMAC, mirrored as hex text


class SunError(Exception):
    """The message does not verify; ``str()`` says why (for logs, never for a volunteer)."""


class SunMalformed(SunError):
    """Not hex, wrong lengths: nothing a tag would have written."""


class SunWrongKey(SunError):
    """PICCData decrypts to no valid tag byte: another district's card, a card keyed with
    other keys, or random text."""


class SunBadMac(SunError):
    """PICCData decrypts, but SDMMAC does not match: a forged or altered message, or a card
    whose file-read key is not this district's."""


@dataclass(frozen=True)
class PiccData:
    uid: bytes
    counter: int


@dataclass(frozen=True)
class VerifiedTap:
    """A message that checked out. ``key_index`` is the position, in the list of key pairs
    tried, of the pair that verified it (the key generation, for rotation)."""

    uid: bytes
    counter: int
    key_index: int = 0

    @property
    def uid_hex(self) -> str:
        return self.uid.hex().upper()


def from_hex(text: str | bytes, size: int, what: str) -> bytes:
    """Exactly ``size`` bytes of hex text (either case), or :class:`SunMalformed`."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise SunMalformed(f"{what} is not ASCII") from None
    if len(text) != 2 * size:
        raise SunMalformed(f"{what} must be {2 * size} hex digits, not {len(text)}")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise SunMalformed(f"{what} is not hex") from None


def decrypt_picc_data(meta_read_key: bytes, encrypted: bytes) -> PiccData:
    """UID and read counter out of encrypted PICCData (both must be mirrored)."""
    if len(encrypted) != aes.BLOCK:
        raise SunMalformed(f"PICCData must be 16 bytes, not {len(encrypted)}")
    plain = aes.cbc_decrypt(meta_read_key, encrypted)
    tag = plain[0]
    wanted = UID_MIRRORED | COUNTER_MIRRORED
    if tag & wanted != wanted or tag & 0x0F != UID_LENGTH or tag & 0x30:
        raise SunWrongKey(f"PICCData tag byte {tag:02X} is not UID and counter of a 7-byte UID"
                          " (wrong meta-read key, or not our card)")
    uid = plain[1:1 + UID_LENGTH]
    counter = int.from_bytes(plain[1 + UID_LENGTH:4 + UID_LENGTH], "little")
    return PiccData(uid, counter)


def session_mac_key(file_read_key: bytes, uid: bytes, counter: int) -> bytes:
    """KSesSDMFileReadMAC for one read of one card."""
    if not 0 <= counter <= COUNTER_LIMIT:
        raise ValueError(f"SDMReadCtr is 24 bits: {counter}")
    return aes.cmac(file_read_key, SV2_PREFIX + uid + counter.to_bytes(3, "little"))


def sdmmac(file_read_key: bytes, uid: bytes, counter: int, maced_input: bytes = b"") -> bytes:
    """The 8-byte SDMMAC a genuine tag writes for this UID, counter and MACed input."""
    return aes.mac_t(session_mac_key(file_read_key, uid, counter), maced_input)


def check_mac(file_read_key: bytes, uid: bytes, counter: int, mac: bytes,
              maced_input: bytes = b"") -> None:
    if not hmac.compare_digest(sdmmac(file_read_key, uid, counter, maced_input), mac):
        raise SunBadMac(f"SDMMAC does not match for UID {uid.hex().upper()} "
                        f"counter {counter}")


# (meta-read key, function giving the file-read key of a UID): one pair per key generation.
KeyPair = tuple[bytes, Callable[[bytes], bytes]]


def verify(picc_hex: str | bytes, mac_hex: str | bytes, keys: Sequence[KeyPair],
           maced_input: bytes = b"") -> VerifiedTap:
    """Check a mirrored PICCData and SDMMAC (hex text, as the URL carries them) against each
    key pair in turn; the first that decrypts to a valid tag byte must also verify the MAC
    (a wrong pair decrypts to a valid tag byte only by chance, 1 in 256 for each; such a
    pair is skipped, not blamed, if a later one verifies)."""
    encrypted = from_hex(picc_hex, aes.BLOCK, "PICCData")
    mac = from_hex(mac_hex, 8, "SDMMAC")
    if not keys:
        raise SunWrongKey("no SUN keys to check the message with")
    failure: SunError = SunWrongKey("no key decrypts PICCData to a valid tag byte")
    for index, (meta_read_key, file_read_key) in enumerate(keys):
        try:
            picc = decrypt_picc_data(meta_read_key, encrypted)
            check_mac(file_read_key(picc.uid), picc.uid, picc.counter, mac, maced_input)
        except SunBadMac as exc:
            failure = exc
            continue
        except SunWrongKey:
            continue
        return VerifiedTap(picc.uid, picc.counter, index)
    raise failure
