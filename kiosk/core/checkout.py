"""Checkout: a basket becomes one atomic, idempotent sale.

One BEGIN IMMEDIATE transaction checks the card, each item, stock, per-person limits, the
balance and (offline) the caps, then writes the order, lines, transfers, stock movements and
outbox entry. The caller makes the order id, so a retry after a crash or a lost reply is the
same order: same content returns the same receipt and writes nothing; different content under
the same id is refused (I2, I8).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from kiosk.core import (
    cards,
    catalogue,
    clock_check,
    district_policy,
    families,
    ledger,
    service_stops,
    sync_status,
    vouchers,
)
from kiosk.core.catalogue import CatalogueEntry
from kiosk.core.clock import Clock, to_db
from kiosk.core.db import write_transaction
from kiosk.core.errors import (
    BadBasketLine,
    BadQuantity,
    EmptyBasket,
    ItemUnavailable,
    LedgerConflict,
    LimitReached,
    NotEnoughPoints,
    OfflineCapReached,
    OutOfStock,
    PriceChanged,
    QuantityTooLarge,
    UidOnlyCapReached,
    VoucherUnavailable,
)
from kiosk.core.models import (
    CartLine,
    KioskInfo,
    PresentedCard,
    Receipt,
    ReceiptLine,
    SalesPolicy,
    SpendLimit,
)
from kiosk.core.orders import STANDING_SALE_SQL, NewOrder, Transfer, fingerprint, write_order
from kiosk.core.periods import PERIOD_ZH, period_bounds
from kiosk.core.receipts import make_receipt, receipt_for
from kiosk.core.vouchers import VoucherPaper
from points_protocol.catalogue import ItemKind

# Net purchases of one item by one volunteer since a moment; voided sales do not count.
_BOUGHT_SQL = f"""
SELECT COALESCE(SUM(l.quantity), 0), COALESCE(SUM(l.amount), 0)
FROM orders o JOIN order_lines l ON l.order_id = o.id
WHERE o.volunteer_id = ? AND o.created_at >= ? AND l.item_id = ? AND {STANDING_SALE_SQL}
"""

_OFFLINE_SPENT_SQL = f"""
SELECT COALESCE(SUM(o.total), 0) FROM orders o
WHERE o.created_at >= ? AND o.offline = 1 {{volunteer}} AND {STANDING_SALE_SQL}
"""

# What one volunteer spent since a moment with NFC cards. Until cards that sign each tap
# (NTAG 424 DNA SUN) arrive, every NFC sale was made on a bare, cloneable UID.
_UID_ONLY_SPENT_SQL = f"""
SELECT COALESCE(SUM(o.total), 0) FROM orders o JOIN cards c ON c.card_id = o.card_id
WHERE o.volunteer_id = ? AND o.created_at >= ? AND c.kind = 'nfc' AND {STANDING_SALE_SQL}
"""


def check_lines(lines: Sequence[CartLine]) -> None:
    """Every line as the volunteer could have chosen it, before anything is merged: a whole
    number of at least 1 (not 1.5, not True, not "3"), an item id, a whole seen price. Merging
    first would let (3, -2) of one item pass as 1, and a REAL quantity reach the ledger."""
    for line in lines:
        if type(line.quantity) is not int or line.quantity < 1:
            raise BadQuantity(line.quantity)
        if not isinstance(line.item_id, str) or not line.item_id or (
                line.seen_price is not None
                and (type(line.seen_price) is not int or line.seen_price < 0)):
            raise BadBasketLine()


def merge_lines(lines: Sequence[CartLine]) -> list[tuple[str, int]]:
    """One line per item, in first-seen order (a double tap on a tile is one line); the lines
    passed :func:`check_lines`."""
    merged: dict[str, int] = {}
    for line in lines:
        merged[line.item_id] = merged.get(line.item_id, 0) + line.quantity
    return list(merged.items())


def is_offline(conn: sqlite3.Connection, now: datetime, policy: SalesPolicy) -> bool:
    """Offline = no successful sync within ``offline_after_seconds`` (or never), or a clock
    that cannot be trusted (a last sync or a sale later than now): the caps then apply."""
    last = sync_status.last_success(conn)
    if last is None or now - last > timedelta(seconds=policy.offline_after_seconds):
        return True
    return clock_check.clock_problem(conn, now) is not None


class Checkout:
    def __init__(self, conn: sqlite3.Connection, clock: Clock, kiosk: KioskInfo,
                 policy: SalesPolicy,
                 district: Mapping[str, district_policy.Override] | None = None, *,
                 voucher_signer: vouchers.VoucherSigner | None = None) -> None:
        """``policy`` comes from config.toml; ``district`` names the district settings that
        override it (see :mod:`kiosk.core.district_policy`), read afresh for every sale.
        ``voucher_signer`` signs the vouchers it sells with the kiosk's own key (itself, or
        through the sync daemon); without one a voucher item is refused (and everything else
        sells as before)."""
        self._voucher_signer = voucher_signer
        self._conn = conn
        self._clock = clock
        self._kiosk = kiosk
        self._base_policy = policy
        self._policy = policy
        self._district = dict(district or {})
        self._sales = ledger.sales_account(kiosk.kiosk_id)
        ledger.bind_kiosk(conn, kiosk.kiosk_id)

    def checkout(self, order_id: str, card: PresentedCard, lines: Sequence[CartLine]) -> Receipt:
        check_lines(lines)
        basket = merge_lines(lines)
        request_hash = fingerprint({"card": card.card_id, "lines": basket})
        now = self._clock.now()
        conn = self._conn
        with write_transaction(conn):
            # The district's settings as synced so far, in this sale's own transaction.
            self._policy = district_policy.effective(conn, self._base_policy, self._district)
            existing = conn.execute(
                "SELECT kind, request_hash FROM orders WHERE id = ?", (order_id,)).fetchone()
            if existing is not None:
                if existing["kind"] != "sale" or existing["request_hash"] != request_hash:
                    raise LedgerConflict(f"order id {order_id} reused with different content")
                return receipt_for(conn, self._kiosk, order_id)
            service_stops.refuse_if_stopped(conn)   # a retry above still gets its receipt
            holder = cards.check_card(conn, card)
            if not basket:
                raise EmptyBasket()
            volunteer_id = holder["volunteer_id"]
            items = catalogue.entries_by_id(conn, [item_id for item_id, _ in basket])
            seen = {line.item_id: line.seen_price for line in lines
                    if line.seen_price is not None}
            receipt_lines = tuple(
                self._price_line(item_id, items.get(item_id), quantity, volunteer_id, now,
                                 seen_price=seen.get(item_id))
                for item_id, quantity in basket)
            total = sum(line.amount for line in receipt_lines)
            balance = int(holder["balance"])
            if total > balance:
                raise NotEnoughPoints(balance, total)
            if not card.signed and self._policy.uid_only_cap_per_day > 0:
                self._check_uid_only_cap(volunteer_id, total, now)
            offline = is_offline(conn, now, self._policy)
            if offline:
                self._check_offline_caps(volunteer_id, total, now)
            account = ledger.volunteer_account(volunteer_id)
            issued = self._issue_vouchers(items, receipt_lines, holder["masked_name"], now)
            family = families.is_family(conn, volunteer_id)
            order = NewOrder(
                order_id=order_id, kind="sale", card_id=card.card_id,
                volunteer_id=volunteer_id, created_at=to_db(now), total=total,
                balance_after=balance - total, offline=offline, request_hash=request_hash,
                lines=receipt_lines,
                transfers=tuple(
                    Transfer(account, ledger.DONATION_POOL
                             if line.kind == ItemKind.DONATION else self._sales, line.amount)
                    for line in receipt_lines if line.amount > 0),
                stock_deltas=tuple((line.item_id, -line.quantity) for line in receipt_lines
                                   if ItemKind(line.kind).has_stock),
                vouchers=issued)
            write_order(conn, order)
        return make_receipt(
            self._kiosk, order_id=order_id, kind="sale", created_at=order.created_at,
            masked_name=holder["masked_name"], lines=receipt_lines, total=total,
            balance_after=order.balance_after, offline=offline, voids_order_id=None,
            vouchers=tuple(VoucherPaper(v.voucher, v.token, receipt_lines[v.line_no - 1].name_zh,
                                        receipt_lines[v.line_no - 1].name_en) for v in issued),
            family=family)

    def _issue_vouchers(self, items: Mapping[str, CatalogueEntry],
                        lines: Sequence[ReceiptLine], masked_name: str, now: datetime
                        ) -> tuple[vouchers.IssuedVoucher, ...]:
        wanted = [(n, line.item_id, entry.partner, line.unit_price, line.quantity,
                   entry.valid_days or 1)
                  for n, line in enumerate(lines, start=1)
                  if (entry := items[line.item_id]).partner is not None]
        if not wanted:
            return ()
        if self._voucher_signer is None:
            entry = items[wanted[0][1]]
            raise VoucherUnavailable(entry.name_zh, entry.name_en)
        return vouchers.issue(self._conn, self._voucher_signer, kiosk_id=self._kiosk.kiosk_id,
                              timezone=self._kiosk.timezone, now=now,
                              masked_name=masked_name, lines=wanted)

    def _price_line(self, item_id: str, item: CatalogueEntry | None, quantity: int,
                    volunteer_id: str, now: datetime, *,
                    seen_price: int | None) -> ReceiptLine:
        if item is None:
            raise ItemUnavailable(item_id, item_id)
        if not item.active:
            raise ItemUnavailable(item.name_zh, item.name_en)
        if seen_price is not None and seen_price != item.price:
            raise PriceChanged(item.name_zh, item.name_en, seen_price, item.price)
        if quantity > self._policy.max_quantity_per_line:
            raise QuantityTooLarge(item.name_zh, item.name_en,
                                   self._policy.max_quantity_per_line)
        if item.stock is not None and item.stock < quantity:
            raise OutOfStock(item.name_zh, item.name_en, item.stock)
        amount = item.price * quantity
        if item.limit_period is not None:
            start, end = period_bounds(now, item.limit_period, self._kiosk.timezone)
            got_qty, got_points = self._conn.execute(
                _BOUGHT_SQL, (volunteer_id, to_db(start), item_id)).fetchone()
            period_zh = PERIOD_ZH[item.limit_period]
            if item.limit_count is not None and got_qty + quantity > item.limit_count:
                raise LimitReached(
                    item.name_zh, item.name_en,
                    f"{period_zh}限 {item.limit_count} 件（本期已兑换 {got_qty} 件）",
                    f"{item.limit_count} per {item.limit_period} (you have had {got_qty})", end)
            if item.limit_points is not None and got_points + amount > item.limit_points:
                raise LimitReached(
                    item.name_zh, item.name_en,
                    f"{period_zh}限 {item.limit_points} 分（本期已用 {got_points} 分）",
                    f"{item.limit_points} points per {item.limit_period} "
                    f"(you have used {got_points})", end)
        return ReceiptLine(item_id=item.item_id, name_zh=item.name_zh, name_en=item.name_en,
                           kind=item.kind.value, quantity=quantity, unit_price=item.price,
                           amount=amount)

    def max_per_line(self) -> int:
        """The most of one item in one basket, as a sale checks it now (the district's setting
        once synced, else config's): what the cart's "+" offers up to."""
        return district_policy.effective(self._conn, self._base_policy,
                                         self._district).max_quantity_per_line

    def spend_limit(self, card: PresentedCard, balance: int) -> SpendLimit:
        """What this card may spend now, and what sets that: the balance, or (lower) the cap
        for UID-only cards or the offline caps. The same sums a sale checks, read before the
        volunteer picks anything, so the screens never offer what the sale would refuse."""
        conn, now = self._conn, self._clock.now()
        policy = district_policy.effective(conn, self._base_policy, self._district)
        limit = SpendLimit(max(balance, 0), "balance")
        holder = cards.check_card(conn, card)
        volunteer_id = holder["volunteer_id"]
        if not card.signed and policy.uid_only_cap_per_day > 0:
            limit = limit.lower(self._uid_only_left(policy, volunteer_id, now), "uid_only")
        if is_offline(conn, now, policy):
            mine, everyone = self._offline_left(policy, volunteer_id, now)
            limit = limit.lower(mine, "offline").lower(everyone, "offline_kiosk")
        return limit

    def _uid_only_left(self, policy: SalesPolicy, volunteer_id: str, now: datetime) -> int:
        start, _ = period_bounds(now, "day", self._kiosk.timezone)
        spent = int(self._conn.execute(
            _UID_ONLY_SPENT_SQL, (volunteer_id, to_db(start))).fetchone()[0])
        return policy.uid_only_cap_per_day - spent

    def _offline_left(self, policy: SalesPolicy, volunteer_id: str,
                      now: datetime) -> tuple[int, int]:
        """(this volunteer's, this kiosk's) offline points left today."""
        start, _ = period_bounds(now, "day", self._kiosk.timezone)
        since = to_db(start)
        mine = int(self._conn.execute(
            _OFFLINE_SPENT_SQL.format(volunteer="AND o.volunteer_id = ?"),
            (since, volunteer_id)).fetchone()[0])
        everyone = int(self._conn.execute(
            _OFFLINE_SPENT_SQL.format(volunteer=""), (since,)).fetchone()[0])
        return (policy.offline_cap_per_volunteer_per_day - mine,
                policy.offline_cap_per_kiosk_per_day - everyone)

    def _check_uid_only_cap(self, volunteer_id: str, total: int, now: datetime) -> None:
        remaining = self._uid_only_left(self._policy, volunteer_id, now)
        if total > remaining:
            raise UidOnlyCapReached(remaining)

    def _check_offline_caps(self, volunteer_id: str, total: int, now: datetime) -> None:
        remaining = min(self._offline_left(self._policy, volunteer_id, now))
        if total > remaining:
            raise OfflineCapReached(remaining)
