"""One pushed batch's view of the district's records, and its writes.

Judging 50 entries one statement at a time cost ~15 statements an entry. Instead, what the
batch's entries need (their volunteers, locked; cards; prices; the sales its voids name; the
transfer and order ids they use; known entry ids) is read in a few queries up front and kept
current in memory as the batch applies entries, and everything the batch writes is sent in a
few statements at the end (:meth:`BatchRecords.flush`). On PostgreSQL the reads and the
writes each go in one pipeline, as statements over arrays whose text never changes (one round
trip each; psycopg prepares them). The rare entry that needs more (a card action, an audit
row, an overspend) flushes first and then asks the database directly, so it always sees what
the batch wrote before it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection, select

from district import ledger
from district.db import tables as t
from district.db.upsert import copy_rows, insert_arrays, upsert_add_arrays, upsert_add_many
from district.entry_shapes import Fact, OrderFact

# One statement for psycopg: its text (fixed, so psycopg prepares it) and its parameters.
Statement = tuple[str, Sequence[Any] | dict[str, Any]]


@dataclass
class SaleRecord:
    order_id: str
    kiosk_id: str
    kind: str
    volunteer_id: str
    total: int
    lines: list[tuple[str, int, int, int]]          # item, quantity, unit price, amount
    moves: list[tuple[str, str, int]]               # from, to, amount (role "order" only)


class StoredEntry(NamedTuple):
    """An ``entries`` row, as the SQLite path's rows read (attribute access)."""
    entry_id: str
    kiosk_id: str
    seq: int
    payload_hash: str
    outcome: str
    reason: str | None


class StoredCard(NamedTuple):
    card_id: str
    volunteer_id: str
    status: str
    blocked_at: str | None


@dataclass
class Pending:
    orders: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    stock: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    overspends: list[dict[str, Any]] = field(default_factory=list)
    deltas: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))


def _chunks(values: list[str], size: int = 1000) -> list[list[str]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


class BatchRecords:
    def __init__(self, conn: Connection, kiosk_id: str) -> None:
        self.conn = conn
        self.kiosk_id = kiosk_id
        self.volunteers: dict[str, str] = {}
        self.cards: dict[str, Any] = {}     # card id -> row (volunteer_id, status, ...)
        self.prices: dict[str, list[tuple[int, str]]] = {}
        self.sales: dict[str, SaleRecord] = {}
        self.voided: set[str] = set()
        self.taken_transfers: set[str] = set()
        self.taken_orders: set[str] = set()
        self.known: dict[str, Any] = {}     # entry id -> what the district holds for it
        self._base: dict[str, int] = {}
        self._moved: dict[str, int] = defaultdict(int)
        self.pending = Pending()

    # -- reading up front ----------------------------------------------------------------------
    def load(self, entry_ids: list[str], volunteer_ids: list[str], facts: list[Fact], *,
             ahead: dict[str, Statement] | None = None) -> dict[str, list[Any]]:
        """Read what the batch needs. ``ahead`` (PostgreSQL only): statements of the caller's
        to run first, in the same round trip (the kiosk's lock, its idempotency key); their
        rows are returned by name."""
        conn = self.conn
        orders = [f for f in facts if isinstance(f, OrderFact)]
        if conn.dialect.name == "postgresql":
            found = self._load_postgres(entry_ids, volunteer_ids, orders, ahead or {})
            self._load_sales(sorted({o.voids_order_id for o in orders if o.voids_order_id}))
            return found
        assert not ahead, "statements ahead of the reads are for PostgreSQL's pipeline"
        for ids in _chunks(sorted(set(entry_ids))):
            for row in conn.execute(select(t.entries.c.entry_id, t.entries.c.kiosk_id,
                                           t.entries.c.seq, t.entries.c.payload_hash,
                                           t.entries.c.outcome, t.entries.c.reason)
                                    .where(t.entries.c.entry_id.in_(ids))):
                self.known[row.entry_id] = row
        # Locked in id order: every transaction that moves a volunteer's points does the same.
        for ids in _chunks(sorted(set(volunteer_ids))):
            for vid, status in conn.execute(
                    select(t.volunteers.c.id, t.volunteers.c.status)
                    .where(t.volunteers.c.id.in_(ids)).order_by(t.volunteers.c.id)
                    .with_for_update()):
                self.volunteers[vid] = status
        self._load_cards(sorted({o.card_id for o in orders}))
        items = sorted({line.item_id for o in orders if o.kind == "sale" for line in o.lines})
        for ids in _chunks(items):
            for item, price, published in conn.execute(
                    select(t.item_prices.c.item_id, t.item_prices.c.price,
                           t.item_prices.c.published_at).where(t.item_prices.c.item_id.in_(ids))
                    .order_by(t.item_prices.c.item_id, t.item_prices.c.published_at,
                              t.item_prices.c.id)):
                self.prices.setdefault(item, []).append((int(price), published))
        self._load_sales(sorted({o.voids_order_id for o in orders if o.voids_order_id}))
        self._load_taken([o.order_id for o in orders],
                         [m.transfer_id for o in orders for m in o.moves])
        people = [a for v in self.volunteers for a in (ledger.volunteer_account(v),
                                                       ledger.debt_account(v))]
        for chunk in _chunks(people):
            self._base.update(ledger.balances_of(conn, chunk))
        return {}

    def _load_postgres(self, entry_ids: list[str], volunteer_ids: list[str],
                       orders: list[OrderFact], ahead: dict[str, Statement]
                       ) -> dict[str, list[Any]]:
        """The same reads as :meth:`load` on SQLite, sent in one pipeline (one round trip, not
        eight) as statements whose text never changes (``= ANY`` of an array, not an IN list
        of the batch's length): psycopg prepares each once per connection. The volunteers are
        locked in id order, before their balances are read, as on SQLite."""
        raw = self.conn.connection.driver_connection
        assert raw is not None
        volunteers = sorted(set(volunteer_ids))
        people = [a for v in volunteers for a in (ledger.volunteer_account(v),
                                                  ledger.debt_account(v))]
        items = sorted({line.item_id for o in orders if o.kind == "sale" for line in o.lines})
        reads: dict[str, Statement] = {**ahead}
        reads.update({
            "known": ("SELECT entry_id, kiosk_id, seq, payload_hash, outcome, reason "
                      "FROM entries WHERE entry_id = ANY(%b::text[])", (sorted(set(entry_ids)),)),
            "volunteers": ("SELECT id, status FROM volunteers WHERE id = ANY(%b::text[]) "
                           "ORDER BY id FOR UPDATE", (volunteers,)),
            "cards": ("SELECT card_id, volunteer_id, status, blocked_at FROM cards "
                      "WHERE card_id = ANY(%b::text[])", (sorted({o.card_id for o in orders}),)),
            "prices": ("SELECT item_id, price, published_at FROM item_prices "
                       "WHERE item_id = ANY(%b::text[]) ORDER BY item_id, published_at, id",
                       (items,)),
            "orders": ("SELECT order_id FROM orders WHERE order_id = ANY(%b::text[])",
                       (sorted({o.order_id for o in orders}),)),
            "transfers": ("SELECT id FROM transfers WHERE id = ANY(%b::text[])",
                          (sorted({m.transfer_id for o in orders for m in o.moves}),)),
            "balances": ("SELECT account, SUM(balance) FROM balances "
                         "WHERE account = ANY(%b::text[]) GROUP BY account", (people,)),
        })
        cursors = {}
        with raw.pipeline():
            for name, (sql, values) in reads.items():
                cursors[name] = raw.cursor()
                cursors[name].execute(sql, values, binary=True)
        rows = {name: cur.fetchall() if cur.description else []
                for name, cur in cursors.items()}
        for cur in cursors.values():
            cur.close()
        self.known.update((row[0], StoredEntry(*row)) for row in rows["known"])
        self.volunteers.update((vid, status) for vid, status in rows["volunteers"])
        self.cards.update((row[0], StoredCard(*row)) for row in rows["cards"])
        for item, price, published in rows["prices"]:
            self.prices.setdefault(item, []).append((int(price), published))
        self.taken_orders.update(order_id for (order_id,) in rows["orders"])
        self.taken_transfers.update(transfer_id for (transfer_id,) in rows["transfers"])
        found = {str(account): int(total) for account, total in rows["balances"]}
        self._base.update({a: found.get(a, 0) for a in people})
        return {name: rows[name] for name in ahead}

    def _load_cards(self, card_ids: list[str]) -> None:
        for ids in _chunks(card_ids):
            for row in self.conn.execute(select(t.cards.c.card_id, t.cards.c.volunteer_id,
                                                t.cards.c.status, t.cards.c.blocked_at)
                                         .where(t.cards.c.card_id.in_(ids))):
                self.cards[row.card_id] = row

    def _load_sales(self, order_ids: list[str]) -> None:
        conn = self.conn
        for ids in _chunks(order_ids):
            for row in conn.execute(select(t.orders).where(t.orders.c.order_id.in_(ids))):
                self.sales[row.order_id] = SaleRecord(row.order_id, row.kiosk_id, row.kind,
                                                      row.volunteer_id, int(row.total), [], [])
            for row in conn.execute(select(t.orders.c.voids_order_id)
                                    .where(t.orders.c.voids_order_id.in_(ids))):
                self.voided.add(row.voids_order_id)
            for row in conn.execute(select(t.order_lines).where(
                    t.order_lines.c.order_id.in_(ids))):
                self.sales[row.order_id].lines.append(
                    (row.item_id, int(row.quantity), int(row.unit_price), int(row.amount)))
            for row in conn.execute(select(t.transfers.c.group_id, t.transfers.c.from_account,
                                           t.transfers.c.to_account, t.transfers.c.amount)
                                    .where(t.transfers.c.group_id.in_(ids),
                                           t.transfers.c.role == "order")):
                self.sales[row.group_id].moves.append(
                    (row.from_account, row.to_account, int(row.amount)))

    def _load_taken(self, order_ids: list[str], transfer_ids: list[str]) -> None:
        for ids in _chunks(sorted(set(order_ids))):
            self.taken_orders.update(self.conn.execute(
                select(t.orders.c.order_id).where(t.orders.c.order_id.in_(ids))).scalars())
        for ids in _chunks(sorted(set(transfer_ids))):
            self.taken_transfers.update(self.conn.execute(
                select(t.transfers.c.id).where(t.transfers.c.id.in_(ids))).scalars())

    # -- balances as the batch goes --------------------------------------------------------
    def balance(self, account: str) -> int:
        return self._base.get(account, 0) + self._moved[account]

    def transfer(self, *, transfer_id: str, group_id: str, role: str, src: str, dst: str,
                 amount: int, at: str) -> None:
        self.pending.transfers.append({
            "id": transfer_id, "group_id": group_id, "role": role, "from_account": src,
            "to_account": dst, "amount": amount, "kiosk_id": self.kiosk_id,
            "recorded_at": at})
        self.taken_transfers.add(transfer_id)
        for account, delta in ((src, -amount), (dst, amount)):
            self.pending.deltas[(account, ledger.shard_for(account, self.kiosk_id))] += delta
            self._moved[account] += delta

    def card_changed(self, card_id: str) -> None:
        """A card action in this batch: read the card again for the entries after it."""
        self.cards.pop(card_id, None)
        self._load_cards([card_id])

    # -- writing at the end --------------------------------------------------------------------
    def flush(self) -> None:
        if self.conn.dialect.name == "postgresql":
            self._flush_postgres()
            return
        conn, p = self.conn, self.pending
        for table, rows in ((t.orders, p.orders), (t.order_lines, p.lines),
                            (t.transfers, p.transfers), (t.stock_movements, p.stock),
                            (t.overspends, p.overspends), (t.entries, p.entries),
                            (t.conflicts, p.conflicts)):
            if rows:
                copy_rows(conn, table, rows)
                rows.clear()
        if p.deltas:
            upsert_add_many(conn, t.balances,
                            [{"account": a, "shard": s, "balance": d}
                             for (a, s), d in sorted(p.deltas.items()) if d],
                            ("account", "shard"), "balance")
            p.deltas.clear()

    def _flush_postgres(self) -> None:
        """The batch's writes so far (:meth:`postgres_writes`) in one pipeline: one round
        trip. A key clash (a racing kiosk took the same id) fails the transaction as before."""
        statements = self.postgres_writes()
        if statements:
            raw = self.conn.connection.driver_connection
            assert raw is not None
            with raw.pipeline(), raw.cursor() as cur:
                for sql, params in statements:
                    cur.execute(sql, params, binary=True)

    def postgres_writes(self) -> list[Statement]:
        """The batch's pending writes as one INSERT per table (arrays, fixed texts) and the
        balances' upsert in (account, shard) order, taken off the pending lists: the caller
        sends them (the batch's last ones go in the pipeline that commits, see district.feed)."""
        conn, p = self.conn, self.pending
        statements: list[Statement] = [insert_arrays(conn, table, rows)
                      for table, rows in ((t.orders, p.orders), (t.order_lines, p.lines),
                                          (t.transfers, p.transfers),
                                          (t.stock_movements, p.stock),
                                          (t.overspends, p.overspends), (t.entries, p.entries),
                                          (t.conflicts, p.conflicts)) if rows]
        deltas = [{"account": a, "shard": s, "balance": d}
                  for (a, s), d in sorted(p.deltas.items()) if d]
        if deltas:
            statements.append(upsert_add_arrays(conn, t.balances, deltas, ("account", "shard"),
                                                "balance"))
        for rows in (p.orders, p.lines, p.transfers, p.stock, p.overspends, p.entries,
                     p.conflicts):
            rows.clear()
        p.deltas.clear()
        return statements
