"""What the kiosk says: every step and refusal has words, and nothing said to the room names
the volunteer or their points unless they turned reading aloud on for their visit."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.errors import NotEnoughPoints
from kiosk.core.models import CardHolder, PresentedCard, Receipt, SpendLimit
from kiosk.core.session_flow import aside
from kiosk.core.session_model import Cart, CartItem, FlowState, Screen
from kiosk.core.session_notices import Notice
from kiosk.core.speech_text import chinese_number, mandarin_pinyin
from kiosk.core.voice_prompts import REFUSALS, STEPS, coverage, prompt_for
from points_protocol.catalogue import Category, ItemKind

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
HOLDER = CardHolder(card_id="04A1", volunteer_id="V1", masked_name="张*华", balance=800,
                    is_operator=False)
SOAP = CatalogueEntry(item_id="soap", name_zh="香皂", name_en="Soap", category=Category.HEALTH,
                      kind=ItemKind.GOODS, price=30, stock=9, image=None, barcode=None,
                      limit_count=None, limit_points=None, limit_period=None,
                      low_stock_threshold=0, active=True)
RECEIPT = Receipt(order_id="01a2434b-3ea1-72ab-8ca6-f1c8d1499241", kind="sale", kiosk_id="k",
                  kiosk_name="shop", community="c", created_at=NOW, masked_name="张*华",
                  lines=(), total=30, balance_after=770, offline=False)
VISIT = FlowState(card=PresentedCard("04A1"), holder=HOLDER, limit=SpendLimit(300, "offline"),
                  cart=Cart((CartItem(SOAP, 2),)))
PRINTER = Notice("printer_fault", "没打印", "not printed")
STRAY = aside(Notice("not_a_card_code", "不是积分卡", "not a card"))


def states() -> list[FlowState]:
    """One state for every step a volunteer can see, with a name and amounts to hide."""
    out = [replace(VISIT, screen=screen) for screen in Screen]
    out.append(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT))
    out.append(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT, printer_notice=PRINTER))
    out.append(replace(VISIT, screen=Screen.CATALOGUE, warning_until=NOW + timedelta(seconds=9)))
    out.append(replace(VISIT, screen=Screen.CART, other_card=PresentedCard("04B7")))
    refusal = NotEnoughPoints(120, 260)
    out.append(replace(VISIT, screen=Screen.CATALOGUE, notice=Notice.of(refusal)))
    out.append(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT, next_card=PresentedCard("04B7")))
    out.append(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT, notice=STRAY))
    return out


def test_every_step_and_every_refusal_has_a_prompt() -> None:
    spoken, silent = coverage()
    assert silent == []
    assert {"idle", "balance", "done", "done_unprinted", "other_card", "next_card", "still_there",
            "card_blocked", "card_token_forged", "not_a_card_code",
            "offline_cap_reached"} <= set(spoken)
    for zh, en in (*STEPS.values(), *REFUSALS.values()):
        assert zh and en and zh != en


@pytest.mark.parametrize("state", states(), ids=lambda s: f"{s.screen}")
def test_guidance_names_nobody_and_no_amount(state: FlowState) -> None:
    prompt = prompt_for(state, personal=False)
    for text in (prompt.zh, prompt.en):
        assert HOLDER.masked_name not in text and "*" not in text and "华" not in text
        assert not re.search(r"\d", text), text
    assert not prompt.personal


def test_reading_aloud_says_what_the_screen_shows() -> None:
    balance = prompt_for(replace(VISIT, screen=Screen.BALANCE), personal=True)
    assert "张*华" in balance.zh and "800" in balance.zh and "300" in balance.zh
    assert balance.personal and "Hello" in balance.en
    cart = prompt_for(replace(VISIT, screen=Screen.CART), personal=True)
    assert "60" in cart.zh and "240" in cart.zh
    unprinted = prompt_for(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT,
                                   printer_notice=PRINTER), personal=True)
    assert "770" in unprinted.zh and "C8D1 4992" not in unprinted.zh
    assert "D149 9241" in unprinted.zh
    refusal = Notice.of(NotEnoughPoints(120, 260))
    said = prompt_for(replace(VISIT, screen=Screen.CATALOGUE, notice=refusal), personal=True)
    assert said.zh == refusal.zh


def test_a_note_on_the_success_screen_comes_after_the_success() -> None:
    """A stray code while the sale committed shows on the success screen: 兑换成功 is still
    said, first, then the note (it used to be said instead)."""
    for personal in (False, True):
        said = prompt_for(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT, notice=STRAY),
                          personal=personal)
        assert said.zh.startswith(STEPS["done"][0] if not personal else "还剩")
        assert "兑换成功" in said.zh and "不是积分卡" in said.zh
        assert said.zh.index("兑换成功") < said.zh.index("不是积分卡")
    waiting = prompt_for(replace(VISIT, screen=Screen.DONE, receipt=RECEIPT,
                                 next_card=PresentedCard("04B7")), personal=False)
    assert waiting.zh == STEPS["next_card"][0]


def test_numbers_and_pinyin_for_the_mandarin_voice() -> None:
    assert [chinese_number(n) for n in (0, 10, 15, 105, 510, 1005, 12345, 100000)] == [
        "零", "十", "十五", "一百零五", "五百一十", "一千零五", "一万二千三百四十五", "十万"]
    assert mandarin_pinyin("兑换成功") == "dui4 huan4 cheng2 gong1"
    assert mandarin_pinyin("还剩 510 分。") == "hai2 sheng4 wu3 bai3 yi1 shi2 fen1."
    assert mandarin_pinyin("张*华") == "zhang1 mou3 hua2"
