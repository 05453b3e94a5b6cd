"""Operator screens speak people's words: the audit log, the devices, the reports' counts and
folders; ids and paths only when asked for; the restock list can be searched; every row a
finger picks is a full touch target."""

from __future__ import annotations

import pytest

from kiosk.core import audit, stock
from kiosk.core.audit import AuditEntry
from kiosk.core.devices import DeviceLost
from kiosk.operations.operator_work import Names
from kiosk.ui.admin.audit_log import AuditScreen
from kiosk.ui.admin.audit_words import AuditWords
from kiosk.ui.admin.health import HealthScreen
from kiosk.ui.admin.reports import ReportsScreen
from kiosk.ui.admin.restock import RestockScreen
from points_protocol.catalogue import Category, ItemKind, ItemSpec
from tests.ui.conftest import WAIT_MS, Touchscreen
from tests.ui.test_admin_flow import OPERATOR, open_screen, quiet, settle, sign_in_by_card

# Every action the kiosk writes to its audit log (kiosk/core/audit.py, qr_cards.py,
# operators.py).
ACTIONS = ("restock", "donor", "count", "void", "block", "unblock", "item_add", "item_edit",
           "price", "retire", "unretire", "reprint", "card_register", "test_print",
           "qr_card_request", "qr_card_print", "operator_set", "sign_in")


def test_every_audit_action_and_field_has_words(touch: Touchscreen) -> None:
    for chinese in (True, False):
        touch.kiosk.language.set("zh_CN" if chinese else "en")
        words = AuditWords(chinese)
        actions = words.actions()
        assert set(ACTIONS) <= set(actions)
        assert all(text.isascii() != chinese and text != key for key, text in actions.items())
        entry = AuditEntry(1, "2026-11-30T02:00:00+00:00", "op1", "price", "soap",
                           {"price": 30, "name_zh": "香皂", "image": "/var/x.png"},
                           {"price": 35, "name_zh": "香皂", "image": "/var/y.png"})
        names = Names({"op1": "刘社工"}, {"soap": ("香皂", "Soap")})
        head = words.headline(entry, names, details=False)
        assert head == ("刘社工 · 调整价格: 香皂" if chinese else "刘社工 · Price changed: Soap")
        changes = words.changes(entry, names, details=False)
        assert changes == ("价格 30 → 35" if chinese else "price 30 → 35")
        assert "/var" in words.changes(entry, names, details=True)   # a path only on request


def test_the_audit_log_names_goods_and_people(touch: Touchscreen) -> None:
    quiet(touch)
    s = touch.services
    audit.restock(s.conn, s.clock, OPERATOR, [stock.Restock("soap", 12)], donor_id=None)
    audit.upsert_item(s.conn, s.clock, OPERATOR, ItemSpec(
        item_id="kite2", name_zh="新风筝", name_en="New kite", category=Category.CULTURE_LEISURE,
        kind=ItemKind.GOODS, price=40))
    sign_in_by_card(touch)
    log = open_screen(touch, "audit")
    assert isinstance(log, AuditScreen)
    rows = [log.rows.item(i).text() for i in range(log.rows.count())]
    assert any("新增商品: 新风筝" in row for row in rows)
    assert any("入库" in row and "香皂 40 → 52" in row for row in rows)
    assert not any("{" in row or "restock" in row or "kite2" in row for row in rows)
    heights = [log.rows.visualItemRect(log.rows.item(i)).height() for i in range(3)]
    assert min(heights) >= 60


@pytest.mark.expect_log(r"^device camera /dev/video0 lost: not plugged in$")
def test_devices_are_named_by_what_they_are(touch: Touchscreen) -> None:
    touch.kiosk.bridge(DeviceLost("camera /dev/video0", "not plugged in"))
    sign_in_by_card(touch)
    health = open_screen(touch, "health")
    assert isinstance(health, HealthScreen)
    touch.qtbot.waitUntil(lambda: "摄像头" in health.device_text.text(), timeout=WAIT_MS)
    assert "/dev/video0" not in health.device_text.text()
    health.details.setChecked(True)
    assert "/dev/video0" in health.device_text.text()


def test_restock_list_can_be_searched_by_name(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    restock = open_screen(touch, "restock")
    assert isinstance(restock, RestockScreen)
    def shown() -> list[str]:
        rows = [restock.items.item(i) for i in range(restock.items.count())]
        return [row.text() for row in rows if not row.isHidden()]

    everything = shown()
    restock.barcode.setText("香")
    assert shown() and all("香" in row for row in shown()) and len(shown()) < len(everything)
    restock.barcode.setText("soap")   # the other language finds it too
    assert len(shown()) == 1 and "香皂" in shown()[0]
    restock.barcode.setText("")
    assert shown() == everything


def test_counts_are_phrased_for_one_and_many(touch: Touchscreen) -> None:
    touch.click(touch.window.top.language)   # English: "1 item", "2 items"
    sign_in_by_card(touch)
    reports = open_screen(touch, "reports")
    assert isinstance(reports, ReportsScreen)
    settle(touch, reports)
    text = reports.figures.text()
    assert "items" not in text.split("Low stock:")[1].split("\n")[0] or \
        not text.split("Low stock: ")[1].startswith("1 ")
    assert touch.kiosk.language.count(1, "1 item", "%1 items") == "1 item"
    assert touch.kiosk.language.count(3, "1 item", "%1 items") == "3 items"
    assert touch.kiosk.language.points(1) == "1 point"
    assert all(not reports.folder.itemText(i).startswith("/")
               for i in range(reports.folder.count()))
