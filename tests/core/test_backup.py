"""Backups taken while another process sells, restores that refuse what they must, retention."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import admin
from kiosk.config import BackupSection, Config, DatabaseSection, KioskSection
from kiosk.core import backup
from kiosk.core.backup import BackupFile
from kiosk.services import Services

ROOT = Path(__file__).resolve().parent.parent.parent
T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)

# A second process that sells without pause, reporting "ack <order id>" after each commit,
# exactly like the touchscreen would (same Checkout, same database rules).
WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from bench.common import bench_config
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import build
services = build(bench_config(Path(sys.argv[1])), create=True)
n = 0
while True:
    order_id = uuid7()
    services.checkout.checkout(order_id, PresentedCard(f"BENCH-{n % 20}"),
                               [CartLine("toothbrush", 1), CartLine("notebooks", 1)])
    print("ack", order_id, flush=True)
    n += 1
"""


class Writer:
    """The selling process, and the orders it has acknowledged so far."""

    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(ROOT)],
                                     stdout=subprocess.PIPE, text=True)
        self.acked: list[str] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            # Only a whole line acknowledges: terminate() can stop the writer between the
            # pieces print() writes (unbuffered output), leaving a last 'ack' without its id.
            if line.endswith("\n") and len(line.split()) == 2:
                with self.lock:
                    self.acked.append(line.split()[1])

    def snapshot(self) -> set[str]:
        with self.lock:
            return set(self.acked)

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(self.snapshot()) < count:
            if self.proc.poll() is not None:
                raise AssertionError(f"writer died with status {self.proc.returncode}")
            if time.monotonic() > deadline:
                raise AssertionError(f"writer acknowledged only {len(self.acked)} orders")
            time.sleep(0.05)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)
        self.reader.join(timeout=60)
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def kiosk_config(db: Path, kiosk_id: str = "demo-kiosk-01") -> Config:
    return replace(Config(), base_dir=db.parent, database=DatabaseSection(path=str(db)),
                   kiosk=replace(KioskSection(), id=kiosk_id),
                   backup=BackupSection(dir=str(db.parent / "backups")))


def whole_orders(db: Path) -> set[str]:
    """Order ids in the file, after checking every basket is whole and the file is sound."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = conn.execute("""
            SELECT COUNT(*) FROM orders o WHERE
              (SELECT COUNT(*) FROM order_lines WHERE order_id = o.id) <> 2
              OR (SELECT COUNT(*) FROM outbox WHERE entry_id = o.id) <> 1
              OR NOT EXISTS (SELECT 1 FROM transfers WHERE group_id = o.id)""").fetchone()[0]
        assert partial == 0
        return {r[0] for r in conn.execute("SELECT id FROM orders")}
    finally:
        conn.close()


@pytest.mark.slow
def test_backup_while_selling_then_restore_keeps_every_acknowledged_order(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.common import rich_shop
    db = tmp_path / "kiosk.sqlite"
    rich_shop(db, volunteers=20).conn.close()
    config = kiosk_config(db)
    writer = Writer(db)
    try:
        writer.wait_for(20)
        acked_before = writer.snapshot()
        info = backup.make_backup(db, tmp_path / "backups", "demo-kiosk-01", T0)
        writer.wait_for(len(acked_before) + 20)  # the seller went on during and after it
        assert info.orders >= len(acked_before)
        # The seller still has the database open: restore must refuse and change nothing.
        with pytest.raises(backup.DatabaseInUseError, match="stop the touchscreen"):
            backup.restore(info.path, db, "demo-kiosk-01", T0)
        assert admin.main(["--database", str(db), "--config", str(ROOT / "config.toml"),
                           "restore", str(info.path)]) == 2
        assert "in use by another process" in capsys.readouterr().err
    finally:
        writer.stop()
    sold = whole_orders(db)
    assert sold >= writer.snapshot()  # the refused restores really left the file alone
    assert not list(tmp_path.glob("*.partial"))

    _, kept = backup.restore(info.path, db, config.kiosk.id, T0 + timedelta(hours=1))
    restored = whole_orders(db)
    assert acked_before <= restored  # every sale acknowledged before the backup began
    assert restored <= sold
    assert kept is not None and whole_orders(kept) == sold  # the replaced file is kept
    assert not list(tmp_path.glob("*.partial"))


def test_backup_file_is_single_file_and_checked(shop: Services, tmp_path: Path) -> None:
    info = backup.make_backup(shop.config.database_path, tmp_path / "b", "demo-kiosk-01", T0)
    assert info.path.name == "kiosk-demo-kiosk-01-20261130T020000Z.sqlite"
    assert info.schema_version >= 3 and info.kiosk_id == "demo-kiosk-01"
    header = info.path.read_bytes()[:20]
    assert (header[18], header[19]) == (1, 1)  # rollback journal: no -wal needed beside it
    assert not Path(f"{info.path}-wal").exists()
    assert [b.path for b in backup.list_backups(tmp_path / "b")] == [info.path]


def test_backup_refuses_database_of_another_kiosk(shop: Services, tmp_path: Path) -> None:
    with pytest.raises(backup.OtherKioskError):
        backup.make_backup(shop.config.database_path, tmp_path / "b", "kiosk-other", T0)
    assert list((tmp_path / "b").iterdir()) == []  # no file named like a backup, no leftover


def test_restore_refuses_backup_of_another_kiosk_unless_forced(shop: Services,
                                                               tmp_path: Path) -> None:
    info = backup.make_backup(shop.config.database_path, tmp_path / "b", "demo-kiosk-01", T0)
    shop.conn.close()
    target = tmp_path / "other" / "kiosk.sqlite"
    target.parent.mkdir()
    sqlite3.connect(target).execute("CREATE TABLE mine (x)").connection.close()
    with pytest.raises(backup.OtherKioskError, match="kiosk-02"):
        backup.restore(info.path, target, "kiosk-02", T0)
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("mine",)]  # untouched
    conn.close()
    result, _ = backup.restore(info.path, target, "kiosk-02", T0, force_other_kiosk=True)
    assert result.kiosk_id == "demo-kiosk-01"
    assert whole_orders(target) == set()


def test_restore_refuses_corrupt_and_newer_backups(shop: Services, tmp_path: Path) -> None:
    info = backup.make_backup(shop.config.database_path, tmp_path / "b", "demo-kiosk-01", T0)
    shop.conn.close()
    live = shop.config.database_path
    before = live.read_bytes()

    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(info.path.read_bytes())
    page = 4096 * 3  # a b-tree page in the middle of the file, not the header
    data[page:page + 4096] = b"\x5a" * 4096
    damaged.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="damaged"):
        backup.restore(damaged, live, "demo-kiosk-01", T0)

    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 200)
    with pytest.raises(backup.BackupError):
        backup.restore(garbage, live, "demo-kiosk-01", T0)

    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(info.path.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(backup.BackupError, match="newer"):
        backup.restore(newer, live, "demo-kiosk-01", T0)

    assert live.read_bytes() == before
    assert sorted(p.name for p in live.parent.iterdir() if p.name.startswith(".")) == []


def test_retention_keeps_newest_per_day_and_per_week(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    start = datetime(2026, 9, 1, 18, 0, tzinfo=UTC)  # a Tuesday
    made = []
    for day in range(60):  # a nightly backup for 60 days, plus a manual one on some days
        for hour in ((0, 3) if day % 10 == 0 else (0,)):
            moment = start + timedelta(days=day, hours=hour)
            path = folder / backup.backup_name("demo-kiosk-01", moment)
            path.write_bytes(b"")
            made.append(BackupFile(path, "demo-kiosk-01", moment))
    stranger = folder / backup.backup_name("kiosk-02", start)
    stranger.write_bytes(b"")
    (folder / "notes.txt").write_text("operator's notes")

    removed = backup.prune(folder, "demo-kiosk-01", keep_daily=7, keep_weekly=4)
    kept = {b.taken_at for b in backup.list_backups(folder, "demo-kiosk-01")}

    newest_per_day: dict[object, datetime] = {}
    newest_per_week: dict[object, datetime] = {}
    for b in made:
        newest_per_day[b.taken_at.date()] = max(newest_per_day.get(b.taken_at.date(), b.taken_at),
                                                b.taken_at)
        week = b.taken_at.isocalendar()[:2]
        newest_per_week[week] = max(newest_per_week.get(week, b.taken_at), b.taken_at)
    expected = set(sorted(newest_per_day.values())[-7:]) | \
        set(sorted(newest_per_week.values())[-4:])
    assert kept == expected
    assert len(removed) == len(made) - len(expected)
    assert stranger.exists() and (folder / "notes.txt").exists()
    # Retention never removes the newest backup, whatever the settings.
    backup.prune(folder, "demo-kiosk-01", keep_daily=1, keep_weekly=0)
    assert [b.taken_at for b in backup.list_backups(folder, "demo-kiosk-01")] == \
        [max(b.taken_at for b in made)]


def test_admin_backup_list_and_restore(shop: Services, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text(f'[database]\npath = "{shop.config.database_path}"\n'
                           '[backup]\ndir = "saved #1?"\nkeep_daily = 2\nkeep_weekly = 0\n',
                           encoding="utf-8")
    assert admin.main(["--config", str(config_file), "backup"]) == 0
    made = list((tmp_path / "saved #1?").glob("kiosk-demo-kiosk-01-*.sqlite"))
    assert len(made) == 1
    assert admin.main(["--config", str(config_file), "backups", "--verify"]) == 0
    assert "ok (kiosk demo-kiosk-01" in capsys.readouterr().out
    # The admin's own services hold the database open, like a running kiosk would.
    assert admin.main(["--config", str(config_file), "restore", str(made[0])]) == 2
    shop.conn.close()
    assert admin.main(["--config", str(config_file), "restore", str(made[0])]) == 0
    assert "restored" in capsys.readouterr().out
    assert admin.main(["--config", str(config_file), "self-check"]) == 0
