"""What a pushed outbox entry means to the district, checked without touching storage.

A kiosk's entry is a fact (goods left the shelf), but its shape is checked strictly: money may
move only between the volunteer named on the order, this kiosk's own sales account and the
donation pool. Anything else (another kiosk's account, an unknown kind, a malformed payload) is
rejected with a reason and never applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from points_protocol import ids
from points_protocol.errors import Invalid
from points_protocol.messages import CARD_ACTIONS

DONATION_POOL = "donation_pool"


class EntryRejected(Exception):
    """The entry cannot be applied; ``str()`` is the reason sent back to the kiosk."""


@dataclass(frozen=True)
class OrderFact:
    order_id: str
    kind: str
    volunteer_id: str
    card_id: str
    total: int
    created_at: str
    offline: bool
    voids_order_id: str | None


@dataclass(frozen=True)
class CardFact:
    """A block, unblock or registration made by an operator at the kiosk."""
    card_id: str
    action: str                 # block | unblock | register
    at: str
    volunteer_id: str | None    # register only
    kind: str | None            # register only: nfc | qr | sun


@dataclass(frozen=True)
class AuditFact:
    """One row of the kiosk's audit log, stored as the kiosk wrote it."""
    audit_id: int
    at: str
    operator_id: str
    action: str
    subject: str | None
    before: Any
    after: Any


@dataclass(frozen=True)
class CounterFact:
    """A signed NFC tap a kiosk accepted (NTAG 424 DNA with SUN; see district.sun_sync)."""
    card_id: str
    key_generation: int
    counter: int


@dataclass(frozen=True)
class AlertFact:
    """A card a kiosk refused as forged, replayed or copied."""
    card_id: str | None
    code: str
    detail: str
    at: str


@dataclass
class Effect:
    transfers: list[tuple[str, str, str, int]] = field(default_factory=list)  # id, from, to, n
    stock: list[tuple[str, int, str, str | None]] = field(default_factory=list)  # item, delta,
    order: OrderFact | None = None                                               # kind, donor
    card: CardFact | None = None
    audit: AuditFact | None = None
    sun_counter: CounterFact | None = None
    card_alert: AlertFact | None = None


def _str(payload: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value:
        raise EntryRejected(f"payload field {key!r} must be a non-empty string")
    return value


def _int(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise EntryRejected(f"{what} must be an integer")
    return value


def _list(payload: dict[str, Any], key: str) -> list[Any]:
    value = payload.get(key)
    if not isinstance(value, list):
        raise EntryRejected(f"payload field {key!r} must be a list")
    return value


def effect_of(kiosk_id: str, kind: str, entry_id: str, payload: dict[str, Any]) -> Effect:
    if kind in ("sale", "void"):
        return _order(kiosk_id, kind, entry_id, payload)
    reader = _READERS.get(kind)
    if reader is None:
        raise EntryRejected(f"unknown entry kind {kind!r}")
    return reader(payload)


def _order(kiosk_id: str, kind: str, entry_id: str,  # noqa: PLR0912 (one check per rule)
           payload: dict[str, Any]) -> Effect:
    if payload.get("order_id") != entry_id or payload.get("kind") != kind:
        raise EntryRejected("payload order_id/kind do not match the entry")
    volunteer_id = _str(payload, "volunteer_id")
    sales = f"sales:{kiosk_id}"
    person = f"volunteer:{volunteer_id}"
    allowed = {sales, person, DONATION_POOL}
    effect = Effect()
    moved = 0
    for raw in _list(payload, "transfers"):
        if not isinstance(raw, dict):
            raise EntryRejected("a transfer must be an object")
        tid, src, dst = _str(raw, "id"), _str(raw, "from"), _str(raw, "to")
        amount = _int(raw.get("amount"), "transfer amount")
        for account in (src, dst):
            if account.startswith("sales:") and account != sales:
                raise EntryRejected(f"transfer {tid} claims another kiosk's account {account}")
            if account not in allowed:
                raise EntryRejected(f"transfer {tid} touches account {account}, not allowed")
        if amount <= 0 or src == dst:
            raise EntryRejected(f"transfer {tid} must move a positive amount between accounts")
        if (kind == "sale") != (src == person):
            raise EntryRejected(f"transfer {tid} goes the wrong way for a {kind}")
        moved += amount
        effect.transfers.append((tid, src, dst, amount))
    total = _int(payload.get("total"), "total")
    if moved != abs(total):
        raise EntryRejected(f"transfers add up to {moved}, the order total is {total}")
    stock_kind = "sale" if kind == "sale" else "void"
    for raw in _list(payload, "stock"):
        if not isinstance(raw, dict):
            raise EntryRejected("a stock line must be an object")
        delta = _int(raw.get("delta"), "stock delta")
        if delta == 0 or (kind == "sale") != (delta < 0):
            raise EntryRejected("stock delta has the wrong sign")
        effect.stock.append((_str(raw, "item_id"), delta, stock_kind, None))
    voids = _str(payload, "voids_order_id", optional=True)
    if (kind == "void") != (voids is not None):
        raise EntryRejected("a void must name the sale it voids (and only a void)")
    offline = payload.get("offline")
    if not isinstance(offline, bool):
        raise EntryRejected("payload field 'offline' must be true or false")
    effect.order = OrderFact(order_id=entry_id, kind=kind, volunteer_id=volunteer_id,
                             card_id=_str(payload, "card_id"), total=total,
                             created_at=_str(payload, "created_at"), offline=offline,
                             voids_order_id=voids)
    return effect


def _restock(payload: dict[str, Any]) -> Effect:
    donor = _str(payload, "donor_id", optional=True)
    effect = Effect()
    for raw in _list(payload, "lines"):
        if not isinstance(raw, dict):
            raise EntryRejected("a restock line must be an object")
        quantity = _int(raw.get("quantity"), "restock quantity")
        if quantity <= 0:
            raise EntryRejected("a restock quantity must be positive")
        effect.stock.append((_str(raw, "item_id"), quantity, "restock", donor))
    return effect


def _count(payload: dict[str, Any]) -> Effect:
    adjustments = payload.get("adjustments")
    if not isinstance(adjustments, dict):
        raise EntryRejected("payload field 'adjustments' must be an object")
    effect = Effect()
    for item_id, delta in adjustments.items():
        if _int(delta, "count adjustment") == 0:
            raise EntryRejected("a count adjustment cannot be zero")
        effect.stock.append((item_id, delta, "count", None))
    return effect


_CARD_STATUS = {"block": "blocked", "unblock": "active"}


def _card(payload: dict[str, Any]) -> Effect:
    action = payload.get("action")
    if not isinstance(action, str) or action not in CARD_ACTIONS:   # a list is unhashable
        raise EntryRejected(f"unknown card action {str(action)[:40]!r}")
    at = _str(payload, "at")
    kind = payload.get("kind") if action == "register" else None
    if action == "register" and kind not in ids.CARD_KINDS:
        raise EntryRejected("a card registration's kind must be 'nfc', 'qr' or 'sun'")
    try:   # the reader's form, whatever spelling a kiosk sends (points_protocol.ids)
        card_id = ids.normalize_card_id(payload.get("card_id"), kind)
        volunteer_id = ids.normalize_volunteer_id(payload.get("volunteer_id")) \
            if action == "register" else None
    except Invalid as exc:
        raise EntryRejected(str(exc)) from None
    if action in _CARD_STATUS:
        if payload.get("status") != _CARD_STATUS[action]:
            raise EntryRejected(f"a card {action} must set status {_CARD_STATUS[action]!r}")
        return Effect(card=CardFact(card_id, action, at, None, None))
    return Effect(card=CardFact(card_id, action, at, volunteer_id, kind))


def _audit(payload: dict[str, Any]) -> Effect:
    audit_id = _int(payload.get("audit_id"), "audit_id")
    if audit_id <= 0:
        raise EntryRejected("audit_id must be positive")
    for key in ("before", "after"):
        if key not in payload:
            raise EntryRejected(f"payload field {key!r} is missing (null when empty)")
    return Effect(audit=AuditFact(
        audit_id=audit_id, at=_str(payload, "at"), operator_id=_str(payload, "operator_id"),
        action=_str(payload, "action"), subject=_str(payload, "subject", optional=True),
        before=payload["before"], after=payload["after"]))


_MAX_TEXT = 300


def _bounded(value: Any, low: int, high: int, what: str) -> int:
    if _int(value, what) < low or value > high:
        raise EntryRejected(f"{what} must be {low}..{high}")
    return int(value)


def _short(payload: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = _str(payload, key, optional=optional)
    if value is not None and len(value) > _MAX_TEXT:
        raise EntryRejected(f"payload field {key!r} is longer than {_MAX_TEXT} characters")
    return value


def _sun_counter(payload: dict[str, Any]) -> CounterFact:
    return CounterFact(_short(payload, "card_id"),
                       _bounded(payload.get("key_generation"), 1, 255, "key_generation"),
                       _bounded(payload.get("counter"), 0, 0xFFFFFF, "counter"))


def _card_alert(payload: dict[str, Any]) -> AlertFact:
    return AlertFact(_short(payload, "card_id", optional=True), _short(payload, "code"),
                     _short(payload, "detail"), _short(payload, "at"))


_READERS: dict[str, Callable[[dict[str, Any]], Effect]] = {
    "restock": _restock, "count": _count, "card": _card, "audit": _audit,
    "sun_counter": lambda payload: Effect(sun_counter=_sun_counter(payload)),
    "card_alert": lambda payload: Effect(card_alert=_card_alert(payload)),
}
