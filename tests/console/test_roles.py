"""Each role against every other role's pages: every route of the console, opened and posted
to by every account, answers 403 to a role it does not admit; records outside a social
worker's communities answer 404 as if they did not exist; exports follow the same rules."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from district.console.tables import EXPORTS
from district.console.web import RULES
from tests.console.world import ACCOUNTS, Client, ConsoleServer

SAMPLES = {"volunteer_id": "V0001", "card_id": "04B7C8D9E0F1A2", "import_id": "none",
           "batch_id": "none", "item_id": "soap", "donor_id": "green-home",
           "account_id": "nobody", "sha256": "0" * 64, "name": "volunteers", "fmt": "csv"}


def _path(template: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLES[m.group(1)], template)


def test_every_route_refuses_the_roles_it_does_not_admit(
        console: ConsoleServer, signed_in: Callable[[str], Client]) -> None:
    clients = {name: signed_in(name) for name in ACCOUNTS}
    assert len(RULES) > 30
    for rule in RULES:
        if "/export/" in rule.path:      # each table's own roles: the next test
            continue
        path = _path(rule.path)
        for name, client in clients.items():
            role = ACCOUNTS[name][0]
            answer = client.get(path) if rule.method == "GET" else client.post(path, {})
            shown = f"{name} {rule.method} {path}: {answer.status_code}"
            if role in rule.roles:
                assert answer.status_code not in (401, 403) and answer.status_code < 500, shown
            else:
                assert answer.status_code == 403, shown
    anonymous = Client(console.url)
    for rule in RULES:
        answer = anonymous.get(_path(rule.path)) if rule.method == "GET" else \
            anonymous.post(_path(rule.path), {}, csrf=False)
        assert answer.status_code in (303, 401), f"anonymous {rule.method} {rule.path}"
        if answer.status_code == 303:
            assert answer.headers["location"] == "/console/login"


def test_every_export_refuses_the_roles_it_does_not_admit(
        signed_in: Callable[[str], Client]) -> None:
    clients = {name: signed_in(name) for name in ACCOUNTS}
    for export, source in EXPORTS.items():
        for name, client in clients.items():
            answer = client.get(f"/console/export/{export}.csv", params={"id": "V0001"})
            if ACCOUNTS[name][0] in source.roles:
                assert answer.status_code in (200, 404), (export, name, answer.status_code)
            else:
                assert answer.status_code == 403, (export, name)


def _csv(answer_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(answer_text.lstrip("\ufeff"))))


def test_a_social_worker_sees_only_their_communities(
        console: ConsoleServer, signed_in: Callable[[str], Client]) -> None:
    qintai = signed_in("sw-qintai")
    assert qintai.get("/console/volunteers/V0001").status_code == 200
    assert qintai.get("/console/volunteers/V0003").status_code == 404      # yuehu's
    found = qintai.get("/console/volunteers", params={"q": "V000"}).text
    assert "V0001" in found and "V0002" in found and "V0003" not in found
    rows = _csv(qintai.get("/console/export/volunteers.csv").content.decode("utf-8"))
    assert {r["志愿者编号"] for r in rows} == {"V0001", "V0002"}
    # V0003's card: refused as unknown, and left as it was.
    assert qintai.post("/console/cards/04C3D4E5F6A7B8/unblock").status_code == 404
    assert console.store.query("SELECT status FROM cards WHERE card_id = '04C3D4E5F6A7B8'"
                               )[0][0] == "blocked"
    kiosks = qintai.get("/console/kiosks").text
    assert "k-qintai" in kiosks and "k-yuehu" not in kiosks
    assert qintai.get("/console/export/volunteer_history.csv",
                      params={"id": "V0003"}).status_code == 404
    assert qintai.post("/console/credits/manual", {"volunteer_id": "V0003", "points": "10",
                                                   "reason": "not mine"}).status_code == 404
    yuehu = signed_in("sw-yuehu")
    assert yuehu.get("/console/donors/green-home").status_code == 404    # qintai's donor
    assert yuehu.get("/console/donors/hanyang-mart").status_code == 200  # district-wide


def test_a_partner_sees_only_its_own_report(signed_in: Callable[[str], Client]) -> None:
    green = signed_in("green")
    assert green.get("/console/partner").status_code == 200
    assert green.get("/console/donors/hanyang-mart").status_code == 403
    answer = green.get("/console/export/donor_report.csv", params={"id": "hanyang-mart"})
    assert answer.status_code == 200
    assert "id=green-home" in green.get("/console/partner").text   # its own, whatever asked
