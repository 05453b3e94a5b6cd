"""Taps of NTAG 424 DNA cards through the real stack (pyscard -> pcscd -> vpcd -> the virtual
NTAG 424 in vcard.py), checked offline and then looked up in a real kiosk database: a good
tap, a replay, a copied UID, a card keyed by someone else, a counter at its limit, a card
pulled away mid-read, and a kiosk without keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.core import cards
from kiosk.core.devices import CardPresented, CardRejected, CardRemoved, DeviceFound, presented_card
from kiosk.core.errors import (
    CardNotGenuine,
    CardUnreadable,
    SunCheckFailed,
    SunCounterExhausted,
    SunKeysMissing,
    SunReplayed,
)
from kiosk.core.models import PresentedCard, SunCounter
from kiosk.core.sun_cards import SunVerifier
from kiosk.hardware.nfc import PcscCardReader
from kiosk.services import Services
from points_protocol.sun import sdm
from tests.conftest import ManualClock
from tests.hardware.pcsc_stack import (
    READER,
    EventRecorder,
    PcscDaemon,
    VirtualCard,
    reader_is_empty,
    wait_until,
)
from tests.hardware.sun_cards import (
    UID,
    district_keys,
    provisioned,
    read_state,
    recording,
    write_state,
)

StartReader = Callable[..., tuple[PcscCardReader, EventRecorder]]
PutCard = Callable[..., VirtualCard]
KEYS = district_keys()


@pytest.fixture
def kiosk_reader(pcscd: PcscDaemon, start_reader: StartReader) -> EventRecorder:
    _, events = start_reader(sun=SunVerifier([KEYS.kiosk_keys()]))
    events.wait_for(DeviceFound)
    return events


def tap(put_card: PutCard, events: EventRecorder, state: Path, count: int = 1, **options: object
        ) -> CardPresented | CardRejected:
    """Put the card on the reader until it is read, then take it off again."""
    card = put_card(ntag424=state, **options)
    event = events.wait_for(CardPresented | CardRejected, count=count)  # type: ignore[arg-type]
    card.remove()
    wait_until(reader_is_empty, "pcscd to see the card gone")
    assert isinstance(event, CardPresented | CardRejected)
    return event


def make_sun(shop: Services) -> None:
    with shop.conn:
        shop.conn.execute("UPDATE cards SET kind = 'sun' WHERE card_id = ?", (UID,))


def test_a_good_tap_is_signed_and_each_tap_counts_up(
        kiosk_reader: EventRecorder, put_card: PutCard, tmp_path: Path, shop: Services,
        clock: ManualClock) -> None:
    state = provisioned(tmp_path / "card.json", KEYS)
    card = put_card(ntag424=state)
    first = kiosk_reader.wait_for(CardPresented)
    assert first == CardPresented(kind="nfc", card_id=UID, source=READER, signed=True,
                                  sun=SunCounter(1, 1))
    assert [line for line in card.lines if line.startswith("apdu")] == [
        "apdu ffca000000", "apdu 00a4040007d276000085010100", "apdu 00a4000c02e104",
        "apdu 00b0000002", f"apdu 00b00002{read_state(state)['files']['2'][2:4]}"]
    card.remove()
    kiosk_reader.wait_for(CardRemoved)
    wait_until(reader_is_empty, "pcscd to see the card gone")
    second = tap(put_card, kiosk_reader, state, count=2)
    assert isinstance(second, CardPresented) and second.sun == SunCounter(1, 2)
    make_sun(shop)
    holder = cards.look_up(shop.conn, presented_card(second), clock)
    assert (holder.masked_name, holder.balance) == ("张*华", 800)


def test_a_replayed_tap_is_refused_at_the_same_kiosk(
        kiosk_reader: EventRecorder, put_card: PutCard, tmp_path: Path, shop: Services,
        clock: ManualClock) -> None:
    make_sun(shop)
    state = provisioned(tmp_path / "card.json", KEYS, counter=40)
    before = read_state(state)
    genuine = tap(put_card, kiosk_reader, state)
    assert isinstance(genuine, CardPresented) and genuine.sun == SunCounter(1, 41)
    cards.look_up(shop.conn, presented_card(genuine), clock)
    # The same tap recorded and played back by another card with the same UID: its signature
    # is genuine, its counter is not new.
    replayed = tap(put_card, kiosk_reader, recording(before, 41, tmp_path / "replay.json"),
                   count=2)
    assert isinstance(replayed, CardPresented) and replayed.sun == SunCounter(1, 41)
    with pytest.raises(SunReplayed):
        cards.look_up(shop.conn, presented_card(replayed), clock)
    # The genuine card goes on working.
    again = tap(put_card, kiosk_reader, state, count=3)
    assert isinstance(again, CardPresented)
    assert cards.look_up(shop.conn, presented_card(again), clock).card_id == UID


def test_a_copied_uid_without_the_keys_is_refused(
        kiosk_reader: EventRecorder, put_card: PutCard, shop: Services,
        clock: ManualClock) -> None:
    make_sun(shop)
    clone = put_card(uid=UID)   # a "magic" card: the UID copied, no NDEF application
    event = kiosk_reader.wait_for(CardPresented)
    clone.remove()
    assert event == CardPresented(kind="nfc", card_id=UID, source=READER)
    with pytest.raises(CardNotGenuine):
        cards.look_up(shop.conn, presented_card(event), clock)


def test_a_card_keyed_with_other_keys_is_refused(
        kiosk_reader: EventRecorder, put_card: PutCard, tmp_path: Path) -> None:
    other = district_keys(generation=7)   # another district, or keys this kiosk never got
    event = tap(put_card, kiosk_reader, provisioned(tmp_path / "card.json", other))
    assert isinstance(event, CardRejected) and isinstance(event.error, SunCheckFailed)
    assert event.error.card_id == UID and "tag byte" in event.error.detail
    assert event.error.message("zh_CN").startswith("这张卡没有通过防伪验证")


def test_a_genuine_message_on_another_uid_is_refused(
        kiosk_reader: EventRecorder, put_card: PutCard, tmp_path: Path) -> None:
    state = read_state(provisioned(tmp_path / "card.json", KEYS))
    copied = read_state(recording(state, 5, tmp_path / "copy.json"))
    copied["uid"] = "04FFFFFFFFFFFF"
    event = tap(put_card, kiosk_reader, write_state(tmp_path / "other-uid.json", copied))
    assert isinstance(event, CardRejected) and isinstance(event.error, SunCheckFailed)
    assert "04FFFFFFFFFFFF" in event.error.detail


def test_a_counter_at_its_limit_is_refused(
        kiosk_reader: EventRecorder, put_card: PutCard, tmp_path: Path) -> None:
    state = provisioned(tmp_path / "card.json", KEYS, counter=sdm.COUNTER_LIMIT - 1)
    event = tap(put_card, kiosk_reader, state)
    assert isinstance(event, CardRejected) and isinstance(event.error, SunCounterExhausted)
    assert read_state(state)["counter"] == sdm.COUNTER_LIMIT
    again = tap(put_card, kiosk_reader, state, count=2)   # the tag counts no further
    assert isinstance(again, CardRejected) and isinstance(again.error, SunCounterExhausted)


def test_a_card_pulled_away_mid_read_is_unreadable_and_reading_goes_on(
        kiosk_reader: EventRecorder, put_card: PutCard, tmp_path: Path) -> None:
    state = provisioned(tmp_path / "card.json", KEYS)
    event = tap(put_card, kiosk_reader, state, vanish_before="B0:2")
    assert isinstance(event, CardRejected) and isinstance(event.error, CardUnreadable)
    good = tap(put_card, kiosk_reader, state, count=2)
    assert isinstance(good, CardPresented) and good.signed


def test_a_kiosk_without_keys_says_ask_staff(
        pcscd: PcscDaemon, start_reader: StartReader, put_card: PutCard, tmp_path: Path) -> None:
    _, events = start_reader()
    events.wait_for(DeviceFound)
    event = tap(put_card, events, provisioned(tmp_path / "card.json", KEYS))
    assert isinstance(event, CardRejected) and isinstance(event.error, SunKeysMissing)


def test_presented_card_keeps_the_tap() -> None:
    event = CardPresented(kind="nfc", card_id=UID, source=READER, signed=True,
                          sun=SunCounter(1, 3))
    assert presented_card(event) == PresentedCard(UID, signed=True, sun=SunCounter(1, 3))
