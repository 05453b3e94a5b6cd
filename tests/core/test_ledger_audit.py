"""A flipped byte inside a ledger row: the startup's quick check passes it, and the kiosk sold
on with a balance 40 points off. The audit (integrity_check, foreign_key_check and the ledger's
own rules) finds it before each backup, at night when the shop is quiet and in self-check, and
the kiosk stops selling."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.config import Config
from kiosk.core import cards, ledger_audit, service_stops
from kiosk.core.errors import OutOfService
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services, build
from kiosk.sync.client import HttpTransport
from kiosk.sync.daemon import Daemon
from points_protocol.signing import generate_key_file
from tests.conftest import ManualClock, mark_synced

ROOT = Path(__file__).resolve().parents[2]
ZHANG = PresentedCard("04A1B2C3D4E5F6")


def sell_and_close(shop: Services, clock: ManualClock) -> tuple[str, str]:
    """A 40-point sale, then the kiosk stops (the -wal is folded into the file); returns the
    transfer's id and its order id."""
    mark_synced(shop, clock.now())
    receipt = shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 2)])
    assert receipt.total == 40
    transfer = shop.conn.execute("SELECT id FROM transfers WHERE group_id = ?",
                                 (receipt.order_id,)).fetchone()[0]
    shop.conn.close()
    return transfer, receipt.order_id


def flip(database: Path, anchor: bytes, pattern: bytes, replacement: bytes) -> None:
    """Change bytes inside the one table row that starts with ``anchor``, as a bad disk
    sector or a stray write would."""
    data = bytearray(database.read_bytes())
    assert data.count(anchor) == 1
    start = data.find(anchor)
    found = re.compile(re.escape(pattern)).search(bytes(data), start, start + 120)
    assert found is not None
    data[found.start():found.end()] = replacement
    database.write_bytes(bytes(data))


FLIPS = {
    # The account a transfer leaves: the sale now counts against another volunteer.
    "account name": (b"volunteer:V0001", b"volunteer:V0002"),
    # The amount (one byte after the account it goes to): no index holds it, so even
    # SQLite's full integrity_check passes; only the ledger's own rules see it.
    "amount": (b"sales:demo-kiosk-01\x28", b"sales:demo-kiosk-01\x14"),
}


@pytest.mark.parametrize("what", list(FLIPS))
def test_a_flipped_byte_is_found_and_stops_the_selling(what: str, shop: Services, config: Config,
                                                       clock: ManualClock) -> None:
    transfer, order = sell_and_close(shop, clock)
    database = config.database_path
    flip(database, transfer.encode() + order.encode(), *FLIPS[what])

    kiosk = build(config, clock)                    # the startup's quick_check lets it in
    assert kiosk.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    if what == "amount":                              # and the kiosk would sell on it
        assert cards.look_up(kiosk.conn, ZHANG).balance == 800 - 20
    problems = ledger_audit.audit(kiosk.conn)
    assert any("outbox entry says something else" in p for p in problems), problems
    if what == "amount":
        assert any("transfers do not add up" in p for p in problems)
    else:
        assert any("integrity_check" in p for p in problems)
        assert any("does not leave (sale)" in p for p in problems)
    kiosk.conn.close()

    check = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
         "--database", str(database), "self-check"],
        capture_output=True, text=True, check=False, timeout=120)
    assert check.returncode == 1 and "FAIL  ledger audit" in check.stdout

    backup = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
         "--database", str(database), "backup", "--dir", str(database.parent / "backups")],
        capture_output=True, text=True, check=False, timeout=120)
    assert backup.returncode == 2 and "stops selling" in backup.stderr
    assert len(backup.stderr.strip().splitlines()) == 1
    assert not list((database.parent / "backups").glob("kiosk-*.sqlite"))

    kiosk = build(config, clock)
    assert [s.reason for s in service_stops.current(kiosk.conn)] == [
        service_stops.LEDGER_AUDIT]
    with pytest.raises(OutOfService):
        kiosk.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    kiosk.conn.close()


@pytest.mark.expect_log(r"kiosk stops selling", r"nightly ledger audit failed")
@pytest.mark.allow_log(r"heartbeat not sent", r"sync round failed")
def test_the_daemon_audits_at_night_when_the_shop_is_quiet(shop: Services, config: Config,
                                                          tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))   # 20:00 in Wuhan
    shop.clock = clock
    transfer, order = sell_and_close(shop, clock)
    flip(config.database_path, transfer.encode() + order.encode(), *FLIPS["account name"])
    kiosk = build(config, clock)
    key = generate_key_file(tmp_path / "key.pem")
    nowhere = HttpTransport("http://127.0.0.1:9", "demo-kiosk-01", key, connect_timeout=1)
    daemon = Daemon(kiosk.conn, nowhere, clock, "demo-kiosk-01", config.sync,
                    nightly_audit=ledger_audit.Nightly(3, kiosk.kiosk.timezone))
    daemon.run_once()                                 # 20:00: not the audit's hour
    assert service_stops.current(kiosk.conn) == []
    clock.advance(hours=7, minutes=5)                 # 03:05, the last sale long ago
    daemon.run_once()
    assert [s.reason for s in service_stops.current(kiosk.conn)] == [
        service_stops.LEDGER_AUDIT]
    assert ledger_audit.last_audit(kiosk.conn) == clock.now()
    nowhere.close()
    kiosk.conn.close()


@pytest.mark.expect_log(r"kiosk may sell again", r"kiosk stops selling")
def test_a_sound_ledger_passes_and_clears_an_old_stop(shop: Services, clock: ManualClock) -> None:
    mark_synced(shop, clock.now())
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 2), CartLine("soap", 1)])
    service_stops.stop(shop.conn, service_stops.LEDGER_AUDIT, "an earlier failure", "x")
    assert ledger_audit.audit_and_record(shop.conn, "2026-11-30T03:00:00+00:00") == []
    assert service_stops.current(shop.conn) == []


def test_a_backup_with_a_flipped_byte_is_never_restored(shop: Services, config: Config,
                                                        clock: ManualClock) -> None:
    """The sibling: a backup file damaged the same way passed restore's integrity check."""
    transfer, order = sell_and_close(shop, clock)
    database = config.database_path
    folder = database.parent / "backups"

    def admin(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
             "--database", str(database), *args],
            capture_output=True, text=True, check=False, timeout=120)

    assert admin("backup", "--dir", str(folder)).returncode == 0
    (copy,) = folder.glob("kiosk-*.sqlite")
    flip(copy, transfer.encode() + order.encode(), *FLIPS["amount"])
    listing = admin("backups", "--dir", str(folder), "--verify")
    assert "DAMAGED" in listing.stdout and "fails the ledger audit" in listing.stdout
    refused = admin("restore", str(copy))
    assert refused.returncode == 2 and "fails the ledger audit" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
