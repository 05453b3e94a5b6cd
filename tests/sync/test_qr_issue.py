"""Issuing a QR card from the kiosk: the operator's request, the sync daemon's POST to the real
district on 127.0.0.1 (which holds the signing key), the answer checked with the kiosk's own
key, the card working at once, the old paper revoked, and the token forgotten once printed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.app import QrIssuer
from district.store import Store
from kiosk.config import Config
from kiosk.core import audit, cards, qr_cards, sync_status
from kiosk.core.devices import CardPresented
from kiosk.core.errors import CardRevoked, CardTokenTooLong
from kiosk.core.models import PresentedCard
from kiosk.core.tokens import TokenVerifier
from kiosk.hardware.simulated import TextFilePrinter
from kiosk.services import qr_verifier
from kiosk.sync import protocol
from kiosk.sync.client import HttpTransport
from kiosk.sync.daemon import Daemon
from kiosk.sync.qr_issue import parse_answer
from points_protocol import messages
from tests.conftest import ManualClock
from tests.live_district import (
    DEMO_QR,
    Kiosk,
    LiveServer,
    demo_qr_issuer,
    free_port,
    issuing_district,
    make_kiosk,
    seed_district,
)

OP = "V0005"
DEMO_PAPER = (Path(__file__).parents[2] / "assets/demo/qr-card-QR-0001.txt").read_text().strip()


@pytest.fixture
def issuing(tmp_path: Path) -> Iterator[LiveServer]:
    with issuing_district(tmp_path / "district.sqlite") as server:
        yield server


def verifier(kiosk: Kiosk, clock: ManualClock) -> TokenVerifier:
    v = TokenVerifier.from_settings(DEMO_QR.public_key, DEMO_QR.district_id, clock,
                                    base_dir=kiosk.services.config.base_dir)
    assert v is not None
    return v


def print_it(kiosk: Kiosk, clock: ManualClock, request_id: str,
             printer: TextFilePrinter) -> qr_cards.IssuedCard:
    s = kiosk.services
    return qr_cards.print_card(
        kiosk.conn, clock, request_id, OP,
        lambda card: printer.print_slip(qr_cards.slip(card, s.kiosk, clock, 32)))


def test_a_card_issued_through_the_district_works_at_once_and_revokes_the_old_paper(
        issuing: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", issuing.store, issuing.url, clock, qr=DEMO_QR)
    b = make_kiosk(tmp_path, "k-b", issuing.store, issuing.url, clock, qr=DEMO_QR)
    assert a.daemon.run_once() is not None and b.daemon.run_once() is not None
    check = verifier(a, clock)
    old = check.card_event(DEMO_PAPER, "camera")   # the demo's printed card, generation 1
    assert isinstance(old, CardPresented)
    assert cards.look_up(a.conn, PresentedCard(old.card_id, generation=old.generation)
                         ).volunteer_id == "V0001"

    request_id = qr_cards.request(a.conn, clock, OP, "V0001")
    assert qr_cards.request(a.conn, clock, OP, "V0001") == request_id  # pressed twice: one
    assert qr_cards.get(a.conn, request_id).state == "waiting"  # type: ignore[union-attr]
    result = a.daemon.run_once()
    assert result is not None and result.qr_cards == 1
    request = qr_cards.get(a.conn, request_id)
    assert request is not None and request.state == "issued"
    assert (request.card_id, request.generation) == ("QR-0001", 2)

    printer = TextFilePrinter(tmp_path / "paper.txt")
    card = print_it(a, clock, request_id, printer)
    event = check.card_event(card.token, "camera")
    holder = cards.look_up(a.conn, PresentedCard(event.card_id,  # type: ignore[union-attr]
                                                 generation=event.generation))  # type: ignore[union-attr]
    assert (holder.volunteer_id, holder.masked_name) == ("V0001", "张*华")
    paper = (tmp_path / "paper.txt").read_text("utf-8")
    assert "张*华" in paper and "QR-0001" in paper and f"[QR {card.token}]" in paper
    # Printed: the kiosk keeps no copy of the token, and a second print is refused.
    assert a.conn.execute("SELECT token FROM qr_card_requests").fetchone()[0] is None
    with pytest.raises(qr_cards.NotReadyToPrint):
        print_it(a, clock, request_id, printer)
    # The lost paper is refused here at once, and at the other kiosk after its sync.
    with pytest.raises(CardRevoked):
        cards.look_up(a.conn, PresentedCard("QR-0001", generation=1))
    assert b.daemon.run_once() is not None
    with pytest.raises(CardRevoked):
        cards.look_up(b.conn, PresentedCard("QR-0001", generation=1))
    assert cards.look_up(b.conn, PresentedCard("QR-0001", generation=2)).volunteer_id == "V0001"
    # Both operator actions are in the audit log, here and (after a round) at the district.
    actions = [(e.action, e.operator_id) for e in audit.entries(a.conn)]
    assert ("qr_card_request", OP) in actions and ("qr_card_print", OP) in actions
    assert a.daemon.run_once() is not None
    central = {row["action"] for row in issuing.store.audit_log("k-a")}
    assert {"qr_card_request", "qr_card_print"} <= central
    a.close()
    b.close()


def test_a_volunteer_without_a_qr_card_gets_a_new_one(
        issuing: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", issuing.store, issuing.url, clock, qr=DEMO_QR)
    assert a.daemon.run_once() is not None
    request_id = qr_cards.request(a.conn, clock, OP, "V0002")
    assert a.daemon.run_once() is not None
    request = qr_cards.get(a.conn, request_id)
    assert request is not None and request.state == "issued"
    assert request.card_id is not None and request.card_id.startswith("QR")
    assert request.generation == 1
    (row,) = issuing.store.query(
        "SELECT volunteer_id, kind FROM cards WHERE card_id = :c", c=request.card_id)
    assert tuple(row) == ("V0002", "qr")
    a.close()


@pytest.mark.expect_log(r"heartbeat not sent", r"sync round failed")
def test_offline_the_request_waits_and_goes_out_when_the_network_is_back(
        issuing: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", issuing.store, issuing.url, clock, qr=DEMO_QR)
    request_id = qr_cards.request(a.conn, clock, OP, "V0002")
    nowhere = HttpTransport(f"http://127.0.0.1:{free_port()}", "k-a", a.key, connect_timeout=2)
    offline = Daemon(a.conn, nowhere, clock, "k-a", a.services.config.sync,
                     verify_card=verifier(a, clock).verify)
    assert offline.run_once() is None
    assert qr_cards.get(a.conn, request_id).state == "waiting"  # type: ignore[union-attr]
    assert sync_status.status(a.conn)["last_error"]
    nowhere.close()
    assert a.daemon.run_once() is not None
    assert qr_cards.get(a.conn, request_id).state == "issued"  # type: ignore[union-attr]
    a.close()


def test_a_lost_answer_asked_again_gets_the_same_token(
        issuing: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", issuing.store, issuing.url, clock, qr=DEMO_QR)
    body = json.dumps({"request_id": "req-00000001", "volunteer_id": "V0002"}).encode()
    first = a.transport.request("POST", messages.QR_CARDS_PATH, body)
    again = a.transport.request("POST", messages.QR_CARDS_PATH, body)
    assert first[0] == again[0] == 200 and json.loads(first[1]) == json.loads(again[1])
    other = json.dumps({"request_id": "req-00000001", "volunteer_id": "V0001"}).encode()
    status, answer = a.transport.request("POST", messages.QR_CARDS_PATH, other)
    assert status == 409 and "another" in json.loads(answer)["detail"]
    spaced = json.dumps({"request_id": "req-00000002", "volunteer_id": "V 0002"}).encode()
    status, answer = a.transport.request("POST", messages.QR_CARDS_PATH, spaced)
    assert status == 422 and "space" in json.loads(answer)["detail"]
    a.close()


@pytest.mark.expect_log(
    r"district not offered QR card request", r"district refused QR card request")
def test_refusals_are_kept_with_the_reason(
        issuing: LiveServer, district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    # A blocked volunteer (blocked at the district after the kiosk's request).
    a = make_kiosk(tmp_path / "a", "k-a", issuing.store, issuing.url, clock, qr=DEMO_QR)
    request_id = qr_cards.request(a.conn, clock, OP, "V0002")
    issuing.store.upsert_volunteers([("V0002", "李*", "blocked")])
    assert a.daemon.run_once() is not None
    refused = qr_cards.get(a.conn, request_id)
    assert refused is not None and refused.state == "refused" and "blocked" in (
        refused.detail or "")
    # A district with no signing key (the plain ``district`` fixture) says so.
    b = make_kiosk(tmp_path / "b", "k-b", district.store, district.url, clock, qr=DEMO_QR)
    request_id = qr_cards.request(b.conn, clock, OP, "V0001")
    assert b.daemon.run_once() is not None
    refused = qr_cards.get(b.conn, request_id)
    assert refused is not None and refused.state == "refused"
    assert "HTTP 503" in (refused.detail or "") and "signing key" in (refused.detail or "")
    a.close()
    b.close()


@pytest.mark.expect_log(r"unusable answer")
def test_a_token_signed_with_another_key_is_not_kept(
        tmp_path: Path, clock: ManualClock) -> None:
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)
    wrong = LiveServer(store, qr_issuer=QrIssuer(Ed25519PrivateKey.from_private_bytes(
        bytes(range(32))), "demo-district")).start()
    try:
        a = make_kiosk(tmp_path, "k-a", store, wrong.url, clock, qr=DEMO_QR)
        request_id = qr_cards.request(a.conn, clock, OP, "V0002")
        assert a.daemon.run_once() is not None
        refused = qr_cards.get(a.conn, request_id)
        assert refused is not None and refused.state == "refused"
        assert "unusable answer" in (refused.detail or "")
        assert "CardTokenForged" in (refused.detail or "")
        with pytest.raises(qr_cards.NotReadyToPrint):   # nothing to print
            qr_cards.issued(a.conn, request_id)
        a.close()
    finally:
        wrong.stop()


@pytest.mark.parametrize("answer", [
    None, [], {}, {"card_id": "QR1", "generation": 1, "token": "t"},
    {"card_id": "", "generation": 1, "token": "t", "expires_at": 0},
    {"card_id": "QR1", "generation": 0, "token": "t", "expires_at": 0},
    {"card_id": "QR1", "generation": True, "token": "t", "expires_at": 0},
    {"card_id": "QR1", "generation": 1, "token": 5, "expires_at": 0},
    {"card_id": "QR1", "generation": 1, "token": "t", "expires_at": -1},
    {"card_id": "QR1", "generation": 1, "token": "t", "expires_at": 2**40},
    {"card_id": "QR1", "generation": 2**63, "token": "t", "expires_at": 0},
])
def test_malformed_answers_are_protocol_errors(answer: object) -> None:
    with pytest.raises(protocol.ProtocolError):
        parse_answer(answer)


def test_a_replayed_answer_for_a_card_blocked_or_issued_again_since_is_refused(
        issuing: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", issuing.store, issuing.url, clock, qr=DEMO_QR)
    first = json.dumps({"request_id": "req-00000001", "volunteer_id": "V0001"}).encode()
    assert a.transport.request("POST", messages.QR_CARDS_PATH, first)[0] == 200
    issuing.store.set_card_status("QR-0001", "blocked")   # staff block it: the answer was lost
    status, answer = a.transport.request("POST", messages.QR_CARDS_PATH, first)
    assert status == 409 and "ask again" in json.loads(answer)["detail"]
    # A new request issues (and unblocks) the next generation; the old request stays dead.
    second = json.dumps({"request_id": "req-00000002", "volunteer_id": "V0001"}).encode()
    status, answer = a.transport.request("POST", messages.QR_CARDS_PATH, second)
    assert status == 200 and json.loads(answer)["generation"] == 3
    assert a.transport.request("POST", messages.QR_CARDS_PATH, first)[0] == 409
    a.close()


def test_a_district_key_that_cannot_sign_refuses_to_start_and_revokes_nothing(
        tmp_path: Path) -> None:
    key = demo_qr_issuer().key
    with pytest.raises(ValueError, match="district"):
        QrIssuer(key, "demo district")   # a space: tokens refuse it
    with pytest.raises(ValueError, match="days"):
        QrIssuer(key, "demo-district", valid_days=-1)
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)

    def broken(issue: object) -> str:
        raise ValueError("cannot sign")
    with pytest.raises(ValueError):
        store.issue_qr_card("k-a", "req-00000001", "V0001", now=1, valid_seconds=0, sign=broken)
    (row,) = store.query("SELECT generation FROM cards WHERE card_id = 'QR-0001'")
    assert row[0] == 1 and store.query("SELECT COUNT(*) FROM qr_issues")[0][0] == 0


def test_a_kiosk_without_a_qr_key_does_not_ask(
        issuing: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    a = make_kiosk(tmp_path, "k-a", issuing.store, issuing.url, clock)   # no [qr] key
    request_id = qr_cards.request(a.conn, clock, OP, "V0001")
    assert a.daemon.run_once() is not None
    refused = qr_cards.get(a.conn, request_id)
    assert refused is not None and refused.state == "refused" and "no QR key" in (
        refused.detail or "")
    assert issuing.store.query(
        "SELECT generation FROM cards WHERE card_id = 'QR-0001'")[0][0] == 1
    a.close()


def test_the_daemon_checks_issued_cards_with_the_kiosks_own_token_limit(
        tmp_path: Path, clock: ManualClock) -> None:
    """The daemon and the touchscreen build their QR check in one place (services.qr_verifier;
    the daemon ignored qr.max_token_length before): with the limit below a real token's
    length, the card the district issues is refused before it is kept, instead of printed and
    then refused by this kiosk's own scanners."""
    config = replace(Config(), base_dir=tmp_path, qr=replace(DEMO_QR, max_token_length=64))
    strict = qr_verifier(config, clock)
    assert strict is not None and strict.max_length == 64
    with pytest.raises(CardTokenTooLong):
        strict.verify(DEMO_PAPER)
    usual = qr_verifier(replace(config, qr=DEMO_QR), clock)
    assert usual is not None and usual.verify(DEMO_PAPER).card_id == "QR-0001"
