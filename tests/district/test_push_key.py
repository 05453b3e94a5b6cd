"""A push's opening on both engines: the kiosk must be known, and the batch's idempotency key
belongs to one batch of one kiosk and is stored with that batch or not at all. (PostgreSQL
sends the kiosk's lock, the key and the batch's reads in one pipeline, before it has looked at
any answer: what it wrote there must go with the transaction.)"""

from __future__ import annotations

import pytest

from district.admin import Credit
from district.push import BatchConflict, PushEntry, UnknownKiosk
from district.store import Store
from tests.district.entries import CARDS, sale


def _stocked(store: Store) -> None:
    store.upsert_volunteers([("V0001", "*", "active")])
    store.upsert_cards([(CARDS["V0001"], "V0001", "nfc")])
    store.credit_many([Credit("open", "V0001", 1.0, 100)])


def _written(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    return (store.query("SELECT idempotency_key, kiosk_id FROM push_batches "
                        "ORDER BY idempotency_key"),
            store.query("SELECT order_id FROM orders ORDER BY order_id"))


def test_an_unknown_kiosk_writes_nothing_not_even_its_key(store: Store) -> None:
    _stocked(store)
    with pytest.raises(UnknownKiosk):
        store.push("k-nobody", [PushEntry(1, "o1", "sale", "k-nobody", sale("o1"))],
                   idempotency_key="nobody-1")
    assert _written(store) == ([], [])


def test_a_key_is_one_batch_of_one_kiosk(store: Store) -> None:
    _stocked(store)
    store.register_kiosk("k1", "AAAA")
    store.register_kiosk("k2", "BBBB")
    first = [PushEntry(1, "o1", "sale", "k1", sale("o1"))]
    assert store.push("k1", first, idempotency_key="key-1", body_hash="h1")[0] == 1
    # The same batch again (a reply lost): its entries are answered as already applied.
    again = store.push("k1", first, idempotency_key="key-1", body_hash="h1")
    assert again[0] == 1 and [r.status for r in again[1]] == ["duplicate"]
    # Another body under the key, from the same kiosk or another: refused, nothing written.
    with pytest.raises(BatchConflict):
        store.push("k1", [PushEntry(2, "o2", "sale", "k1", sale("o2"))],
                   idempotency_key="key-1", body_hash="h2")
    with pytest.raises(BatchConflict):
        store.push("k2", [PushEntry(1, "o3", "sale", "k2", sale("o3", kiosk="k2"))],
                   idempotency_key="key-1", body_hash="h1")
    assert _written(store) == ([("key-1", "k1")], [("o1",)])
    assert store.applied_seq("k1") == 1 and store.applied_seq("k2") == 0
    # A new key from k2 is its own batch.
    assert store.push("k2", [PushEntry(1, "o3", "sale", "k2", sale("o3", kiosk="k2"))],
                      idempotency_key="key-2", body_hash="h3")[0] == 1
    assert _written(store) == ([("key-1", "k1"), ("key-2", "k2")], [("o1",), ("o3",)])
