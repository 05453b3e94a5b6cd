"""The form of a pushed outbox entry, checked field by field before anything is looked up.

Every field is type- and range-checked here (a list where a string belongs, 2**63 where a
quantity belongs, a naive time): a malformed entry becomes an :class:`EntryRejected` with a
reason, never an exception from deeper down, and never stops the entries after it. What an
entry *means* against the district's records is district.entry_checks' job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from points_protocol import ids
from points_protocol.errors import Invalid
from points_protocol.limits import MAX_SAFE_INTEGER
from points_protocol.messages import CARD_ACTIONS

MAX_POINTS = 10**9          # one amount; a whole district's points fit many times in BIGINT
MAX_QUANTITY = 10**6
MAX_LINES = 200
MAX_AUDIT_ID = MAX_SAFE_INTEGER
MAX_AUDIT_JSON = 4000
_ID_RE = re.compile(r"^[\x21-\x7e]{1,100}$")          # printable ASCII, no spaces
_TEXT_MAX = 200


class EntryRejected(Exception):
    """The entry cannot be applied; ``str()`` is the reason sent back to the kiosk."""


@dataclass(frozen=True)
class Line:
    item_id: str
    quantity: int
    unit_price: int
    amount: int


@dataclass(frozen=True)
class Move:
    transfer_id: str
    src: str
    dst: str
    amount: int


@dataclass(frozen=True)
class OrderFact:
    order_id: str
    kind: str                       # sale | void
    volunteer_id: str
    card_id: str
    total: int
    created_at: datetime
    offline: bool
    voids_order_id: str | None
    lines: tuple[Line, ...]
    moves: tuple[Move, ...]
    stock: tuple[tuple[str, int], ...]      # item, delta


@dataclass(frozen=True)
class StockFact:
    kind: str                               # restock | count
    donor_id: str | None
    stock: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CardFact:
    card_id: str
    action: str                 # block | unblock | register
    at: str
    volunteer_id: str | None    # register only
    kind: str | None            # register only: nfc | qr


@dataclass(frozen=True)
class AuditFact:
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


Fact = OrderFact | StockFact | CardFact | AuditFact | CounterFact | AlertFact


def ident(payload: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise EntryRejected(f"{key!r} must be an id of 1-100 printable characters")
    return value


def short_text(payload: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = payload.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= _TEXT_MAX or \
            not value.isprintable():
        raise EntryRejected(f"{key!r} must be text of 1-{_TEXT_MAX} printable characters")
    return value


def integer(value: Any, what: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise EntryRejected(f"{what} must be a whole number in {low}..{high}")
    return value


def moment(payload: dict[str, Any], key: str) -> datetime:
    value = payload.get(key)
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and 2000 <= parsed.year <= 9000:
            # The kiosk writes UTC with its offset; a time without one is read as UTC.
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    raise EntryRejected(f"{key!r} must be an ISO 8601 time (years 2000-9000)")


def _checked_time(payload: dict[str, Any], key: str) -> str:
    moment(payload, key)
    return str(payload[key])


def objects(payload: dict[str, Any], key: str, limit: int = MAX_LINES) -> list[dict[str, Any]]:
    value = payload.get(key)
    if not isinstance(value, list) or len(value) > limit or \
            not all(isinstance(v, dict) for v in value):
        raise EntryRejected(f"{key!r} must be a list of at most {limit} objects")
    return value


def card_id_of(payload: dict[str, Any], kind: str | None = None) -> str:
    """The card id in its one normal form (points_protocol.ids), whatever spelling was sent."""
    try:
        return ids.normalize_card_id(payload.get("card_id"), kind)
    except Invalid as exc:
        raise EntryRejected(f"card_id: {exc}") from None


def volunteer_id_of(payload: dict[str, Any]) -> str:
    try:
        return ids.normalize_volunteer_id(payload.get("volunteer_id"))
    except Invalid as exc:
        raise EntryRejected(f"volunteer_id: {exc}") from None


def shape_of(kind: Any, entry_id: str, payload: Any) -> Fact:  # noqa: PLR0911 (one per kind)
    if not isinstance(payload, dict):
        raise EntryRejected("the payload must be an object")
    if kind in ("sale", "void"):
        return _order(kind, entry_id, payload)
    if kind == "restock":
        return _restock(payload)
    if kind == "count":
        return _count(payload)
    if kind == "card":
        return _card(payload)
    if kind == "audit":
        return _audit(payload)
    if kind == "sun_counter":
        return CounterFact(card_id_of(payload),
                           integer(payload.get("key_generation"), "key_generation", 1, 255),
                           integer(payload.get("counter"), "counter", 0, 0xFFFFFF))
    if kind == "card_alert":
        return AlertFact(card_id_of(payload) if payload.get("card_id") is not None else None,
                         short_text(payload, "code"), short_text(payload, "detail"),
                         _checked_time(payload, "at"))
    raise EntryRejected(f"unknown entry kind {str(kind)[:40]!r}")


def _order(kind: str, entry_id: str, payload: dict[str, Any]) -> OrderFact:
    if payload.get("order_id") != entry_id or payload.get("kind") != kind:
        raise EntryRejected("payload order_id/kind do not match the entry")
    sale = kind == "sale"
    total = integer(payload.get("total"), "total", 0 if sale else -MAX_POINTS * MAX_LINES,
                    MAX_POINTS * MAX_LINES if sale else 0)
    lines = []
    for raw in objects(payload, "lines"):
        quantity = integer(raw.get("quantity"), "line quantity",
                           1 if sale else -MAX_QUANTITY, MAX_QUANTITY if sale else -1)
        unit_price = integer(raw.get("unit_price"), "unit price", 0, MAX_POINTS)
        amount = integer(raw.get("amount"), "line amount", -MAX_POINTS * MAX_QUANTITY,
                         MAX_POINTS * MAX_QUANTITY)
        if amount != quantity * unit_price:
            raise EntryRejected("a line's amount is not its quantity times its unit price")
        lines.append(Line(ident(raw, "item_id"), quantity, unit_price, amount))
    if sum(line.amount for line in lines) != total:
        raise EntryRejected("the lines do not add up to the order total")
    moves = []
    for raw in objects(payload, "transfers"):
        move = Move(ident(raw, "id"), ident(raw, "from"), ident(raw, "to"),
                    integer(raw.get("amount"), "transfer amount", 1, MAX_POINTS * MAX_QUANTITY))
        if move.src == move.dst:
            raise EntryRejected(f"transfer {move.transfer_id} moves points to its own account")
        moves.append(move)
    if len({m.transfer_id for m in moves}) != len(moves):
        raise EntryRejected("two transfers of the order share an id")
    if sum(m.amount for m in moves) != abs(total):
        raise EntryRejected("the transfers do not add up to the order total")
    stock = []
    for raw in objects(payload, "stock"):
        delta = integer(raw.get("delta"), "stock delta", -MAX_QUANTITY, MAX_QUANTITY)
        if delta == 0 or (delta < 0) != sale:
            raise EntryRejected("stock delta has the wrong sign")
        stock.append((ident(raw, "item_id"), delta))
    voids = ident(payload, "voids_order_id", optional=True)
    if (kind == "void") != (voids is not None):
        raise EntryRejected("a void must name the sale it voids (and only a void)")
    offline = payload.get("offline")
    if not isinstance(offline, bool):
        raise EntryRejected("'offline' must be true or false")
    short_text(payload, "reason", optional=True)
    return OrderFact(order_id=entry_id, kind=kind, volunteer_id=volunteer_id_of(payload),
                     card_id=card_id_of(payload), total=total,
                     created_at=moment(payload, "created_at"), offline=offline,
                     voids_order_id=voids, lines=tuple(lines), moves=tuple(moves),
                     stock=tuple(stock))


def _restock(payload: dict[str, Any]) -> StockFact:
    donor = short_text(payload, "donor_id", optional=True)
    stock = [(ident(raw, "item_id"), integer(raw.get("quantity"), "restock quantity", 1,
                                             MAX_QUANTITY))
             for raw in objects(payload, "lines")]
    return StockFact("restock", donor, tuple(stock))


def _count(payload: dict[str, Any]) -> StockFact:
    adjustments = payload.get("adjustments")
    if not isinstance(adjustments, dict) or len(adjustments) > MAX_LINES:
        raise EntryRejected(f"'adjustments' must be an object of at most {MAX_LINES} items")
    stock = []
    for item_id, delta in adjustments.items():
        ident({"item_id": item_id}, "item_id")
        if integer(delta, "count adjustment", -MAX_QUANTITY, MAX_QUANTITY) == 0:
            raise EntryRejected("a count adjustment cannot be zero")
        stock.append((item_id, delta))
    return StockFact("count", None, tuple(stock))


_CARD_STATUS = {"block": "blocked", "unblock": "active"}


def _card(payload: dict[str, Any]) -> CardFact:
    action = payload.get("action")
    if not isinstance(action, str) or action not in CARD_ACTIONS:   # a list is unhashable
        raise EntryRejected(f"unknown card action {str(action)[:40]!r} "
                            "(block, unblock or register)")
    kind = payload.get("kind") if action == "register" else None
    if action == "register" and kind not in ids.CARD_KINDS:
        raise EntryRejected("a card registration's kind must be 'nfc', 'qr' or 'sun'")
    card_id = card_id_of(payload, kind)
    moment(payload, "at")
    at = str(payload["at"])
    if action in _CARD_STATUS:
        if payload.get("status") != _CARD_STATUS[action]:
            raise EntryRejected(f"a card {action} must set status {_CARD_STATUS[action]!r}")
        return CardFact(card_id, action, at, None, None)
    return CardFact(card_id, action, at, volunteer_id_of(payload), str(kind))


def _bounded_json(value: Any, what: str) -> Any:
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise EntryRejected(f"{what} must be plain JSON") from None
    if len(text) > MAX_AUDIT_JSON:
        raise EntryRejected(f"{what} is over {MAX_AUDIT_JSON} characters")
    return value


def _audit(payload: dict[str, Any]) -> AuditFact:
    for key in ("before", "after"):
        if key not in payload:
            raise EntryRejected(f"payload field {key!r} is missing (null when empty)")
    return AuditFact(
        audit_id=integer(payload.get("audit_id"), "audit_id", 1, MAX_AUDIT_ID),
        at=_checked_time(payload, "at"), operator_id=ident(payload, "operator_id"),
        action=short_text(payload, "action"),
        subject=short_text(payload, "subject", optional=True),
        before=_bounded_json(payload["before"], "before"),
        after=_bounded_json(payload["after"], "after"))
