"""A tap of a card that signs its taps (NTAG 424 DNA, SUN), turned into the event the screens
get, checked offline with the keys in ``[nfc] sun_keys``.

The reader hands over the UID it read with ``FF CA`` and the URL in the card's NDEF file; the
checking itself is :mod:`points_protocol.sun.sdm` (NXP AN12196). A message that does not
verify, whose UID is not the card's own, or whose counter is at its limit is refused here,
before any look-up; the replay check needs the database and is made when the tap is looked
up (:mod:`kiosk.core.sun_taps`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kiosk.core.devices import CardPresented, CardRejected
from kiosk.core.errors import SunCheckFailed, SunCounterExhausted, SunKeysMissing
from kiosk.core.models import SunCounter
from points_protocol.sun import ndef, sdm
from points_protocol.sun.keys import KioskKeys, load_kiosk_keys


class SunVerifier:
    """Checks SUN messages against the key generations a kiosk holds (newest first)."""

    def __init__(self, keys: Sequence[KioskKeys]) -> None:
        self.keys = list(keys)
        self._pairs: list[sdm.KeyPair] = [(k.meta_read, k.file_read_key) for k in self.keys]

    @classmethod
    def from_file(cls, path: Path) -> SunVerifier:
        """Raises :class:`points_protocol.sun.keys.KeyFileError` (a ValueError) with the reason."""
        return cls(load_kiosk_keys(path))

    def check(self, uid: bytes, picc_hex: str, mac_hex: str, source: str
              ) -> CardPresented | CardRejected:
        claimed = uid.hex().upper()
        try:
            tap = sdm.verify(picc_hex, mac_hex, self._pairs)
        except sdm.SunError as exc:
            return CardRejected(kind="nfc", source=source,
                                error=SunCheckFailed(card_id=claimed, detail=str(exc)))
        if tap.uid != uid:   # a genuine message copied onto another card
            return CardRejected(kind="nfc", source=source, error=SunCheckFailed(
                card_id=claimed, detail=f"the message is for UID {tap.uid_hex}, the card "
                                        f"says {claimed}"))
        if tap.counter >= sdm.COUNTER_LIMIT:
            return CardRejected(kind="nfc", source=source,
                                error=SunCounterExhausted(tap.uid_hex))
        generation = self.keys[tap.key_index].generation
        return CardPresented(kind="nfc", card_id=tap.uid_hex, source=source, signed=True,
                             sun=SunCounter(generation, tap.counter))


def card_event(uid: bytes, url: str | None, verifier: SunVerifier | None, source: str
               ) -> CardPresented | CardRejected:
    """What a tap is: a signed card when its URL carries a SUN message (checked, or refused),
    otherwise a card known by its UID alone."""
    message = None if url is None else ndef.sun_parameters(url)
    if message is None:
        return CardPresented(kind="nfc", card_id=uid.hex().upper(), source=source)
    if verifier is None:
        return CardRejected(kind="nfc", source=source, error=SunKeysMissing())
    return verifier.check(uid, message[0], message[1], source)
