"""Refusals carry both languages, and one rule picks between them everywhere a person reads or
hears words (a refusal, a notice, a voice prompt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core import audit, stock
from kiosk.core.errors import OrderNotFound, StockError, UserFacingError
from kiosk.core.printing import reprint
from kiosk.core.session_notices import Notice
from kiosk.core.voice_prompts import Prompt
from kiosk.hardware.simulated import TextFilePrinter
from kiosk.services import Services

OP = "op-1"


@pytest.mark.parametrize(("language", "chinese"), [
    ("zh_CN", True), ("zh", True), ("zh-Hans", True), ("en", False), ("en_US", False),
    ("", False)])
def test_one_rule_picks_the_language(language: str, chinese: bool) -> None:
    refusal = UserFacingError("中文", "English")
    expected = "中文" if chinese else "English"
    assert refusal.message(language) == expected
    assert Notice.of(refusal).text(language) == expected
    assert Prompt("k", "中文", "English").text(language) == expected


def test_a_refused_stock_entry_is_a_refusal_in_both_languages(shop: Services) -> None:
    """A stock entry an operator can fix is told in their language, not as "ask staff" and
    not as English inside the Chinese text."""
    refusals = []
    for attempt in (lambda: stock.restock(shop.conn, shop.clock, [stock.Restock("soap", 1)],
                                          donor_id="nobody"),
                    lambda: stock.restock(shop.conn, shop.clock, [], donor_id=None),
                    lambda: stock.record_count(shop.conn, shop.clock, {"soap": -1}, "x"),
                    lambda: stock.restock(shop.conn, shop.clock,
                                          [stock.Restock("haircut", 1)], donor_id=None),
                    lambda: audit.set_active(shop.conn, shop.clock, OP, "no-such", False)):
        with pytest.raises(StockError) as refused:
            attempt()
        refusals.append(refused.value)
    for refusal in refusals:
        assert isinstance(refusal, UserFacingError) and refusal.code == "stock"
        assert refusal.zh.startswith("库存操作不能完成：")
        assert not any(word in refusal.zh for word in ("unknown", "restock", "item", "count"))
        assert refusal.en.startswith("The stock entry cannot be applied: ")


def test_an_unknown_order_is_a_refusal(shop: Services, tmp_path: Path) -> None:
    with pytest.raises(OrderNotFound) as refused:
        reprint(shop.conn, shop.clock, TextFilePrinter(tmp_path / "p.txt"), shop.kiosk, "nope")
    assert isinstance(refused.value, UserFacingError)
    assert refused.value.zh == "找不到这笔订单。" and "'nope'" in refused.value.en
