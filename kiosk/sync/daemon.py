"""kiosk-sync: the sync daemon, next to the app on the same database file.

Rounds run every ``interval`` seconds plus random jitter; after a failure the wait doubles up to
a cap. "Sync now" from the app (a row in ``sync_requests``) cuts the wait short. ``--once``
runs a single round for a systemd timer. ``keygen`` makes the kiosk's key at provisioning.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import os
import random
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import Config, ConfigError, SyncSection, load_config
from kiosk.core import ledger_audit, shared_files, sync_status
from kiosk.core.clock import Clock, SystemClock, to_db
from kiosk.core.db import DatabaseError, open_database
from kiosk.core.ledger import bind_kiosk
from kiosk.services import qr_verifier
from kiosk.sync import heartbeat, signer
from kiosk.sync.client import HttpTransport, InsecureUrlError
from kiosk.sync.engine import RoundResult, sync_round
from kiosk.sync.transport import SyncError, Transport
from points_protocol import logs, signing
from points_protocol.card_tokens import VerifiedCard

log = logging.getLogger("kiosk.sync.daemon")


@dataclass
class Backoff:
    """Wait before the next round: interval + jitter when healthy, doubling after failures."""

    interval: float
    jitter: float
    cap: float
    rng: random.Random
    failures: int = 0

    def next_wait(self) -> float:
        base = self.interval if self.failures == 0 else min(
            self.cap, self.interval * 2 ** self.failures)
        return base + self.rng.uniform(0, self.jitter)

    def record(self, ok: bool) -> None:
        self.failures = 0 if ok else min(self.failures + 1, 30)


class Daemon:
    def __init__(self, conn: sqlite3.Connection, transport: Transport, clock: Clock,
                 kiosk_id: str, settings: SyncSection, *, rng: random.Random | None = None,
                 poll_seconds: float = 1.0,
                 verify_card: Callable[[str], VerifiedCard] | None = None,
                 nightly_audit: ledger_audit.Nightly | None = None) -> None:
        self.conn = conn
        self.transport = transport
        self.clock = clock
        self.kiosk_id = kiosk_id
        self.settings = settings
        self.backoff = Backoff(settings.interval_seconds, settings.jitter_seconds,
                               settings.backoff_cap_seconds, rng or random.Random())
        self.poll_seconds = poll_seconds
        self.verify_card = verify_card  # checks a QR card the district issued before keeping it
        self.nightly_audit = nightly_audit
        self.stop_event = threading.Event()
        bind_kiosk(conn, kiosk_id)

    def run_once(self) -> RoundResult | None:
        """One round, then the heartbeat (whatever the round's outcome)."""
        result = self._round()
        self._note_clock()
        self._heartbeat(round_ok=result is not None)
        self._note_clock()
        self._audit_if_due()
        return result

    def _audit_if_due(self) -> None:
        """The whole ledger, once a night when the shop is quiet (kiosk.core.ledger_audit);
        a failure stops the selling. Never allowed to break the loop."""
        now = self.clock.now()
        try:
            if self.nightly_audit is None or not self.nightly_audit.due(self.conn, now):
                return
            problems = ledger_audit.audit_and_record(self.conn, to_db(now))
        except (sqlite3.Error, DatabaseError) as exc:
            log.warning("nightly ledger audit could not run: %s", exc)
            return
        if problems:
            log.error("nightly ledger audit failed, selling stopped: %s", "; ".join(problems))
        else:
            log.info("nightly ledger audit: ok")

    def _note_clock(self) -> None:
        """Keep how far this machine's clock was off the district's at the last answer (the
        checkout and the health screen read it: kiosk.core.clock_check)."""
        skew = self.transport.clock_skew()
        if skew is None:
            return
        try:
            sync_status.record_clock(self.conn, skew, to_db(self.clock.now()))
        except (sqlite3.OperationalError, DatabaseError) as exc:
            log.warning("could not record the clock check: %s", exc)

    def _heartbeat(self, *, round_ok: bool) -> None:
        """A failed heartbeat is only logged: it must never break or slow the sync loop's
        bookkeeping (no backoff, no sync_status error)."""
        try:
            heartbeat.send(self.conn, self.transport, self.clock, round_ok=round_ok)
        except Exception as exc:
            log.warning("heartbeat not sent: %s", exc)

    def _round(self) -> RoundResult | None:
        try:
            result = sync_round(self.conn, self.transport, self.clock, self.kiosk_id,
                                batch=self.settings.push_batch, page_size=self.settings.page_size,
                                max_image_bytes=self.settings.max_image_kb * 1024,
                                verify_card=self.verify_card,
                                deadline_seconds=self.settings.round_deadline_seconds)
        except SyncError:
            self.backoff.record(False)
            return None
        except DatabaseError as exc:   # a full, read-only or failing disk: say so, try later
            log.error("sync round stopped by the disk: %s", exc)
            self._record_failure(str(exc))
            return None
        except sqlite3.OperationalError as exc:   # database busy for too long: try later
            log.warning("database busy during sync: %s", exc)
            self._record_failure(f"database: {exc}")
            return None
        except Exception as exc:   # a bug or an answer we did not foresee: never die on it
            log.exception("sync round failed unexpectedly")
            self._record_failure(f"{type(exc).__name__}: {exc}")
            return None
        self.backoff.record(True)
        log.info("sync ok: pushed %d, pulled %d changes", result.pushed, result.pulled_rows)
        return result

    def _record_failure(self, error: str) -> None:
        """Back off, and write the error for the screens if the database lets us: when it is
        the database that is busy, the status write may meet the same lock."""
        self.backoff.record(False)
        try:
            sync_status.mark_failure(self.conn, to_db(self.clock.now()), error)
        except (sqlite3.OperationalError, DatabaseError) as exc:
            log.warning("could not record the sync failure: %s", exc)

    def _sync_requested(self) -> bool:
        try:
            return sync_status.take_requests(self.conn, to_db(self.clock.now()))
        except (sqlite3.OperationalError, DatabaseError) as exc:   # busy, or a full disk
            log.warning("could not check for \"sync now\": %s", exc)
            return False

    def run_forever(self, wait: Callable[[float], bool] | None = None) -> None:
        """Round, then wait (polling for "sync now") until the next one or until stopped."""
        sleeper = wait or self.stop_event.wait
        while not self.stop_event.is_set():
            self._sync_requested()
            self.run_once()
            remaining = self.backoff.next_wait()
            while remaining > 0 and not self.stop_event.is_set():
                step = min(self.poll_seconds, remaining)
                if sleeper(step):
                    return
                remaining -= step
                if self._sync_requested():
                    break


def hold_daemon_lock(database: Path) -> IO[str] | None:
    """One daemon per kiosk database: an exclusive ``flock`` on a file beside it, held for the
    life of the process (the kernel drops it when the process dies, however it dies). A second
    daemon would be harmless for the ledger (pulls are cursor-checked, pushes idempotent) but
    would double the traffic and race on the status row. None if another process holds it.

    The lock file is shared like the database (whoever makes it, the other users of the data
    folder must be able to open it: root's ``kiosk-sync --once`` made it 0640 once, and the
    daemon then could not start)."""
    fd = shared_files.open_file(database.parent / (database.name + ".sync-lock"), os.O_RDWR,
                                shared_files.READ_WRITE)
    handle = os.fdopen(fd, "a", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


# How long ``kiosk-sync --once`` waits for the running daemon's round: it starts within a
# second (the daemon polls for requests), and a first sync of a whole district's volunteers
# takes well under a minute; a round that takes longer than this is stuck on the network.
ONCE_WAIT_SECONDS = 300.0


def ask_running_daemon(conn: sqlite3.Connection, clock: Clock, *,
                       wait_seconds: float = ONCE_WAIT_SECONDS,
                       sleep: Callable[[float], None] = time.sleep) -> int:
    """``kiosk-sync --once`` while the daemon runs (it is enabled, so after any reboot): the
    same "sync now" request the app's button makes, then wait for the round that serves it.
    0 when that round succeeded, 1 when it failed or did not end in time; as --once alone."""
    request_id = sync_status.request_sync(conn, clock)
    print("kiosk-sync: the running daemon holds the lock; asked it for a round", file=sys.stderr)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        outcome = sync_status.request_outcome(conn, request_id)
        if outcome is not None:
            print(f"kiosk-sync: {'sync ok' if outcome.ok else 'sync failed'}: {outcome.detail}",
                  file=sys.stderr)
            return 0 if outcome.ok else 1
        sleep(0.2)
    print(f"kiosk-sync: the running daemon did not finish a round within {wait_seconds:.0f} s "
          "(kiosk-sync status; journalctl -u points-kiosk-sync)", file=sys.stderr)
    return 1


def make_transport(config: Config, key: Ed25519PrivateKey | None = None) -> HttpTransport:
    key = key or signing.load_key_file(_path(config, config.district.key_path))
    ca = str(_path(config, config.district.ca_file)) if config.district.ca_file else ""
    s = config.sync
    return HttpTransport(config.district.url, config.kiosk.id, key, ca_file=ca,
                         connect_timeout=s.connect_timeout_seconds,
                         read_timeout=s.read_timeout_seconds,
                         request_deadline=s.request_deadline_seconds,
                         max_bytes=s.max_response_mb << 20)


def _path(config: Config, text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else config.base_dir / path


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk-sync", description=__doc__)
    p.add_argument("--config", default="config.toml")
    p.add_argument("--database", help="use this database file instead of the config's")
    p.add_argument("--once", action="store_true", help="run one round and exit (0 = success)")
    p.add_argument("command", nargs="?", choices=("run", "keygen", "now", "status"),
                   default="run")
    args = p.parse_args(argv)
    logs.setup()
    try:
        config = load_config(args.config)
        if args.database:
            config = replace(config, database=replace(
                config.database, path=str(Path(args.database).resolve())))
        if args.command == "keygen":
            made = signing.generate_key_file(_path(config, config.district.key_path))
            print(signing.public_key_text(made))
            return 0
        # The key before the database: an unprovisioned kiosk has neither, and opening the
        # database must not make one (it would be bound to the config's kiosk id of now).
        key = signing.load_key_file(_path(config, config.district.key_path)) \
            if args.command == "run" else None
        transport = make_transport(config, key) if key is not None else None
        conn = open_database(config.database_path,
                             busy_timeout_ms=config.database.busy_timeout_ms,
                             startup_check=config.database.startup_check,
                             cache_mb=config.database.cache_mb, create=False)
        if args.command == "now":
            sync_status.request_sync(conn, SystemClock())
            return 0
        if args.command == "status":
            for key_name, value in sync_status.status(conn).items():
                print(f"{key_name}: {value}")
            return 0
        clock = SystemClock()
        verifier = qr_verifier(config, clock)
        nightly = None if config.database.audit_hour < 0 else ledger_audit.Nightly(
            config.database.audit_hour, ZoneInfo(config.kiosk.timezone))
        assert transport is not None and key is not None
        daemon = Daemon(conn, transport, clock, config.kiosk.id, config.sync,
                        verify_card=None if verifier is None else verifier.verify,
                        nightly_audit=nightly)
    except (ConfigError, DatabaseError, InsecureUrlError, OSError, ValueError) as exc:
        print(f"kiosk-sync: {exc}", file=sys.stderr)
        return 2
    return _run(daemon, config.database_path, once=args.once, key=key)


def _run(daemon: Daemon, database: Path, *, once: bool,
         key: Ed25519PrivateKey | None = None) -> int:
    """Under the one-daemon lock: a round (``--once``: 0 ok, 1 failed) or rounds until killed,
    signing the touchscreen's vouchers meanwhile (kiosk.sync.signer). ``--once`` beside a
    running daemon asks it for the round instead (see ask_running_daemon)."""
    lock = hold_daemon_lock(database)
    if lock is None and once:
        return ask_running_daemon(daemon.conn, daemon.clock)
    if lock is None:
        print(f"kiosk-sync: another kiosk-sync is already running for {database}",
              file=sys.stderr)
        return 3
    with lock:
        if once:
            return 0 if daemon.run_once() is not None else 1
        server = None if key is None else signer.start_server(database, key, daemon.kiosk_id)
        try:
            with contextlib.suppress(KeyboardInterrupt):
                daemon.run_forever()
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
