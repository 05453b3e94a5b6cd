"""A tap replayed at another kiosk: refused there after one sync each. Two real kiosks, the real
district on 127.0.0.1, and the taps through pcscd, vpcd and the virtual NTAG 424 DNA."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from district.store import Store
from kiosk.core import cards, sun_taps
from kiosk.core.devices import CardPresented, DeviceFound, presented_card
from kiosk.core.errors import SunReplayed
from kiosk.core.models import SunCounter
from kiosk.core.session_flow import LookUpCard, LookupFailed
from kiosk.core.sun_cards import SunVerifier
from kiosk.hardware.nfc import PcscCardReader
from kiosk.operations.session_work import SessionWork
from tests.conftest import ManualClock
from tests.hardware.pcsc_stack import (
    EventRecorder,
    PcscDaemon,
    VirtualCard,
    reader_is_empty,
    wait_until,
)
from tests.hardware.sun_cards import UID, district_keys, provisioned, read_state, recording
from tests.live_district import LiveServer, make_kiosk, seed_district

KEYS = district_keys()


@pytest.fixture
def district(tmp_path: Path) -> Iterator[LiveServer]:
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)
    store.upsert_card(UID, "V0001", "sun")   # 张小华's card signs its taps
    server = LiveServer(store).start()
    yield server
    server.stop()


@pytest.fixture
def events(pcscd: PcscDaemon,
           start_reader: Callable[..., tuple[PcscCardReader, EventRecorder]]) -> EventRecorder:
    _, recorder = start_reader(sun=SunVerifier([KEYS.kiosk_keys()]))
    recorder.wait_for(DeviceFound)
    return recorder


@pytest.mark.expect_log(r"card refused: sun_replayed")
def test_a_tap_replayed_at_another_kiosk_is_refused_after_one_sync_each(
        district: LiveServer, events: EventRecorder, put_card: Callable[..., VirtualCard],
        tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", district.store, district.url, clock)
    b = make_kiosk(tmp_path, "k-b", district.store, district.url, clock)
    assert a.daemon.run_once() is not None and b.daemon.run_once() is not None
    state = provisioned(tmp_path / "card.json", KEYS, counter=10)
    taps = 0

    def tap(path: Path) -> CardPresented:
        nonlocal taps
        taps += 1
        card = put_card(ntag424=path)
        event = events.wait_for(CardPresented, count=taps)
        card.remove()
        wait_until(reader_is_empty, "pcscd to see the card gone")
        assert isinstance(event, CardPresented)
        return event

    # Tap 11 at kiosk A, recorded by someone and played back at kiosk B before either synced:
    # B has not heard of it and takes it. This is the window the offline caps bound.
    before = read_state(state)
    cards.look_up(a.conn, presented_card(tap(state)), clock)
    played = tap(recording(before, 11, tmp_path / "replay-11.json"))
    assert cards.look_up(b.conn, presented_card(played), clock).card_id == UID

    # Tap 12 at A; A syncs, then B: the same trick is refused at B.
    before = read_state(state)
    genuine = tap(state)
    assert genuine.sun == SunCounter(1, 12)
    cards.look_up(a.conn, presented_card(genuine), clock)
    assert a.daemon.run_once() is not None
    (row,) = district.store.query(
        "SELECT key_generation, counter FROM sun_counters WHERE card_id = :c", c=UID)
    assert tuple(row) == (1, 12)
    assert b.daemon.run_once() is not None
    assert sun_taps.highest(b.conn, UID) == SunCounter(1, 12)
    replayed = tap(recording(before, 12, tmp_path / "replay-12.json"))
    with pytest.raises(SunReplayed):
        cards.look_up(b.conn, presented_card(replayed), clock)
    # As the touchscreen looks it up: refused, and kept for the district.
    refused = SessionWork(b.services, printer=None).run(  # type: ignore[arg-type]
        LookUpCard(1, presented_card(replayed)))
    assert isinstance(refused, LookupFailed) and refused.notice.code == "sun_replayed"
    # B's refusal reaches the district's conflicts; the card itself goes on working at B.
    assert b.daemon.run_once() is not None
    alerts = district.store.report("conflicts")
    assert [r["kiosk_id"] for r in alerts if r["kind"] == "card_alert"] == ["k-b"]
    assert "sun_replayed" in alerts[-1]["detail"]
    assert cards.look_up(b.conn, presented_card(tap(state)), clock).card_id == UID
    a.close()
    b.close()
