"""A dropped -wal file loses the last committed sales without any sign of damage, and the next
sales reuse their sequence numbers. The mark kept beside the database notices: the kiosk stops
selling, says so on the touchscreen and in self-check, and the operator is told what to do."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core import continuity, outbox, outbox_mark, service_stops
from kiosk.core.db import open_database, write_transaction
from kiosk.core.errors import OutOfService, QuantityTooLarge
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.voids import void_order
from kiosk.services import Services, build
from tests.users import SYNC, TOUCH, as_user, data_fixture  # noqa: F401 (the fixture)

ROOT = Path(__file__).resolve().parents[2]
ZHANG = PresentedCard("04A1B2C3D4E5F6")

# A kiosk process that sells, with the sales still in its -wal file when it dies (no
# checkpoint, no clean close): exactly what a crash leaves behind.
SELL_AND_DIE = textwrap.dedent("""
    import os, sys
    from dataclasses import replace
    from pathlib import Path
    from kiosk.config import load_config
    from kiosk.core import sync_status
    from kiosk.core.clock import to_db
    from kiosk.core.ids import uuid7
    from kiosk.core.models import CartLine, PresentedCard
    from kiosk.services import build
    config = load_config(sys.argv[1])
    config = replace(config, database=replace(config.database, path=sys.argv[2]))
    services = build(config)
    sync_status.mark_success(services.conn, to_db(services.clock.now()))   # online: no caps
    services.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    services.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for _ in range(int(sys.argv[3])):
        services.checkout.checkout(uuid7(), PresentedCard("04A1B2C3D4E5F6"),
                                   [CartLine("toothbrush", 1)])
    os._exit(0)
""")


def admin(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
         "--database", str(database), *args],
        capture_output=True, text=True, check=False, timeout=120)


def reopen(database: Path) -> Services:
    config = load_config(ROOT / "config.toml")
    return build(replace(config, database=replace(config.database, path=str(database))))


@pytest.mark.expect_log(r"kiosk stops selling")
def test_a_dropped_wal_stops_the_selling(tmp_path: Path) -> None:
    database = tmp_path / "kiosk.sqlite"
    assert admin(database, "demo").returncode == 0
    before = reopen(database)
    highest = outbox.highest_seq(before.conn)
    before.conn.close()
    subprocess.run([sys.executable, "-c", SELL_AND_DIE, str(ROOT / "config.toml"),
                    str(database), "17"], check=True, timeout=120, cwd=ROOT)
    assert outbox_mark.read(database) == highest + 17
    Path(f"{database}-wal").unlink()          # the crash's -wal, dropped
    Path(f"{database}-shm").unlink(missing_ok=True)

    services = reopen(database)
    assert outbox.highest_seq(services.conn) == highest   # the 17 sales are gone
    stops = service_stops.current(services.conn)
    assert [s.reason for s in stops] == [service_stops.LOST_LOCALLY]
    assert f"the outbox ends at sequence {highest}" in stops[0].detail
    assert f"wrote up to {highest + 17}" in stops[0].detail
    with pytest.raises(OutOfService) as refused:
        services.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert refused.value.zh == "本机暂停服务，请联系工作人员。"
    sale = services.conn.execute("SELECT id FROM orders WHERE kind = 'sale'").fetchone()[0]
    with pytest.raises(OutOfService):
        void_order(services.conn, services.clock, services.kiosk, services.policy,
                   void_id=uuid7(), order_id=sale, reason="x")
    assert outbox.highest_seq(services.conn) == highest   # no number was reused
    services.conn.close()

    check = admin(database, "self-check")
    assert check.returncode == 1
    assert "FAIL  ledger" in check.stdout and "lost entries" in check.stdout


def test_the_mark_follows_commits_and_never_a_rollback(shop: Services) -> None:
    database = shop.config.database_path
    before = outbox_mark.read(database)
    shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 1)])
    assert outbox_mark.read(database) == before + 1 == outbox.highest_seq(shop.conn)
    with pytest.raises(QuantityTooLarge):   # a refused sale writes nothing, the mark stays
        shop.checkout.checkout(uuid7(), ZHANG, [CartLine("toothbrush", 999)])
    assert outbox_mark.read(database) == before + 1


def test_a_mark_behind_the_ledger_is_brought_up(shop: Services) -> None:
    """A power cut (the mark is written without fsync) or a database older than this check:
    behind is never a problem, and the next open brings the mark up."""
    database = shop.config.database_path
    outbox_mark.mark_path(database).unlink()
    assert continuity.check_local(shop.conn, "2026-11-30T02:00:00+00:00") is None
    assert outbox_mark.read(database) == outbox.highest_seq(shop.conn)
    assert service_stops.current(shop.conn) == []


def _open_removed_marks() -> list[str]:
    links = []
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(FileNotFoundError):   # listdir's own descriptor, now closed
            links.append(os.readlink(f"/proc/self/fd/{fd}"))
    return [link for link in links if outbox_mark.SUFFIX in link and link.endswith("(deleted)")]


def test_a_removed_database_folder_leaves_no_mark_open(tmp_path: Path) -> None:
    """The process keeps each mark file open to raise it under a lock; a folder of databases
    removed while it runs (the simulator's seeds, a test's tmp_path) must not leave their
    marks open: each long run leaked a few descriptors per removed folder."""
    for n in range(3):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        outbox_mark.raise_to(folder / "kiosk.sqlite", n + 1)
        assert outbox_mark.read(folder / "kiosk.sqlite") == n + 1
        (folder / f"kiosk.sqlite{outbox_mark.SUFFIX}").unlink()
        folder.rmdir()
    outbox_mark.raise_to(tmp_path / "kiosk.sqlite", 1)
    assert _open_removed_marks() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")
def test_the_mark_is_shared_by_the_touchscreen_and_the_daemon(data: Path) -> None:
    """Made by whichever user commits first; the other must raise it too (a mark it could
    not write would only be logged, and the check would weaken)."""
    database = data / "kiosk.sqlite"

    def append(entry: str) -> Callable[[], object]:
        def work() -> object:
            conn = open_database(database, create=True)
            with write_transaction(conn):
                outbox.append(conn, "audit", entry, {}, "2026-12-01")
            conn.close()
            return str(outbox_mark.read(database))
        return work

    assert as_user(TOUCH, append("a")) == "ok\n1"
    assert as_user(SYNC, append("b"), umask=0o027) == "ok\n2"
    assert oct(outbox_mark.mark_path(database).stat().st_mode & 0o777) == "0o660"
