"""Each rule of the ledger is written once: a second hand-written copy is how two screens come
to disagree (a voided sale counted against a limit but left off the unprinted list, say).
These read the kiosk's source for the copies that were folded together."""

from __future__ import annotations

import re
from pathlib import Path

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"


def places(pattern: str) -> set[str]:
    rule = re.compile(pattern, re.IGNORECASE)
    return {str(path.relative_to(KIOSK)) for path in KIOSK.rglob("*.py")
            if rule.search(path.read_text("utf-8"))}


def test_the_voided_sale_predicate_is_written_once() -> None:
    # (order_search fetches *which* void reversed an order: a column, not the predicate.)
    assert places(r"EXISTS\s*\(\s*SELECT 1 FROM orders \w+ WHERE \w+\.voids_order_id") == {
        "core/orders.py"}


def test_the_highest_outbox_seq_is_asked_once() -> None:
    # The schema's trigger is the database's own check of the same rule.
    assert places(r"COALESCE\(MAX\(seq\), 0\)") == {"core/outbox.py", "core/schema_v1.py"}


def test_the_language_rule_is_written_once() -> None:
    assert places(r"startswith\(\s*['\"]zh") == {"core/language.py"}


def test_the_checks_see_the_copies_they_look_for() -> None:
    assert places(r"def in_language") == {"core/language.py"}
    assert len(places(r"STANDING_SALE_SQL")) >= 4   # checkout, printing, receipts, orders
