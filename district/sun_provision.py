"""``kiosk-district provision-card``: an NTAG 424 DNA on the desk's PC/SC reader becomes a card
that signs each tap, and (with ``--volunteer``) that volunteer's card.

The steps are :mod:`district.sun_tag`'s; this module finds the reader, waits for the tag,
turns a tag pulled off the reader into a message that says what to do, and records the result
in the district: the card (kind ``sun``) and its first tap's counter, so that tap cannot be
played back at a kiosk.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from district import sun_sync, sun_tag
from district.db import tables as t
from district.feed import mark_changed
from district.records import now_text
from district.store import Store
from points_protocol.sun import sdm
from points_protocol.sun.keys import DistrictKeys

STEP_NAMES = {0xA4: "SELECT", 0xB0: "READ BINARY", 0x60: "GetVersion", 0xAF: "authentication",
              0x71: "authentication", 0x64: "GetKeyVersion", 0xF5: "GetFileSettings",
              0xC4: "ChangeKey", 0x8D: "WriteData", 0x5F: "ChangeFileSettings"}


class CardPulled(sun_tag.ProvisionError):
    pass


@dataclass(frozen=True)
class Outcome:
    uid: str
    generation: int
    changed: bool
    counter: int
    registered: str | None   # "new", "already", or None without a volunteer


class DeskReader:
    """The first PC/SC reader whose name contains ``name``, and the tag on it (pyscard's
    low-level ``scard`` API, as the kiosk's reader uses it)."""

    def __init__(self, name: str, wait_seconds: float) -> None:
        self.name = name
        self.wait_seconds = wait_seconds
        self.context: Any = None
        self.card: Any = None
        self.protocol = 0
        self.step = "connecting"

    def __enter__(self) -> DeskReader:
        # pyscard is imported here: the rest of the district server never needs it.
        from smartcard import scard  # noqa: PLC0415

        code, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if code != scard.SCARD_S_SUCCESS:
            raise sun_tag.ProvisionError("no PC/SC service (is pcscd running?): "
                                         f"{scard.SCardGetErrorMessage(code)}")
        try:
            reader = self._reader(scard)
            self._wait_for_tag(scard, reader)
            code, self.card, self.protocol = scard.SCardConnect(
                self.context, reader, scard.SCARD_SHARE_EXCLUSIVE,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if code != scard.SCARD_S_SUCCESS:
                raise CardPulled(f"the tag on {reader} cannot be reached "
                                 f"({scard.SCardGetErrorMessage(code)}); put it flat on the "
                                 "reader and try again")
        except BaseException:
            self.__exit__()
            raise
        return self

    def _reader(self, scard: Any) -> str:
        code, readers = scard.SCardListReaders(self.context, [])
        found = [r for r in (readers if code == scard.SCARD_S_SUCCESS else [])
                 if self.name.casefold() in r.casefold()]
        if not found:
            raise sun_tag.ProvisionError(f"no PC/SC reader matching {self.name!r} "
                                         f"(readers seen: {', '.join(readers or []) or 'none'})")
        return str(found[0])

    def _wait_for_tag(self, scard: Any, reader: str) -> None:
        deadline = time.monotonic() + self.wait_seconds
        known = scard.SCARD_STATE_UNAWARE
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                raise sun_tag.ProvisionError(f"no tag on {reader} within "
                                             f"{self.wait_seconds:g} s")
            code, states = scard.SCardGetStatusChange(self.context, min(left_ms, 1000),
                                                      [(reader, known)])
            if code == scard.SCARD_S_SUCCESS:
                known = states[0][1] & ~scard.SCARD_STATE_CHANGED
                if known & scard.SCARD_STATE_PRESENT and not known & scard.SCARD_STATE_MUTE:
                    return
            elif code != scard.SCARD_E_TIMEOUT:
                raise sun_tag.ProvisionError(f"waiting for a tag on {reader} failed: "
                                             f"{scard.SCardGetErrorMessage(code)}")

    def __exit__(self, *exc: object) -> None:
        from smartcard import scard  # noqa: PLC0415

        if self.card is not None:   # the tag may be gone already: nothing else to release
            scard.SCardDisconnect(self.card, scard.SCARD_LEAVE_CARD)
        if self.context is not None:
            scard.SCardReleaseContext(self.context)
        self.card = self.context = None

    def transmit(self, apdu: bytes) -> bytes:
        from smartcard import scard  # noqa: PLC0415

        self.step = STEP_NAMES.get(apdu[1], f"command {apdu[1]:02X}")
        code, answer = scard.SCardTransmit(self.card, self.protocol, list(apdu))
        if code != scard.SCARD_S_SUCCESS or len(answer) < 2:
            reason = scard.SCardGetErrorMessage(code) if code else "no answer"
            raise CardPulled(
                f"the tag was taken off the reader during {self.step} ({reason}). Nothing is "
                "lost: put it back and run provision-card again, it carries on from where it "
                "stopped")
        return bytes(answer)


def register(store: Store, uid: str, volunteer_id: str | None, tap: sdm.VerifiedTap,
             generation: int) -> str | None:
    """Record the first tap's counter and, with a volunteer, the card; refuses a card that
    is another volunteer's."""
    with store.db.write() as conn:
        registered = None
        changed: list[tuple[str, str]] = []
        if volunteer_id is not None:
            if conn.execute(select(t.volunteers.c.id)
                            .where(t.volunteers.c.id == volunteer_id)).first() is None:
                raise sun_tag.ProvisionError(f"no volunteer {volunteer_id} in the district")
            row = conn.execute(select(t.cards.c.volunteer_id, t.cards.c.kind)
                               .where(t.cards.c.card_id == uid)).first()
            if row is not None and row.volunteer_id != volunteer_id:
                raise sun_tag.ProvisionError(
                    f"card {uid} is registered to volunteer {row.volunteer_id}; block it or "
                    "register it to them (the tag is provisioned and usable)")
            registered = "already" if row is not None and row.kind == "sun" else "new"
            if row is None:
                conn.execute(t.cards.insert().values(card_id=uid, volunteer_id=volunteer_id,
                                                     kind="sun"))
            else:
                conn.execute(t.cards.update().where(t.cards.c.card_id == uid)
                             .values(kind="sun"))
            changed.append(("card", uid))
        if sun_sync.raise_counter(conn, uid, generation, tap.counter, now_text()):
            changed.append((sun_sync.FEED_ENTITY, uid))
        mark_changed(conn, changed)
    return registered


def provision_card(store: Store, generations: Sequence[DistrictKeys], reader: DeskReader,
                   base_url: str, volunteer_id: str | None) -> Outcome:
    with reader:
        done = sun_tag.provision(reader.transmit, generations, base_url)
        tap = sun_tag.read_tap(reader.transmit, generations[:1])
    uid = done.uid.hex().upper()
    if tap.uid != done.uid:
        raise sun_tag.ProvisionError(f"the tap read back names UID {tap.uid_hex}, not {uid}")
    registered = register(store, uid, volunteer_id, tap, done.generation)
    return Outcome(uid, done.generation, done.changed, tap.counter, registered)
