"""What can be spent, in words: the balance screen, the catalogue and the cart say the same."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.core.session_flow import FlowState
from kiosk.ui.widgets import Screen

translate = QCoreApplication.translate


def spend_lines(screen: Screen, state: FlowState) -> tuple[str, str]:
    """("You can spend 240 points today", why) when a daily cap is below the balance."""
    n = screen.lang.number
    can = translate("Spend", "You can spend %1 points today").replace("%1", n(state.spendable))
    reason = state.limit.reason if state.limit is not None else "balance"
    if reason == "offline":
        why = translate("Spend", "The network is down: a daily limit applies until it is back.")
    elif reason == "offline_kiosk":
        why = translate("Spend", "The network is down: this kiosk's daily limit applies.")
    elif reason == "uid_only":
        why = translate("Spend", "A daily limit for this kind of card (a QR points card has "
                                 "none).")
    else:
        why = ""
    return can, why


def left_to_spend(screen: Screen, state: FlowState) -> str:
    """What is left after the cart: of the balance, or of today's limit when that is lower."""
    n = screen.lang.number
    if state.capped:
        return translate("Spend", "Left to spend today: %1 points").replace(
            "%1", n(state.spendable_after))
    return translate("Spend", "Left after: %1 points").replace("%1", n(state.balance_after))
