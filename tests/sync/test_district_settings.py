"""Settings made on the district (`kiosk-district set`) reach the kiosk through the change feed
and override its config.toml in the checkout: a real kiosk against the district on 127.0.0.1."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from district.cli import cmd_set
from kiosk.core.errors import OfflineCapReached, QuantityTooLarge, UidOnlyCapReached
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # V0001, 800 points in the demo district


def district_set(district: LiveServer, key: str, value: str) -> int:
    class Args:
        pass

    args = Args()
    args.key, args.value = key, value  # type: ignore[attr-defined]
    return cmd_set(district.store, args)  # type: ignore[arg-type]


def synced_kiosk(district: LiveServer, tmp_path: Path, clock: ManualClock) -> Kiosk:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    assert kiosk.daemon.run_once() is not None
    return kiosk


def test_a_district_offline_cap_refuses_a_sale_config_would_allow(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    kiosk = synced_kiosk(district, tmp_path, clock)
    assert kiosk.services.config.offline.cap_per_volunteer_per_day == 300  # allows 120
    assert district_set(district, "offline.cap_per_volunteer_per_day", "100") == 0
    assert kiosk.daemon.run_once() is not None
    clock.advance(hours=1)                       # no sync since: offline mode
    with pytest.raises(OfflineCapReached):
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("umbrella", 1)])  # 120
    receipt = kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("masks", 2)])  # 50
    assert receipt.offline
    kiosk.close()


def test_district_after_seconds_quantity_and_uid_caps_apply(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    kiosk = synced_kiosk(district, tmp_path, clock)
    checkout = kiosk.services.checkout
    clock.advance(seconds=60)                    # well within config's 900 s: online
    assert not checkout.checkout(uuid7(), ZHANG, [CartLine("masks", 3)]).offline   # 75
    assert checkout.max_per_line() == 20         # config's, until the district says otherwise
    for key, value in (("offline.after_seconds", "30"),
                       ("checkout.max_quantity_per_line", "2"),
                       ("nfc.uid_only_cap_per_day", "200")):
        assert district_set(district, key, value) == 0
    assert kiosk.daemon.run_once() is not None
    assert checkout.max_per_line() == 2          # what the touchscreen's cart now stops at
    with pytest.raises(QuantityTooLarge):
        checkout.checkout(uuid7(), ZHANG, [CartLine("masks", 3)])
    clock.advance(seconds=60)                    # past the district's 30 s: offline
    assert checkout.checkout(uuid7(), ZHANG, [CartLine("masks", 2)]).offline       # 50
    # Today V0001 spent 125 by bare UID: 120 more would pass config's 0 (no cap), not 200.
    with pytest.raises(UidOnlyCapReached):
        checkout.checkout(uuid7(), ZHANG, [CartLine("umbrella", 1)])
    kiosk.close()


def hand_edit(district: LiveServer, key: str, value: str) -> None:
    """A setting written past the district's door, straight into its database."""
    district.store.execute("INSERT INTO settings (key, value) VALUES (:k, :v)", k=key, v=value)
    district.store.execute("INSERT INTO changes (entity, key, id) SELECT 'setting', :k, "
                           "COALESCE(MAX(id), 0) + 1 FROM changes", k=key)


def test_a_bad_district_value_is_refused_there_and_ignored_here(
        district: LiveServer, tmp_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    kiosk = synced_kiosk(district, tmp_path, clock)
    for value in ("-5", "1.5", "true", '"100"', "nonsense", "1e999", "NaN", "-Infinity", "[]"):
        assert district_set(district, "offline.cap_per_volunteer_per_day", value) == 2
    assert district_set(district, "checkout.max_quantity_per_line", "0") == 2
    assert district_set(district, "sync.anything", "1") == 2          # no such setting
    assert district.store.query("SELECT COUNT(*) FROM settings")[0][0] == 0
    with pytest.raises(ValueError, match="must be a whole number"):
        district.store.set_setting("offline.cap_per_volunteer_per_day", -5)   # the console's door
    # A value that got in anyway (an older district, a hand-edited database) is left out of
    # the district's page, and config.toml's cap stays: a typo must not switch the cap off,
    # nor stop the feed.
    hand_edit(district, "offline.cap_per_volunteer_per_day", "-5")
    hand_edit(district, "sync.anything", "1e300")
    district.store.set_setting("offline.cap_per_kiosk_per_day", 100)
    with caplog.at_level(logging.WARNING, "district.feed"):
        assert kiosk.daemon.run_once() is not None
    assert "offline.cap_per_volunteer_per_day = -5" in caplog.text
    assert "'sync.anything' is not a district setting" in caplog.text
    assert [tuple(r) for r in kiosk.conn.execute("SELECT key, value FROM district_settings")] == [
        ("offline.cap_per_kiosk_per_day", "100")]
    clock.advance(hours=1)
    with pytest.raises(OfflineCapReached):
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("umbrella", 1)])
    kiosk.close()
