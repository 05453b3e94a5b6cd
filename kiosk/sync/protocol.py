"""Protocol v1 messages, checked field by field before anything touches the database.

Nothing the district says is taken on trust: an HTML error page, a truncated or mistyped
answer, a cursor going backwards or out of range, a number outside the range the protocol
allows (``points_protocol.limits``: balances, sequence numbers, generations; an item's price
and limits through ``points_protocol.catalogue``), an ``as_of`` that is no time, or JSON nested
without end is a :class:`ProtocolError`: the whole answer is refused, logged as an error, and
asked for again later; nothing of it is applied.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.clock import to_db
from points_protocol import ids, limits
from points_protocol.catalogue import item_problems
from points_protocol.errors import Invalid
from points_protocol.messages import (
    CARD_ROW_KINDS,
    ENTRY_STATUSES,
    STATUSES,
    ChangePage,
    EntryResult,
)
from points_protocol.settings import check_setting

log = logging.getLogger("kiosk.sync.protocol")


# A card row's generation: 0 (a card never issued again, stored as 1) up to what a QR token
# holds. A refusal's reason is text for the operator: kept, but not without end.
CARD_GENERATION = limits.Range("a card generation", 0, limits.GENERATION.maximum)
MAX_REASON = 1000
# The same bounds, written out where ~450,000 rows are checked (no call per row).
_LOW, _HIGH = limits.BALANCE.minimum, limits.BALANCE.maximum
_SEQ, _GENERATION = limits.COUNT.maximum, CARD_GENERATION.maximum


class ProtocolError(Exception):
    """The district's answer does not follow protocol v1."""


def decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"answer is not JSON ({exc}): {body[:80]!r}") from None
    except RecursionError:
        raise ProtocolError("answer is JSON nested too deeply to be an answer") from None


def _in(rule: limits.Range) -> Any:
    return lambda value: value in rule


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


def _volunteer_rows(page: dict[str, Any]) -> list[list[Any]]:
    """The same check as :func:`_rows`, written out: a first sync checks ~450,000 of these."""
    rows = page.get("volunteers")
    if type(rows) is not list or not all(
            type(r) is list and len(r) == 3 and type(r[0]) is str and type(r[1]) is str
            and r[2] in STATUSES for r in rows):
        return _rows(page, "volunteers", (_is_str, _is_str, _status))   # names the bad row
    return rows


def _card_rows(page: dict[str, Any]) -> list[list[Any]]:
    rows = page.get("cards")
    if type(rows) is not list or not all(
            type(r) is list and len(r) == 6 and type(r[0]) is str and type(r[1]) is str
            and r[2] in CARD_ROW_KINDS and r[3] in STATUSES and type(r[4]) is int
            and 0 <= r[4] <= _GENERATION and type(r[5]) is bool and ids.CARD_ID_RE.fullmatch(r[0])
            for r in rows):
        rows = _rows(page, "cards", (_is_str, _is_str, _card_kind, _status,
                                     _in(CARD_GENERATION), lambda v: isinstance(v, bool)))
        return _normal_cards(rows)
    return rows


def _normal_cards(rows: list[list[Any]]) -> list[list[Any]]:
    """Card ids in the reader's form (a district may hold ``04a1...`` from before the ids had
    one form). A row whose id is no card id at all is left out: no reader or token could
    present it here, so it can neither be used nor need blocking."""
    kept = []
    for row in rows:
        try:
            kept.append([ids.normalize_card_id(row[0], row[2]), *row[1:]])
        except Invalid as exc:
            log.warning("card row left out: %s", exc)
    return kept


def _balance_rows(page: dict[str, Any]) -> list[list[Any]]:
    rows = page.get("balances")
    if type(rows) is not list or not all(
            type(r) is list and len(r) == 3 and type(r[0]) is str and type(r[1]) is int
            and _LOW <= r[1] <= _HIGH and type(r[2]) is int and 0 <= r[2] <= _SEQ for r in rows):
        return _rows(page, "balances", (_is_str, _in(limits.BALANCE), _in(limits.COUNT)))
    return rows


def _sun_counter_rows(page: dict[str, Any]) -> list[list[Any]]:
    """The district's highest signed tap per card: (card id, key generation 1..255, read
    counter 0..0xFFFFFF). Optional: a district that knows no such cards sends none. A row
    whose id is no NFC UID is left out, like a card row (nothing could present it)."""
    if page.get("sun_counters") is None:
        return []
    kept = []
    for row in _rows(page, "sun_counters", (
            _is_str, lambda v: _is_int(v) and 1 <= v <= 255,
            lambda v: _is_int(v) and 0 <= v <= 0xFFFFFF)):
        try:
            kept.append([ids.normalize_nfc_uid(row[0]), row[1], row[2]])
        except Invalid as exc:
            log.warning("sun counter row left out: %s", exc)
    return kept


def _voucher_rows(page: dict[str, Any]) -> list[list[Any]]:
    """What became of vouchers (id, state, when, where). Optional: a district from before
    vouchers sends none."""
    if page.get("vouchers") is None:
        return []
    return _rows(page, "vouchers", (
        lambda v: _is_str(v) and 0 < len(v) <= 100, lambda v: v in ("redeemed", "voided"),
        lambda v: _is_str(v) and len(v) <= 40, lambda v: _is_str(v) and len(v) <= 200))


def _family_rows(page: dict[str, Any]) -> list[list[Any]]:
    """Holders who are families in need. Optional, like the voucher rows."""
    if page.get("families") is None:
        return []
    return _rows(page, "families", (lambda v: _is_str(v) and 0 < len(v) <= 64,))


@dataclass(frozen=True)
class PushAnswer:
    applied_seq: int              # the highest of this kiosk's sequence numbers the district has
    results: list[EntryResult]


def parse_push_response(data: Any, sent: dict[int, str]) -> PushAnswer:
    """Per-entry answers; each must name an entry we sent, under the id we sent it with."""
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ProtocolError("push answer: expected an object with 'results'")
    applied: Any = data.get("applied_seq")
    if applied not in limits.COUNT:
        raise ProtocolError(f"push answer: 'applied_seq' must be a sequence number, got "
                            f"{str(applied)[:40]}")
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
        results.append(EntryResult(raw["seq"], raw["entry_id"], raw["status"],
                                   None if reason is None else reason[:MAX_REASON]))
    return PushAnswer(applied, results)


def _status(value: Any) -> bool:
    return value in ("active", "blocked")


def _card_kind(value: Any) -> bool:
    return value in CARD_ROW_KINDS


def _anything(value: Any) -> bool:
    return True


def _items(page: dict[str, Any]) -> list[dict[str, Any]]:
    """Items pass the catalogue's own rules (``points_protocol.catalogue``) or the page is
    refused: an item is shown and sold, so half of one is worse than none."""
    items = page.get("items")
    if not isinstance(items, list):
        raise ProtocolError("change page: items must be a list")
    for n, item in enumerate(items, start=1):
        problems = item_problems(item, extra=("image_sha256",))
        if problems:
            name = item.get("id") if isinstance(item, dict) else None
            raise ProtocolError(f"change page: item {n} ({str(name)[:40]}): "
                                + "; ".join(problems))
    return items


def _settings(page: dict[str, Any]) -> list[list[Any]]:
    """Only district settings this kiosk knows, with values in their ranges. Any other is
    logged and left out, never stored: config.toml's value stays, and a district that knows a
    newer key does not stop an older kiosk's feed."""
    kept = []
    for key, value in _rows(page, "settings", (_is_str, _anything)):
        try:
            kept.append([key, check_setting(key, value)])
        except Invalid as exc:
            log.warning("district setting left out: %s", exc)
    return kept


def _moment(value: Any) -> str:
    """The page's ``as_of`` in the kiosk's one text form of a moment (snapshots are compared
    by it); optional in the published model (an empty page has none)."""
    if value is None or value == "":
        return ""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ProtocolError(f"change page: 'as_of' must be an ISO 8601 time with its zone, "
                            f"got {str(value)[:40]!r}")
    return to_db(moment)


def parse_change_page(data: Any, after: int) -> ChangePage:
    if not isinstance(data, dict):
        raise ProtocolError("change page: expected an object")
    cursor, more = data.get("cursor"), data.get("more")
    if not isinstance(cursor, int) or isinstance(cursor, bool) or not isinstance(more, bool):
        raise ProtocolError("change page: 'cursor' must be an integer and 'more' a boolean")
    if cursor < after:
        raise ProtocolError(f"change page: cursor went backwards ({after} -> {cursor})")
    if cursor not in limits.CURSOR:
        raise ProtocolError(f"change page: cursor {cursor} is beyond any change a district "
                            f"can have made (at most {limits.CURSOR.maximum})")
    page = ChangePage(
        cursor=cursor, more=more, as_of=_moment(data.get("as_of")),
        volunteers=_volunteer_rows(data),   # type: ignore[arg-type]  # lists: executemany
        cards=_card_rows(data),             # type: ignore[arg-type]  # takes them as rows
        balances=_balance_rows(data),       # type: ignore[arg-type]
        items=_items(data),
        settings=_settings(data),           # type: ignore[arg-type]
        sun_counters=_sun_counter_rows(data),   # type: ignore[arg-type]
        vouchers=_voucher_rows(data),           # type: ignore[arg-type]
        families=_family_rows(data))            # type: ignore[arg-type]
    if more and cursor == after:
        raise ProtocolError("change page: 'more' without moving the cursor would loop forever")
    return page
