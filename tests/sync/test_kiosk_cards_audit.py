"""Card blocks, unblocks, registrations and audit rows made at a kiosk reach the district, and
through its change feed the other kiosks: real kiosks and the real district on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from district.cli import cmd_report
from kiosk.core import audit, cards, sync_status
from kiosk.core.errors import CardBlocked, CardUnknown
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.sync.client import HttpTransport
from tests.conftest import ManualClock
from tests.live_district import LiveServer, make_kiosk

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # V0001, 800 points in the demo district
OP = "V0005"


def card_status(district: LiveServer, card_id: str) -> str | None:
    rows = district.store.query("SELECT status FROM cards WHERE card_id = :c", c=card_id)
    return str(rows[0][0]) if rows else None


def push_raw(transport: HttpTransport, kiosk: str,
             *entries: tuple[int, str, str, dict[str, Any]]) -> list[dict[str, Any]]:
    body = {"idempotency_key": f"batch-{uuid7()}",
            "entries": [{"seq": seq, "entry_id": eid, "kind": kind, "kiosk_id": kiosk,
                         "payload": payload} for seq, eid, kind, payload in entries]}
    status, answer = transport.request("POST", "/v1/push", json.dumps(body).encode())
    assert status == 200, answer
    results: list[dict[str, Any]] = json.loads(answer)["results"]
    return results


def test_a_card_blocked_at_one_kiosk_is_blocked_at_the_other(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", district.store, district.url, clock)
    b = make_kiosk(tmp_path, "k-b", district.store, district.url, clock)
    assert a.daemon.run_once() is not None and b.daemon.run_once() is not None
    audit.set_card_status(a.conn, clock, OP, ZHANG.card_id, "blocked")
    assert a.daemon.run_once() is not None
    status = sync_status.status(a.conn)
    assert status["pending"] == 0 and status["rejected"] == 0
    assert card_status(district, ZHANG.card_id) == "blocked"
    assert b.daemon.run_once() is not None
    with pytest.raises(CardBlocked):
        b.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)])
    # Unblocked at the same kiosk: usable again everywhere after the next rounds.
    audit.set_card_status(a.conn, clock, OP, ZHANG.card_id, "active")
    assert a.daemon.run_once() is not None and b.daemon.run_once() is not None
    assert card_status(district, ZHANG.card_id) == "active"
    assert not b.services.checkout.checkout(uuid7(), ZHANG, [CartLine("soap", 1)]).offline
    a.close()
    b.close()


def test_a_card_registered_at_a_kiosk_is_recorded_and_usable_elsewhere(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", district.store, district.url, clock)
    b = make_kiosk(tmp_path, "k-b", district.store, district.url, clock)
    assert a.daemon.run_once() is not None and b.daemon.run_once() is not None
    new_card = "04FFEE00112233"
    assert audit.register_card(a.conn, clock, OP, new_card, "V0001")
    assert a.daemon.run_once() is not None
    (row,) = district.store.query(
        "SELECT volunteer_id, kind, status FROM cards WHERE card_id = :c", c=new_card)
    assert tuple(row) == ("V0001", "nfc", "active")
    events = district.store.query(
        "SELECT kiosk_id, action FROM card_events WHERE card_id = :c", c=new_card)
    assert [tuple(e) for e in events] == [("k-a", "register")]
    with pytest.raises(CardUnknown):
        cards.look_up(b.conn, PresentedCard(new_card))
    assert b.daemon.run_once() is not None
    assert cards.look_up(b.conn, PresentedCard(new_card)).volunteer_id == "V0001"
    a.close()
    b.close()


def test_audit_rows_are_stored_per_kiosk(district: LiveServer, tmp_path: Path,
                                         clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", district.store, district.url, clock)
    b = make_kiosk(tmp_path, "k-b", district.store, district.url, clock)
    audit.set_card_status(a.conn, clock, OP, ZHANG.card_id, "blocked")
    audit.set_card_status(a.conn, clock, OP, ZHANG.card_id, "active")
    audit.record_count(b.conn, clock, OP, {"soap": 3}, "monthly count")
    assert a.daemon.run_once() is not None and b.daemon.run_once() is not None
    for kiosk, name in ((a, "k-a"), (b, "k-b")):
        local = [(e.id, e.at, e.operator_id, e.action, e.subject, e.before, e.after)
                 for e in audit.entries(kiosk.conn)]
        stored = [(r["audit_id"], r["at"], r["operator_id"], r["action"], r["subject"],
                   r["before"], r["after"]) for r in district.store.audit_log(name)]
        assert stored == local and local      # ids restart per kiosk: both keep their own
    assert [r["action"] for r in district.store.audit_log("k-a")] == ["block", "unblock"]
    a.close()
    b.close()


@pytest.mark.expect_log(
    r"already used with different content", r"rejected: audit row", r"rejected: card",
    r"rejected: entry claims kiosk")
def test_card_and_audit_entries_duplicate_conflict_and_foreign_kiosk(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    k1 = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    t = HttpTransport(district.url, "k1", k1.key)
    block = {"card_id": ZHANG.card_id, "action": "block", "status": "blocked",
             "at": "2026-11-30 02:00:00"}
    row = {"audit_id": 1, "at": "2026-11-30 02:00:00", "operator_id": OP, "action": "block",
           "subject": ZHANG.card_id, "before": {"status": "active"},
           "after": {"status": "blocked"}}
    first = push_raw(t, "k1", (1, "c-1", "card", block), (2, "a-1", "audit", row))
    assert [r["status"] for r in first] == ["applied", "applied"]
    again = push_raw(t, "k1", (1, "c-1", "card", block), (2, "a-1", "audit", row))
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    other = push_raw(t, "k1", (2, "a-1", "audit", {**row, "operator_id": "V0001"}))
    assert other[0]["status"] == "rejected" and "different content" in other[0]["reason"]
    # Another entry claiming the same audit row of this kiosk is refused, never stored twice.
    clash = push_raw(t, "k1", (3, "a-2", "audit", row))
    assert clash[0]["status"] == "rejected" and "already stored" in clash[0]["reason"]
    # An entry claiming another kiosk is refused and changes nothing.
    unblock = {"card_id": ZHANG.card_id, "action": "unblock", "status": "active",
               "at": "2026-11-30 02:01:00"}
    foreign = push_raw(t, "k2", (4, "c-2", "card", unblock))
    assert foreign[0]["status"] == "rejected" and "claims kiosk" in foreign[0]["reason"]
    unknown = push_raw(t, "k1", (5, "c-3", "card", {**unblock, "card_id": "04FFFFFFFF"}))
    assert unknown[0]["status"] == "rejected" and "unknown" in unknown[0]["reason"]
    taken = push_raw(t, "k1", (6, "c-4", "card", {
        "card_id": ZHANG.card_id, "action": "register", "volunteer_id": "V0002",
        "kind": "nfc", "at": "2026-11-30 02:02:00"}))
    assert taken[0]["status"] == "rejected" and "another volunteer" in taken[0]["reason"]
    assert card_status(district, ZHANG.card_id) == "blocked"
    assert len(district.store.audit_log("k1")) == 1
    kinds = [c["kind"] for c in district.store.report("conflicts")]
    assert kinds.count("rejected") == 4 and kinds.count("reused_id") == 1
    t.close()
    k1.close()


@pytest.mark.expect_log(
    r"rejected: card_id:", r"rejected: unknown card action",
    r"rejected: volunteer_id: volunteer id")
def test_card_entries_carry_card_ids_in_one_form(district: LiveServer, tmp_path: Path,
                                                 clock: ManualClock) -> None:
    """A pushed card id in another spelling reaches the card the reader knows; one that is no
    card id, an action that is no action (a list, once a 500), is refused on its own and the
    sequence moves on."""
    k1 = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    t = HttpTransport(district.url, "k1", k1.key)
    at = "2026-11-30 02:00:00"
    spelled = ":".join(ZHANG.card_id[i:i + 2] for i in range(0, 14, 2)).lower()
    results = push_raw(
        t, "k1",
        (1, "c-1", "card", {"card_id": spelled, "action": "block", "status": "blocked",
                            "at": at}),
        (2, "c-2", "card", {"card_id": ZHANG.card_id, "action": ["block"],
                            "status": "blocked", "at": at}),
        (3, "c-3", "card", {"card_id": "💳", "action": "unblock", "status": "active",
                            "at": at}),
        (4, "c-4", "card", {"card_id": "qr-0042", "action": "register", "kind": "qr",
                            "volunteer_id": "V0002", "at": at}),
        (5, "c-5", "card", {"card_id": "04AABBCCDD", "action": "register", "kind": "nfc",
                            "volunteer_id": "V 0002", "at": at}),
        (6, "c-6", "card", {"card_id": "QR-0043", "action": "register", "kind": "nfc",
                            "volunteer_id": "V0002", "at": at}))
    assert [r["status"] for r in results] == [
        "applied", "rejected", "rejected", "applied", "rejected", "rejected"]
    assert "unknown card action" in results[1]["reason"]
    assert "not an NFC card UID" in results[2]["reason"]
    assert "space" in results[4]["reason"] and "not an NFC card UID" in results[5]["reason"]
    assert card_status(district, ZHANG.card_id) == "blocked"
    assert card_status(district, "QR-0042") == "active"
    assert card_status(district, spelled) is None
    assert district.store.applied_seq("k1") == 6
    t.close()
    k1.close()


def test_report_audit_lists_every_kiosk_row(district: LiveServer, tmp_path: Path,
                                            clock: ManualClock,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    a = make_kiosk(tmp_path, "k-a", district.store, district.url, clock)
    audit.set_card_status(a.conn, clock, OP, ZHANG.card_id, "blocked")
    assert a.daemon.run_once() is not None

    class Args:
        name = "audit"

    assert cmd_report(district.store, Args()) == 0  # type: ignore[arg-type]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("kiosk_id,audit_id,at,operator_id,action,subject")
    assert len(lines) == 2 and lines[1].startswith("k-a,1,") and ",block," in lines[1]
    a.close()
