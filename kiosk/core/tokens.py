"""QR card tokens at the kiosk: the shared format (``points_protocol.card_tokens``) checked
with this kiosk's key and clock, and every refusal turned into the words the volunteer sees.

Revocation by generation is not checked here: the kiosk database knows the current generation,
and :func:`kiosk.core.cards.check_card` refuses a :class:`PresentedCard` whose generation is
older. Everything that can go wrong raises a :class:`CardTokenError` subclass, never anything
else, whatever bytes a camera or scanner delivers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.core.clock import Clock
from kiosk.core.devices import CardPresented, CardRejected
from kiosk.core.errors import (
    CardTokenError,
    CardTokenExpired,
    CardTokenForged,
    CardTokenTooLong,
    CardTokenUnreadable,
    CardTokenUnsupported,
    CardTokenWrongDistrict,
    NotACardCode,
)
from kiosk.core.models import PresentedCard
from points_protocol import card_tokens
from points_protocol.card_tokens import DEFAULT_MAX_LENGTH, VerifiedCard, parse_public_key

_REFUSALS: dict[type[card_tokens.TokenRefused], Callable[[], CardTokenError]] = {
    card_tokens.NotAToken: NotACardCode,
    card_tokens.TokenUnreadable: CardTokenUnreadable,
    card_tokens.TokenTooLong: CardTokenTooLong,
    card_tokens.TokenUnsupported: CardTokenUnsupported,
    card_tokens.TokenForged: CardTokenForged,
    card_tokens.TokenWrongDistrict: CardTokenWrongDistrict,
}


def presented(card: VerifiedCard) -> PresentedCard:
    """What checkout and look-up take; the generation lets them refuse a revoked print."""
    return PresentedCard(card.card_id, card.generation, signed=True)


def verify(text: str, public_key: Ed25519PublicKey, district_id: str, now: datetime, *,
           max_length: int = DEFAULT_MAX_LENGTH) -> VerifiedCard:
    """Check a scanned text offline; the verified card, or the refusal the volunteer sees."""
    try:
        return card_tokens.verify(text, public_key, district_id, now, max_length=max_length)
    except card_tokens.TokenExpired as exc:
        raise CardTokenExpired(exc.expired_at) from None
    except card_tokens.TokenRefused as exc:
        raise _REFUSALS[type(exc)]() from None


def load_public_key(setting: str, base_dir: Path) -> Ed25519PublicKey:
    """``[qr] public_key``: the key itself in base64, or the path of a file holding it
    (relative paths from the config file's folder). Raises ValueError with the reason."""
    try:
        return parse_public_key(setting.encode("utf-8"))
    except ValueError:
        pass
    path = Path(setting)
    path = path if path.is_absolute() else base_dir / path
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"neither a base64 key nor a readable file ({path}: "
                         f"{exc.strerror})") from None
    return parse_public_key(data)


# --- the one path every scanner takes -------------------------------------------------------

class TokenVerifier:
    """Turns scanned text into the event the screens get. Camera and keyboard-wedge scanners
    both call :meth:`card_event`, so a code is judged the same whichever way it came in."""

    def __init__(self, public_key: Ed25519PublicKey, district_id: str, clock: Clock,
                 max_length: int = DEFAULT_MAX_LENGTH) -> None:
        self.public_key = public_key
        self.district_id = district_id
        self.clock = clock
        self.max_length = max_length

    def verify(self, text: str) -> VerifiedCard:
        return verify(text, self.public_key, self.district_id, self.clock.now(),
                      max_length=self.max_length)

    def card_event(self, text: str, source: str) -> CardPresented | CardRejected:
        try:
            card = self.verify(text)
        except CardTokenError as exc:
            return CardRejected(kind="qr", source=source, error=exc)
        return CardPresented(kind="qr", card_id=card.card_id, source=source,
                             generation=card.generation, signed=True)

    @classmethod
    def from_settings(cls, public_key: str, district_id: str, clock: Clock, *,
                      base_dir: Path, max_length: int = DEFAULT_MAX_LENGTH) -> TokenVerifier | None:
        """From ``[qr]`` settings; None when no key is configured (QR cards switched off).
        Raises ValueError for a key that cannot be read (config loading reports it first)."""
        if not public_key.strip():
            return None
        return cls(load_public_key(public_key, base_dir), district_id, clock, max_length)
