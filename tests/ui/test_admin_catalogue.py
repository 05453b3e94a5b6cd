"""The catalogue, card registration and test print screens of the operator's side, on the real
screens against the demo shop in a real SQLite file (helpers shared with test_admin_flow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from kiosk.core import audit, cards, catalogue, stock
from kiosk.core.errors import UserFacingError
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.receipts import receipt_for
from kiosk.ui.admin.cards import CardsScreen
from kiosk.ui.admin.catalogue import CatalogueAdminScreen
from kiosk.ui.admin.health import HealthScreen
from tests.hardware.tcp_printer import decode_text
from tests.ui.conftest import LI, WAIT_MS, ZHANG, Touchscreen
from tests.ui.test_admin_flow import (
    OPERATOR,
    audit_actions,
    choose_volunteer,
    gate,
    open_screen,
    quiet,
    settle,
    sign_in_by_card,
)


def a_picture(path: Path) -> Path:
    image = QImage(64, 64, QImage.Format.Format_RGB32)
    image.fill(QColor("#2a7"))
    assert image.save(str(path))
    return path


def test_add_reprice_and_retire_an_item(touch: Touchscreen, tmp_path: Path) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "catalogue")
    assert isinstance(screen, CatalogueAdminScreen)
    conn = touch.services.conn
    assert screen.items.count() == len(catalogue.entries(conn, include_retired=True))
    touch.click(screen.new_item)
    screen.item_id.setText("raincoat")
    screen.name_zh.insert("雨衣")  # committed text from an input method (QTest cannot type it)
    screen.name_en.setText("Raincoat")
    screen.category.setCurrentIndex(screen.category.findData("daily_life"))
    screen.kind.setCurrentIndex(screen.kind.findData("goods"))
    screen.price.setText("60")
    screen.limit_count.setText("1")
    gate(touch).on_scanned("6909999000017\n")  # the wedge scanner, through the gate
    assert screen.barcode.text() == "6909999000017"
    screen.picture_path.setText(str(a_picture(tmp_path / "raincoat.png")))
    touch.click(screen.save)
    settle(touch, screen)
    assert "周期" in screen.notice.text()  # a limit without a period is refused on the spot
    assert catalogue.entry(conn, "raincoat") is None
    screen.limit_period.setCurrentIndex(screen.limit_period.findData("week"))
    touch.click(screen.save)
    settle(touch, screen)
    assert screen.notice.text() == "已保存"
    item = catalogue.entry(conn, "raincoat")
    assert item is not None and (item.name_zh, item.price, item.barcode) == \
        ("雨衣", 60, "6909999000017")
    assert (item.limit_count, item.limit_period, item.active) == (1, "week", True)
    assert item.image is not None
    copy = Path(item.image)
    data = touch.services.config.database_path.parent.resolve()  # writable; /etc is not
    assert copy.is_relative_to(data / "item-images") and copy.read_bytes() == \
        (tmp_path / "raincoat.png").read_bytes()
    assert screen.editing == "raincoat" and screen.item_id.isReadOnly()
    assert audit_actions(touch)[-1] == (OPERATOR, "item_add")
    # on the shelf, and a volunteer takes one
    quiet(touch)
    stock.restock(conn, touch.clock, [stock.Restock("raincoat", 3)], None, None)
    touch.services.checkout.checkout("sale-raincoat", PresentedCard(ZHANG),
                                     [CartLine("raincoat", 1)])
    # a new price: the history keeps both
    touch.clock.advance(seconds=3600)
    screen.price.setText("80")
    touch.click(screen.save)
    settle(touch, screen)
    assert [p for _, p in catalogue.price_history(conn, "raincoat")] == [60, 80]
    touch.qtbot.waitUntil(lambda: len(screen.history) == 2, timeout=WAIT_MS)
    assert "80" in screen.history_label.text() and "60" in screen.history_label.text()
    assert audit_actions(touch)[-1] == (OPERATOR, "price")
    # retired: gone from the volunteer's catalogue, still on the old order, still listed here
    assert screen.retire.text() == "停售"
    touch.click(screen.retire)
    settle(touch, screen)
    assert audit_actions(touch)[-1] == (OPERATOR, "retire")
    assert "raincoat" not in {e.item_id for e in catalogue.entries(conn)}
    old = receipt_for(conn, touch.services.kiosk, "sale-raincoat")
    assert [(line.item_id, line.unit_price) for line in old.lines] == [("raincoat", 60)]
    row = next(screen.items.item(i) for i in range(screen.items.count())
               if screen.items.item(i).data(256) == "raincoat")
    assert row.text().endswith("（已停售）")
    assert screen.retire.text() == "恢复销售"
    with pytest.raises(UserFacingError):
        touch.services.checkout.checkout("sale-2", PresentedCard(ZHANG),
                                         [CartLine("raincoat", 1)])
    # nothing was deleted: bringing it back restores it as it was
    touch.click(screen.retire)
    settle(touch, screen)
    assert audit_actions(touch)[-1] == (OPERATOR, "unretire")
    assert "raincoat" in {e.item_id for e in catalogue.entries(conn)}


def test_scanning_a_known_barcode_opens_that_item(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "catalogue")
    assert isinstance(screen, CatalogueAdminScreen)
    gate(touch).on_scanned("6901234500017")  # soap
    assert screen.editing == "soap" and screen.name_zh.text() == "香皂"
    # another item's barcode on this one is refused with words, nothing written
    screen.select("rice")
    before = audit_actions(touch)
    screen.barcode.setText("6901234500017")
    touch.click(screen.save)
    settle(touch, screen)
    assert "已经属于" in screen.notice.text() and "香皂" in screen.notice.text()
    assert audit_actions(touch) == before


def test_register_a_new_card_by_tapping_it(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "cards")
    assert isinstance(screen, CardsScreen)
    conn = touch.services.conn
    new_card = "04AA11BB22CC33"
    choose_volunteer(touch, screen, "V0002")
    touch.click(screen.wait)
    assert screen.waiting and "李*" in screen.register_state.text()
    touch.reader.remove()
    touch.reader.present(new_card)  # through the device bridge and the operator gate
    touch.qtbot.waitUntil(lambda: screen.info is not None and screen.info.card_id == new_card,
                          timeout=WAIT_MS)
    settle(touch, screen)
    touch.reader.remove()
    assert not screen.waiting
    assert screen.register_state.text() == f"卡 {new_card} 已登记给 V0002 · 李*"
    holder = cards.look_up(conn, PresentedCard(new_card))
    assert (holder.volunteer_id, holder.masked_name) == ("V0002", "李*")
    entry = audit.entries(conn)[-1]
    assert (entry.operator_id, entry.action, entry.subject) == \
        (OPERATOR, "card_register", new_card)
    assert entry.after == {"volunteer_id": "V0002", "kind": "nfc"}
    # someone else's card is refused, with whose it is; nothing changes, nothing is recorded
    before = audit_actions(touch)
    choose_volunteer(touch, screen, "V0001")
    touch.click(screen.wait)
    touch.reader.present(LI)
    touch.qtbot.waitUntil(screen.notice.isVisible, timeout=WAIT_MS)
    settle(touch, screen)
    touch.reader.remove()
    assert "已经登记给 李*" in screen.notice.text()
    assert cards.look_up(conn, PresentedCard(LI)).volunteer_id == "V0002"
    assert audit_actions(touch) == before
    # without pressing "wait", a tap only looks the card up
    touch.reader.present(new_card)
    touch.qtbot.waitUntil(lambda: screen.number.text() == new_card, timeout=WAIT_MS)
    settle(touch, screen)
    assert audit_actions(touch) == before


@pytest.mark.expect_log(
    r"could not print the receipt", r"could not read the paper status", r"not printed")
def test_test_print_from_the_health_screen(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "health")
    assert isinstance(screen, HealthScreen)
    jobs = len(touch.paper.jobs)
    touch.click(screen.test_print)
    settle(touch, screen)
    assert screen.notice.text() == "测试页已打印"
    text = decode_text(touch.paper.wait_for_jobs(jobs + 1)[jobs])
    assert "打印测试" in text and touch.services.kiosk.name in text
    entry = audit.entries(touch.services.conn)[-1]
    assert (entry.operator_id, entry.action, entry.after["printed"]) == \
        (OPERATOR, "test_print", True)
    # the printer gone: the failure is said, and recorded, and nothing hangs
    touch.paper.refuse()
    touch.click(screen.test_print)
    settle(touch, screen)
    assert screen.notice.text().startswith("测试打印失败：")
    entry = audit.entries(touch.services.conn)[-1]
    assert (entry.action, entry.after["printed"]) == ("test_print", False)
    assert screen.test_print.isEnabled()


def test_the_volunteer_list_is_a_search_by_number(touch: Touchscreen) -> None:
    """A district has hundreds of thousands of volunteers: the list holds matches only."""
    sign_in_by_card(touch)
    screen = open_screen(touch, "cards")
    assert isinstance(screen, CardsScreen)
    active = [r[0] for r in touch.services.conn.execute(
        "SELECT id FROM volunteers WHERE status = 'active' ORDER BY id")]
    def ids() -> list[str]:
        return [screen.volunteer.itemData(i) for i in range(screen.volunteer.count())]

    touch.qtbot.waitUntil(lambda: ids() == active[:100], timeout=WAIT_MS)
    choose_volunteer(touch, screen, "V0002")
    assert ids() == [v for v in active if v.startswith("V0002")]
    touch.reader.present(ZHANG)   # a tapped card chooses its holder: a new card, one tap away
    touch.qtbot.waitUntil(lambda: screen.volunteer.currentData() == "V0001", timeout=WAIT_MS)
    touch.reader.remove()
