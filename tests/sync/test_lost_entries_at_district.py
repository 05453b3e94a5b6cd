"""The district is the other witness of how far this kiosk's outbox went: at the start of every
round, before anything is pushed, the kiosk asks for its high-water there. A ledger that lost
entries the district already has (a dropped -wal, an older backup put in place) stops selling
and pushes nothing; once the ledger has them again, it sells and syncs as before."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.core import backup, outbox_mark, service_stops, sync_status
from kiosk.core.errors import OutOfService
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services, build
from kiosk.sync.daemon import Daemon
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")


def district_counts(district: LiveServer) -> tuple[int, int]:
    return (int(district.store.query("SELECT COUNT(*) FROM entries")[0][0]),
            int(district.store.query("SELECT COUNT(*) FROM conflicts")[0][0]))


def reopen(kiosk: Kiosk, clock: ManualClock) -> tuple[Services, Daemon]:
    config = kiosk.services.config
    services = build(config, clock)
    return services, Daemon(services.conn, kiosk.transport, clock, config.kiosk.id,
                            config.sync)


@pytest.mark.expect_log(r"kiosk stops selling")
@pytest.mark.allow_log(r"heartbeat not sent", r"sync round failed")
def test_entries_the_district_has_and_the_ledger_lost_stop_the_selling(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    database = kiosk.services.config.database_path
    assert kiosk.daemon.run_once() is not None
    taken = datetime.now(UTC)
    old = backup.make_backup(database, tmp_path / "backups", "k1", taken)
    for _ in range(3):
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert kiosk.daemon.run_once() is not None
    newest = backup.make_backup(database, tmp_path / "backups", "k1",
                                taken + timedelta(seconds=1))
    kiosk.services.conn.close()

    backup.restore(old.path, database, "k1", taken + timedelta(seconds=2))
    outbox_mark.mark_path(database).unlink()   # only the district can tell now
    services, daemon = reopen(kiosk, clock)
    before = district_counts(district)
    assert daemon.run_once() is None
    assert "the district has this kiosk's entries up to sequence" in \
        sync_status.status(services.conn)["last_error"]
    assert [s.reason for s in service_stops.current(services.conn)] == [
        service_stops.LOST_AT_DISTRICT]
    assert district_counts(district) == before     # nothing pushed, no conflict made
    with pytest.raises(OutOfService):
        services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    services.conn.close()

    # Put right: the newest backup holds the lost sales. The next round finds the district
    # and the ledger agree again, and the kiosk sells.
    backup.restore(newest.path, database, "k1", taken + timedelta(seconds=3))
    services, daemon = reopen(kiosk, clock)
    assert daemon.run_once() is not None
    assert service_stops.current(services.conn) == []
    services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert daemon.run_once() is not None
    assert district_counts(district)[1] == before[1]
    services.conn.close()
    kiosk.transport.close()


@pytest.mark.expect_log(r"kiosk stops selling")
@pytest.mark.allow_log(r"heartbeat not sent", r"sync round failed")
def test_a_new_database_under_a_used_kiosk_id_sells_nothing(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    """Re-provisioned with `kiosk-admin init` but the old kiosk id: its first sale would take
    sequence numbers the district already holds for that kiosk."""
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert kiosk.daemon.run_once() is not None
    kiosk.services.conn.close()
    config = kiosk.services.config
    fresh = replace(config, database=replace(config.database, path=str(tmp_path / "new.sqlite")))
    services = build(fresh, clock, create=True)
    daemon = Daemon(services.conn, kiosk.transport, clock, "k1", fresh.sync)
    assert daemon.run_once() is None
    assert [s.reason for s in service_stops.current(services.conn)] == [
        service_stops.LOST_AT_DISTRICT]
    services.conn.close()
    kiosk.transport.close()
