"""Protocol v1 at the wire: idempotent pushes, loud refusals, signed requests, a safe cursor."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text

from district.feed import mark_changed
from kiosk.sync.client import HttpTransport
from points_protocol import signing
from tests.live_district import LiveServer

CARDS = {"V0001": "04A1B2C3D4E5F6", "V0002": "04B7C8D9E0F1A2", "V0003": "04C3D4E5F6A7B8"}


def sale(order_id: str, *, volunteer: str = "V0001", amount: int = 30, kiosk: str = "k1",
         transfer_id: str | None = None) -> dict[str, Any]:
    """A one-line sale of soap at ``amount`` points, with the volunteer's own demo card."""
    return {"order_id": order_id, "kind": "sale", "voids_order_id": None,
            "card_id": CARDS.get(volunteer, "04000000000000"),
            "volunteer_id": volunteer, "created_at": "2026-11-30T02:00:00+00:00",
            "total": amount, "offline": True, "reason": None,
            "lines": [{"item_id": "soap", "quantity": 1, "unit_price": amount,
                       "amount": amount}],
            "transfers": [{"id": transfer_id or f"t-{order_id}", "from": f"volunteer:{volunteer}",
                           "to": f"sales:{kiosk}", "amount": amount}],
            "stock": [{"item_id": "soap", "delta": -1}]}


def push(transport: HttpTransport, *entries: tuple[int, str, dict[str, Any]],
         kiosk: str = "k1", key: str = "") -> tuple[int, Any]:
    body = {"idempotency_key": key or f"batch-{time.monotonic_ns()}",
            "entries": [{"seq": seq, "entry_id": eid, "kind": payload["kind"], "kiosk_id": kiosk,
                         "payload": payload} for seq, eid, payload in entries]}
    status, answer = transport.request("POST", "/v1/push", json.dumps(body).encode())
    return status, json.loads(answer)


def balance(district: LiveServer, volunteer: str = "V0001") -> int:
    return int({r["volunteer_id"]: r["balance"]
                for r in district.store.report("balances")}[volunteer])


def test_a_sale_pushed_twice_is_applied_once(district: LiveServer,
                                             key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    status, first = push(t, (1, "o1", sale("o1")))
    assert status == 200 and first["results"][0]["status"] == "applied"
    status, again = push(t, (1, "o1", sale("o1")))
    assert status == 200 and again["results"][0]["status"] == "duplicate"
    assert again["applied_seq"] == 1
    assert balance(district) == 800 - 30


@pytest.mark.expect_log(r"already used with different content")
def test_reused_id_with_other_content_is_refused_loudly(district: LiveServer,
                                                        key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    push(t, (1, "o1", sale("o1")))
    _, answer = push(t, (1, "o1", sale("o1", amount=60)))
    result = answer["results"][0]
    assert result["status"] == "rejected" and "different content" in result["reason"]
    assert balance(district) == 800 - 30                       # never applied (I8)
    kinds = [c["kind"] for c in district.store.report("conflicts")]
    assert "reused_id" in kinds


@pytest.mark.expect_log(r"rejected: entry claims kiosk", r"rejected: transfer t-o\w+ ")
def test_entries_claiming_another_kiosk_are_refused(district: LiveServer,
                                                    key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    _, answer = push(t, (1, "o1", sale("o1", kiosk="k2")), kiosk="k2")
    assert answer["results"][0]["status"] == "rejected"
    assert "k2" in answer["results"][0]["reason"]
    _, answer = push(t, (2, "o2", sale("o2", kiosk="k2")))   # right envelope, wrong account
    assert answer["results"][0]["status"] == "rejected"
    assert "another kiosk" in answer["results"][0]["reason"]
    assert balance(district) == 800
    assert district.store.verify() == []


def test_a_gap_is_not_processed(district: LiveServer, key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    _, answer = push(t, (2, "o2", sale("o2")), (3, "o3", sale("o3")))
    assert [r["status"] for r in answer["results"]] == ["not_processed", "not_processed"]
    assert balance(district) == 800


@pytest.mark.expect_log(r"rejected: transfer id same already applied")
def test_transfer_id_reused_across_orders_is_refused(district: LiveServer,
                                                     key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    push(t, (1, "o1", sale("o1", transfer_id="same")))
    _, answer = push(t, (2, "o2", sale("o2", transfer_id="same")))
    assert answer["results"][0]["status"] == "rejected"
    assert balance(district) == 800 - 30
    assert district.store.verify() == []


def signed_get(district: LiveServer, key: Ed25519PrivateKey, *, stamp: int | None = None,
               nonce: str | None = None, kiosk: str = "k1",
               tamper: bool = False) -> requests.Response:
    path = "/v1/changes?after=0&limit=10"
    stamp = int(time.time()) if stamp is None else stamp
    nonce = nonce or signing.new_nonce()
    message = signing.canonical("GET", path.replace("10", "11") if tamper else path, stamp,
                                nonce, b"")
    headers = {signing.HEADER_KIOSK: kiosk, signing.HEADER_TIME: str(stamp),
               signing.HEADER_NONCE: nonce, signing.HEADER_SIGNATURE: signing.sign(key, message)}
    return requests.get(district.url + path, headers=headers, timeout=30)


@pytest.mark.expect_log(
    r"refused .*: bad signature", r"refused .*: request time too far from the district's clock",
    r"refused .*: unknown kiosk")
@pytest.mark.allow_log(r"refused .*: replayed nonce")
def test_requests_must_be_signed_fresh_and_unique(district: LiveServer,
                                                  key: Ed25519PrivateKey) -> None:
    assert signed_get(district, key).status_code == 200
    assert signed_get(district, key, tamper=True).status_code == 401
    assert signed_get(district, Ed25519PrivateKey.generate()).status_code == 401
    assert signed_get(district, key, kiosk="nobody").status_code == 401
    assert signed_get(district, key, stamp=int(time.time()) - 3600).status_code == 401
    nonce = signing.new_nonce()
    assert signed_get(district, key, nonce=nonce).status_code == 200
    replay = signed_get(district, key, nonce=nonce)
    assert replay.status_code == 401 and "replayed" in replay.text
    assert requests.get(district.url + "/v1/changes", timeout=30).status_code == 401


def test_cursor_never_passes_an_uncommitted_change(district: LiveServer,
                                                   key: Ed25519PrivateKey) -> None:
    """A change whose transaction is still open is not served, and neither is one made after
    it (which on PostgreSQL waits for the first to commit), so the cursor cannot skip it."""
    t = HttpTransport(district.url, "k1", key)
    _, page = t.request("GET", "/v1/changes?after=0&limit=20000", None)
    cursor = json.loads(page)["cursor"]
    db = district.store.db
    later = threading.Thread(target=district.store.set_card_status,
                             args=("04B7C8D9E0F1A2", "blocked"))
    with db.write() as writer:               # this thread's transaction, not the server's
        writer.execute(text("UPDATE cards SET status = 'blocked' "
                            "WHERE card_id = '04A1B2C3D4E5F6'"))
        mark_changed(writer, [("card", "04A1B2C3D4E5F6")])
        later.start()
        time.sleep(0.3)                      # give the second writer time to queue
        _, during = t.request("GET", f"/v1/changes?after={cursor}&limit=100", None)
        assert json.loads(during)["cursor"] == cursor and json.loads(during)["cards"] == []
    later.join(timeout=30)
    _, after = t.request("GET", f"/v1/changes?after={cursor}&limit=100", None)
    data = json.loads(after)
    assert data["cursor"] > cursor
    assert [c[0] for c in data["cards"]] == ["04A1B2C3D4E5F6", "04B7C8D9E0F1A2"]
    assert {c[3] for c in data["cards"]} == {"blocked"}
