"""The daemon loop, "sync now", backoff, the kiosk-sync command, and answers that are wrong."""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from district.store import Store
from kiosk.core import cards, outbox, sync_status
from kiosk.core.db import open_database
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.sync.client import InsecureUrlError, check_url
from kiosk.sync.daemon import Backoff, Daemon, hold_daemon_lock
from points_protocol import signing
from tests.conftest import ManualClock
from tests.live_district import LiveServer, make_kiosk

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached in time")
        time.sleep(0.02)


def test_backoff_doubles_to_the_cap_and_resets() -> None:
    b = Backoff(interval=10, jitter=0, cap=60, rng=random.Random(1))
    waits = []
    for _ in range(5):
        b.record(False)
        waits.append(b.next_wait())
    assert waits == [20, 40, 60, 60, 60]
    b.record(True)
    assert b.next_wait() == 10
    jittered = Backoff(interval=10, jitter=5, cap=60, rng=random.Random(1))
    assert all(10 <= jittered.next_wait() <= 15 for _ in range(50))


def test_plain_http_only_on_loopback() -> None:
    check_url("http://127.0.0.1:8600")
    check_url("http://localhost:8600")
    check_url("https://district.example")
    for bad in ("http://192.168.1.10:8600", "http://district.example", "ftp://x"):
        with pytest.raises(InsecureUrlError):
            check_url(bad)


def test_sync_now_wakes_the_running_daemon(district: LiveServer, tmp_path: Path,
                                           clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock,
                       interval_seconds=3600, jitter_seconds=0)
    # As on a kiosk, the daemon has its own connection (its own process there): a connection
    # shared by two threads would interleave their transactions.
    config = kiosk.services.config
    daemon_conn = open_database(config.database_path)
    daemon = Daemon(daemon_conn, kiosk.transport, clock, config.kiosk.id, config.sync)
    daemon.poll_seconds = 0.05
    thread = threading.Thread(target=daemon.run_forever, daemon=True)
    thread.start()
    wait_for(lambda: sync_status.status(kiosk.conn)["last_success_at"] is not None)
    kiosk.services.checkout.checkout(uuid7(), PresentedCard("04A1B2C3D4E5F6"),
                                     [CartLine("masks", 1)])
    sync_status.request_sync(kiosk.conn, clock)
    wait_for(lambda: sync_status.acked_seq(kiosk.conn) == outbox.highest_seq(kiosk.conn))
    daemon.stop_event.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert kiosk.conn.execute(
        "SELECT COUNT(*) FROM sync_requests WHERE handled_at IS NULL").fetchone()[0] == 0
    daemon_conn.close()
    kiosk.close()


def test_kiosk_sync_command_once(district: LiveServer, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[kiosk]\nid = "cli-kiosk"\n[database]\npath = "kiosk.sqlite"\n'
        f'[district]\nurl = "{district.url}"\nkey_path = "key.pem"\n'
        f'[sync]\ninterval_seconds = 3600\n', encoding="utf-8")
    run = [sys.executable, "-m", "kiosk.sync.daemon", "--config", str(config)]
    keygen = subprocess.run([*run, "keygen"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=True)
    district.store.register_kiosk("cli-kiosk", keygen.stdout.strip())
    # Not provisioned yet (no database): the daemon says so and makes none. Made here, the
    # database would be bound to whatever kiosk id the config had at that moment.
    early = subprocess.run([*run, "--once"], capture_output=True, text=True, cwd=ROOT,
                           check=False, timeout=120)
    assert early.returncode == 2 and "kiosk-admin init" in early.stderr
    assert not (tmp_path / "kiosk.sqlite").exists()
    subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--config", str(config), "init"],
                   capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    once = subprocess.run([*run, "--once"], capture_output=True, text=True, cwd=ROOT, check=False,
                          timeout=120)
    assert once.returncode == 0, once.stderr
    status = subprocess.run([*run, "status"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=True)
    assert "last_success_at: 20" in status.stdout
    assert "pull_cursor: 0" not in status.stdout
    # A second daemon for the same database refuses to start while one holds the lock.
    held = hold_daemon_lock(tmp_path / "kiosk.sqlite")
    assert held is not None
    second = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, check=False,
                            timeout=120)
    assert second.returncode == 3 and "already running" in second.stderr
    held.close()   # the first one ends: the next starts
    again = subprocess.run([*run, "--once"], capture_output=True, text=True, cwd=ROOT,
                           check=False, timeout=120)
    assert again.returncode == 0, again.stderr


@pytest.mark.expect_log(r"refused .*: unknown kiosk")
def test_once_beside_the_running_daemon_asks_it_for_a_round(district: LiveServer,
                                                            tmp_path: Path) -> None:
    """After a reboot the enabled daemon holds the lock; the provisioning step
    ``kiosk-sync --once`` then has the daemon run the round and reports its outcome."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[kiosk]\nid = "cli-kiosk"\n[database]\npath = "kiosk.sqlite"\n'
        f'[district]\nurl = "{district.url}"\nkey_path = "key.pem"\n'
        f'[sync]\ninterval_seconds = 3600\n', encoding="utf-8")
    run = [sys.executable, "-m", "kiosk.sync.daemon", "--config", str(config)]
    keygen = subprocess.run([*run, "keygen"], capture_output=True, text=True, cwd=ROOT,
                            timeout=120, check=True)
    subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--config", str(config), "init"],
                   capture_output=True, text=True, cwd=ROOT, timeout=120, check=True)
    daemon = subprocess.Popen([*run, "run"], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        conn = open_database(tmp_path / "kiosk.sqlite")
        # Its first round fails: the district does not know the kiosk yet.
        wait_for(lambda: sync_status.status(conn)["last_error_at"] is not None)
        refused = subprocess.run([*run, "--once"], capture_output=True, text=True, cwd=ROOT,
                                 check=False, timeout=120)
        assert refused.returncode == 1, refused.stderr
        assert "asked it for a round" in refused.stderr and "sync failed" in refused.stderr
        district.store.register_kiosk("cli-kiosk", keygen.stdout.strip())
        once = subprocess.run([*run, "--once"], capture_output=True, text=True, cwd=ROOT,
                              check=False, timeout=120)
        assert once.returncode == 0, once.stderr
        assert "sync ok" in once.stderr
        assert sync_status.status(conn)["last_success_at"] is not None
        assert conn.execute("SELECT COUNT(*) FROM sync_requests WHERE handled_at IS NULL"
                            ).fetchone()[0] == 0
        assert daemon.poll() is None  # the daemon goes on
        conn.close()
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)


class StubDistrict:
    """A real HTTP server on 127.0.0.1 that answers the change feed with what a test says."""

    def __init__(self) -> None:
        self.answer: bytes = b"{}"
        self.requests = 0     # change-feed requests (not the heartbeat, not the probe)
        self.heartbeats = 0
        self.content_length: str | None = None   # what to declare instead of the true length
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                answer = stub.answer
                if self.path == "/v1/heartbeat":
                    stub.heartbeats += 1
                elif self.path == "/v1/push":
                    # The high-water probe: this district holds the demo shop's three outbox
                    # entries (the tests mark them acknowledged: nothing to push here). Less
                    # would make the kiosk send them again, as to a district put back to an
                    # older backup.
                    answer = b'{"applied_seq": 3, "results": []}'
                else:
                    stub.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)) if answer is not stub.answer
                                 else stub.content_length or str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_POST = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def stub() -> Iterator[StubDistrict]:
    s = StubDistrict()
    yield s
    s.server.shutdown()
    s.server.server_close()


def _page(**overrides: object) -> bytes:
    page: dict[str, object] = {"cursor": 5, "more": False, "as_of": "2026-11-30T02:00:00+00:00",
                               "volunteers": [["V0001", "张*华", "active"]], "cards": [],
                               "balances": [["V0001", 5, 0]], "items": [], "settings": []}
    page.update(overrides)
    return json.dumps(page).encode()


@pytest.mark.parametrize("answer", [
    b"<html>oops</html>",
    _page()[:40],
    _page(cursor="5"),
    _page(volunteers=[["V0001", 7, "active"]]),
    _page(balances=[["V0001", "lots", 0]]),
    _page(balances=[["V0001", 5, 999]]),               # counts sales this kiosk never made
    _page(cards=[["c", "V0001", "nfc", "stolen", 1, False]]),
    _page(items=[{"id": "x", "name_zh": "x", "name_en": "x", "category": "weapons",
                  "kind": "goods", "price": 1}]),       # violates the local schema
    _page(items=[{"id": "x", "name_zh": "x", "name_en": "x", "category": "health",
                  "kind": "goods", "price": 1, "low_stock_threshold": "lots"}]),
    _page(items=[{"id": "x", "name_zh": "x", "name_en": "x", "category": "health",
                  "kind": "goods", "price": 2**63}]),   # beyond every price the protocol has
    _page(items=[{"id": "x", "name_zh": "x", "name_en": "x", "category": "health",
                  "kind": "goods", "price": 1, "limit_count": 0, "limit_period": "day"}]),
    _page(items=[{"id": "x", "name_zh": "x", "name_en": "x", "category": "health",
                  "kind": "goods", "price": 1, "image": "/etc/shadow"}]),
    _page(items=[{"id": "x", "name_zh": "x", "name_en": "x", "category": "health",
                  "kind": "goods", "price": 1, "active": "yes"}]),
    _page(cursor=0, more=True, volunteers=[], balances=[]),
    b"[" * 100 + b"]" * 100,
    b"x" * (2 << 20),                                   # over the 1 MB limit below
])
@pytest.mark.allow_log(r"heartbeat not sent", r"sync round failed")
def test_bad_answers_are_refused_and_change_nothing(answer: bytes, stub: StubDistrict,
                                                    tmp_path: Path, clock: ManualClock) -> None:
    stub.answer = answer
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock,
                       max_response_mb=1)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")  # nothing to push
    before = kiosk.conn.execute(
        "SELECT balance FROM balance_snapshots WHERE volunteer_id = 'V0001'").fetchone()[0]
    assert kiosk.daemon.run_once() is None
    status = sync_status.status(kiosk.conn)
    assert status["last_error"] and status["last_success_at"] is None
    assert status["pull_cursor"] == 0
    assert kiosk.conn.execute("SELECT balance FROM balance_snapshots WHERE volunteer_id = "
                              "'V0001'").fetchone()[0] == before
    assert kiosk.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kiosk.close()


@pytest.mark.expect_log(r"sync round failed")
def test_a_cursor_going_backwards_is_refused(stub: StubDistrict, tmp_path: Path,
                                             clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    stub.answer = _page(cursor=9)
    assert kiosk.daemon.run_once() is not None
    stub.answer = _page(cursor=4)
    assert kiosk.daemon.run_once() is None
    assert "backwards" in sync_status.status(kiosk.conn)["last_error"]
    assert sync_status.status(kiosk.conn)["pull_cursor"] == 9
    kiosk.close()


def test_key_file_round_trip(tmp_path: Path) -> None:
    key = signing.generate_key_file(tmp_path / "k.pem")
    assert (tmp_path / "k.pem").stat().st_mode & 0o077 == 0
    loaded = signing.load_key_file(tmp_path / "k.pem")
    assert signing.public_key_text(loaded) == signing.public_key_text(key)
    with pytest.raises(FileExistsError):
        signing.generate_key_file(tmp_path / "k.pem")   # never overwrite a kiosk's identity


def test_a_card_before_its_volunteer_gets_a_placeholder(stub: StubDistrict, tmp_path: Path,
                                                        clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    stub.answer = _page(cursor=7, volunteers=[], balances=[["V9", 40, 0]],
                        cards=[["04c9c9c9", "V9", "nfc", "active", 1, False]])
    assert kiosk.daemon.run_once() is not None
    assert kiosk.conn.execute("SELECT masked_name FROM volunteers WHERE id = 'V9'"
                              ).fetchone()[0] == "*"
    stub.answer = _page(cursor=8, volunteers=[["V9", "王*", "active"]], balances=[])
    assert kiosk.daemon.run_once() is not None
    holder = cards.look_up(kiosk.conn, PresentedCard("04C9C9C9"))   # the reader's form
    assert (holder.masked_name, holder.balance) == ("王*", 40)
    kiosk.close()


def test_a_card_id_no_card_has_is_left_out_and_the_page_applied(
        stub: StubDistrict, tmp_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    """No reader or token could present ``c9`` (an id from before card ids had one form):
    the kiosk leaves that row out instead of stopping its feed on it."""
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    stub.answer = _page(cursor=7, cards=[["c9", "V0001", "nfc", "active", 1, False],
                                         ["qr-9", "V0001", "qr", "active", 2, False]])
    with caplog.at_level(logging.WARNING, "kiosk.sync.protocol"):
        assert kiosk.daemon.run_once() is not None
    assert "'c9' is not an NFC card UID" in caplog.text
    assert [tuple(r) for r in kiosk.conn.execute(
        "SELECT card_id, generation FROM cards WHERE card_id IN ('c9', 'qr-9', 'QR-9')")] == [
        ("QR-9", 2)]
    assert sync_status.status(kiosk.conn)["pull_cursor"] == 7
    kiosk.close()


@pytest.mark.expect_log(r"sync round failed")
def test_more_without_progress_is_refused_not_looped(stub: StubDistrict, tmp_path: Path,
                                                     clock: ManualClock) -> None:
    """A page that says "more" but does not move the cursor would be asked for again and
    again in the same round: the daemon would never push or finish."""
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    stub.answer = _page(cursor=0, more=True)

    done = threading.Event()

    def html_after_a_while() -> None:   # so that the loop, if any, ends and the test tells
        while not done.wait(0.02):
            if stub.requests >= 20:
                stub.answer = b"<html>stop</html>"

    watchdog = threading.Thread(target=html_after_a_while, daemon=True)
    watchdog.start()
    assert kiosk.daemon.run_once() is None
    done.set()
    watchdog.join(timeout=60)
    assert stub.requests == 1
    assert "more" in sync_status.status(kiosk.conn)["last_error"]
    kiosk.close()


@pytest.mark.parametrize("answer", [
    _page(volunteers=[["V0001", "张*华", ["active"]]]),   # unhashable where a status goes
    _page(balances=[["V0001", 2**70, 0]]),               # no SQLite integer holds it
    _page(cursor=2**70),
])
def test_wrong_types_are_protocol_errors_not_crashes(
        answer: bytes, stub: StubDistrict, tmp_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    stub.answer = answer
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    assert kiosk.daemon.run_once() is None
    assert not [r for r in caplog.records if r.exc_info], "logged as an unexpected crash"
    assert sync_status.status(kiosk.conn)["pull_cursor"] == 0
    kiosk.close()


@pytest.mark.expect_log(
    r"could not record the clock check", r"could not record the sync failure",
    r"database busy during sync")
def test_the_daemon_survives_a_database_locked_for_too_long(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    """The app (or an operator's tool) may hold the write lock longer than busy_timeout: the
    round fails and is retried later; the daemon itself must not die of it."""
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock,
                       interval_seconds=3600, jitter_seconds=0)
    kiosk.daemon.poll_seconds = 0.05
    kiosk.conn.execute("PRAGMA busy_timeout = 50")
    # The app's own connection, on the test's thread (the daemon's is not shared with it).
    holder = sqlite3.connect(tmp_path / "k1.sqlite", isolation_level=None, timeout=30)
    holder.row_factory = sqlite3.Row
    holder.execute("BEGIN IMMEDIATE")
    assert kiosk.daemon.run_once() is None
    assert kiosk.daemon.backoff.failures == 1
    thread = threading.Thread(target=kiosk.daemon.run_forever, daemon=True)
    thread.start()
    # Its first round (and its polls for "sync now") meet the lock too.
    wait_for(lambda: kiosk.daemon.backoff.failures >= 2 or not thread.is_alive())
    assert thread.is_alive(), "the daemon died of a busy database"
    holder.execute("ROLLBACK")
    sync_status.request_sync(holder, clock)
    wait_for(lambda: sync_status.status(holder)["last_success_at"] is not None)
    kiosk.daemon.stop_event.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    holder.close()
    kiosk.close()


def test_a_page_without_as_of_is_accepted(stub: StubDistrict, tmp_path: Path,
                                          clock: ManualClock) -> None:
    """``as_of`` is optional and nullable in the published OpenAPI model."""
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    stub.answer = _page(as_of=None)
    assert kiosk.daemon.run_once() is not None, sync_status.status(kiosk.conn)["last_error"]
    assert sync_status.status(kiosk.conn)["pull_cursor"] == 5
    kiosk.close()


def test_a_nonsense_content_length_is_a_bad_answer_not_a_crash(
        stub: StubDistrict, tmp_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    stub.answer = _page()
    stub.content_length = "lots"
    kiosk = make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), stub.url, clock)
    kiosk.conn.execute("UPDATE sync_status SET push_acked_seq = 3")
    assert kiosk.daemon.run_once() is None
    assert not [r for r in caplog.records if r.exc_info], "logged as an unexpected crash"
    assert "Content-Length" in sync_status.status(kiosk.conn)["last_error"]
    kiosk.close()
