"""The most a kiosk whose key (or database) is stolen can move, as docs/protocol/README.md
states it: the points its victims hold, plus debt within the offline caps (one kiosk cap per
shop day of the sync window and today), plus, for sales it calls online, no more than the
victims spent at other kiosks meanwhile (nothing, here). A thief who tries every volunteer,
amount, backdated day and both flags gets no more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from district.entry_checks import Policy
from district.store import Store
from tests.district.entries import CARDS, Pusher, balances, sale
from tests.live_district import seed_district

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
WINDOW_DAYS = 2
CAP_VOLUNTEER, CAP_KIOSK = 100, 250


def net(store: Store, volunteer: str) -> int:
    held = balances(store)
    return held.get(f"volunteer:{volunteer}", 0) + held.get(f"debt:{volunteer}", 0)


@pytest.mark.allow_log(
    r"rejected: an online sale leaves",
    r"rejected: overspends S\w+.s points offline",
    r"rejected: overspends V\w+.s points offline",
    r"rejected: overspends offline beyond this kiosk.s cap")
def test_a_stolen_kiosk_key_moves_at_most_the_balances_plus_the_caps(
        district_location: tuple[str, str]) -> None:
    location, name = district_location
    policy = Policy(sync_window=timedelta(days=WINDOW_DAYS))
    with Store(location, district=name, policy=policy, clock=lambda: NOW) as store:
        seed_district(store)
        store.set_setting("offline.cap_per_volunteer_per_day", CAP_VOLUNTEER)
        store.set_setting("offline.cap_per_kiosk_per_day", CAP_KIOSK)
        cards = {**CARDS, "S0001": "04D9E8F7A6B5C4"}
        before = {v: net(store, v) for v in cards}
        thief = Pusher(store, "stolen")
        tried = applied = 0
        for days in range(-4, 2):
            when = (NOW + timedelta(days=days, hours=3)).isoformat()
            for volunteer, card in cards.items():
                for amount in (100_000, 300, 60, 10):
                    for offline in (True, False):
                        tried += 1
                        n = thief.seq + 1
                        lie = sale(f"x{n}", volunteer=volunteer, card=card, amount=amount,
                                   kiosk="stolen", created_at=when)
                        (result,) = thief.push({**lie, "offline": offline})
                        applied += result.status == "applied"
        moved = {v: before[v] - net(store, v) for v in cards}
        debt_days = WINDOW_DAYS + 1
        assert applied and tried > applied                 # the thief got some, not all
        for volunteer in cards:
            assert moved[volunteer] <= before[volunteer] + CAP_VOLUNTEER * debt_days
        assert sum(moved.values()) <= sum(before.values()) + CAP_KIOSK * debt_days
        # ...and it all went to the stolen kiosk's own sales account: nowhere anyone spends.
        assert balances(store).get("sales:stolen", 0) == sum(moved.values())
        assert store.verify() == []
