"""Typed errors. A :class:`UserFacingError` carries the words the volunteer sees (zh and en);
anything else is a fault to log with context and show as "please ask staff"."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.language import in_language


class UserFacingError(Exception):
    """A refusal the volunteer can understand and act on."""

    code = "refused"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, language: str) -> str:
        return in_language(language, self.zh, self.en)


class CardUnknown(UserFacingError):
    code = "card_unknown"

    def __init__(self) -> None:
        super().__init__("这张卡还没有登记，请联系工作人员。",
                         "This card is not registered. Please ask staff.")


class CardBlocked(UserFacingError):
    code = "card_blocked"

    def __init__(self) -> None:
        super().__init__("这张卡已停用，请联系工作人员。",
                         "This card has been blocked. Please ask staff.")


class CardRevoked(UserFacingError):
    code = "card_revoked"

    def __init__(self) -> None:
        super().__init__("这张卡已被新卡取代，请使用最新的卡。",
                         "This card has been replaced by a newer one. Please use your new card.")


class CardIdInvalid(UserFacingError):
    """A typed card number that is no card id (``points_protocol.ids``)."""

    code = "card_id_invalid"

    def __init__(self, text: str) -> None:
        shown = text.strip()[:30]
        super().__init__(f"“{shown}”不是卡号。NFC 卡号是 8 到 20 位十六进制数字（0-9、A-F），"
                         "二维码卡号以 QR 开头。",
                         f"“{shown}” is not a card number: an NFC card number is 8 to 20 hex "
                         "digits (0-9, A-F), a QR card number starts with QR.")


class CardUnreadable(UserFacingError):
    """An NFC card was seen but its number could not be read (taken away too soon, or a card
    that answers with an error); ``detail`` is for the operator's log."""

    code = "card_unreadable"

    def __init__(self, detail: str = "") -> None:
        super().__init__("没有读到卡号。请把卡平放在读卡器上，稍等片刻再拿开。",
                         "The card could not be read. Please hold it flat on the reader "
                         "for a moment.")
        self.detail = detail


class UidOnlyCapReached(UserFacingError):
    """A card known only by its (cloneable) UID has reached its daily spending cap."""

    code = "uid_only_cap_reached"

    def __init__(self, remaining: int) -> None:
        self.remaining = max(remaining, 0)
        super().__init__(
            f"为了安全，这张卡今天最多还能兑换 {self.remaining} 分。"
            "请使用二维码积分卡，或明天再来。",
            f"For safety, this card can spend at most {self.remaining} more points today. "
            "Please use your QR points card, or come back tomorrow.")


class CardAlert(UserFacingError):
    """A refusal worth telling the district about: a card that signs its taps (NTAG 424 DNA
    with SUN) whose tap did not check out, was seen before, or came without a signature (a
    copied UID). ``card_id`` is the UID it claimed, when known; ``detail`` is for the log."""

    code = "card_alert"

    def __init__(self, zh: str, en: str, *, card_id: str | None, detail: str) -> None:
        super().__init__(zh, en)
        self.card_id = card_id
        self.detail = detail


_NOT_GENUINE_ZH = "这张卡没有通过防伪验证，不能使用。请联系工作人员。"
_NOT_GENUINE_EN = "This card failed its security check and cannot be used. Please ask staff."


class SunCheckFailed(CardAlert):
    """The tap's signature (SUN message) does not verify: a forgery, a card keyed by someone
    else, or a card whose keys this kiosk does not hold."""

    code = "sun_check_failed"

    def __init__(self, *, card_id: str | None, detail: str) -> None:
        super().__init__(_NOT_GENUINE_ZH, _NOT_GENUINE_EN, card_id=card_id, detail=detail)


class CardNotGenuine(CardAlert):
    """A card registered as signing its taps was read without a signature: its UID was
    copied onto another card."""

    code = "card_not_genuine"

    def __init__(self, card_id: str) -> None:
        super().__init__(_NOT_GENUINE_ZH, _NOT_GENUINE_EN, card_id=card_id,
                         detail="a signed card's UID presented without a SUN message")


class SunReplayed(CardAlert):
    """The tap's counter is not above the highest this kiosk (or, after a sync, any kiosk)
    has seen for the card: a recorded tap played back."""

    code = "sun_replayed"

    def __init__(self, card_id: str, detail: str) -> None:
        super().__init__("这张卡的验证信息已经用过，不能再用。请把卡拿开，重新放一次；"
                         "如果还不行，请联系工作人员。",
                         "This card's security code has already been used. Please lift the "
                         "card and tap it again; if that does not help, please ask staff.",
                         card_id=card_id, detail=detail)


class SunCounterExhausted(CardAlert):
    """The card's read counter is at its limit (0xFFFFFF): it can never sign a fresh tap."""

    code = "sun_counter_exhausted"

    def __init__(self, card_id: str) -> None:
        super().__init__("这张卡的使用次数已满，不能再用。请联系工作人员换一张新卡。",
                         "This card has reached the most taps it can make and cannot be used. "
                         "Please ask staff for a new card.",
                         card_id=card_id, detail="read counter at its limit 0xFFFFFF")


class SunKeysMissing(UserFacingError):
    """A card that signs its taps, on a kiosk given no keys to check them (``[nfc]
    sun_keys``): a setup problem, not the volunteer's."""

    code = "sun_keys_missing"

    def __init__(self) -> None:
        super().__init__("本机暂时不能验证这种卡，请联系工作人员。",
                         "This kiosk cannot check this kind of card yet. Please ask staff.")


class ItemUnavailable(UserFacingError):
    code = "item_unavailable"

    def __init__(self, name_zh: str, name_en: str) -> None:
        super().__init__(f"“{name_zh}”暂不提供兑换。", f"“{name_en}” is not available now.")
        self.name_en = name_en


class EmptyBasket(UserFacingError):
    code = "empty_basket"

    def __init__(self) -> None:
        super().__init__("购物车是空的。", "The basket is empty.")


class BadQuantity(UserFacingError):
    """A basket line whose quantity is not a whole number of at least 1 (1.5, 0, -2, True,
    "3", None): refused before anything is merged, priced or written."""

    code = "bad_quantity"

    def __init__(self, quantity: object) -> None:
        self.quantity = quantity
        super().__init__("每样商品的数量要是 1 或以上的整数。",
                         "Each item's quantity must be a whole number, 1 or more.")


class BadBasketLine(UserFacingError):
    """A basket line that names no item, or a seen price that is no price."""

    code = "bad_basket_line"

    def __init__(self) -> None:
        super().__init__("购物车里有一项无法识别，请重新选择。",
                         "An entry in the basket cannot be read. Please choose again.")


class QuantityTooLarge(UserFacingError):
    code = "quantity_too_large"

    def __init__(self, name_zh: str, name_en: str, maximum: int) -> None:
        super().__init__(f"“{name_zh}”一次最多兑换 {maximum} 件。",
                         f"At most {maximum} of “{name_en}” in one basket.")
        self.maximum = maximum


class NotEnoughPoints(UserFacingError):
    code = "not_enough_points"

    def __init__(self, balance: int, total: int) -> None:
        self.missing = total - balance
        super().__init__(f"积分不足：还差 {self.missing} 分（余额 {balance}，需要 {total}）。",
                         f"Not enough points: {self.missing} short "
                         f"(balance {balance}, basket {total}).")


class OutOfStock(UserFacingError):
    code = "out_of_stock"

    def __init__(self, name_zh: str, name_en: str, available: int) -> None:
        self.available = available
        if available <= 0:
            zh, en = f"“{name_zh}”已兑完。", f"“{name_en}” is out of stock."
        else:
            zh = f"“{name_zh}”只剩 {available} 件。"
            en = f"Only {available} of “{name_en}” left."
        super().__init__(zh, en)


class LimitReached(UserFacingError):
    code = "limit_reached"

    def __init__(self, name_zh: str, name_en: str, what_zh: str, what_en: str,
                 resets_at: datetime) -> None:
        self.resets_at = resets_at
        when = resets_at.strftime("%Y-%m-%d %H:%M")
        super().__init__(f"“{name_zh}”每人{what_zh}，{when} 后可再兑换。",
                         f"“{name_en}” is limited per person to {what_en}; "
                         f"you can get more after {when}.")


class OfflineCapReached(UserFacingError):
    code = "offline_cap_reached"

    def __init__(self, remaining: int) -> None:
        self.remaining = max(remaining, 0)
        super().__init__(
            f"网络暂时中断，今天离线最多还能兑换 {self.remaining} 分，请稍后再来。",
            f"The network is down; offline you can spend at most {self.remaining} more "
            "points today. Please come back later.")


class PriceChanged(UserFacingError):
    """The price moved (a catalogue sync) between the screen and the sale: never charge a
    total the volunteer did not see."""

    code = "price_changed"

    def __init__(self, name_zh: str, name_en: str, seen: int, now: int) -> None:
        super().__init__(f"“{name_zh}”的积分价格刚刚更新（{seen} → {now} 分），请再确认一次。",
                         f"The price of “{name_en}” has just changed ({seen} -> {now} points). "
                         "Please check and confirm again.")
        self.seen, self.now = seen, now


class ItemInvalid(UserFacingError):
    """An item an operator typed that the catalogue's rules refuse (``points_protocol``)."""

    code = "item_invalid"

    def __init__(self, problems: tuple[str, ...]) -> None:
        listed = "; ".join(problems)
        super().__init__(f"商品信息不能保存：{listed}", f"The item cannot be saved: {listed}")
        self.problems = problems


class StockError(UserFacingError):
    """An operator's stock entry that cannot be applied (unknown item, not a shelf item...)."""

    code = "stock"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"库存操作不能完成：{zh}", f"The stock entry cannot be applied: {en}")


class OrderNotFound(UserFacingError):
    """An order id (typed by an operator, or asked for a reprint) this kiosk has not got."""

    code = "no_order"

    def __init__(self, order_id: str) -> None:
        super().__init__("找不到这笔订单。", f"No such order: {order_id!r} is not on this kiosk.")
        self.order_id = order_id


class VoidRefused(UserFacingError):
    code = "void_refused"


class CardTokenError(UserFacingError):
    """A scanned QR code that is not a usable card (kiosk.core.tokens); one subclass per reason
    so screens and logs can tell them apart."""

    code = "card_token"


class NotACardCode(CardTokenError):
    code = "not_a_card_code"

    def __init__(self) -> None:
        super().__init__("这个二维码不是积分卡。请出示您的积分卡二维码。",
                         "This QR code is not a points card. Please show your points card.")


class CardTokenUnreadable(CardTokenError):
    code = "card_token_unreadable"

    def __init__(self) -> None:
        super().__init__("这张卡的二维码读不出来。请再试一次，或联系工作人员。",
                         "This card's QR code could not be read. Please try again or ask staff.")


class CardTokenTooLong(CardTokenError):
    code = "card_token_too_long"

    def __init__(self) -> None:
        super().__init__("这个二维码太长，不是积分卡。请出示您的积分卡二维码。",
                         "This QR code is too long to be a points card. "
                         "Please show your points card.")


class CardTokenUnsupported(CardTokenError):
    code = "card_token_unsupported"

    def __init__(self) -> None:
        super().__init__("这是新式积分卡，本机还不认识。请联系工作人员更新本机。",
                         "This is a newer kind of card that this kiosk cannot read yet. "
                         "Please ask staff to update the kiosk.")


class CardTokenForged(CardTokenError):
    code = "card_token_forged"

    def __init__(self) -> None:
        super().__init__("这张卡无法验证，不能使用。请联系工作人员。",
                         "This card could not be verified and cannot be used. Please ask staff.")


class CardTokenWrongDistrict(CardTokenError):
    code = "card_token_wrong_district"

    def __init__(self) -> None:
        super().__init__("这张卡不是本区发的，在这里不能使用。请联系工作人员。",
                         "This card was issued by another district and cannot be used here. "
                         "Please ask staff.")


class CardTokenExpired(CardTokenError):
    code = "card_token_expired"

    def __init__(self, expired_at: datetime) -> None:
        self.expired_at = expired_at
        day = expired_at.strftime("%Y-%m-%d")
        super().__init__(f"这张卡已过期（有效期到 {day}）。请联系工作人员换新卡。",
                         f"This card expired on {day}. Please ask staff for a new card.")


class LedgerConflict(Exception):
    """An id reused with different content (I8): a bug or tampering, never applied."""


class OutOfService(UserFacingError):
    """The kiosk must not sell now (its ledger lost entries or failed its audit, its disk is
    full or read-only); ``detail`` tells the operator what and what to do."""

    code = "out_of_service"

    def __init__(self, detail: str) -> None:
        super().__init__("本机暂停服务，请联系工作人员。",
                         "This kiosk is out of service. Please ask staff.")
        self.detail = detail


class VoucherUnavailable(UserFacingError):
    """A voucher item cannot be sold here now: the kiosk has no key to sign its voucher."""

    code = "voucher_unavailable"

    def __init__(self, name_zh: str, name_en: str) -> None:
        super().__init__(f"“{name_zh}”暂时无法兑换，请联系工作人员。",
                         f"“{name_en}” cannot be taken here right now. Please ask staff.")
