"""Families in need on both engines, with a real kiosk and a real district on 127.0.0.1:
volunteers donate at the kiosk, a social worker registers a family (masked, under a community,
with who approved it) and allocates it points from the pool (never more than it holds, with a
reason, audited, exactly one of two racing allocations when the pool holds one); the family
spends at the kiosk and its paper says family, never volunteer, and names no donor; the
reports count donated, allocated and spent, and name no family outside its community's social
workers."""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import requests

from district.console import audit
from district.families import service
from kiosk import demo
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.receipt_text import receipt_lines
from kiosk.core.voucher_text import voucher_slip
from tests.conftest import ManualClock
from tests.console.world import Client, ConsoleServer
from tests.live_district import make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # 张小华, 800 points, qintai
FAMILY_CARD = "04FA0000000001"


def register(signed_in: Callable[[str], Client], family_id: str = "F0001",
             community: str = "qintai") -> requests.Response:
    return signed_in("sw-qintai").post("/console/families", {
        "family_id": family_id, "household": "王小明", "members": "3", "community": community,
        "reason": "低保户，社区走访核实"})


def test_a_family_is_registered_given_points_and_spends_them(
        console: ConsoleServer, signed_in: Callable[[str], Client], tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    kiosk = make_kiosk(tmp_path, "k-1", console.store, console.url, clock)
    kiosk.daemon.run_once()
    for _ in range(3):   # volunteers donate 100 points into the pool
        kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("donate-10", 10)])
    kiosk.daemon.run_once()

    assert register(signed_in).status_code == 303
    assert register(signed_in, "F0001").status_code == 422          # the number is taken
    social = signed_in("sw-qintai")
    page = social.get("/console/families").text
    assert "F0001" in page and "王*明家" in page and "王小明" not in page
    assert "300" in page                                              # the pool
    for other in ("sw-yuehu", "admin"):                               # not named to them
        seen = signed_in(other).get("/console/families").text
        assert "F0001" not in seen and "王*明家" not in seen
    refused = social.post("/console/families/allocate",
                          {"family_id": "F0001", "points": "301", "reason": "冬季补助"})
    assert refused.status_code == 422 and "300" in refused.text
    assert signed_in("sw-yuehu").post("/console/families/allocate", {
        "family_id": "F0001", "points": "10", "reason": "x"}).status_code == 422
    assert social.post("/console/families/allocate", {
        "family_id": "F0001", "points": "120", "reason": "冬季补助"}).status_code == 303
    with console.store.db.read() as conn:
        assert service.pool_balance(conn) == 180
        actions = [(a["action"], a["subject"]) for a in audit.recent(conn)]
    assert ("family.allocate", "F0001") in actions and ("family.register", "F0001") in actions

    # The family's card, issued like a volunteer's; it spends at the kiosk.
    console.store.upsert_card(FAMILY_CARD, "F0001", "nfc")
    kiosk.daemon.run_once()
    family = PresentedCard(FAMILY_CARD)
    receipt = kiosk.services.checkout.checkout(uuid7(), family, [CartLine("soap", 1),
                                                                 CartLine("breakfast", 1)])
    assert receipt.family and receipt.balance_after == 120 - 30 - 40
    paper = "\n".join(receipt_lines(receipt)) + "\n".join(
        voucher_slip(receipt, receipt.vouchers[0]).above)
    assert "受助家庭" in paper and "志愿者" not in paper
    people = tomllib.loads(demo.DEMO_PEOPLE.read_text("utf-8"))
    assert not any(d["name"] in paper for d in people["donor"])
    kiosk.daemon.run_once()

    report = signed_in("admin").get("/console/families").text
    month = datetime.now(UTC).strftime("%Y-%m")
    assert month in report and "F0001" not in report and "王*明家" not in report
    assert "香皂" in report and "合作早餐店早餐" in report
    months = signed_in("admin").get("/console/export/family_months.csv").text
    assert f"{month},300,120,70" in months.replace("\r", "")
    kiosk.close()


def test_two_racing_allocations_never_give_out_more_than_the_pool(
        console: ConsoleServer, signed_in: Callable[[str], Client], tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC))
    kiosk = make_kiosk(tmp_path, "k-1", console.store, console.url, clock)
    kiosk.daemon.run_once()
    kiosk.services.checkout.checkout(uuid7(), ZHANG, [CartLine("donate-10", 10)])
    kiosk.daemon.run_once()
    assert register(signed_in).status_code == 303
    assert register(signed_in, "F0002").status_code == 303
    workers = [signed_in("sw-qintai"), signed_in("sw-qintai")]
    gate = threading.Barrier(2)
    codes: list[int] = []

    def give(n: int) -> None:
        gate.wait()
        codes.append(workers[n].post("/console/families/allocate", {
            "family_id": f"F000{n + 1}", "points": "60", "reason": "补助"}).status_code)

    threads = [threading.Thread(target=give, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [303, 422]
    with console.store.db.read() as conn:
        assert service.pool_balance(conn) == 40
    assert console.store.verify() == []
    kiosk.close()
