"""The heartbeat against a live district on 127.0.0.1: what arrives, what is refused, which
kiosks the district flags, and that a heartbeat never breaks a sync round."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district import cli
from district.kiosk_health import DEFAULT_SILENT_AFTER, assess
from kiosk import __version__
from kiosk.core import device_status, outbox, service_stops, sync_status
from kiosk.core.clock import to_db
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.sync import heartbeat
from kiosk.sync.client import HttpTransport
from kiosk.sync.transport import SyncError
from points_protocol import signing
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk
from tests.sync.fault_proxy import FaultProxy

ZHANG = PresentedCard("04A1B2C3D4E5F6")


@pytest.fixture
def proxy(district: LiveServer) -> Iterator[FaultProxy]:
    p = FaultProxy(district.port).start()
    yield p
    p.stop()


def sell(kiosk: Kiosk) -> str:
    return kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)]).order_id


def last_beat(district: LiveServer, kiosk_id: str) -> tuple[float, dict[str, Any]] | None:
    for kid, _name, received, body in district.store.kiosk_heartbeats():
        if kid == kiosk_id and received is not None and body is not None:
            return received, body
    return None


def test_heartbeat_arrives_with_the_kiosk_state(district: LiveServer, tmp_path: Path,
                                                clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    order = sell(kiosk)
    clock.advance(minutes=1)
    device_status.record(kiosk.conn, clock, device_status.PRINTER, "fault", "paper out")
    device_status.record(kiosk.conn, clock, device_status.reader("ACS ACR122U 00 00"), "ok")
    # Sent on its own, before any round: the sale is still pending.
    heartbeat.send(kiosk.conn, kiosk.transport, clock, round_ok=False)
    beat = last_beat(district, "k1")
    assert beat is not None
    body = beat[1]
    created = kiosk.conn.execute("SELECT created_at FROM orders WHERE id = ?",
                                 (order,)).fetchone()[0]
    assert body["version"] == __version__
    assert body["last_sale_at"] == created
    assert body["pending"] == outbox.highest_seq(kiosk.conn) > 0
    assert body["last_round_ok"] is False
    usage = shutil.disk_usage(tmp_path)
    assert 0 < body["disk_free_bytes"] <= usage.total
    assert [(d["device"], d["kind"], d["status"], d["detail"]) for d in body["devices"]] == [
        ("printer", "printer", "fault", "paper out"),
        ("reader:ACS ACR122U 00 00", "reader", "ok", None)]

    # After a round (which the daemon follows with a heartbeat) nothing is pending.
    device_status.record(kiosk.conn, clock, device_status.PRINTER, "ok")
    assert kiosk.daemon.run_once() is not None
    after = last_beat(district, "k1")
    assert after is not None and after[1]["pending"] == 0 and after[1]["last_round_ok"]
    assert after[1]["devices"][0]["status"] == "ok"
    assert after[0] >= beat[0]
    kiosk.close()


@pytest.mark.expect_log(r"refused .*: bad signature")
def test_a_heartbeat_with_a_bad_signature_is_refused(district: LiveServer, tmp_path: Path,
                                                     clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    body = json.dumps(heartbeat.build(kiosk.conn, clock, round_ok=True)).encode()
    impostor = HttpTransport(district.url, "k1", Ed25519PrivateKey.generate())
    status, _ = impostor.request("POST", "/v1/heartbeat", body)
    assert status == 401
    # The right key, but the body changed after signing.
    headers = signing.signed_headers(kiosk.key, "k1", method="POST", path="/v1/heartbeat",
                                     body=body, timestamp=int(time.time()))
    forged = body.replace(b'"last_round_ok": true', b'"last_round_ok": false')
    assert forged != body
    answer = requests.post(district.url + "/v1/heartbeat", data=forged, timeout=30,
                           headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 401
    assert last_beat(district, "k1") is None
    with pytest.raises(SyncError):
        heartbeat.send(kiosk.conn, impostor, clock, round_ok=True)
    impostor.close()
    kiosk.close()


def test_a_kiosk_that_stops_sending_is_flagged_silent(
        district: LiveServer, tmp_path: Path, clock: ManualClock,
        capsys: pytest.CaptureFixture[str]) -> None:
    k1 = make_kiosk(tmp_path / "k1", "k1", district.store, district.url, clock)
    k2 = make_kiosk(tmp_path / "k2", "k2", district.store, district.url, clock)  # never sends
    device_status.record(k1.conn, clock, device_status.reader("camera /dev/video0"), "fault",
                         "not plugged in")
    assert k1.daemon.run_once() is not None        # a round, then its heartbeat
    beat = last_beat(district, "k1")
    assert beat is not None
    received = beat[0]

    fresh = {h.kiosk_id: h for h in assess(district.store, received + 60)}
    assert fresh["k1"].problems == ("reader",)
    assert fresh["k1"].reader == "fault" and fresh["k1"].printer == "unknown"
    assert fresh["k1"].version == __version__ and fresh["k1"].seconds_silent == 60
    assert fresh["k2"].problems == ("silent",) and fresh["k2"].last_heartbeat is None

    later = received + DEFAULT_SILENT_AFTER + 1   # the district's clock, moved on
    quiet = {h.kiosk_id: h for h in assess(district.store, later)}
    assert quiet["k1"].problems == ("silent", "reader")
    assert {h.kiosk_id for h in assess(district.store, later, silent_after=3600)
            if "silent" in h.problems} == {"k2"}

    # The operator's command, on the district's database, judged at that later moment.
    capsys.readouterr()
    code = cli.main([*district.store.cli_args(), "kiosks", "--json",
                     "--now", str(later)])
    listed = {r["kiosk_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert code == 1
    assert listed["k1"]["problems"] == ["silent", "reader"]
    assert listed["k1"]["pending"] == 0 and listed["k1"]["disk_free_mb"] > 0
    assert cli.main([*district.store.cli_args(), "kiosks", "--now",
                     str(received + 1)]) == 1        # k2 is silent, k1's reader is down
    table = capsys.readouterr().out.splitlines()
    assert table[0].startswith("kiosk_id,name,problems,last_heartbeat")
    assert any(line.startswith("k2,,silent,never") for line in table)
    k1.close()
    k2.close()


@pytest.mark.parametrize("fault", ["error500", "drop", "html"])
@pytest.mark.allow_log(r"heartbeat not sent")
def test_a_failing_heartbeat_never_breaks_the_round(fault: str, district: LiveServer,
                                                    proxy: FaultProxy, tmp_path: Path,
                                                    clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, proxy.url, clock)
    sell(kiosk)
    proxy.plan("pass", "pass", "pass", "pass", fault)   # probe, push, page, cursor, heartbeat
    result = kiosk.daemon.run_once()
    assert result is not None and result.pushed == outbox.highest_seq(kiosk.conn)
    status = sync_status.status(kiosk.conn)
    assert status["last_error"] is None and status["last_success_at"] is not None
    assert kiosk.daemon.backoff.failures == 0
    assert [p for _, _, p in proxy.seen][-1] == "/v1/heartbeat"
    if fault != "html":                   # "html" forwards, then garbles the answer
        assert last_beat(district, "k1") is None
    assert kiosk.daemon.run_once() is not None
    beat = last_beat(district, "k1")
    assert beat is not None and beat[1]["last_round_ok"] is True
    kiosk.close()


@pytest.mark.expect_log(r"sync round failed")
def test_a_failed_round_still_sends_its_heartbeat(district: LiveServer, proxy: FaultProxy,
                                                  tmp_path: Path, clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, proxy.url, clock)
    sell(kiosk)
    proxy.plan("pass", "error500")        # the push fails; the heartbeat passes
    assert kiosk.daemon.run_once() is None
    beat = last_beat(district, "k1")
    assert beat is not None
    assert beat[1]["last_round_ok"] is False
    assert beat[1]["pending"] == outbox.highest_seq(kiosk.conn) > 0
    kiosk.close()


def test_a_broken_heartbeat_build_is_only_logged(district: LiveServer, tmp_path: Path,
                                                 clock: ManualClock,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """Even a database error while building the heartbeat (here: its table is gone) leaves
    the round's result and status alone."""
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    kiosk.conn.execute("DROP TABLE device_status")
    assert kiosk.daemon.run_once() is not None
    assert sync_status.status(kiosk.conn)["last_error"] is None
    assert "heartbeat not sent" in caplog.text
    assert last_beat(district, "k1") is None
    kiosk.close()


@pytest.mark.expect_log(r"kiosk may sell again", r"kiosk stops selling")
def test_a_wrong_clock_and_a_kiosk_out_of_service_reach_the_district(
        district: LiveServer, tmp_path: Path, clock: ManualClock,
        capsys: pytest.CaptureFixture[str]) -> None:
    """What the kiosk says of itself (its clock is wrong, it stopped selling) is kept by the
    district and listed as needing a visit, in the kiosk's own words."""
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    sell(kiosk)
    clock.advance(hours=-3)                        # the RTC lost three hours after a sale
    service_stops.stop(kiosk.conn, service_stops.LEDGER_AUDIT, "orders row 7 has no lines",
                       to_db(clock.now()))
    heartbeat.send(kiosk.conn, kiosk.transport, clock, round_ok=True)
    beat = last_beat(district, "k1")
    assert beat is not None
    assert beat[1]["clock_ok"] is False and beat[1]["out_of_service"] == [
        "ledger_audit: orders row 7 has no lines"]
    health = {h.kiosk_id: h for h in assess(district.store, beat[0] + 1)}["k1"]
    assert health.problems == ("clock", "out_of_service")
    assert health.clock_problem is not None and "newest sale" in health.clock_problem
    assert health.out_of_service == ("ledger_audit: orders row 7 has no lines",)
    capsys.readouterr()
    assert cli.main([*district.store.cli_args(), "kiosks", "--now", str(beat[0] + 1)]) == 1
    row = capsys.readouterr().out.splitlines()[1]
    assert row.startswith("k1,,clock out_of_service,") and "orders row 7 has no lines" in row

    # Put right: the clock is set, the stop cleared; the next heartbeat says so.
    clock.advance(hours=3, minutes=1)
    service_stops.clear(kiosk.conn, service_stops.LEDGER_AUDIT)
    heartbeat.send(kiosk.conn, kiosk.transport, clock, round_ok=True)
    beat = last_beat(district, "k1")
    assert beat is not None
    assert {h.kiosk_id: h for h in assess(district.store, beat[0] + 1)}["k1"].problems == ()
    kiosk.close()


def test_a_heartbeat_from_a_kiosk_before_the_clock_checks_is_still_taken(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    """An older kiosk sends no clock or stop fields: nothing is guessed about them."""
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    old = heartbeat.build(kiosk.conn, clock, round_ok=True)
    for key in ("clock_ok", "clock_problem", "out_of_service"):
        del old[key]
    status, _ = kiosk.transport.request("POST", "/v1/heartbeat", json.dumps(old).encode())
    assert status == 200
    beat = last_beat(district, "k1")
    assert beat is not None
    assert {h.kiosk_id: h for h in assess(district.store, beat[0] + 1)}["k1"].problems == ()
    kiosk.close()
