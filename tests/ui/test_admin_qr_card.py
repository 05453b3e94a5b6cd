"""Issuing and printing a QR card from the operator's cards screen: the real screen, the real
district on 127.0.0.1 holding the signing key, the sync daemon on its own connection to the
same SQLite file (as the kiosk-sync process is), and the real ESC/POS printer on TCP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import Config
from kiosk.core import cards
from kiosk.core.db import open_database
from kiosk.core.models import PresentedCard
from kiosk.core.tokens import TokenVerifier
from kiosk.sync.client import HttpTransport
from kiosk.sync.daemon import Daemon
from kiosk.ui.admin.cards import CardsScreen
from points_protocol import signing
from tests.conftest import ManualClock
from tests.hardware.tcp_printer import decode_text, has_cut, native_qr_contents
from tests.live_district import DEMO_QR, LiveServer, issuing_district
from tests.ui.conftest import WAIT_MS, Touchscreen
from tests.ui.test_admin_flow import (
    choose_volunteer,
    gate,
    open_screen,
    settle,
    sign_in_by_card,
)


@pytest.fixture
def config(config: Config) -> Config:
    return replace(config, qr=DEMO_QR)   # this kiosk reads (and may issue) QR cards


@pytest.fixture
def district(tmp_path: Path) -> Iterator[LiveServer]:
    with issuing_district(tmp_path / "district.sqlite") as server:
        yield server


def daemon_for(t: Touchscreen, district: LiveServer, clock: ManualClock) -> Daemon:
    """kiosk-sync as it runs beside the app: its own connection to the kiosk's file."""
    config = t.services.config
    key = Ed25519PrivateKey.generate()
    district.store.register_kiosk(config.kiosk.id, signing.public_key_text(key))
    conn = open_database(config.database_path)
    verifier = TokenVerifier.from_settings(DEMO_QR.public_key, DEMO_QR.district_id, clock,
                                           base_dir=config.base_dir)
    assert verifier is not None
    return Daemon(conn, HttpTransport(district.url, config.kiosk.id, key), clock,
                  config.kiosk.id, config.sync, verify_card=verifier.verify)


def cards_screen_for(t: Touchscreen, volunteer_id: str) -> CardsScreen:
    """Signed in, on the cards screen, with this volunteer chosen for a new card."""
    sign_in_by_card(t)
    screen = open_screen(t, "cards")
    assert isinstance(screen, CardsScreen)
    choose_volunteer(t, screen, volunteer_id)
    return screen


def print_first_in_list(t: Touchscreen, screen: CardsScreen) -> bytes:
    """The operator picks the first card in the list and presses "print": the paper's bytes."""
    screen.qr_list.setCurrentRow(0)
    t.qtbot.waitUntil(screen.print_qr.isEnabled, timeout=WAIT_MS)
    t.click(screen.print_qr)
    t.qtbot.waitUntil(lambda: len(t.paper.jobs) == 1 and has_cut(t.paper.jobs[0]),
                      timeout=WAIT_MS)   # the whole job is in, up to the cut
    return t.paper.jobs[0]


def test_issue_a_qr_card_and_it_prints_when_the_district_answers(
        touch: Touchscreen, district: LiveServer, clock: ManualClock) -> None:
    daemon = daemon_for(touch, district, clock)
    screen = cards_screen_for(touch, "V0002")
    touch.click(screen.issue_qr)
    touch.qtbot.waitUntil(lambda: screen.qr_list.count() == 1, timeout=WAIT_MS)
    assert "李*" in screen.qr_list.item(0).text()
    assert "waiting" in screen.qr_list.item(0).text() or "等待" in screen.qr_list.item(0).text()
    assert not screen.print_qr.isEnabled()
    # "Issue" also asked the daemon for a round now; here the test runs that round.
    assert daemon.conn.execute("SELECT COUNT(*) FROM sync_requests WHERE handled_at IS NULL"
                               ).fetchone()[0] == 1
    assert daemon.run_once() is not None
    # The screen notices the answer (it polls while showing) and prints the card.
    touch.qtbot.waitUntil(lambda: len(touch.paper.jobs) == 1 and has_cut(touch.paper.jobs[0]),
                          timeout=WAIT_MS)   # the whole job is in, up to the cut
    jobs = touch.paper.jobs
    text = decode_text(jobs[-1])
    card_id = daemon.conn.execute("SELECT card_id FROM cards WHERE volunteer_id = 'V0002' AND "
                                  "kind = 'qr'").fetchone()[0]
    assert "李*" in text and card_id in text and "积分卡" in text
    [token] = native_qr_contents(jobs[-1])
    verifier = TokenVerifier.from_settings(DEMO_QR.public_key, DEMO_QR.district_id, clock,
                                           base_dir=touch.services.config.base_dir)
    assert verifier is not None and verifier.verify(token).card_id == card_id
    settle(touch, screen)
    touch.qtbot.waitUntil(lambda: "printed" in screen.qr_list.item(0).text()
                          or "已打印" in screen.qr_list.item(0).text(), timeout=WAIT_MS)
    assert card_id in screen.notice.text()
    holder = cards.look_up(touch.services.conn, PresentedCard(card_id, generation=1))
    assert holder.volunteer_id == "V0002"
    daemon.conn.close()
    daemon.transport.close()  # type: ignore[attr-defined]


@pytest.mark.expect_log(r"could not print: .*: not reachable")
def test_a_card_that_did_not_print_can_be_printed_later(
        touch: Touchscreen, district: LiveServer, clock: ManualClock) -> None:
    daemon = daemon_for(touch, district, clock)
    screen = cards_screen_for(touch, "V0001")
    touch.paper.refuse()   # the printer is off
    touch.click(screen.issue_qr)
    touch.qtbot.waitUntil(lambda: screen.qr_list.count() == 1, timeout=WAIT_MS)
    assert daemon.run_once() is not None
    touch.qtbot.waitUntil(lambda: screen.notice.isVisible() and "QR-0001" not in
                          screen.notice.text() and screen.busy == 0 and
                          ("did not print" in screen.notice.text()
                           or "没有打印出来" in screen.notice.text()), timeout=WAIT_MS)
    touch.paper.come_back()
    assert "QR-0001" in decode_text(print_first_in_list(touch, screen))
    settle(touch, screen)
    state = touch.services.conn.execute("SELECT state, token FROM qr_card_requests").fetchone()
    assert tuple(state) == ("printed", None)
    daemon.conn.close()
    daemon.transport.close()  # type: ignore[attr-defined]


def test_signed_out_while_the_answer_came_in_the_card_still_prints_later(
        touch: Touchscreen, district: LiveServer, clock: ManualClock) -> None:
    daemon = daemon_for(touch, district, clock)
    screen = cards_screen_for(touch, "V0002")
    touch.click(screen.issue_qr)
    touch.qtbot.waitUntil(lambda: screen.qr_list.count() == 1, timeout=WAIT_MS)
    [request_id] = screen.auto_print
    assert daemon.run_once() is not None
    touch.click(gate(touch).panel.sign_out)      # idle sign-out, or the operator walks off
    touch.qtbot.waitUntil(lambda: gate(touch).operator is None, timeout=WAIT_MS)
    screen._print(request_id)   # the poll's answer arriving just after: nobody to print for
    assert not screen.printing and not screen.auto_print
    screen = cards_screen_for(touch, "V0002")    # the next operator
    touch.qtbot.waitUntil(lambda: screen.qr_list.count() == 1 and any(
        word in screen.qr_list.item(0).text() for word in ("ready to print", "可以打印")),
        timeout=WAIT_MS)
    assert "李*" in decode_text(print_first_in_list(touch, screen))
    settle(touch, screen)
    daemon.conn.close()
    daemon.transport.close()  # type: ignore[attr-defined]
