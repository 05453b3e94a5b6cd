"""A dishonest kiosk for the simulator: registered, signing with its own real key, and pushing
only entries the district must refuse (a stolen key in the wrong hands, or a tampered kiosk
database). Each forgery is a different lie; every one must come back ``rejected`` and move no
point, while the honest kiosks beside it carry on."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FORGED_TIME = "2026-11-30T03:00:00+00:00"


@dataclass
class Forger:
    kiosk_id: str
    transport: Any                  # AsgiTransport (no faults: every forgery arrives)
    rng: random.Random
    seq: int = 0
    sent: list[tuple[str, str]] = field(default_factory=list)      # (entry id, lie)
    answers: dict[str, str] = field(default_factory=dict)          # entry id -> status

    def push_one(self, world: Any) -> None:
        lie, payload_of = self.rng.choice(FORGERIES)
        self.seq += 1
        entry_id = f"forged-{self.kiosk_id}-{self.seq}"
        kind, payload = payload_of(self, world, entry_id)
        body = json.dumps({"idempotency_key": f"forger-{entry_id}", "entries": [
            {"seq": self.seq, "entry_id": entry_id, "kind": kind, "kiosk_id": self.kiosk_id,
             "payload": payload}]}).encode()
        status, answer = self.transport.request("POST", "/v1/push", body)
        result = json.loads(answer)["results"][0]["status"] if status == 200 else f"http {status}"
        self.sent.append((entry_id, lie))
        self.answers[entry_id] = result

    def problems(self) -> list[str]:
        return [f"forgery '{lie}' ({entry_id}) answered {self.answers[entry_id]}"
                for entry_id, lie in self.sent if self.answers[entry_id] != "rejected"]


def sale(forger: Forger, entry_id: str, volunteer: str, card: str, amount: int, *,
         src: str | None = None, dst: str | None = None, kind: str = "sale",
         voids: str | None = None) -> dict[str, Any]:
    sign = 1 if kind == "sale" else -1
    return {"order_id": entry_id, "kind": kind, "voids_order_id": voids, "card_id": card,
            "volunteer_id": volunteer, "created_at": FORGED_TIME, "total": sign * amount,
            "offline": True, "reason": None,
            "lines": [{"item_id": "masks", "quantity": sign, "unit_price": amount,
                       "amount": sign * amount}],
            "transfers": [{"id": f"{entry_id}-t", "from": src or f"volunteer:{volunteer}",
                           "to": dst or f"sales:{forger.kiosk_id}", "amount": amount}],
            "stock": [{"item_id": "masks", "delta": -sign}]}


def _someone(world: Any) -> tuple[str, str]:
    volunteer = world.rng.choice(world.vids)
    return volunteer, world.card_of(volunteer)


def _void_of_honest_sale(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    victim = w.rng.choice(w.sales).order_id if w.sales else "no-such-sale"
    v, card = _someone(w)
    return "void", sale(f, eid, v, card, 5000, kind="void", voids=victim,
                        src=f"sales:{f.kiosk_id}", dst=f"volunteer:{v}")


def _refund_from_pool(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    v, card = _someone(w)
    return "void", sale(f, eid, v, card, 3000, kind="void", voids="no-such-sale",
                        src="donation_pool", dst=f"volunteer:{v}")


def _unknown_volunteer(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    return "sale", sale(f, eid, "V-nobody", "04FFFFFFFFFFFF", 10)


def _someone_elses_card(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    v, _ = _someone(w)
    other = next((x for x in w.vids if x != v), v)
    return "sale", sale(f, eid, v, w.card_of(other) if other != v else "04EEEEEEEEEEEE", 10)


def _pays_issuance(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    v, card = _someone(w)
    dst = w.rng.choice(["issuance", f"debt:{v}", "sales:K0"])
    return "sale", sale(f, eid, v, card, 10, dst=dst)


def _takes_from_another(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    v, card = _someone(w)
    return "sale", sale(f, eid, v, card, 10, src=w.rng.choice(["issuance", "donation_pool",
                                                               "sales:K0"]))


def _overspend_beyond_caps(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    v, card = _someone(w)
    return "sale", sale(f, eid, v, card, 1_000_000)


def _malformed(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    choice = w.rng.randrange(4)
    if choice == 0:
        return "card", {"card_id": "04AA", "action": ["block"], "at": FORGED_TIME}
    if choice == 1:
        return "restock", {"lines": [{"item_id": "masks", "quantity": 2**63}]}
    if choice == 2:
        return "sale", ["not", "an", "object"]
    return "audit", {"audit_id": 2**63, "at": FORGED_TIME, "operator_id": "x",
                     "action": "y", "before": None, "after": None}


def _does_not_add_up(f: Forger, w: Any, eid: str) -> tuple[str, Any]:
    v, card = _someone(w)
    payload = sale(f, eid, v, card, 10)
    payload["transfers"][0]["amount"] = 1
    return "sale", payload


FORGERIES: list[tuple[str, Callable[[Forger, Any, str], tuple[str, Any]]]] = [
    ("void of another kiosk's sale", _void_of_honest_sale),
    ("refund out of the donation pool", _refund_from_pool),
    ("sale for an unknown volunteer", _unknown_volunteer),
    ("sale with another volunteer's card", _someone_elses_card),
    ("sale paying issuance, a debt or another kiosk", _pays_issuance),
    ("sale taking points from an account not the volunteer's", _takes_from_another),
    ("overspend beyond the offline caps", _overspend_beyond_caps),
    ("malformed entry", _malformed),
    ("transfers that do not add up", _does_not_add_up),
]
