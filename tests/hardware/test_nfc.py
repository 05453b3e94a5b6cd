"""PcscCardReader through the real stack: pyscard -> libpcsclite -> our own pcscd -> the vpcd
driver -> a virtual card program (vcard.py) in a subprocess. Nothing is mocked.

Each test starts its own pcscd and stops it (fixtures in conftest.py). That pcscd lives in a
mount namespace of its own, so a system pcscd or another test run on the machine cannot take
part (pcsc_stack.py explains how).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from kiosk.core.devices import (
    CardPresented,
    CardRejected,
    CardRemoved,
    DeviceEvent,
    DeviceFound,
    DeviceLost,
)
from kiosk.core.errors import CardUnreadable
from kiosk.hardware.nfc import PcscCardReader
from tests.hardware.pcsc_stack import (
    READER,
    READER_PREFIX,
    EventRecorder,
    PcscDaemon,
    VirtualCard,
    reader_is_empty,
    wait_until,
)

StartReader = Callable[..., tuple[PcscCardReader, EventRecorder]]
PutCard = Callable[..., VirtualCard]

UID = "04A1B2C3D4E5F6"


def after(events: EventRecorder, marker: DeviceEvent) -> list[DeviceEvent]:
    """The events recorded after ``marker`` (compared by identity)."""
    position = next(i for i, e in enumerate(events.events) if e is marker)
    return events.events[position + 1:]


def test_card_is_presented_once_while_it_stays_and_removed_when_taken_off(
        pcscd: PcscDaemon, start_reader: StartReader, put_card: PutCard) -> None:
    _, events = start_reader(reader_name=READER_PREFIX)
    assert events.wait_for(DeviceFound) == DeviceFound(READER)
    card = put_card(uid=UID.lower())
    presented = events.wait_for(CardPresented)
    assert presented == CardPresented(kind="nfc", card_id=UID, source=READER, signed=False)
    # Let pcscd check the card's presence several more times (it asks for the ATR each time):
    # a card lying on the reader must stay one presentation.
    seen = card.atr_requests
    wait_until(lambda: card.atr_requests >= seen + 5, "pcscd to poll the card five more times")
    assert events.of(CardPresented) == [presented]
    assert card.lines.count("apdu ffca000000") == 1, " ".join(card.lines)  # read once

    card.remove()
    assert events.wait_for(CardRemoved) == CardRemoved(READER)
    # Tapping again is a new presentation.
    put_card(uid="0A0B0C0D")
    again = events.wait_for(CardPresented, count=2)
    assert again.card_id == "0A0B0C0D"
    assert [type(e) for e in after(events, presented)] == [CardRemoved, CardPresented]


def test_card_answering_an_error_status_is_rejected_with_a_message(
        pcscd: PcscDaemon, start_reader: StartReader, put_card: PutCard) -> None:
    _, events = start_reader()  # no name: the first reader, which is vpcd's first slot
    events.wait_for(DeviceFound)
    card = put_card(status="6A81")
    rejected = events.wait_for(CardRejected)
    assert isinstance(rejected, CardRejected)
    assert rejected.kind == "nfc" and rejected.source == READER
    assert isinstance(rejected.error, CardUnreadable)
    assert "6A 81" in rejected.error.detail
    assert rejected.error.message("zh_CN").startswith("没有读到卡号")
    card.remove()
    # A rejected card was never presented, so its removal is not reported; the next good card
    # is read as usual. (vpcd would take a new card before pcscd's next presence check as the
    # same card still lying there, so wait until pcscd has seen the reader empty.)
    wait_until(reader_is_empty, "pcscd to see the card gone")
    put_card(uid=UID)
    good = events.wait_for(CardPresented)
    assert good.card_id == UID
    assert [type(e) for e in after(events, rejected)] == [CardPresented]


def test_card_pulled_away_mid_read_is_rejected_and_reading_goes_on(
        pcscd: PcscDaemon, start_reader: StartReader, put_card: PutCard) -> None:
    _, events = start_reader(reader_name=READER_PREFIX)
    events.wait_for(DeviceFound)
    card = put_card(vanish_on_read=True)  # drops its connection when asked for the UID
    rejected = events.wait_for(CardRejected)
    assert isinstance(rejected, CardRejected)
    assert isinstance(rejected.error, CardUnreadable)
    card.remove()
    wait_until(reader_is_empty, "pcscd to see the card gone")
    put_card(uid=UID)
    assert events.wait_for(CardPresented).card_id == UID
    assert not events.of(DeviceLost)


@pytest.mark.expect_log(r"NFC reader unavailable: PC/SC service")
def test_pcscd_stopped_and_restarted_is_lost_then_recovered(
        pcscd: PcscDaemon, start_reader: StartReader, put_card: PutCard) -> None:
    _, events = start_reader(reader_name=READER_PREFIX)
    events.wait_for(DeviceFound)
    card = put_card(uid=UID)
    events.wait_for(CardPresented)

    pcscd.stop()
    lost = events.wait_for(DeviceLost)
    assert isinstance(lost, DeviceLost)
    assert "pcscd" in lost.reason and "not running" in lost.reason
    assert lost.source == READER
    # The card went with the service: its removal comes before the loss.
    assert [type(e) for e in events.events] == [
        DeviceFound, CardPresented, CardRemoved, DeviceLost]
    card.remove()

    pcscd.start()
    assert events.wait_for(DeviceFound, count=2) == DeviceFound(READER)
    put_card(uid="0A0B0C0D")
    assert events.wait_for(CardPresented, count=2).card_id == "0A0B0C0D"
    assert len(events.of(DeviceLost)) == 1  # one outage, one report


@pytest.mark.expect_log(
    r"NFC reader unavailable: PC/SC service", r"NFC reader unavailable: no PC/SC reader matching")
def test_no_pcscd_then_no_reader_then_the_reader_is_plugged_in(
        pcsc_daemon: PcscDaemon, start_reader: StartReader, put_card: PutCard) -> None:
    _, events = start_reader(reader_name=READER_PREFIX)
    no_service = events.wait_for(DeviceLost)
    assert isinstance(no_service, DeviceLost)
    assert no_service.reason.startswith("PC/SC service (pcscd) is not running")
    assert "retrying" in no_service.reason

    pcsc_daemon.start(with_reader=False)  # the service is back, the reader is not plugged in
    no_reader = events.wait_for(DeviceLost, count=2)
    assert isinstance(no_reader, DeviceLost)
    assert f"no PC/SC reader matching {READER_PREFIX!r} is connected" in no_reader.reason

    # vpcd readers come from reader.conf and pcscd 1.9 does not re-read it on hotplug, so
    # "plugging in" is a pcscd restart with the reader configured.
    pcsc_daemon.stop()
    pcsc_daemon.start(with_reader=True)
    assert events.wait_for(DeviceFound) == DeviceFound(READER)
    put_card(uid=UID)
    assert events.wait_for(CardPresented).card_id == UID


@pytest.mark.expect_log(r"NFC reader unavailable: no PC/SC reader matching")
def test_reader_name_not_found_is_reported_with_the_readers_seen(
        pcscd: PcscDaemon, start_reader: StartReader) -> None:
    _, events = start_reader(reader_name="ACR122")
    lost = events.wait_for(DeviceLost)
    assert isinstance(lost, DeviceLost)
    assert "no PC/SC reader matching 'ACR122' is connected" in lost.reason
    assert READER in lost.reason  # what pcscd does list, to help the operator fix the name
    assert lost.source == "PC/SC reader matching 'ACR122'"
    assert not events.of(DeviceFound)


@pytest.mark.expect_log(r"did not stop within")
def test_stop_joins_the_thread_and_does_not_hang_on_a_frozen_pcscd(
        pcscd: PcscDaemon, start_reader: StartReader) -> None:
    before = set(threading.enumerate())
    reader, events = start_reader(reader_name=READER_PREFIX, stop_timeout_seconds=2.0)
    events.wait_for(DeviceFound)
    assert any(t.name == "nfc-reader" for t in set(threading.enumerate()) - before)
    reader.stop()
    assert not any(t.name == "nfc-reader" for t in set(threading.enumerate()) - before)

    # A pcscd that stops answering (SIGSTOP) must not hold stop() for ever.
    frozen_reader, frozen_events = start_reader(reader_name=READER_PREFIX,
                                                stop_timeout_seconds=2.0)
    frozen_events.wait_for(DeviceFound)
    pcscd.freeze()
    stopper = threading.Thread(target=frozen_reader.stop)
    stopper.start()
    stopper.join(30)
    assert not stopper.is_alive()
    # Teardown thaws and stops pcscd; the abandoned daemon thread then finishes by itself.


def test_a_uid_no_real_card_has_is_rejected_not_presented(
        pcscd: PcscDaemon, start_reader: StartReader, put_card: PutCard) -> None:
    """UIDs are 4 to 10 bytes (ISO/IEC 14443); a 2-byte answer would be a card id no
    register, import or district could ever hold."""
    _, events = start_reader()
    events.wait_for(DeviceFound)
    put_card(uid="04AA")
    rejected = events.wait_for(CardRejected)
    assert isinstance(rejected, CardRejected) and isinstance(rejected.error, CardUnreadable)
    assert "2-byte UID" in rejected.error.detail
    assert not events.of(CardPresented)
