"""Protocol v1 messages, checked field by field before anything touches the database.

The district is trusted for content but not for form: an HTML error page, a truncated or
mistyped answer or a cursor going backwards is a :class:`ProtocolError`, logged and retried
later, never half-applied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kiosk.sync.images import SHA256_RE

PUSH_PATH = "/v1/push"
CHANGES_PATH = "/v1/changes"
HEARTBEAT_PATH = "/v1/heartbeat"
QR_CARDS_PATH = "/v1/qr-cards"
ENTRY_STATUSES = frozenset({"applied", "duplicate", "rejected", "not_processed"})


class ProtocolError(Exception):
    """The district's answer does not follow protocol v1."""


def decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"answer is not JSON ({exc}): {body[:80]!r}") from None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _rows(page: dict[str, Any], key: str, types: tuple[Any, ...]) -> list[list[Any]]:
    rows = page.get(key)
    if not isinstance(rows, list):
        raise ProtocolError(f"{key}: expected a list")
    for row in rows:
        if not isinstance(row, list) or len(row) != len(types) or not all(
                check(value) for check, value in zip(types, row, strict=True)):
            raise ProtocolError(f"{key}: malformed row {str(row)[:120]}")
    return rows


_STATUSES = ("active", "blocked")   # a tuple: ``in`` a set would raise on a list or dict


def _volunteer_rows(page: dict[str, Any]) -> list[list[Any]]:
    """The same check as :func:`_rows`, written out: a first sync checks ~450,000 of these."""
    rows = page.get("volunteers")
    if type(rows) is not list or not all(
            type(r) is list and len(r) == 3 and type(r[0]) is str and type(r[1]) is str
            and r[2] in _STATUSES for r in rows):
        return _rows(page, "volunteers", (_is_str, _is_str, _status))   # names the bad row
    return rows


def _card_rows(page: dict[str, Any]) -> list[list[Any]]:
    rows = page.get("cards")
    if type(rows) is not list or not all(
            type(r) is list and len(r) == 6 and type(r[0]) is str and type(r[1]) is str
            and r[2] in ("nfc", "qr") and r[3] in _STATUSES and type(r[4]) is int
            and r[4] >= 0 and type(r[5]) is bool for r in rows):
        return _rows(page, "cards", (_is_str, _is_str, _card_kind, _status, _nonneg,
                                     lambda v: isinstance(v, bool)))
    return rows


def _balance_rows(page: dict[str, Any]) -> list[list[Any]]:
    rows = page.get("balances")
    if type(rows) is not list or not all(
            type(r) is list and len(r) == 3 and type(r[0]) is str and type(r[1]) is int
            and type(r[2]) is int and r[2] >= 0 for r in rows):
        return _rows(page, "balances", (_is_str, _is_int, _nonneg))
    return rows


@dataclass(frozen=True)
class EntryResult:
    seq: int
    entry_id: str
    status: str
    reason: str | None


def parse_push_response(data: Any, sent: dict[int, str]) -> list[EntryResult]:
    """Per-entry answers; each must name an entry we sent, under the id we sent it with."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ProtocolError("push answer: expected an object with 'results'")
    results = []
    for raw in data["results"]:
        if not isinstance(raw, dict) or not _is_int(raw.get("seq")) \
                or not _is_str(raw.get("status")) or raw["status"] not in ENTRY_STATUSES:
            raise ProtocolError(f"push answer: malformed result {str(raw)[:120]}")
        if sent.get(raw["seq"]) != raw.get("entry_id"):
            raise ProtocolError(f"push answer: result for an entry not sent: {raw['seq']}")
        reason = raw.get("reason")
        if reason is not None and not _is_str(reason):
            raise ProtocolError("push answer: reason must be text")
        results.append(EntryResult(raw["seq"], raw["entry_id"], raw["status"], reason))
    return results


def _status(value: Any) -> bool:
    return value in ("active", "blocked")


def _card_kind(value: Any) -> bool:
    return value in ("nfc", "qr")


def _nonneg(value: Any) -> bool:
    return _is_int(value) and value >= 0


def _anything(value: Any) -> bool:
    return True


def _optional(check: Any) -> Any:
    return lambda value: value is None or check(value)


_ITEM_KEYS = {"id": _is_str, "name_zh": _is_str, "name_en": _is_str, "category": _is_str,
              "kind": _is_str, "price": _nonneg, "image": _optional(_is_str),
              "image_sha256": _optional(lambda v: isinstance(v, str)
                                        and SHA256_RE.match(v) is not None),
              "barcode": _optional(_is_str), "limit_count": _optional(_nonneg),
              "limit_points": _optional(_nonneg),
              "limit_period": _optional(lambda v: v in ("day", "week", "month")),
              "low_stock_threshold": _optional(_nonneg),
              "active": _optional(lambda v: isinstance(v, bool))}


@dataclass(frozen=True)
class ChangePage:
    cursor: int
    more: bool
    as_of: str
    volunteers: list[list[Any]]
    cards: list[list[Any]]
    balances: list[list[Any]]
    items: list[dict[str, Any]]
    settings: list[list[Any]]

    @property
    def size(self) -> int:
        return (len(self.volunteers) + len(self.cards) + len(self.balances) + len(self.items)
                + len(self.settings))


def parse_change_page(data: Any, after: int) -> ChangePage:
    if not isinstance(data, dict):
        raise ProtocolError("change page: expected an object")
    cursor, more = data.get("cursor"), data.get("more")
    if not isinstance(cursor, int) or isinstance(cursor, bool) or not isinstance(more, bool):
        raise ProtocolError("change page: 'cursor' must be an integer and 'more' a boolean")
    if cursor < after:
        raise ProtocolError(f"change page: cursor went backwards ({after} -> {cursor})")
    as_of = data.get("as_of")
    if as_of is None:   # optional in the published model (an empty page has none)
        as_of = ""
    if not _is_str(as_of):
        raise ProtocolError("change page: 'as_of' must be text")
    items = data.get("items")
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and all(check(i.get(k)) for k, check in _ITEM_KEYS.items())
            for i in items):
        raise ProtocolError("change page: malformed items")
    page = ChangePage(
        cursor=cursor, more=more, as_of=as_of or "",
        volunteers=_volunteer_rows(data),
        cards=_card_rows(data),
        balances=_balance_rows(data),
        items=items,
        settings=_rows(data, "settings", (_is_str, _anything)))
    if more and cursor == after:
        raise ProtocolError("change page: 'more' without moving the cursor would loop forever")
    return page
