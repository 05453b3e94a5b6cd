"""The inputs that once made the district answer 500 (and wedged a kiosk for good), through
the real signed HTTP API on both engines: each is refused on its own, a retry gets the same
answer, and the entries after it are applied."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.admin import AdminRefused, Credit
from district.store import Store
from kiosk.sync.client import HttpTransport
from points_protocol import signing
from tests.district.test_protocol import push, sale
from tests.live_district import LiveServer

AT = "2026-11-30T02:00:00+00:00"


@pytest.mark.expect_log(
    r"rejected: audit_id must be a whole number",
    r"rejected: restock quantity must be a whole number",
    r"rejected: unknown card action")
def test_entries_that_once_answered_500_are_refused_alone(district: LiveServer,
                                                          key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    bad: list[tuple[int, str, dict[str, Any]]] = [
        (1, "c1", {"kind": "card", "card_id": "04A1B2C3D4E5F6", "action": ["block"], "at": AT}),
        (2, "r1", {"kind": "restock", "lines": [{"item_id": "soap", "quantity": 2**63}]}),
        (3, "a1", {"kind": "audit", "audit_id": 2**63, "at": AT, "operator_id": "S0001",
                   "action": "block", "subject": None, "before": None, "after": None}),
        (4, "o4", sale("o4")),
    ]
    body = {"idempotency_key": "batch-0000001", "entries": [
        {"seq": seq, "entry_id": eid, "kind": p["kind"], "kiosk_id": "k1", "payload": p}
        for seq, eid, p in bad]}
    for attempt in range(2):                      # a retry after a lost reply: the same answer
        status, answer = t.request("POST", "/v1/push", json.dumps(body).encode())
        assert status == 200, answer
        results = json.loads(answer)["results"]
        expected = ["rejected"] * 3 + (["applied"] if attempt == 0 else ["duplicate"])
        assert [r["status"] for r in results] == expected
    assert district.store.applied_seq("k1") == 4
    status, later = push(t, (5, "o5", sale("o5")))
    assert status == 200 and later["results"][0]["status"] == "applied"   # not wedged
    t.close()


def test_a_cursor_beyond_any_database_integer_is_a_422(district: LiveServer,
                                                       key: Ed25519PrivateKey) -> None:
    for after in (2**63, 2**53, -1, "x"):
        path = f"/v1/changes?after={after}"
        headers = signing.signed_headers(key, "k1", method="GET", path=path, body=b"",
                                         timestamp=int(time.time()))
        answer = requests.get(district.url + path, headers=headers, timeout=30)
        assert answer.status_code == 422, (after, answer.text)


def test_an_idempotency_key_belongs_to_one_batch(district: LiveServer,
                                                 key: Ed25519PrivateKey) -> None:
    t = HttpTransport(district.url, "k1", key)
    status, _ = push(t, (1, "o1", sale("o1")), key="same-key-123")
    assert status == 200
    status, answer = push(t, (2, "o2", sale("o2")), key="same-key-123")
    assert status == 409 and "idempotency key" in answer["detail"]
    assert district.store.applied_seq("k1") == 1              # nothing of the second batch
    assert "o2" not in {r[0] for r in district.store.query("SELECT order_id FROM orders")}
    t.close()


def test_credits_are_keyed_by_record_with_corrections_as_new_records(store: Store) -> None:
    store.upsert_volunteers([("V1", "张*", "active")])
    for hours, points in ((-2.0, 20), (0.0, 10), (1.0, 0), (1.0, 2**62)):
        try:
            store.credit_many([Credit("r1", "V1", hours, points)])
            raise AssertionError(f"{hours} h, {points} points was credited")
        except AdminRefused as exc:
            assert "r1" in str(exc)
    assert store.query("SELECT COUNT(*) FROM service_records")[0][0] == 0   # r1 not burnt
    assert store.credit_many([Credit("r1", "V1", 2.0, 20)]) == 1
    assert store.credit_many([Credit("r1", "V1", 2.0, 20)]) == 0           # once per record
    try:
        store.credit_many([Credit("r1", "V1", 3.0, 30)])                 # an edit: refused
        raise AssertionError("a record was credited twice with other content")
    except AdminRefused as exc:
        assert "correction" in str(exc)
    assert store.credit_many([Credit("r1-fix", "V1", 3.0, 30, corrects="r1")]) == 1
    assert store.report("balances")[0]["balance"] == 30                   # 20 reversed, 30 in
    try:
        store.credit_many([Credit("r1-fix2", "V1", 1.0, 10, corrects="r1")])
        raise AssertionError("a record was corrected twice")
    except AdminRefused as exc:
        assert "already corrected" in str(exc)
    try:
        store.credit_many([Credit("r9", "V404", 1.0, 10)])
        raise AssertionError("an unknown volunteer was credited")
    except AdminRefused as exc:
        assert "unknown volunteer" in str(exc)
    assert store.verify() == []


def test_a_card_for_an_unknown_volunteer_is_refused(store: Store) -> None:
    try:
        store.upsert_card("04A1B2C3D4E5F6", "V404", "nfc")
        raise AssertionError("a card was issued to nobody")
    except AdminRefused as exc:
        assert "unknown volunteer" in str(exc)
    assert store.query("SELECT COUNT(*) FROM cards")[0][0] == 0
