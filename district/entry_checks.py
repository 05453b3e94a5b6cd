"""What a pushed entry means against the district's own records, checked before it moves a
point (after district.entry_shapes has checked its form).

* A sale is for a volunteer and a card the district knows (the card theirs); its points go
  only from that volunteer to this kiosk's sales account or the donation pool, never to
  issuance, a debt account or another kiosk's account. A card blocked at the district before
  the sale's time, a blocked volunteer, and a price no catalogue version of the sync window
  had are *flagged* (the goods have left the shelf: the sale stands, staff see the conflict).
* A void names a sale of the same kiosk the district holds, for the same volunteer, not yet
  voided, and reverses it exactly: the same lines, amounts and accounts, the other way round.
* Overspending is judged by district.overspend (what bounds a stolen kiosk key).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from district.entry_shapes import EntryRejected, OrderFact
from district.ledger import DONATION_POOL, sales_account, volunteer_account
from points_protocol.settings import SETTINGS

if TYPE_CHECKING:
    from district.batch import BatchRecords


SHOP_ZONE = ZoneInfo("Asia/Shanghai")   # the kiosks' default kiosk.timezone


@dataclass(frozen=True)
class Policy:
    """The district's own rules for pushed entries."""
    sync_window: timedelta = timedelta(days=7)    # prices and backdated sales are judged in it
    timezone: ZoneInfo = SHOP_ZONE                    # the shop day of the offline caps
    # Used when the district set none: the kiosks' config.toml defaults, the same numbers.
    cap_per_volunteer_per_day: int = SETTINGS["offline.cap_per_volunteer_per_day"].default
    cap_per_kiosk_per_day: int = SETTINGS["offline.cap_per_kiosk_per_day"].default
    after_seconds: int = SETTINGS["offline.after_seconds"].default
    clock_skew: timedelta = timedelta(hours=1)   # how far a kiosk's clock may be off


@dataclass
class Flags:
    """Conflicts an applied entry leaves for staff: (kind, detail)."""
    items: list[tuple[str, str]] = field(default_factory=list)

    def add(self, kind: str, detail: str) -> None:
        self.items.append((kind, detail[:400]))


def check_sale(records: BatchRecords, kiosk_id: str, order: OrderFact, *, now: datetime,
               policy: Policy, flags: Flags) -> None:
    status = records.volunteers.get(order.volunteer_id)
    if status is None:
        raise EntryRejected(f"unknown volunteer {order.volunteer_id}")
    card = records.cards.get(order.card_id)
    if card is None:
        raise EntryRejected(f"unknown card {order.card_id}")
    if card.volunteer_id != order.volunteer_id:
        raise EntryRejected(f"card {order.card_id} belongs to another volunteer")
    if card.status == "blocked" and card.blocked_at is not None and \
            datetime.fromisoformat(card.blocked_at) <= order.created_at:
        flags.add("blocked_card", f"sale with card {order.card_id}, blocked at the district "
                                  f"since {card.blocked_at}")
    if status != "active":
        flags.add("blocked_volunteer", f"sale for blocked volunteer {order.volunteer_id}")
    person = volunteer_account(order.volunteer_id)
    allowed = {sales_account(kiosk_id), DONATION_POOL}
    for move in order.moves:
        if move.src != person:
            raise EntryRejected(f"transfer {move.transfer_id} takes points from {move.src}, "
                                "not from the sale's volunteer")
        if move.dst.startswith("sales:") and move.dst not in allowed:
            raise EntryRejected(f"transfer {move.transfer_id} pays another kiosk's account "
                                f"{move.dst}")
        if move.dst not in allowed:
            raise EntryRejected(f"transfer {move.transfer_id} pays {move.dst}: a sale pays "
                                "only this kiosk's sales account or the donation pool")
    _check_prices(records, order, now, policy, flags)


def _check_prices(records: BatchRecords, order: OrderFact, now: datetime, policy: Policy,
                  flags: Flags) -> None:
    start = (min(order.created_at, now) - policy.sync_window).astimezone(UTC).isoformat()
    for line in order.lines:
        versions = records.prices.get(line.item_id, [])
        if not versions:
            flags.add("price", f"item {line.item_id} was never published by the district")
            continue
        in_window = set()
        for n, (price, _) in enumerate(versions):
            ends = versions[n + 1][1] if n + 1 < len(versions) else None
            if ends is None or ends > start:
                in_window.add(price)
        if line.unit_price not in in_window:
            flags.add("price", f"item {line.item_id} sold at {line.unit_price}; the district's "
                               f"prices in the sync window: {sorted(in_window)}")


def check_void(records: BatchRecords, kiosk_id: str, order: OrderFact) -> None:
    assert order.voids_order_id is not None
    sale = records.sales.get(order.voids_order_id)
    if sale is None or sale.kind != "sale" or sale.kiosk_id != kiosk_id:
        raise EntryRejected(f"void of a sale this kiosk never had applied: "
                            f"{order.voids_order_id}")
    if sale.volunteer_id != order.volunteer_id:
        raise EntryRejected("the void names another volunteer than the sale")
    if order.voids_order_id in records.voided:
        raise EntryRejected(f"sale {order.voids_order_id} is already voided")
    if order.total != -sale.total:
        raise EntryRejected("the void's total does not reverse the sale's")
    reversed_lines = Counter((item, -qty, price, -amount)
                             for item, qty, price, amount in sale.lines)
    if Counter((x.item_id, x.quantity, x.unit_price, x.amount)
               for x in order.lines) != reversed_lines:
        raise EntryRejected("the void's lines do not reverse the sale's")
    reversed_moves = Counter((dst, src, amount) for src, dst, amount in sale.moves)
    if Counter((m.src, m.dst, m.amount) for m in order.moves) != reversed_moves:
        raise EntryRejected("the void's transfers do not reverse the sale's")
