"""Cards that sign each tap (NTAG 424 DNA, SUN) in the kiosk's database: replays, copies of
their UID, registration, operator sign-in, and what is pushed to the district. A real SQLite
file with the demo shop; the taps are what the reader emits after checking the signature
(that part runs through pcscd in tests/hardware/test_sun_reader.py)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from kiosk.core import audit, cards, operators, sun_taps
from kiosk.core.checkout import Checkout
from kiosk.core.errors import CardNotGenuine, SunReplayed, UidOnlyCapReached
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard, SunCounter
from kiosk.core.session_flow import LookUpCard, LookupDone, LookupFailed
from kiosk.operations.session_work import SessionWork
from kiosk.services import Services
from tests.conftest import ManualClock, mark_synced

UID = "04A1B2C3D4E5F6"    # 张小华's card in the demo shop (800 points)


def tap(counter: int, generation: int = 1) -> PresentedCard:
    return PresentedCard(UID, signed=True, sun=SunCounter(generation, counter))


def make_sun(shop: Services, card_id: str = UID) -> None:
    with shop.conn:
        shop.conn.execute("UPDATE cards SET kind = 'sun' WHERE card_id = ?", (card_id,))


def outbox(shop: Services, kind: str) -> list[dict[str, object]]:
    return [json.loads(r[0]) for r in shop.conn.execute(
        "SELECT payload FROM outbox WHERE kind = ? ORDER BY seq", (kind,))]


def test_each_tap_must_be_above_the_last_one_seen(shop: Services, clock: ManualClock) -> None:
    make_sun(shop)
    assert cards.look_up(shop.conn, tap(5), clock).masked_name == "张*华"
    for replay in (tap(5), tap(4), tap(1)):
        with pytest.raises(SunReplayed) as refused:
            cards.look_up(shop.conn, replay, clock)
        assert refused.value.card_id == UID and "5" in refused.value.detail
    assert cards.look_up(shop.conn, tap(6), clock).card_id == UID
    # A card re-keyed to the next generation may count from low again: still "higher".
    assert cards.look_up(shop.conn, tap(1, generation=2), clock).card_id == UID
    with pytest.raises(SunReplayed):
        cards.look_up(shop.conn, tap(900, generation=1), clock)
    assert sun_taps.highest(shop.conn, UID) == SunCounter(2, 1)
    assert [(p["key_generation"], p["counter"]) for p in outbox(shop, "sun_counter")] == [
        (1, 5), (1, 6), (2, 1)]


def test_a_refused_tap_records_nothing(shop: Services, clock: ManualClock) -> None:
    make_sun(shop)
    with shop.conn:
        shop.conn.execute("UPDATE cards SET status = 'blocked' WHERE card_id = ?", (UID,))
    with pytest.raises(Exception, match="blocked"):
        cards.look_up(shop.conn, tap(3), clock)
    assert sun_taps.highest(shop.conn, UID) is None and not outbox(shop, "sun_counter")
    with pytest.raises(ValueError):   # a signed tap needs the clock to be recorded
        cards.look_up(shop.conn, tap(3))


def test_the_uid_of_a_sun_card_without_a_signature_is_a_copy(
        shop: Services, clock: ManualClock) -> None:
    """A "magic" card with the UID copied, or a phone sending the UID alone: refused at
    look-up and at checkout, never held to the UID-only cap instead."""
    make_sun(shop)
    mark_synced(shop, clock.now())
    copy = PresentedCard(UID)
    with pytest.raises(CardNotGenuine):
        cards.look_up(shop.conn, copy, clock)
    with pytest.raises(CardNotGenuine):
        shop.checkout.checkout(uuid7(), copy, [CartLine("soap", 1)])
    receipt = shop.checkout.checkout(uuid7(), tap(9), [CartLine("soap", 1)])
    assert receipt.total == 30


def test_sun_cards_are_not_held_to_the_uid_only_cap(shop: Services, clock: ManualClock) -> None:
    make_sun(shop)
    mark_synced(shop, clock.now())
    capped = Checkout(shop.conn, shop.clock, shop.kiosk,
                      replace(shop.policy, uid_only_cap_per_day=50))
    assert capped.checkout(uuid7(), tap(1), [CartLine("schoolbag", 1)]).total == 260
    # A UID-only card of another volunteer is still capped on the same kiosk.
    with pytest.raises(UidOnlyCapReached):
        capped.checkout(uuid7(), PresentedCard("04B7C8D9E0F1A2"), [CartLine("notebooks", 2)])


@pytest.mark.expect_log(r"card refused: card_not_genuine", r"card refused: sun_replayed")
def test_a_replayed_or_copied_tap_at_look_up_is_kept_and_pushed(
        shop: Services, clock: ManualClock) -> None:
    make_sun(shop)
    work = SessionWork(shop, printer=None)  # type: ignore[arg-type]  # no printing here
    assert isinstance(work.run(LookUpCard(1, tap(7))), LookupDone)
    replayed = work.run(LookUpCard(2, tap(7)))
    copied = work.run(LookUpCard(3, PresentedCard(UID)))
    assert isinstance(replayed, LookupFailed) and replayed.notice.code == "sun_replayed"
    assert isinstance(copied, LookupFailed) and copied.notice.code == "card_not_genuine"
    rows = [(r["card_id"], r["code"]) for r in sun_taps.alerts(shop.conn)]
    assert rows == [(UID, "card_not_genuine"), (UID, "sun_replayed")]
    assert [(p["card_id"], p["code"]) for p in outbox(shop, "card_alert")] == [
        (UID, "sun_replayed"), (UID, "card_not_genuine")]


def test_the_district_counter_only_ever_raises_the_kiosks(shop: Services,
                                                          clock: ManualClock) -> None:
    make_sun(shop)
    cards.look_up(shop.conn, tap(10), clock)
    with shop.conn:
        sun_taps.merge(shop.conn, [[UID, 1, 8], ["04B7C8D9E0F1A2", 1, 3]])
    assert sun_taps.highest(shop.conn, UID) == SunCounter(1, 10)
    assert sun_taps.highest(shop.conn, "04B7C8D9E0F1A2") == SunCounter(1, 3)
    with shop.conn:
        sun_taps.merge(shop.conn, [[UID, 1, 12]])
    with pytest.raises(SunReplayed):
        cards.look_up(shop.conn, tap(12), clock)


def test_registering_a_signed_tap_makes_a_sun_card(shop: Services, clock: ManualClock) -> None:
    new = PresentedCard("04C0FFEE000001", signed=True, sun=SunCounter(1, 3))
    assert audit.register_card(shop.conn, clock, "op", new.card_id, "V0001", sun=new.sun)
    assert shop.conn.execute("SELECT kind FROM cards WHERE card_id = ?",
                             (new.card_id,)).fetchone()[0] == "sun"
    assert sun_taps.highest(shop.conn, new.card_id) == SunCounter(1, 3)
    # The registering tap cannot be played back to spend.
    with pytest.raises(SunReplayed):
        cards.look_up(shop.conn, new, clock)
    # A volunteer's UID-only card tapped with a signature becomes a sun card.
    assert audit.register_card(shop.conn, clock, "op", UID, "V0001", sun=SunCounter(1, 1))
    assert shop.conn.execute("SELECT kind FROM cards WHERE card_id = ?",
                             (UID,)).fetchone()[0] == "sun"
    pushed = [p for p in outbox(shop, "card") if p["card_id"] == UID]
    assert pushed[-1]["kind"] == "sun" and pushed[-1]["action"] == "register"


def test_a_signed_operator_card_signs_in_once_per_tap(shop: Services,
                                                      clock: ManualClock) -> None:
    make_sun(shop)
    operators.bind_card(shop.conn, clock, UID, "op-sun", name="孙社工")   # this kiosk's word
    assert operators.sign_in_with_card(shop.conn, clock, tap(2)).operator_id == "op-sun"
    with pytest.raises(SunReplayed):
        operators.sign_in_with_card(shop.conn, clock, tap(2))
    with pytest.raises(CardNotGenuine):
        operators.sign_in_with_card(shop.conn, clock, PresentedCard(UID))


def test_same_card_ignores_the_counter_but_not_the_signature() -> None:
    assert tap(1).same_card(tap(2))
    assert not tap(1).same_card(PresentedCard(UID))
