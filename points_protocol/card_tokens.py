"""Signed QR card tokens: what a printed or on-phone QR card holds, signed by the district and
checked offline at the kiosk.

A token is base64url text (no padding) of ``payload || signature``. The payload is binary
because a shorter token makes a smaller QR symbol that old phones and cheap cameras still read:

====================  ===================================================================
version               1 byte, currently 1; a newer card gets "update the kiosk", not "forged"
district id           1 length byte + UTF-8 (the district whose key signed it)
card id               1 length byte + ASCII: a QR card id in normal form (``points_protocol.ids``)
generation            4 bytes big-endian, >= 1; bumped by the district to revoke older prints
issued at             4 bytes big-endian Unix seconds
expires at            4 bytes big-endian Unix seconds, 0 = does not expire
signature             64 bytes Ed25519 over ``CONTEXT + payload``
====================  ===================================================================

The context prefix keeps a signature made for a card from ever verifying as some other signed
message of the district (sync messages are signed with other keys, but this costs nothing).
Revocation by generation is not checked here: the kiosk's database knows the current
generation. Everything that can go wrong in :func:`verify` raises a :class:`TokenRefused`
subclass, never anything else, whatever bytes a camera or scanner delivers; each kiosk turns
them into the words its screens show.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from points_protocol import ids
from points_protocol.errors import Invalid
from points_protocol.limits import GENERATION

VERSION = 1
MAX_VERSION = 15  # first byte above VERSION up to this: a newer card format, not noise
CONTEXT = b"points-kiosk qr card v1\x00"
SIGNATURE_BYTES = 64
MAX_ID_BYTES = 64
DEFAULT_MAX_LENGTH = 512
_TIMES = struct.Struct(">III")  # generation, issued at, expires at
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
_DISTRICT_ID = re.compile(r"[\w.:-]+")
# How every version-1 token begins: the version byte and the district id's length byte.
_V1_PREFIXES = tuple(sorted({base64.urlsafe_b64encode(bytes([VERSION, n]))[:2].decode("ascii")
                             for n in range(1, MAX_ID_BYTES + 1)}))


class TokenRefused(Exception):
    """A scanned text that is not a usable card; one subclass per reason."""


class NotAToken(TokenRefused):
    """Some other code (a URL, a product barcode, text): not a card at all."""


class TokenUnreadable(TokenRefused):
    """One of our tokens, damaged (a scanner dropped a character), or signed but impossible."""


class TokenTooLong(TokenRefused):
    """Longer than any card token: refused unread."""


class TokenUnsupported(TokenRefused):
    """A newer token format than this program reads."""


class TokenForged(TokenRefused):
    """The signature does not verify with the district's key."""


class TokenWrongDistrict(TokenRefused):
    """Signed for another district."""


class TokenExpired(TokenRefused):
    def __init__(self, expired_at: datetime) -> None:
        super().__init__(f"expired at {expired_at.isoformat()}")
        self.expired_at = expired_at


@dataclass(frozen=True)
class VerifiedCard:
    """A token whose signature, district and expiry checked out."""

    district_id: str
    card_id: str
    generation: int
    issued_at: datetime
    expires_at: datetime | None


def valid_district_id(district_id: str) -> bool:
    """Whether a token can name ``district_id`` (a kiosk's config is checked by the same)."""
    try:
        _district_bytes(district_id)
    except Invalid:
        return False
    return True


def _district_bytes(district_id: str) -> bytes:
    raw = district_id.encode("utf-8")
    if not raw or len(raw) > MAX_ID_BYTES or not _DISTRICT_ID.fullmatch(district_id):
        raise Invalid(f"district id must be 1..{MAX_ID_BYTES} bytes of letters, digits, '.:_-': "
                      f"{district_id!r}")
    return raw


def _card_bytes(card_id: str) -> bytes:
    if not ids.is_card_id(card_id) or ids.card_kind(card_id) != ids.QR:
        raise Invalid(f"card id {card_id!r}: a QR card token names a QR card id in normal "
                      "form, e.g. QR-0001")
    return card_id.encode("ascii")


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise Invalid("naive datetime: token times must be aware")
    value = int(moment.timestamp())
    if not 0 < value < 2**32:
        raise Invalid(f"{moment} is outside the token's time range")
    return value


def _payload(district_id: str, card_id: str, generation: int, issued_at: datetime,
             expires_at: datetime | None) -> bytes:
    district, card = _district_bytes(district_id), _card_bytes(card_id)
    GENERATION.check(generation, "generation")
    expiry = 0 if expires_at is None else _seconds(expires_at)
    if expires_at is not None and expiry <= _seconds(issued_at):
        raise Invalid("a card must expire after it was issued")
    return (bytes([VERSION, len(district)]) + district + bytes([len(card)]) + card
            + _TIMES.pack(generation, _seconds(issued_at), expiry))


def issue(private_key: Ed25519PrivateKey, district_id: str, card_id: str, generation: int, *,
          issued_at: datetime, expires_at: datetime | None = None) -> str:
    """The district side: a signed token for one printed card (raises Invalid on bad input)."""
    payload = _payload(district_id, card_id, generation, issued_at, expires_at)
    signature = private_key.sign(CONTEXT + payload)
    return base64.urlsafe_b64encode(payload + signature).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    # A damaged token of ours (a scanner dropped a key) is "unreadable"; other text is no card.
    refusal = TokenUnreadable if text.startswith(_V1_PREFIXES) else NotAToken
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise refusal() from None
    # One token, one spelling: refuse texts that differ only in unused trailing bits.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != text:
        raise refusal()
    return raw


def _take_id(raw: bytes, at: int) -> tuple[str, int]:
    if at >= len(raw):
        raise TokenUnreadable()
    size, at = raw[at], at + 1
    chunk = raw[at:at + size]
    if not 1 <= size <= MAX_ID_BYTES or len(chunk) != size:
        raise TokenUnreadable()
    try:
        value = chunk.decode("utf-8")
    except UnicodeDecodeError:
        raise TokenUnreadable() from None
    if not _DISTRICT_ID.fullmatch(value):
        raise TokenUnreadable()
    return value, at + size


def verify(text: str, public_key: Ed25519PublicKey, district_id: str, now: datetime, *,
           max_length: int = DEFAULT_MAX_LENGTH) -> VerifiedCard:
    """Check a scanned text offline: the verified card, or the :class:`TokenRefused` why not."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: the kiosk compares expiry with an aware time")
    if not isinstance(text, str):
        raise TokenUnreadable()
    text = text.strip()
    if len(text) > max_length:
        raise TokenTooLong()
    if not _BASE64URL.fullmatch(text):
        raise NotAToken()  # a URL, a word with spaces, anything outside base64url
    raw = _decode(text)
    if raw[0] != VERSION:
        # A few versions ahead and long enough to carry a signature is a newer card; anything
        # else is noise, not a card at all: a product's barcode ("DEADBEEF", "Doc-0001") is
        # valid base64 whose first byte can look like a version.
        newer = VERSION < raw[0] <= MAX_VERSION and len(raw) > SIGNATURE_BYTES
        raise TokenUnsupported() if newer else NotAToken()
    district, at = _take_id(raw, 1)
    card_id, at = _take_id(raw, at)
    if len(raw) != at + _TIMES.size + SIGNATURE_BYTES:
        raise TokenUnreadable()
    generation, issued, expires = _TIMES.unpack_from(raw, at)
    payload, signature = raw[:at + _TIMES.size], raw[at + _TIMES.size:]
    if district != district_id:
        raise TokenWrongDistrict()
    try:
        public_key.verify(signature, CONTEXT + payload)
    except InvalidSignature:
        raise TokenForged() from None
    if generation < 1 or (expires and expires <= issued) or not ids.is_card_id(card_id) \
            or ids.card_kind(card_id) != ids.QR:
        raise TokenUnreadable()  # signed but impossible: a district-side bug
    expires_at = datetime.fromtimestamp(expires, UTC) if expires else None
    if expires_at is not None and now >= expires_at:
        raise TokenExpired(expires_at)
    return VerifiedCard(district_id=district, card_id=card_id, generation=generation,
                        issued_at=datetime.fromtimestamp(issued, UTC), expires_at=expires_at)


# --- keys -------------------------------------------------------------------------------------

def public_key_text(key: Ed25519PublicKey) -> str:
    """The form a kiosk's config takes: standard base64 of the 32 raw key bytes."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(data: bytes) -> Ed25519PublicKey:
    """A public key from base64 of the raw 32 bytes, or a PEM file's contents."""
    stripped = data.strip()
    if stripped.startswith(b"-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(stripped)
        except (ValueError, UnsupportedAlgorithm):
            raise ValueError("the PEM file holds no readable public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM file holds a key that is not Ed25519")
        return key
    try:
        raw = base64.b64decode(stripped, validate=True)
    except binascii.Error:
        raise ValueError("not base64 and not a PEM public key") from None
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, this one is {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The district's signing key: an unencrypted PKCS#8 PEM file."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
