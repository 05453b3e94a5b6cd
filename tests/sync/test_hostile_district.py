"""A district (or whatever answers in its place) that misbehaves: the kiosk follows no
redirect, gives every request and every round a deadline, and changes nothing on a refusal."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from district.store import Store
from kiosk.core import cards, ledger, operators, outbox, sync_status
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk
from tests.sync.hostile_district import (
    Asked,
    HostileDistrict,
    Reply,
    accept_everything,
    after_of,
    forward,
    page,
)

ZHANG = PresentedCard("04A1B2C3D4E5F6")
SOAP = {"id": "soap", "name_zh": "香皂", "name_en": "Soap", "category": "daily_life",
        "kind": "goods", "price": 30}


@pytest.fixture
def other_host() -> Iterator[HostileDistrict]:
    """Not the district, but happy to take whatever is sent to it."""
    host = HostileDistrict(accept_everything)
    yield host
    host.stop()


def kiosk_for(url: str, tmp_path: Path, clock: ManualClock, **sync: int) -> Kiosk:
    return make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), url, clock, qr=None,
                      **sync)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("where", ["/v1/push", "/v1/changes"])
@pytest.mark.expect_log(r"sync round failed")
def test_a_redirect_is_a_failed_round_never_followed(
        status: int, where: str, other_host: HostileDistrict, tmp_path: Path,
        clock: ManualClock) -> None:
    """Following it would send the signed request (and re-post the sales) to another host,
    and the kiosk would acknowledge its outbox on that host's word."""
    def district(asked: Asked) -> Reply:
        if asked.path.startswith(where):
            return Reply(status=status, headers={"Location": other_host.url + asked.path})
        return accept_everything(asked)

    front = HostileDistrict(district)
    kiosk = kiosk_for(front.url, tmp_path, clock)
    kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    acked = 0 if where == "/v1/push" else outbox.highest_seq(kiosk.conn)
    assert kiosk.daemon.run_once() is None
    assert other_host.asked == [], "a redirect was followed"
    assert sync_status.acked_seq(kiosk.conn) == acked
    status_row = sync_status.status(kiosk.conn)
    assert "redirect" in status_row["last_error"] and status_row["last_success_at"] is None
    assert status_row["pull_cursor"] == 0
    front.stop()
    kiosk.close()


@pytest.mark.parametrize("part", ["headers", "body"])
@pytest.mark.allow_log(r"Failed to parse headers", r"sync round failed")
def test_a_trickling_answer_cannot_hold_a_request(part: str, tmp_path: Path,
                                                 clock: ManualClock) -> None:
    """A byte every 20 ms never trips the 30 s read timeout; the whole answer would take
    several seconds, the request's deadline is one."""
    body = page(cursor=7, volunteers=[["V0001", "张*华", "active"]] * 20)

    def district(asked: Asked) -> Reply:
        if asked.path.startswith("/v1/changes"):
            return Reply(body=body, drip_seconds=0.02, drip_headers=part == "headers")
        return accept_everything(asked)

    slow = HostileDistrict(district)
    kiosk = kiosk_for(slow.url, tmp_path, clock, request_deadline_seconds=1)
    assert kiosk.daemon.run_once() is None
    status_row = sync_status.status(kiosk.conn)
    assert "deadline" in status_row["last_error"]
    assert status_row["pull_cursor"] == 0
    slow.stop()
    kiosk.close()


# The fake district remembers nothing it was sent: its high-water is 0 on every round.
@pytest.mark.allow_log(r"holds this kiosk.s entries only up to sequence 0 .*: sending \d+ entries")
@pytest.mark.expect_log(r"sync round failed")
def test_a_round_has_a_deadline_and_keeps_what_it_applied(tmp_path: Path,
                                                         clock: ManualClock) -> None:
    """Every page comes quickly enough on its own, but the district says "more" for 200
    pages: the round stops at its deadline, keeps the pages it applied, and the next round
    goes on from there."""
    def district(asked: Asked) -> Reply:
        if asked.path.startswith("/v1/changes"):
            after = after_of(asked)
            return Reply(body=page(cursor=after + 1, more=after + 1 < 200), delay_seconds=0.1)
        return accept_everything(asked)

    endless = HostileDistrict(district)
    kiosk = kiosk_for(endless.url, tmp_path, clock, round_deadline_seconds=1)
    assert kiosk.daemon.run_once() is None
    status_row = sync_status.status(kiosk.conn)
    assert "round's deadline" in status_row["last_error"]
    first = status_row["pull_cursor"]
    assert 0 < first < 200
    assert kiosk.daemon.run_once() is None
    assert sync_status.status(kiosk.conn)["pull_cursor"] > first
    endless.stop()
    kiosk.close()


def test_a_cursor_past_the_end_of_the_feed_is_caught_and_the_feed_pulled_again(
        district: LiveServer, tmp_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    """Once accepted, a cursor past the district's last change made every later round pull
    nothing and exit 0 while balances drifted. Now the round that took it fails loudly, the
    next one pulls everything again, and a later credit reaches the kiosk."""
    lie = {"on": True}

    def in_front(asked: Asked) -> Reply:   # one bad answer, then the truth
        reply = forward(asked, district.port)
        if lie["on"] and asked.path.startswith("/v1/changes") and b'"more":false' in reply.body:
            lie["on"] = False
            data = json.loads(reply.body)
            data["cursor"] += 1_000_000     # well inside any range check
            reply = Reply(body=json.dumps(data).encode())
        return reply

    front = HostileDistrict(in_front)
    kiosk = make_kiosk(tmp_path, "k1", district.store, front.url, clock)
    assert kiosk.daemon.run_once() is None
    assert "past the end of its feed" in sync_status.status(kiosk.conn)["last_error"]
    assert any(r.levelno == logging.ERROR and "past the end" in r.getMessage()
               for r in caplog.records)
    assert sync_status.pull_cursor(kiosk.conn) == 0
    assert kiosk.daemon.run_once() is not None
    district.store.credit("late-credit", "V0002", 77)
    assert kiosk.daemon.run_once() is not None
    assert ledger.balance(kiosk.conn, "V0002") == 120 + 77
    front.stop()
    kiosk.close()


BAD_PAGES = {
    "cursor 2**63-1": page(cursor=2**63 - 1),
    "balance 10**13": page(volunteers=[["V0001", "张*华", "active"]],
                           balances=[["V0001", 10**13, 0]]),
    "balance -10**13": page(balances=[["V0001", -10**13, 0]]),
    "kiosk seq 2**60": page(balances=[["V0001", 5, 2**60]]),
    "generation 2**40": page(cards=[["c9", "V0001", "nfc", "active", 2**40, False]]),
    "price 2**63": page(items=[{**SOAP, "price": 2**63}]),
    "price -1": page(items=[{**SOAP, "price": -1}]),
    "limit_count 0": page(items=[{**SOAP, "limit_count": 0, "limit_period": "day"}]),
    "limit_points 10**13": page(items=[{**SOAP, "limit_points": 10**13,
                                        "limit_period": "day"}]),
    "threshold 10**9": page(items=[{**SOAP, "low_stock_threshold": 10**9}]),
    "image /etc/shadow": page(items=[{**SOAP, "image": "/etc/shadow"}]),
    "image ../": page(items=[{**SOAP, "image": "demo/../../../etc/shadow"}]),
    "image drive": page(items=[{**SOAP, "image": "C:\\Windows\\win.ini"}]),
    "image home": page(items=[{**SOAP, "image": "~/.ssh/id_ed25519"}]),
    "as_of nonsense": page(as_of="yesterday"),
    "as_of without zone": page(as_of="2026-11-30T02:00:00"),
    "JSON 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("answer", list(BAD_PAGES.values()), ids=list(BAD_PAGES))
def test_a_number_or_name_out_of_range_refuses_the_page(
        answer: bytes, tmp_path: Path, clock: ManualClock,
        caplog: pytest.LogCaptureFixture) -> None:
    def district(asked: Asked) -> Reply:
        if asked.path.startswith("/v1/changes"):
            return Reply(body=answer)
        return accept_everything(asked)

    bad = HostileDistrict(district)
    kiosk = kiosk_for(bad.url, tmp_path, clock)
    tables = ("volunteers", "cards", "balance_snapshots", "items", "item_prices",
              "district_settings")
    before = {t: kiosk.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
              for t in tables}
    assert kiosk.daemon.run_once() is None
    assert {t: kiosk.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in tables} == before
    assert sync_status.pull_cursor(kiosk.conn) == 0
    assert not [r for r in caplog.records if r.exc_info], "logged as an unexpected crash"
    assert any(r.levelno == logging.ERROR and r.name == "kiosk.sync" for r in caplog.records)
    bad.stop()
    kiosk.close()


@pytest.mark.parametrize("applied", [2**63, -1, "12", None])
@pytest.mark.expect_log(r"sync round failed")
def test_a_push_answer_out_of_range_acknowledges_nothing(
        applied: object, tmp_path: Path, clock: ManualClock) -> None:
    def district(asked: Asked) -> Reply:
        reply = accept_everything(asked)
        if asked.path.startswith("/v1/push"):
            data = json.loads(reply.body)
            data["applied_seq"] = applied
            reply = Reply(body=json.dumps(data).encode())
        return reply

    bad = HostileDistrict(district)
    kiosk = kiosk_for(bad.url, tmp_path, clock)
    assert kiosk.daemon.run_once() is None
    assert sync_status.acked_seq(kiosk.conn) == 0
    assert "applied_seq" in sync_status.status(kiosk.conn)["last_error"]
    bad.stop()
    kiosk.close()


def test_a_card_the_district_calls_operator_opens_nothing(tmp_path: Path, clock: ManualClock
                                                          ) -> None:
    """A card for a volunteer nobody knows, flagged as an operator's: it is stored (the
    district may know better about cards), but only this kiosk's own list opens the
    operator screens."""
    def district(asked: Asked) -> Reply:
        if asked.path.startswith("/v1/changes"):
            return Reply(body=page(cards=[["04EE11223344AA", "NOBODY", "nfc", "active", 1, True]]))
        return accept_everything(asked)

    posing = HostileDistrict(district)
    kiosk = kiosk_for(posing.url, tmp_path, clock)
    assert kiosk.daemon.run_once() is not None
    holder = cards.look_up(kiosk.conn, PresentedCard("04EE11223344AA"))
    assert not holder.is_operator
    with pytest.raises(operators.NotAnOperatorCard):
        operators.sign_in_with_card(kiosk.conn, clock, PresentedCard("04EE11223344AA"))
    posing.stop()
    kiosk.close()


# The fake district remembers nothing it was sent: its high-water is 0 on every round.
@pytest.mark.allow_log(r"holds this kiosk.s entries only up to sequence 0 .*: sending \d+ entries")
def test_the_districts_clock_says_when_ours_is_wrong(tmp_path: Path, clock: ManualClock) -> None:
    """The kiosk reads the district's HTTP Date on every answer: an hour apart, it sells as
    if offline (the caps apply) and its heartbeat says the clock is wrong; once they agree
    again, it is online."""
    offset = {"seconds": 3600.0}

    def district(asked: Asked) -> Reply:
        reply = accept_everything(asked)
        reply.headers["Date"] = formatdate(time.time() + offset["seconds"], usegmt=True)
        return reply

    ahead = HostileDistrict(district)
    kiosk = kiosk_for(ahead.url, tmp_path, clock)
    assert kiosk.daemon.run_once() is not None
    reading = sync_status.clock_reading(kiosk.conn)
    assert reading is not None and abs(reading.skew_seconds - 3600) < 5
    beat = json.loads([a for a in ahead.asked if a.path == "/v1/heartbeat"][-1].body)
    assert beat["clock_ok"] is False and "off the district's" in beat["clock_problem"]
    assert kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)]).offline
    offset["seconds"] = 0.0
    assert kiosk.daemon.run_once() is not None
    beat = json.loads([a for a in ahead.asked if a.path == "/v1/heartbeat"][-1].body)
    assert beat["clock_ok"] is True and beat["clock_problem"] is None
    assert not kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)]).offline
    ahead.stop()
    kiosk.close()
