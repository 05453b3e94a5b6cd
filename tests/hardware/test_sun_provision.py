"""``kiosk-district provision-card`` through the real stack (pyscard -> pcscd -> vpcd -> the
virtual NTAG 424 DNA): from factory state, after a tag pulled off mid-way, again on a tag
already done, on tags it must leave alone, and when the district's keys are rotated. Each
provisioned tag is then tapped on a kiosk's reader and must verify."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from district.cli import main as district_main
from district.store import Store
from kiosk.core.devices import CardPresented, DeviceFound
from kiosk.core.models import SunCounter
from kiosk.core.sun_cards import SunVerifier
from kiosk.hardware.nfc import PcscCardReader
from points_protocol.sun import keys
from tests.hardware.ntag424_card import factory_state
from tests.hardware.pcsc_stack import (
    READER_PREFIX,
    EventRecorder,
    PcscDaemon,
    VirtualCard,
    reader_is_empty,
    wait_until,
)
from tests.hardware.sun_cards import district_keys, provisioned, read_state, write_state
from tests.live_district import seed_district

PutCard = Callable[..., VirtualCard]
NEW_UID = "04C0FFEE000001"
URL = "https://hy.example.cn/t"


@pytest.fixture
def desk(tmp_path: Path, pcscd: PcscDaemon) -> Iterator[Path]:
    """The district's database (the demo district) and its key file, generation 1."""
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)
    keys.save_district_keys(tmp_path / "district-sun.toml", [district_keys(1)])
    yield tmp_path


def provision(desk: Path, put_card: PutCard, state: Path | None, *extra: str,
              **card: object) -> tuple[int, str]:
    """Put the tag on the reader (an NTAG 424 with ``state``, else a UID-only card), run the
    command, take the tag off: (exit status, what it printed)."""
    tag = put_card(ntag424=state, **card) if state is not None else put_card(**card)
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = district_main(["--database", str(desk / "district.sqlite"), "provision-card",
                              "--keys", str(desk / "district-sun.toml"), "--url", URL,
                              "--reader", READER_PREFIX, "--wait", "30", *extra])
    tag.remove()
    wait_until(reader_is_empty, "pcscd to see the tag gone")
    return code, out.getvalue()


def kiosk_tap(start_reader: Callable[..., tuple[PcscCardReader, EventRecorder]],
              put_card: PutCard, state: Path, generations: list[keys.DistrictKeys]
              ) -> CardPresented:
    reader, events = start_reader(sun=SunVerifier([g.kiosk_keys() for g in generations]))
    events.wait_for(DeviceFound)
    tag = put_card(ntag424=state)
    event = events.wait_for(CardPresented)
    tag.remove()
    reader.stop()
    wait_until(reader_is_empty, "pcscd to see the tag gone")
    assert isinstance(event, CardPresented)
    return event


def district_row(desk: Path, sql: str, uid: str) -> tuple[object, ...] | None:
    with Store(desk / "district.sqlite") as store:
        rows = store.query(sql.replace("?", ":uid"), uid=uid)
    return tuple(rows[0]) if rows else None


def test_a_factory_tag_is_keyed_registered_and_verifies_at_a_kiosk(
        desk: Path, put_card: PutCard, start_reader: Callable[..., tuple[
            PcscCardReader, EventRecorder]]) -> None:
    state = write_state(desk / "tag.json", factory_state(NEW_UID))
    code, out = provision(desk, put_card, state, "--volunteer", "V0002")
    assert code == 0, out
    assert f"card {NEW_UID}: keyed to key generation 1, SUN on" in out
    assert f"card {NEW_UID} registered to V0002" in out
    tag = read_state(state)
    card_keys = district_keys(1).card_keys(bytes.fromhex(NEW_UID))
    assert tag["keys"] == [card_keys[n].hex() for n in range(5)]
    assert tag["versions"] == [1] * 5
    assert tag["settings"]["2"].startswith("4000E0C1F121")
    assert district_row(desk, "SELECT volunteer_id, kind FROM cards WHERE card_id = ?",
                        NEW_UID) == ("V0002", "sun")
    assert district_row(desk, "SELECT key_generation, counter FROM sun_counters "
                        "WHERE card_id = ?", NEW_UID) == (1, tag["counter"])
    tap = kiosk_tap(start_reader, put_card, state, [district_keys(1)])
    assert tap.card_id == NEW_UID and tap.sun == SunCounter(1, tag["counter"] + 1)


@pytest.mark.parametrize("pulled", [
    {"vanish_after": "C4:2"},    # key 2 changed, the answer lost
    {"vanish_before": "8D:1"},   # before the URL is written
    {"vanish_before": "5F:1"},   # before SUN is switched on
    {"vanish_after": "C4:5"},    # key 0 changed last, its answer lost
])
def test_a_tag_pulled_mid_way_is_finished_by_running_again(
        desk: Path, put_card: PutCard, pulled: dict[str, str],
        start_reader: Callable[..., tuple[PcscCardReader, EventRecorder]]) -> None:
    state = write_state(desk / "tag.json", factory_state(NEW_UID))
    code, out = provision(desk, put_card, state, "--volunteer", "V0002", **pulled)
    assert code == 2
    assert "taken off the reader during" in out and "run provision-card again" in out
    assert district_row(desk, "SELECT 1 FROM cards WHERE card_id = ?", NEW_UID) is None
    code, out = provision(desk, put_card, state, "--volunteer", "V0002")
    assert code == 0, out
    assert read_state(state)["versions"] == [1] * 5
    tap = kiosk_tap(start_reader, put_card, state, [district_keys(1)])
    assert tap.signed and tap.card_id == NEW_UID


def test_an_already_provisioned_tag_is_left_as_it_is(desk: Path, put_card: PutCard) -> None:
    state = write_state(desk / "tag.json", factory_state(NEW_UID))
    assert provision(desk, put_card, state, "--volunteer", "V0002")[0] == 0
    before = read_state(state)
    code, out = provision(desk, put_card, state, "--volunteer", "V0002")
    assert code == 0, out
    assert "already provisioned with key generation 1" in out
    assert f"card {NEW_UID} was already registered to V0002" in out
    after = read_state(state)
    assert (after["keys"], after["settings"]) == (before["keys"], before["settings"])
    assert after["counter"] == before["counter"] + 1   # only the tap read back
    # Someone else's card now: refused, the tag stays provisioned and usable.
    code, out = provision(desk, put_card, state, "--volunteer", "V0003")
    assert code == 2 and "registered to volunteer V0002" in out


def test_tags_it_must_not_touch(desk: Path, put_card: PutCard) -> None:
    code, out = provision(desk, put_card, None, "--volunteer", "V0002", uid=NEW_UID)
    assert code == 2 and "not an NTAG 424 DNA" in out
    # A tag keyed by someone else (key versions this district never used): left alone.
    state = provisioned(desk / "tag.json", district_keys(7), uid=NEW_UID)
    before = read_state(state)
    code, out = provision(desk, put_card, state, "--volunteer", "V0002")
    assert code == 2 and "version 7, which is no key generation of this district" in out
    assert read_state(state) == before
    assert district_row(desk, "SELECT 1 FROM cards WHERE card_id = ?", NEW_UID) is None


def test_rotation_moves_a_card_to_the_new_keys_at_the_desk(
        desk: Path, put_card: PutCard,
        start_reader: Callable[..., tuple[PcscCardReader, EventRecorder]]) -> None:
    state = provisioned(desk / "tag.json", district_keys(1), uid=NEW_UID, counter=500)
    keys.save_district_keys(desk / "district-sun.toml", [district_keys(2), district_keys(1)])
    code, out = provision(desk, put_card, state)
    assert code == 0, out
    assert "keyed to key generation 2" in out
    assert read_state(state)["versions"] == [2] * 5
    assert read_state(state)["counter"] == 501   # the counter goes on
    # A kiosk still holding both generations verifies it with the new one.
    tap = kiosk_tap(start_reader, put_card, state, [district_keys(2), district_keys(1)])
    assert tap.sun == SunCounter(2, 502)
    assert district_row(desk, "SELECT key_generation, counter FROM sun_counters "
                        "WHERE card_id = ?", NEW_UID) == (2, 501)
