"""Building pushed entries for district tests (the shapes the kiosk's outbox writes)."""

from __future__ import annotations

from typing import Any

from district.push import EntryResult, PushEntry
from district.store import Store

CARDS = {"V0001": "04A1B2C3D4E5F6", "V0002": "04B7C8D9E0F1A2", "V0003": "04C3D4E5F6A7B8"}
WHEN = "2026-11-30T02:00:00+00:00"


def sale(order_id: str, *, volunteer: str = "V0001", amount: int = 30, kiosk: str = "k1",
         item: str = "soap", to: str | None = None, src: str | None = None,
         card: str | None = None, created_at: str = WHEN) -> dict[str, Any]:
    return {"order_id": order_id, "kind": "sale", "voids_order_id": None,
            "card_id": card or CARDS.get(volunteer, "04000000000000"),
            "volunteer_id": volunteer, "created_at": created_at, "total": amount,
            "offline": True, "reason": None,
            "lines": [{"item_id": item, "quantity": 1, "unit_price": amount, "amount": amount}],
            "transfers": [{"id": f"t-{order_id}", "from": src or f"volunteer:{volunteer}",
                           "to": to or f"sales:{kiosk}", "amount": amount}],
            "stock": [{"item_id": item, "delta": -1}]}


def void(order_id: str, of: dict[str, Any], *, refund: int | None = None,
         volunteer: str | None = None, src: str | None = None) -> dict[str, Any]:
    """The exact reverse of ``of``, unless told to lie about the refund, the volunteer or the
    account it comes from."""
    amount = refund if refund is not None else of["total"]
    person = volunteer or of["volunteer_id"]
    line = of["lines"][0]
    return {"order_id": order_id, "kind": "void", "voids_order_id": of["order_id"],
            "card_id": of["card_id"], "volunteer_id": person, "created_at": WHEN,
            "total": -amount, "offline": False, "reason": "mistake",
            "lines": [{"item_id": line["item_id"], "quantity": -1,
                       "unit_price": amount, "amount": -amount}],
            "transfers": [{"id": f"t-{order_id}", "from": src or of["transfers"][0]["to"],
                           "to": f"volunteer:{person}", "amount": amount}],
            "stock": [{"item_id": line["item_id"], "delta": 1}]}


class Pusher:
    """One kiosk's pushes, with its own gap-free sequence."""

    def __init__(self, store: Store, kiosk_id: str = "k1") -> None:
        self.store = store
        self.kiosk_id = kiosk_id
        self.seq = 0
        store.register_kiosk(kiosk_id, "AAAA")

    def push(self, *payloads: Any, kind: str | None = None) -> list[EntryResult]:
        entries = []
        for payload in payloads:
            self.seq += 1
            # Any: a test may push a kind that is no string at all, as a broken kiosk would.
            entry_kind: Any = kind or (payload.get("kind") if isinstance(payload, dict)
                                       else "sale")
            entry_id = payload["order_id"] if isinstance(payload, dict) and \
                isinstance(payload.get("order_id"), str) else f"e-{self.kiosk_id}-{self.seq}"
            entries.append(PushEntry(self.seq, entry_id, entry_kind, self.kiosk_id, payload))
        _, results = self.store.push(self.kiosk_id, entries,
                                     idempotency_key=f"b-{self.kiosk_id}-{self.seq}")
        return results


def balances(store: Store) -> dict[str, int]:
    return {str(a): int(b) for a, b in store.query(
        "SELECT account, SUM(balance) FROM balances GROUP BY account")}
