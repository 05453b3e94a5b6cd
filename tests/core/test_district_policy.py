"""kiosk.core.district_policy on a real kiosk database: the district's settings win over
config.toml only where they are whole numbers in the declared range; anything else is kept as
sent, ignored where it is read, and logged."""

from __future__ import annotations

import pytest

from kiosk.core import district_policy
from kiosk.core.db import write_transaction
from kiosk.core.district_policy import Override
from kiosk.core.models import SalesPolicy
from kiosk.services import Services

ALLOWED = {"offline.cap_per_volunteer_per_day":
           Override("offline_cap_per_volunteer_per_day", 0, 100_000),
           "limits.max_quantity_per_line": Override("max_quantity_per_line", 1, 99)}
BASE = SalesPolicy(offline_cap_per_volunteer_per_day=300, max_quantity_per_line=20)


def _store(services: Services, *settings: tuple[str, object]) -> None:
    with write_transaction(services.conn):
        district_policy.store_settings(services.conn, settings)


def test_nothing_from_the_district_keeps_config(services: Services) -> None:
    assert district_policy.effective(services.conn, BASE, ALLOWED) is BASE


def test_a_valid_district_setting_wins_and_a_later_one_replaces_it(services: Services) -> None:
    _store(services, ("offline.cap_per_volunteer_per_day", 120))
    policy = district_policy.effective(services.conn, BASE, ALLOWED)
    assert policy.offline_cap_per_volunteer_per_day == 120
    assert policy.max_quantity_per_line == 20            # not set by the district: config's
    _store(services, ("offline.cap_per_volunteer_per_day", 80))
    assert district_policy.effective(services.conn, BASE, ALLOWED) \
        .offline_cap_per_volunteer_per_day == 80


@pytest.mark.expect_log(r"ignored: a whole number in 1\.\.99 is needed")
@pytest.mark.parametrize("value", [0, 100, 2.5, True, "7", None, [3], 2**63])
def test_a_bad_district_value_leaves_config_in_force(services: Services, value: object) -> None:
    """A typo on the district (out of range, not a whole number, a boolean) must not turn a
    limit off or change it: config.toml's value stays."""
    _store(services, ("limits.max_quantity_per_line", value))
    assert district_policy.effective(services.conn, BASE, ALLOWED) == BASE


def test_a_setting_the_kiosk_does_not_obey_is_kept_but_not_applied(services: Services) -> None:
    _store(services, ("sync.interval_seconds", 5), ("offline.cap_per_volunteer_per_day", 50))
    assert district_policy.overrides(services.conn, ALLOWED) == {
        "offline_cap_per_volunteer_per_day": 50}
    assert district_policy.overrides(services.conn, {}) == {}
    kept = services.conn.execute("SELECT value FROM district_settings "
                                 "WHERE key = 'sync.interval_seconds'").fetchone()
    assert kept[0] == "5"
