"""A district (or whatever answers in its place) that misbehaves: the kiosk follows no
redirect, gives every request and every round a deadline, and changes nothing on a refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from district.store import Store
from kiosk.core import sync_status
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.live_district import Kiosk, make_kiosk
from tests.sync.hostile_district import (
    Asked,
    HostileDistrict,
    Reply,
    accept_everything,
    after_of,
    page,
)

ZHANG = PresentedCard("04A1B2C3D4E5F6")


@pytest.fixture
def other_host() -> Iterator[HostileDistrict]:
    """Not the district, but happy to take whatever is sent to it."""
    host = HostileDistrict(accept_everything)
    yield host
    host.stop()


def kiosk_for(url: str, tmp_path: Path, clock: ManualClock, **sync: int) -> Kiosk:
    return make_kiosk(tmp_path, "k1", Store(tmp_path / "unused.sqlite"), url, clock, **sync)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("where", ["/v1/push", "/v1/changes"])
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
    acked = 0 if where == "/v1/push" else sync_status.highest_seq(kiosk.conn)
    assert kiosk.daemon.run_once() is None
    assert other_host.asked == [], "a redirect was followed"
    assert sync_status.acked_seq(kiosk.conn) == acked
    status_row = sync_status.status(kiosk.conn)
    assert "redirect" in status_row["last_error"] and status_row["last_success_at"] is None
    assert status_row["pull_cursor"] == 0
    front.stop()
    kiosk.close()


@pytest.mark.parametrize("part", ["headers", "body"])
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
