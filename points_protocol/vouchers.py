"""A voucher: points that leave the shop as a paper a partner redeems once (issue 13).

A kiosk that sells a voucher item (breakfast at a partner shop, a property-fee offset, a venue
hour) makes one voucher per unit: an id, the partner, the value, the masked volunteer and the
expiry, signed with the kiosk's own Ed25519 key (the key its sync requests are signed with, so
the district already holds the public half). The paper carries two ways to name it:

* a QR code of the signed token, ``V1.<payload>.<signature>`` (base64url of compact JSON and
  of the 64-byte signature): a partner's camera can check it against the kiosk's registered key
  even before the sale reached the district;
* a short redemption code (核销码) for a partner without a camera: 9 random symbols and a check
  symbol from an alphabet without look-alikes (no 0/O, 1/I/L). The alphabet has 31 symbols, a
  prime, so a weighted sum modulo 31 catches every single wrong symbol and every swap of two
  neighbours a person makes when typing it.

Shared by the kiosk (makes and prints them) and the district (registers and redeems them).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from points_protocol.errors import Invalid

ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
assert len(ALPHABET) == 31
CODE_RANDOM = 9
CODE_LENGTH = CODE_RANDOM + 1
TOKEN_PREFIX: Final = "V1."  # noqa: S105 (a format tag, not a secret)
TOKEN_MAX = 1000       # a token is ~300 characters; anything far longer is refused unread
VALID_DAYS_MAX = 3660  # ten years: a fee offset for next year's bill still fits

# What a person may type for a symbol that is not in the alphabet but can only mean one.
_TYPED: Final = {"O": "0", "I": "1", "L": "1"}


def _check_symbol(body: str) -> str:
    total = sum((n + 1) * ALPHABET.index(ch) for n, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_code() -> str:
    """A fresh redemption code: 9 random symbols (31**9, about 2.6e13) and its check symbol."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(CODE_RANDOM))
    return body + _check_symbol(body)


def show_code(code: str) -> str:
    """As printed: two groups of five, easier to read aloud and to type."""
    return f"{code[:5]}-{code[5:]}"


def normalize_code(typed: str) -> str:
    """The code as typed (any case, spaces or dashes) in its normal form, or :class:`Invalid`
    saying what is wrong: a symbol that is not on any voucher, a wrong length, a check symbol
    that does not match (a typing mistake, caught before any look-up)."""
    if not isinstance(typed, str) or len(typed) > 40:
        raise Invalid("a redemption code is 10 letters and digits")
    text = "".join(ch for ch in typed.upper() if ch not in " -\t")
    if any(ch in _TYPED for ch in text):
        raise Invalid("a redemption code has no O, I or L (and no 0 or 1): "
                      "please check the letters")
    bad = sorted({ch for ch in text if ch not in ALPHABET})
    if bad:
        raise Invalid(f"a redemption code has no {''.join(bad)!r}")
    if len(text) != CODE_LENGTH:
        raise Invalid(f"a redemption code has {CODE_LENGTH} symbols, this one {len(text)}")
    if _check_symbol(text[:-1]) != text[-1]:
        raise Invalid("this redemption code is mistyped (its check symbol does not match)")
    return text


@dataclass(frozen=True)
class Voucher:
    """What a voucher says; the same fields on paper, in the kiosk's ledger and the district's."""

    voucher_id: str
    kiosk_id: str
    item_id: str
    partner_id: str
    value: int
    masked_name: str
    expires_at: str          # ISO 8601 with offset: the end of its last valid day
    code: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.voucher_id, "k": self.kiosk_id, "i": self.item_id,
                "p": self.partner_id, "v": self.value, "n": self.masked_name,
                "e": self.expires_at, "c": self.code}

    def expired(self, now: datetime) -> bool:
        return now > datetime.fromisoformat(self.expires_at)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _payload_bytes(voucher: Voucher) -> bytes:
    return json.dumps(voucher.to_json(), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def sign(voucher: Voucher, key: Ed25519PrivateKey) -> str:
    """The token the QR code carries."""
    payload = _payload_bytes(voucher)
    return TOKEN_PREFIX + _b64(payload) + "." + _b64(key.sign(b"voucher\n" + payload))


def unsigned_token(voucher: Voucher) -> str:
    """The token of a voucher its kiosk could not sign when it sold it (the sync daemon, which
    alone holds the key on a packaged kiosk, did not answer): an empty signature. The district
    takes it from the kiosk's signed push; before that, it redeems nothing."""
    return TOKEN_PREFIX + _b64(_payload_bytes(voucher)) + "."


def is_signed(token: str) -> bool:
    return not token.endswith(".")


def is_token(text: str) -> bool:
    return isinstance(text, str) and text.startswith(TOKEN_PREFIX)


def _field(raw: dict[str, Any], key: str, kind: type) -> Any:
    value = raw.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Invalid(f"the voucher's field {key!r} is missing or of the wrong type")
    return value


def read_token(token: str) -> tuple[Voucher, bytes, bytes]:
    """(voucher, signed payload, signature), unverified: the caller picks the kiosk's key by
    the voucher's kiosk id, then calls :func:`verify`. :class:`Invalid` if it is no token."""
    if not is_token(token) or len(token) > TOKEN_MAX:
        raise Invalid("this is not a voucher's code")
    try:
        payload_text, signature_text = token[len(TOKEN_PREFIX):].split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
        raw = json.loads(payload)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("this voucher's code is damaged or not a voucher") from None
    if not isinstance(raw, dict):
        raise Invalid("this voucher's code is damaged or not a voucher")
    return voucher_from_json(raw), payload, signature


def voucher_from_json(raw: dict[str, Any]) -> Voucher:
    """A voucher from its JSON fields (:meth:`Voucher.to_json`), or :class:`Invalid`."""
    voucher = Voucher(
        voucher_id=_field(raw, "id", str)[:100], kiosk_id=_field(raw, "k", str)[:64],
        item_id=_field(raw, "i", str)[:64], partner_id=_field(raw, "p", str)[:100],
        value=_field(raw, "v", int), masked_name=_field(raw, "n", str)[:64],
        expires_at=_field(raw, "e", str)[:40], code=_field(raw, "c", str)[:20])
    try:
        datetime.fromisoformat(voucher.expires_at)
        normalize_code(voucher.code)
    except ValueError:
        raise Invalid("this voucher's code is damaged or not a voucher") from None
    return voucher


def verify(token: str, public_key: Ed25519PublicKey) -> Voucher:
    """The voucher the token carries, if ``public_key`` signed exactly these bytes;
    :class:`Invalid` otherwise (a copy with one changed field, a made-up voucher)."""
    voucher, payload, signature = read_token(token)
    try:
        public_key.verify(signature, b"voucher\n" + payload)
    except InvalidSignature:
        raise Invalid("this voucher's signature does not match its kiosk: it is forged "
                      "or altered") from None
    return voucher
