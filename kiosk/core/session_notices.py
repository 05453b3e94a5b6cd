"""What a volunteer is told during a visit: a :class:`Notice` in both languages, and the hints
that say why the cart cannot take one more of something (stock, a limit, the points, a cap).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.errors import UserFacingError
from kiosk.core.language import in_language
from kiosk.core.models import SpendLimit
from kiosk.core.periods import PERIOD_ZH


@dataclass(frozen=True)
class Notice:
    """Words for the volunteer in both languages (a refusal, a cart hint, a printer problem)."""

    code: str
    zh: str
    en: str

    @classmethod
    def of(cls, error: UserFacingError) -> Notice:
        return cls(error.code, error.zh, error.en)

    def text(self, language: str) -> str:
        return in_language(language, self.zh, self.en)


STAFF = Notice("ask_staff", "出了点问题，这次没有兑换，请联系工作人员。",
               "Something went wrong and nothing was exchanged. Please ask staff.")


def cart_hint(entry: CatalogueEntry, wanted: int, balance_after: int, step_price: int,
              max_per_line: int, *, limit: SpendLimit | None = None) -> Notice | None:
    """Why ``wanted`` of ``entry`` cannot be in the cart, or None if it can."""
    zh, en = entry.name_zh, entry.name_en
    if entry.stock is not None and wanted > entry.stock:
        if entry.stock <= 0:
            return Notice("out_of_stock", f"“{zh}”已兑完。", f"“{en}” is out of stock.")
        return Notice("out_of_stock", f"“{zh}”只剩 {entry.stock} 件。",
                      f"Only {entry.stock} of “{en}” left.")
    if entry.limit_count is not None and wanted > entry.limit_count:
        period_zh = PERIOD_ZH.get(entry.limit_period or "", "每次")
        return Notice("limit_reached", f"“{zh}”每人{period_zh}限 {entry.limit_count} 件。",
                      f"“{en}” is limited to {entry.limit_count} per person per "
                      f"{entry.limit_period or 'visit'}.")
    if wanted > max_per_line:
        return Notice("quantity_too_large", f"“{zh}”一次最多兑换 {max_per_line} 件。",
                      f"At most {max_per_line} of “{en}” in one basket.")
    return points_hint(zh, en, step_price, balance_after, limit)


def points_hint(zh: str, en: str, price: int, left: int,
                limit: SpendLimit | None) -> Notice | None:
    if price <= left:
        return None
    if limit is not None and limit.reason != "balance":
        return cap_hint(zh, en, price, left, limit.reason)
    return Notice("not_enough_points",
                  f"积分不够：“{zh}”要 {price} 分，还剩 {left} 分可用。",
                  f"Not enough points: “{en}” costs {price}, you have {left} left to spend.")


CAP_WORDS = {  # why a daily cap, not the balance, decides (zh, en)
    "offline": ("网络暂时中断，今天离线", "the network is down, so today offline"),
    "offline_kiosk": ("网络暂时中断，本机今天离线", "the network is down, so today this "
                      "kiosk offline"),
    "uid_only": ("为了安全，这张卡今天", "for safety, today this card"),
}


def cap_hint(zh: str, en: str, price: int, left: int, reason: str) -> Notice:
    """A tile or + press over a daily cap: say which cap, and how much it still allows."""
    why_zh, why_en = CAP_WORDS.get(reason, CAP_WORDS["offline"])
    code = "uid_only_cap_reached" if reason == "uid_only" else "offline_cap_reached"
    return Notice(code, f"“{zh}”要 {price} 分；{why_zh}最多还能兑换 {left} 分。",
                  f"“{en}” costs {price}; {why_en} can spend at most {left} more points.")
