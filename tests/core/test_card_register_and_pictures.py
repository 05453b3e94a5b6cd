"""Registering a card to a volunteer (audited, someone else's card refused), item pictures
copied into the data folder, and the test page (printed or not, always recorded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import audit, cards, item_pictures
from kiosk.core.errors import UserFacingError
from kiosk.core.models import PresentedCard
from kiosk.hardware.simulated import TextFilePrinter
from kiosk.services import Services
from tests.conftest import ManualClock

OP = "op1"
LI_CARD = "04B7C8D9E0F1A2"  # V0002 in the demo shop


def test_register_card_refuses_someone_elses(shop: Services, clock: ManualClock) -> None:
    rows = len(audit.entries(shop.conn))
    assert audit.register_card(shop.conn, clock, OP, "04FFEE00112233", "V0001") is True
    assert cards.look_up(shop.conn, PresentedCard("04FFEE00112233")).volunteer_id == "V0001"
    entries = audit.entries(shop.conn)
    assert len(entries) == rows + 1 and entries[-1].action == "card_register"
    # the same card to the same volunteer again: nothing to do, nothing recorded
    assert audit.register_card(shop.conn, clock, OP, "04FFEE00112233", "V0001") is False
    with pytest.raises(audit.CardTaken) as refused:
        audit.register_card(shop.conn, clock, OP, LI_CARD, "V0001")
    assert "李*" in refused.value.zh and "李*" in refused.value.en
    assert cards.look_up(shop.conn, PresentedCard(LI_CARD)).volunteer_id == "V0002"
    with pytest.raises(UserFacingError):
        audit.register_card(shop.conn, clock, OP, "04FFEE00119999", "V9999")
    assert shop.conn.execute("SELECT 1 FROM cards WHERE card_id = '04FFEE00119999'"
                             ).fetchone() is None
    assert len(audit.entries(shop.conn)) == rows + 1


def test_pictures_are_copied_and_checked(tmp_path: Path) -> None:
    source = tmp_path / "stick" / "Photo.PNG"
    source.parent.mkdir()
    source.write_bytes(b"\x89PNG not really, but a file")
    copy = item_pictures.store_picture(source, tmp_path / "data", "kite")
    assert copy.parent == (tmp_path / "data").resolve() and copy.name.startswith("kite-")
    assert copy.suffix == ".png" and copy.read_bytes() == source.read_bytes()
    source.write_bytes(b"another picture")  # a new picture gets a new name (no stale cache)
    assert item_pictures.store_picture(source, tmp_path / "data", "kite") != copy
    with pytest.raises(item_pictures.PictureRefused):
        item_pictures.store_picture(tmp_path / "notes.txt", tmp_path / "data", "kite")
    with pytest.raises(item_pictures.PictureRefused):
        item_pictures.store_picture(tmp_path / "gone.png", tmp_path / "data", "kite")


@pytest.mark.expect_log(r"not printed")
def test_test_page_is_recorded_printed_or_not(shop: Services, clock: ManualClock,
                                              tmp_path: Path) -> None:
    printer = TextFilePrinter(tmp_path / "paper.txt")
    outcome = audit.print_test_page(shop.conn, clock, printer, shop.kiosk, operator_id=OP)
    assert outcome.printed and "打印测试" in (tmp_path / "paper.txt").read_text("utf-8")
    printer.fail_with = "out of paper"
    outcome = audit.print_test_page(shop.conn, clock, printer, shop.kiosk, operator_id=OP)
    assert not outcome.printed and outcome.detail == "out of paper"
    last = audit.entries(shop.conn)[-2:]
    assert [(e.action, e.after["printed"]) for e in last] == [("test_print", True),
                                                              ("test_print", False)]
    # a test page is not an order: nothing in the receipts' print log
    assert shop.conn.execute("SELECT COUNT(*) FROM receipt_prints").fetchone()[0] == 0
