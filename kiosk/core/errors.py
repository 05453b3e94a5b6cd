"""Typed errors. A :class:`UserFacingError` carries the words the volunteer sees (zh and en);
anything else is a fault to log with context and show as "please ask staff"."""

from __future__ import annotations

from datetime import datetime


class UserFacingError(Exception):
    """A refusal the volunteer can understand and act on."""

    code = "refused"

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.en


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


class ItemUnavailable(UserFacingError):
    code = "item_unavailable"

    def __init__(self, name_zh: str, name_en: str) -> None:
        super().__init__(f"“{name_zh}”暂不提供兑换。", f"“{name_en}” is not available now.")
        self.name_en = name_en


class EmptyBasket(UserFacingError):
    code = "empty_basket"

    def __init__(self) -> None:
        super().__init__("购物车是空的。", "The basket is empty.")


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


class VoidRefused(UserFacingError):
    code = "void_refused"


class LedgerConflict(Exception):
    """An id reused with different content (I8): a bug or tampering, never applied."""
