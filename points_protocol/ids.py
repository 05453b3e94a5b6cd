"""Card ids and volunteer ids: one normal form, applied wherever an id enters.

An NFC card is known by its UID as the PC/SC reader reports it: upper-case hex, no separators
(``04A1B2C3D4E5F6``). People copy UIDs from other tools in other spellings (``04a1b2...``,
``04:A1:B2...``, ``0x04A1...``, ``04 a1 b2 ...``, full-width digits from a Chinese keyboard);
they all mean the same card and normalize to the reader's form, or a typed UID would never
match a tapped card. ISO/IEC 14443 UIDs are 4, 7 or 10 bytes (FeliCa and ISO 15693 ids, 8):
anything outside 4..10 bytes is not a card.

A QR card is known by an id the district gives it: ``QR`` and up to 38 letters, digits,
``-``, ``_`` or ``.`` (the district makes ``QR`` + 12 hex digits; the demo has ``QR-0001``).
Upper case, so a typed ``qr-0001`` finds ``QR-0001``. Its ``QR`` prefix keeps it apart from
every UID (Q and R are not hex digits), so the kind of a card follows from its id.

A volunteer id comes from the volunteer platform (the national volunteer number) or a
district's own numbering (the demo's ``V0001``): up to 64 printable characters, no spaces, no
control or invisible characters (a zero-width space or a right-to-left mark would make two
ids look alike on screen and in a CSV).
"""

from __future__ import annotations

import re
import unicodedata

from points_protocol.errors import Invalid

NFC = "nfc"
QR = "qr"
SUN = "sun"   # an NFC card that signs each tap (NTAG 424 DNA with SUN): its id is its UID
CARD_KINDS = (NFC, QR, SUN)
NFC_UID_BYTES = (4, 10)
QR_CARD_ID_MAX = 40
VOLUNTEER_ID_MAX = 64
_INPUT_MAX = 200   # longer input is refused before any work on it

_HEX = re.compile(r"(?:[0-9A-F]{2}){4,10}", re.ASCII)
_QR_ID = re.compile(r"QR[0-9A-Z._-]{1,38}", re.ASCII)
# The normal form of either kind, for a fast check of ids that should already be normal (a
# district's first sync carries every card of the district).
CARD_ID_RE = re.compile(rf"{_HEX.pattern}|{_QR_ID.pattern}", re.ASCII)
_SEPARATORS = re.compile(r"[\s:.-]+")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text, not {type(value).__name__}")
    if len(value) > _INPUT_MAX:
        raise Invalid(f"{what} is {len(value)} characters long: not a {what}")
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise Invalid(f"{what} is empty")
    return text


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def normalize_nfc_uid(value: object) -> str:
    """The reader's form of an NFC UID typed or imported in any common spelling."""
    text = _text(value, "an NFC card UID")
    uid = _SEPARATORS.sub("", text).upper()
    uid = uid.removeprefix("0X")
    if not _HEX.fullmatch(uid):
        low, high = NFC_UID_BYTES
        raise Invalid(f"{_shown(text)} is not an NFC card UID: {low} to {high} bytes in hex "
                      "digits, e.g. 04A1B2C3D4E5F6")
    return uid


def normalize_qr_card_id(value: object) -> str:
    """The district's form of a QR card id (upper case)."""
    text = _text(value, "a QR card id")
    card_id = text.upper()
    if not _QR_ID.fullmatch(card_id):
        raise Invalid(f"{_shown(text)} is not a QR card id: QR and up to 38 letters, digits, "
                      "'-', '_' or '.', e.g. QR-0001")
    return card_id


def card_kind(card_id: str) -> str:
    """``qr`` or ``nfc``: what kind of card a normalized id names (whether an NFC card signs
    its taps, ``sun``, is what the district registered, not something its id shows)."""
    return QR if card_id.startswith("QR") else NFC


def normalize_card_id(value: object, kind: str | None = None) -> str:
    """A card id of either kind (or of ``kind`` only) in its normal form. Raises
    :class:`Invalid` with one line a person can act on."""
    if kind not in (None, *CARD_KINDS):
        raise Invalid(f"card kind {kind!r}: must be one of {', '.join(CARD_KINDS)}")
    text = _text(value, "a card id")
    if kind is None:
        kind = QR if text.upper().startswith("QR") else NFC
    return normalize_qr_card_id(text) if kind == QR else normalize_nfc_uid(text)   # nfc, sun


def is_card_id(value: object) -> bool:
    """Whether ``value`` is already a card id in normal form."""
    return isinstance(value, str) and CARD_ID_RE.fullmatch(value) is not None


def normalize_volunteer_id(value: object) -> str:
    """A volunteer id with surrounding spaces taken off; anything else wrong is refused."""
    if not isinstance(value, str):
        raise Invalid(f"a volunteer id must be text, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise Invalid("a volunteer id is empty")
    if len(text) > VOLUNTEER_ID_MAX:
        raise Invalid(f"volunteer id {_shown(text)} is {len(text)} characters long: at most "
                      f"{VOLUNTEER_ID_MAX}")
    if not text.isprintable() or any(c.isspace() for c in text):
        raise Invalid(f"volunteer id {_shown(text)} holds a space, control or invisible "
                      "character")
    return text
