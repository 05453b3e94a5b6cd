"""kiosk-admin backup / backups / restore: the operator's (and the nightly timer's) backups.

These commands take the config, not the built services: a restore must work when the live
database is damaged, and must not itself hold the file open while it checks that nobody else
does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core import backup


def backup_dir(config: Config, override: str | None = None) -> Path:
    path = Path(override or config.backup.dir)
    return path if path.is_absolute() else config.base_dir / path


def _now() -> datetime:
    return datetime.now(UTC)


def cmd_backup(config: Config, args: argparse.Namespace) -> int:
    folder = backup_dir(config, args.dir)
    info = backup.make_backup(config.database_path, folder, config.kiosk.id, _now(),
                              busy_timeout_ms=config.database.busy_timeout_ms)
    print(f"backup {info.path}: {info.size // 1024} KiB, schema v{info.schema_version}, "
          f"{info.orders} orders, outbox up to {info.outbox_seq}, integrity ok")
    if not args.no_prune:
        for old in backup.prune(folder, config.kiosk.id, config.backup.keep_daily,
                                config.backup.keep_weekly):
            print(f"removed old backup {old.name}")
    return 0


def cmd_backups(config: Config, args: argparse.Namespace) -> int:
    folder = backup_dir(config, args.dir)
    found = backup.list_backups(folder)
    for b in found:
        line = f"{b.taken_at:%Y-%m-%d %H:%M:%S}Z  {b.path.stat().st_size // 1024:>8} KiB  " \
               f"{b.path.name}"
        if args.verify:
            try:
                info = backup.inspect(b.path)
                line += f"  ok (kiosk {info.kiosk_id}, v{info.schema_version}, " \
                        f"{info.orders} orders)"
            except backup.BackupError as exc:
                line += f"  DAMAGED: {exc}"
        print(line)
    print(f"{len(found)} backup(s) in {folder}")
    return 0


def cmd_restore(config: Config, args: argparse.Namespace) -> int:
    database = config.database_path
    live_seq = backup.live_outbox_seq(database)
    info, kept = backup.restore(Path(args.file), database, config.kiosk.id, _now(),
                                force_other_kiosk=args.force_other_kiosk)
    print(f"restored {database} from {info.path} (kiosk {info.kiosk_id}, "
          f"schema v{info.schema_version}, {info.orders} orders)")
    if kept is not None:
        print(f"the replaced database is kept as {kept}")
    if live_seq is not None and live_seq > info.outbox_seq:
        print(f"WARNING: the replaced database had sales up to outbox sequence {live_seq}, the "
              f"backup only up to {info.outbox_seq}. The kiosk will not sell while entries it "
              "wrote are missing (it would reuse their numbers): restore a newer backup that "
              "holds them, or provision the kiosk under a new kiosk id with the district.")
    if info.kiosk_id != config.kiosk.id:
        print(f"WARNING: this database belongs to kiosk {info.kiosk_id!r}; the kiosk will not "
              "start until kiosk.id in the config is set to it.")
    return 0


def guarded(command: Callable[[Config, argparse.Namespace], int]) \
        -> Callable[[Config, argparse.Namespace], int]:
    def run(config: Config, args: argparse.Namespace) -> int:
        try:
            return command(config, args)
        except (backup.BackupError, OSError) as exc:  # OSError: a full disk, a bad --dir
            print(f"kiosk-admin: {exc}", file=sys.stderr)
            return 2
    return run


COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {
    "backup": guarded(cmd_backup), "backups": guarded(cmd_backups),
    "restore": guarded(cmd_restore),
}


def add_parsers(sub: Any) -> None:
    b = sub.add_parser("backup", help="back up the live database (safe while the kiosk runs)")
    b.add_argument("--dir", help="backup folder (default: [backup] dir in the config)")
    b.add_argument("--no-prune", action="store_true",
                   help="keep every old backup this time (no retention)")
    ls = sub.add_parser("backups", help="list the backups")
    ls.add_argument("--dir", help="backup folder (default: [backup] dir in the config)")
    ls.add_argument("--verify", action="store_true", help="check each one (reads every page)")
    r = sub.add_parser("restore", help="replace the database with a backup (kiosk stopped)")
    r.add_argument("file")
    r.add_argument("--force-other-kiosk", action="store_true",
                   help="restore even a backup made by another kiosk")
