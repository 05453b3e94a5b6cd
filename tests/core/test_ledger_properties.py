"""Property-based (stateful) test of the ledger invariants on a real SQLite file.

Random sequences of checkouts (new and retried ids), voids, restocks, district snapshots, clock
moves and online/offline switches; after every step I1, I2, I4, I5, I6, I8 and stock >= 0 must
hold, checked against an independent model of what the balances and stock should be.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kiosk import demo
from kiosk.config import Config, DatabaseSection
from kiosk.core import cards, district_feed, ledger, stock, sync_status
from kiosk.core.clock import from_db, to_db
from kiosk.core.errors import LedgerConflict, UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.periods import period_bounds
from kiosk.core.voids import void_order
from kiosk.services import build
from points_protocol.messages import BalanceRow, ChangePage
from tests.conftest import ManualClock, mark_synced

VOLUNTEERS = {"V0001": ("04A1B2C3D4E5F6", 800), "V0002": ("04B7C8D9E0F1A2", 120)}
ITEMS = ["soap", "schoolbag", "badminton", "haircut", "donate-10", "rice", "kite"]
GOODS = ["soap", "schoolbag", "badminton", "rice", "kite"]

baskets = st.lists(st.tuples(st.sampled_from(ITEMS), st.integers(1, 3)), min_size=1,
                   max_size=3)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="ledger-prop-"))
        self.clock = ManualClock()
        config = replace(Config(), base_dir=self.dir,
                         database=DatabaseSection(path=str(self.dir / "k.sqlite")))
        self.services = build(config, self.clock, create=True)
        demo.seed(self.services)
        self.conn = self.services.conn
        self.credits = dict.fromkeys(VOLUNTEERS, 0)
        self.stock = {item: stock.on_hand(self.conn, item) for item in GOODS}
        self.orders: dict[str, tuple[str, tuple[tuple[str, int], ...]]] = {}
        self.sales: list[str] = []
        self.seen_rows: dict[str, tuple[object, ...]] = {}
        # The model's own record of every balance change: (outbox seq, volunteer, delta).
        self.moves: list[tuple[int, str, int]] = []
        # Every snapshot the district sent, with its time, for replays.
        self.sent: list[tuple[BalanceRow, str]] = []

    def teardown(self) -> None:
        self.conn.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- rules -------------------------------------------------------------------------

    @rule(volunteer=st.sampled_from(sorted(VOLUNTEERS)), basket=baskets)
    def checkout(self, volunteer: str, basket: list[tuple[str, int]]) -> None:
        order_id = uuid7()
        card = PresentedCard(VOLUNTEERS[volunteer][0])
        before = self._balance(volunteer)
        try:
            receipt = self.services.checkout.checkout(
                order_id, card, [CartLine(i, q) for i, q in basket])
        except UserFacingError as refusal:
            event(f"checkout refused: {refusal.code}")
            assert self._balance(volunteer) == before
            assert self.conn.execute("SELECT 1 FROM orders WHERE id = ?",
                                     (order_id,)).fetchone() is None
            return
        event("checkout sold " + ("offline" if receipt.offline else "online"))
        assert receipt.balance_after == before - receipt.total >= 0
        for line in receipt.lines:
            if line.item_id in self.stock:
                self.stock[line.item_id] -= line.quantity
        self.orders[order_id] = (card.card_id, tuple(basket))
        self.moves.append((self._seq_of(order_id), volunteer, -receipt.total))
        self.sales.append(order_id)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), same_content=st.booleans())
    def retry(self, data: st.DataObject, same_content: bool) -> None:
        order_id = data.draw(st.sampled_from(sorted(self.orders)))
        card_id, basket = self.orders[order_id]
        counts = self._counts()
        lines = [CartLine(i, q) for i, q in basket]
        if same_content:
            receipt = self.services.checkout.checkout(order_id, PresentedCard(card_id), lines)
            assert receipt.order_id == order_id
        else:
            lines.append(CartLine("toothbrush", 1))
            try:
                self.services.checkout.checkout(order_id, PresentedCard(card_id), lines)
                raise AssertionError("a reused id with other content was accepted (I8)")
            except LedgerConflict:
                pass
        assert self._counts() == counts  # I2: a retry writes nothing

    @precondition(lambda self: self.sales)
    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(self.sales))
        try:
            receipt = void_order(self.conn, self.clock, self.services.kiosk,
                                 self.services.policy, void_id=uuid7(), order_id=order_id,
                                 reason="test")
        except UserFacingError:
            event("void refused")
            return
        event("void applied")
        volunteer = self.conn.execute("SELECT volunteer_id FROM orders WHERE id = ?",
                                      (order_id,)).fetchone()[0]
        self.moves.append((self._seq_of(receipt.order_id), volunteer, -receipt.total))
        for line in receipt.lines:
            if line.item_id in self.stock:
                self.stock[line.item_id] -= line.quantity  # void lines are negative
        self.sales.remove(order_id)

    @rule(item=st.sampled_from(GOODS), quantity=st.integers(1, 5))
    def restock(self, item: str, quantity: int) -> None:
        stock.restock(self.conn, self.clock, [stock.Restock(item, quantity)], donor_id=None)
        self.stock[item] += quantity

    @rule(item=st.sampled_from(GOODS), counted=st.integers(0, 8))
    def count(self, item: str, counted: int) -> None:
        stock.record_count(self.conn, self.clock, {item: counted}, reason="shelf count")
        self.stock[item] = counted

    @rule(volunteer=st.sampled_from(sorted(VOLUNTEERS)), data=st.data(),
          credit=st.integers(0, 200))
    def district_snapshot(self, volunteer: str, data: st.DataObject, credit: int) -> None:
        """The district counts this kiosk's entries up to some seq, plus credits of its own;
        the row arrives the way production gets it: a change-feed page applied by the core."""
        row = self.conn.execute("SELECT kiosk_seq FROM balance_snapshots WHERE volunteer_id = ?",
                                (volunteer,)).fetchone()
        highest = self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
        seen = data.draw(st.integers(row[0], highest))
        self.credits[volunteer] += credit
        counted = sum(d for seq, v, d in self.moves if v == volunteer and seq <= seen)
        self.clock.advance(seconds=1)
        snapshot = (volunteer, VOLUNTEERS[volunteer][1] + self.credits[volunteer] + counted,
                    seen)
        self._feed(snapshot, to_db(self.clock.now()))
        self.sent.append((snapshot, to_db(self.clock.now())))

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def old_snapshot_replayed(self, data: st.DataObject) -> None:
        """A snapshot the district sent before (a replayed or reordered page) never replaces
        the newer one: the balance stays what the model says."""
        snapshot, as_of = data.draw(st.sampled_from(self.sent))
        self._feed(snapshot, as_of)

    def _feed(self, balance_row: BalanceRow, as_of: str) -> None:
        after = sync_status.pull_cursor(self.conn)
        district_feed.apply_page(self.conn, ChangePage(
            cursor=after + 1, more=False, as_of=as_of, volunteers=[], cards=[],
            balances=[balance_row], items=[], settings=[]), after, as_of)

    @rule(minutes=st.sampled_from([1, 10, 60, 600, 1500]))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)

    @rule()
    def sync_succeeds(self) -> None:
        mark_synced(self.services, self.clock.now())

    # -- invariants --------------------------------------------------------------------

    def _balance(self, volunteer: str) -> int:
        return cards.look_up(self.conn, PresentedCard(VOLUNTEERS[volunteer][0])).balance

    def _seq_of(self, order_id: str) -> int:
        return int(self.conn.execute("SELECT seq FROM orders WHERE id = ?",
                                     (order_id,)).fetchone()[0])

    def _counts(self) -> tuple[int, ...]:
        return tuple(self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                     for t in ("orders", "order_lines", "transfers", "stock_movements",
                               "outbox"))

    @invariant()
    def i1_every_group_balances(self) -> None:
        assert sum(ledger.account_fold(self.conn).values()) == 0
        bad = self.conn.execute(
            """SELECT o.id FROM orders o
               WHERE o.total <> COALESCE((SELECT SUM(CASE WHEN o.kind = 'sale' THEN amount
                                                        ELSE -amount END)
                                          FROM transfers t WHERE t.group_id = o.id), 0)""")
        assert bad.fetchall() == []

    @invariant()
    def i2_ids_unique_and_outbox_gap_free(self) -> None:
        seqs = [r[0] for r in self.conn.execute("SELECT seq FROM outbox ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        order_seqs = {r[0] for r in self.conn.execute("SELECT seq FROM orders")}
        assert order_seqs <= set(seqs)

    @invariant()
    def i4_balances_equal_the_model(self) -> None:
        for volunteer, (_, initial) in VOLUNTEERS.items():
            moved = sum(d for _, v, d in self.moves if v == volunteer)
            assert ledger.local_net(self.conn, ledger.volunteer_account(volunteer)) == moved
            assert self._balance(volunteer) == initial + self.credits[volunteer] + moved
            assert self._balance(volunteer) >= 0  # I5: never below zero at this kiosk

    @invariant()
    def i5_offline_spending_within_caps(self) -> None:
        policy = self.services.policy
        tz = self.services.kiosk.timezone
        per_day: dict[tuple[str, object], int] = {}
        for volunteer, created, total in self.conn.execute(
                """SELECT volunteer_id, created_at, total FROM orders o
                   WHERE kind = 'sale' AND offline = 1 AND NOT EXISTS
                       (SELECT 1 FROM orders v WHERE v.voids_order_id = o.id)"""):
            day = period_bounds(from_db(created), "day", tz)[0]
            per_day[(volunteer, day)] = per_day.get((volunteer, day), 0) + total
        assert all(v <= policy.offline_cap_per_volunteer_per_day for v in per_day.values())

    @invariant()
    def i6_history_never_changes(self) -> None:
        for row in self.conn.execute("SELECT * FROM orders"):
            values = tuple(row)
            assert self.seen_rows.setdefault(row["id"], values) == values
        assert len(self.seen_rows) == self.conn.execute(
            "SELECT COUNT(*) FROM orders").fetchone()[0]

    @invariant()
    def stock_matches_the_model_and_is_never_negative(self) -> None:
        for item, expected in self.stock.items():
            assert stock.on_hand(self.conn, item) == expected >= 0
        assert stock.levels_match_movements(self.conn)

    @invariant()
    def database_is_sound(self) -> None:
        assert self.conn.execute("PRAGMA foreign_key_check").fetchall() == []


LedgerMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestLedger = LedgerMachine.TestCase
