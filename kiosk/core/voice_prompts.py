"""What the kiosk says at each step of a visit and at each refusal, in Mandarin and English.

Two levels, for privacy in a shared room:
- guidance, spoken to anyone near the kiosk: what this screen is for and what to do next, and
  why a card or an item was refused, in words that name nobody and no amount;
- reading aloud, which the volunteer turns on for their own visit (the speaker button): the
  same, plus what the screen shows of them (masked name, points, totals, the order number).

:func:`prompt_for` picks the prompt for a state; :func:`coverage` lists every step and every
refusal a volunteer can meet and whether it has a prompt (``bench/accessibility.py``).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, replace

import kiosk.core
from kiosk.core import errors
from kiosk.core.language import in_language
from kiosk.core.receipt_text import short_order_id
from kiosk.core.session_model import FlowState, Screen
from kiosk.core.session_notices import STAFF, Notice

# Each step: (zh, en). Spoken when the screen (or what is laid over it) first shows.
STEPS: dict[str, tuple[str, str]] = {
    "idle": ("欢迎。请把积分卡贴在读卡器上，或者把二维码对准扫码口。",
             "Welcome. Put your points card on the reader, or hold your QR code to the "
             "scanner."),
    "looking_up": ("正在读卡，请稍等。", "Reading your card, one moment."),
    "refused": ("这张卡现在不能使用。", "Sorry, this card cannot be used here."),
    "balance": ("请选择：开始兑换、服务与抵扣、捐积分，或者查看我的记录。",
                "Choose: start shopping, services, donate points, or my records."),
    "catalogue": ("请点选想要的商品，选好后点查看购物车。",
                  "Tap what you would like, then view your cart."),
    "cart": ("请核对购物车，没问题就点下一步确认。",
             "Check your cart, then tap next to confirm."),
    "confirm": ("请核对这次兑换，没问题就点立即兑换。",
                "Check your exchange, then tap exchange now."),
    "checking_out": ("正在兑换，请稍等。", "Exchanging, one moment."),
    "done": ("兑换成功，请取走小票。", "Done. Please take your receipt."),
    "done_unprinted": ("兑换成功。小票这次没有打印出来，装好纸后可以在我的记录里补打。",
                       "Done. The receipt did not print; reprint it from my records later."),
    "records": ("这是您在这台机器上的兑换记录，可以补打小票。",
                "These are your exchanges at this kiosk; you can print a receipt again."),
    "still_there": ("您还在吗？请点一下屏幕，继续兑换。",
                    "Are you still there? Touch the screen to carry on."),
    "other_card": ("刚才刷了另一张卡。要结束现在的兑换吗？请在屏幕上选择。",
                   "Another card was tapped. Should this visit end? Please choose on the "
                   "screen."),
    "next_card": ("已读到下一位的卡。点下一位就开始，或者稍等，会自动开始。",
                  "The next card is read. Tap next visit to begin, or wait a moment."),
}

# Each refusal or hint a volunteer can meet, said without a name or an amount.
REFUSALS: dict[str, tuple[str, str]] = {
    "refused": ("这次不能兑换。", "This cannot be done."),
    "card_unknown": ("这张卡没有登记，请联系工作人员。",
                     "This card is not registered. Please ask staff."),
    "card_blocked": ("这张卡已停用，请联系工作人员。",
                     "This card is blocked. Please ask staff."),
    "card_revoked": ("这张卡已换成新卡，请使用新卡。",
                     "This card was replaced by a newer one. Please use the new card."),
    "card_unreadable": ("没有读到卡，请把卡放稳再试一次。",
                        "The card could not be read. Hold it still and try again."),
    "card_token": ("这个二维码不能使用。", "This QR code cannot be used."),
    "not_a_card_code": ("扫到的不是积分卡。", "That code is not a points card."),
    "card_token_unreadable": ("二维码没有读清楚，请再试一次。",
                              "The QR code could not be read. Please try again."),
    "card_token_too_long": ("这个二维码不是积分卡。", "That QR code is not a points card."),
    "card_token_unsupported": ("这种新卡本机还不能读，请联系工作人员。",
                               "This kiosk cannot read this newer card yet. Please ask staff."),
    "card_token_forged": ("这张二维码卡无法验证，请联系工作人员。",
                          "This QR card could not be verified. Please ask staff."),
    "card_token_wrong_district": ("这张卡不是本区的卡。", "This card is from another district."),
    "card_token_expired": ("这张二维码卡已过期，请联系工作人员补办。",
                           "This QR card has expired. Please ask staff for a new one."),
    "card_alert": ("这张卡没有通过验证，请联系工作人员。",
                   "This card did not pass its check. Please ask staff."),
    "sun_check_failed": ("这张卡没有通过防伪验证，请联系工作人员。",
                         "This card failed its security check. Please ask staff."),
    "card_not_genuine": ("这张卡没有通过防伪验证，请联系工作人员。",
                         "This card failed its security check. Please ask staff."),
    "sun_replayed": ("请把卡拿开，重新放一次。", "Please lift the card and tap it again."),
    "sun_counter_exhausted": ("这张卡已经不能再用，请联系工作人员换新卡。",
                              "This card cannot be used any more. Please ask staff."),
    "sun_keys_missing": ("本机暂时不能验证这种卡，请联系工作人员。",
                         "This kiosk cannot check this kind of card yet. Please ask staff."),
    "card_id_invalid": ("没有读清卡号，请再试一次。",
                        "The card number could not be read. Please try again."),
    "uid_only_cap_reached": ("这张卡今天的兑换额度用完了，可以使用二维码积分卡。",
                             "This card's daily limit is reached; a QR points card has none."),
    "item_unavailable": ("这件商品现在不能兑换。", "This item is not available now."),
    "empty_basket": ("购物车是空的，请先选商品。", "The cart is empty. Pick something first."),
    "bad_quantity": ("商品的数量不对，请重新选择。",
                     "An item's quantity is wrong. Please choose again."),
    "bad_basket_line": ("购物车里有一项无法识别，请重新选择。",
                        "An entry in the cart cannot be read. Please choose again."),
    "quantity_too_large": ("这件商品一次不能兑换这么多。", "That is too many of one item."),
    "not_enough_points": ("积分不够兑换这件商品。", "Not enough points for this item."),
    "out_of_stock": ("这件商品没有货了。", "This item is out of stock."),
    "limit_reached": ("这件商品每人有限量，已经到了。", "The limit per person is reached."),
    "offline_cap_reached": ("网络暂时中断，今天的兑换额度到了。",
                            "The network is down and today's limit is reached."),
    "price_changed": ("价格刚刚更新了，请再看一下购物车。",
                      "A price just changed. Please check your cart again."),
    "printer_fault": ("小票没有打印出来，兑换已经成功，可以稍后补打。",
                      "The receipt did not print. The exchange stands; reprint it later."),
    STAFF.code: ("出了点问题，这次没有兑换，请联系工作人员。",
                 "Something went wrong and nothing was exchanged. Please ask staff."),
    "reprinted": ("小票已打印，请取走。", "The receipt is printed. Please take it."),
    "out_of_service": ("本机暂停服务，请联系工作人员。",
                       "This kiosk is out of service. Please ask staff."),
    "voucher_unavailable": ("这张兑换券现在不能兑换，请联系工作人员。",
                            "This voucher cannot be taken here right now. Please ask staff."),
}

# Refusals only an operator meets, on screens that are not spoken.
OPERATOR_ONLY = frozenset({"card_taken", "not_an_operator_card", "picture_refused",
                           "pin_locked", "pin_rejected", "void_refused", "wrong_pin",
                           "item_invalid", "operator_card_refused", "stock", "no_order"})


@dataclass(frozen=True)
class Prompt:
    key: str   # the same key is not said twice in a row
    zh: str
    en: str
    personal: bool = False  # holds a name or an amount: never kept on disk

    def text(self, language: str) -> str:
        return in_language(language, self.zh, self.en)


def step_key(state: FlowState) -> str:
    if state.warning_until is not None:
        return "still_there"
    if state.other_card is not None:
        return "other_card"
    if state.screen == Screen.DONE and state.next_card is not None:
        return "next_card"
    if state.screen == Screen.DONE and state.printer_notice is not None:
        return "done_unprinted"
    return str(state.screen)


def prompt_for(state: FlowState, *, personal: bool) -> Prompt:
    """What to say for ``state``: a refusal or hint when one shows, else the step's words.
    With ``personal`` (the volunteer asked for reading aloud) what the screen shows of them
    is said too; without it nothing names them or their points."""
    step = step_key(state)
    notice = state.notice if step not in ("still_there", "other_card") else None
    if notice is not None and state.screen == Screen.DONE:
        # A note on the success screen (a stray code, someone's refused card) comes after
        # the success, never instead of it: it may have arrived while the sale committed.
        done = prompt_for(replace(state, notice=None), personal=personal)
        note = _notice_prompt(step, notice, personal)
        return Prompt(f"{done.key}+{note.key}", f"{done.zh}{note.zh}", f"{done.en} {note.en}",
                      done.personal or note.personal)
    if notice is not None:
        return _notice_prompt(step, notice, personal)
    zh, en = STEPS[step]
    key = step
    if personal and (extra := _personal(state)) is not None:
        return Prompt(f"{key}:{extra[0]}", f"{extra[0]}{zh}", f"{extra[1]} {en}", True)
    return Prompt(key, zh, en)


def _notice_prompt(step: str, notice: Notice, personal: bool) -> Prompt:
    if personal:  # the words on the screen, names of goods and amounts included
        return Prompt(f"{step}:{notice.code}:{notice.zh}", notice.zh, notice.en, True)
    zh, en = REFUSALS.get(notice.code, REFUSALS["refused"])
    return Prompt(f"{step}:{notice.code}", zh, en)


def _personal(state: FlowState) -> tuple[str, str] | None:
    """What the screen shows of this volunteer, as a sentence in each language."""
    holder = state.holder
    if state.screen == Screen.DONE and state.receipt is not None:
        r = state.receipt
        zh = f"还剩 {r.balance_after} 分。"
        en = f"{r.balance_after} points left."
        if state.printer_notice is not None:
            order = short_order_id(r.order_id)
            zh += f"订单号 {order}。"
            en += f" Order number {order}."
        return zh, en
    if holder is None:
        return None
    if state.screen == Screen.BALANCE:
        zh, en = f"您好，{holder.masked_name}。您有 {holder.balance} 分。", \
            f"Hello, {holder.masked_name}. You have {holder.balance} points."
        if state.capped:
            zh += f"今天最多可以兑换 {state.spendable} 分。"
            en += f" Today you can spend {state.spendable}."
        return zh, en
    if state.screen in (Screen.CATALOGUE, Screen.CART, Screen.CONFIRM):
        return (f"已选 {state.cart.total} 分，还能兑换 {state.spendable_after} 分。",
                f"{state.cart.total} points chosen, {state.spendable_after} left to spend.")
    return None


def _codes(cls: type[errors.UserFacingError]) -> Iterator[str]:
    yield cls.code
    for sub in cls.__subclasses__():
        yield from _codes(sub)


def coverage() -> tuple[list[str], list[str]]:
    """(spoken, silent): every step of a visit and every refusal or hint a volunteer can see,
    split by whether it has a prompt. The refusals are all the user-facing errors the core
    defines (every module of it is imported, so a new refusal anywhere is counted) and the
    flow's own notices."""
    for module in pkgutil.iter_modules(kiosk.core.__path__):
        importlib.import_module(f"kiosk.core.{module.name}")
    refusals = set(_codes(errors.UserFacingError)) - OPERATOR_ONLY
    refusals |= {STAFF.code, "reprinted"}
    steps = [str(s) for s in Screen] + ["done_unprinted", "still_there", "other_card",
                                        "next_card"]
    spoken = [s for s in steps if s in STEPS] + sorted(c for c in refusals if c in REFUSALS)
    silent = [s for s in steps if s not in STEPS] + sorted(c for c in refusals
                                                           if c not in REFUSALS)
    return spoken, silent
