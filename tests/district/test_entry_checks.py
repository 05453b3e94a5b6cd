"""Every pushed entry is checked against the district's own records before it moves a point
(on SQLite and PostgreSQL). Each refused lie below was applied by the district before."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from district.store import Store
from tests.district.entries import Pusher, balances, sale, void
from tests.live_district import seed_district


@pytest.fixture
def seeded(store: Store) -> Iterator[Store]:
    seed_district(store)
    yield store


def refused(results: list[Any]) -> list[str]:
    return [r.reason for r in results if r.status == "rejected"]


@pytest.mark.expect_log(r"rejected: sale \w+ is already voided")
def test_an_exact_void_reverses_its_sale_once(seeded: Store) -> None:
    k1 = Pusher(seeded)
    first = sale("o1")
    assert [r.status for r in k1.push(first, void("v1", first))] == ["applied", "applied"]
    assert balances(seeded)["volunteer:V0001"] == 800
    again = k1.push(void("v2", first))
    assert refused(again) == ["sale o1 is already voided"]
    assert balances(seeded)["volunteer:V0001"] == 800
    assert seeded.verify() == []


@pytest.mark.parametrize("lie", [
    {"refund": 5000, "src": "donation_pool"},         # a 30-point sale refunding 5,000
    {"refund": 5000},
    {"volunteer": "V0002"},                            # refunds another volunteer
    {"src": "issuance"},
])
@pytest.mark.allow_log(r"rejected: the void", r"rejected: the void names another")
def test_a_void_that_does_not_exactly_reverse_its_sale_is_refused(
        seeded: Store, lie: dict[str, Any]) -> None:
    k1 = Pusher(seeded)
    first = sale("o1")
    k1.push(first)
    before = balances(seeded)
    (result,) = k1.push(void("v1", first, **lie))
    assert result.status == "rejected", result
    assert balances(seeded) == before
    assert any(c["entry_id"] == "v1" for c in seeded.report("conflicts"))
    assert [r["entry_id"] for r in seeded.report("refused")] == ["v1"]


@pytest.mark.expect_log(r"rejected: void of a sale")
def test_a_void_of_another_kiosks_sale_or_of_nothing_is_refused(seeded: Store) -> None:
    k1, k2 = Pusher(seeded, "k1"), Pusher(seeded, "k2")
    theirs = sale("o1", kiosk="k1")
    k1.push(theirs)
    before = balances(seeded)
    lie = void("v1", theirs, src="sales:k2")
    assert "never had applied" in refused(k2.push(lie))[0]
    missing = void("v2", sale("never-pushed", kiosk="k2"))
    assert "never had applied" in refused(k2.push(missing))[0]
    assert balances(seeded) == before


@pytest.mark.parametrize(("change", "reason"), [
    ({"volunteer": "V9999", "card": "04999999999999"}, "unknown volunteer V9999"),
    ({"card": "04FFFFFFFFFFFF"}, "unknown card"),
    ({"card": "04B7C8D9E0F1A2"}, "belongs to another volunteer"),
    ({"to": "issuance"}, "pays only"),
    ({"to": "debt:V0001"}, "pays only"),
    ({"to": "sales:k2"}, "another kiosk"),
    ({"src": "issuance"}, "not from the sale's volunteer"),
    ({"src": "volunteer:V0002"}, "not from the sale's volunteer"),
])
@pytest.mark.allow_log(
    r"rejected: card", r"rejected: transfer t-o\w+ ", r"rejected: unknown card",
    r"rejected: unknown volunteer")
def test_a_sale_moves_points_only_from_its_known_volunteer_to_this_kiosk(
        seeded: Store, change: dict[str, Any], reason: str) -> None:
    k1 = Pusher(seeded)
    volunteers = seeded.query("SELECT COUNT(*) FROM volunteers")[0][0]
    before = balances(seeded)
    (result,) = k1.push(sale("o1", **change))
    assert result.status == "rejected" and reason in (result.reason or "")
    assert balances(seeded) == before
    assert seeded.query("SELECT COUNT(*) FROM volunteers")[0][0] == volunteers  # no new account
    assert seeded.changes("k1", 0, 20000).count(b"V9999") == 0


@pytest.mark.expect_log(r"rejected: unknown entry kind", r"rejected: unknown volunteer")
def test_one_refused_entry_never_blocks_the_next(seeded: Store) -> None:
    k1 = Pusher(seeded)
    results = k1.push(sale("o1", volunteer="V9999", card="04999999999999"),
                      {"card_id": "04AA", "action": ["block"], "at": "x"},
                      sale("o3"))
    assert [r.status for r in results] == ["rejected", "rejected", "applied"]
    assert seeded.applied_seq("k1") == 3
    assert balances(seeded)["volunteer:V0001"] == 770


def test_a_card_blocked_before_the_sale_and_an_unpublished_price_are_flagged(
        seeded: Store) -> None:
    seeded.set_card_status("04A1B2C3D4E5F6", "blocked")
    k1 = Pusher(seeded)
    results = k1.push(sale("o1", created_at="2099-01-01T00:00:00+00:00"),
                      sale("o2", amount=29, created_at="2099-01-01T00:00:00+00:00"))
    assert [r.status for r in results] == ["applied", "applied"]     # goods left the shelf
    kinds = [(c["entry_id"], c["kind"]) for c in seeded.report("conflicts")]
    assert ("o1", "blocked_card") in kinds and ("o2", "price") in kinds
    assert ("o1", "price") not in kinds        # soap costs 30 in the published catalogue


@pytest.mark.expect_log(r"rejected: overspends V\w+.s points offline")
def test_offline_overspending_becomes_debt_only_within_the_offline_caps(seeded: Store) -> None:
    seeded.set_setting("offline.cap_per_volunteer_per_day", 150)
    k1 = Pusher(seeded)
    (ok,) = k1.push(sale("o1", volunteer="V0002", amount=140))       # holds 120: 20 of debt
    assert ok.status == "applied"
    (over,) = k1.push(sale("o2", volunteer="V0002", amount=30))      # 170 offline > 150
    assert over.status == "rejected" and "cap of 150" in (over.reason or "")
    assert {r["volunteer_id"]: r["debt"] for r in seeded.report("debts")} == {"V0002": 20}
    assert seeded.verify() == []


@pytest.mark.expect_log(r"rejected: an online sale leaves")
def test_an_online_sale_overspends_only_by_what_other_kiosks_spent(seeded: Store) -> None:
    k1, k2 = Pusher(seeded, "k1"), Pusher(seeded, "k2")
    online = {"offline": False}
    (alone,) = k1.push({**sale("o1", volunteer="V0002", amount=150), **online})
    assert alone.status == "rejected" and "other kiosks" in (alone.reason or "")
    # k2 took 100 of V0002's 120 meanwhile; k1, not yet aware, sells 110 online: 90 short.
    k2.push({**sale("o2", volunteer="V0002", amount=100, kiosk="k2"), **online})
    (stale,) = k1.push({**sale("o3", volunteer="V0002", amount=110), **online})
    assert stale.status == "applied"
    assert {r["volunteer_id"]: r["debt"] for r in seeded.report("debts")} == {"V0002": 90}
    (more,) = k1.push({**sale("o4", volunteer="V0002", amount=20), **online})   # 110 > 100
    assert more.status == "rejected"
    assert seeded.verify() == []
