"""Many kiosks pushing at once (and staff crediting meanwhile) on both engines: every entry
applied exactly once, balances equal to the sums, no deadlock or serialization failure ever
reaches a kiosk, and the change feed's ids never run out of commit order."""

from __future__ import annotations

import threading
import time

import pytest

from district.admin import Credit
from district.push import PushEntry
from district.store import Store
from tests.district.entries import CARDS, WHEN, balances, sale

KIOSKS, BATCHES, PER_BATCH = 8, 6, 10
VOLUNTEERS = [f"V{i:03d}" for i in range(12)]


def test_concurrent_pushes_and_credits_all_land_once(store: Store) -> None:
    store.upsert_volunteers([(v, "*", "active") for v in VOLUNTEERS])
    store.upsert_cards([(f"04{i:012X}", v, "nfc") for i, v in enumerate(VOLUNTEERS)])
    store.credit_many([Credit(f"open-{v}", v, 1.0, 10_000) for v in VOLUNTEERS])
    for k in range(KIOSKS):
        store.register_kiosk(f"k{k}", "AAAA")
    errors: list[BaseException] = []
    statuses: list[str] = []
    lock = threading.Lock()

    def kiosk(k: int) -> None:
        try:
            seq = 0
            for b in range(BATCHES):
                entries = []
                for n in range(PER_BATCH):
                    seq += 1
                    # Volunteers in a different order at each kiosk: the locks must not care.
                    v = VOLUNTEERS[(k * 5 + n * (1 + k % 3)) % len(VOLUNTEERS)]
                    payload = sale(f"k{k}-{seq}", volunteer=v, amount=7, kiosk=f"k{k}",
                                   card=f"04{VOLUNTEERS.index(v):012X}",
                                   to="donation_pool" if n % 2 else None)
                    entries.append(PushEntry(seq, payload["order_id"], "sale", f"k{k}", payload))
                _, results = store.push(f"k{k}", entries, idempotency_key=f"k{k}-b{b}")
                with lock:
                    statuses.extend(r.status for r in results)
        except BaseException as exc:
            errors.append(exc)

    def staff() -> None:
        try:
            store.credit_many([Credit(f"svc-{v}-{n}", v, 1.0, 3)
                               for n in range(5) for v in reversed(VOLUNTEERS)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=kiosk, args=(k,)) for k in range(KIOSKS)]
    threads.append(threading.Thread(target=staff))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert statuses == ["applied"] * (KIOSKS * BATCHES * PER_BATCH)
    held = balances(store)
    sold = KIOSKS * BATCHES * PER_BATCH * 7
    assert sum(held[f"volunteer:{v}"] for v in VOLUNTEERS) == \
        len(VOLUNTEERS) * (10_000 + 5 * 3) - sold
    assert held["donation_pool"] == sold // 2
    assert store.verify() == []
    ids = [r[0] for r in store.query("SELECT id FROM changes ORDER BY id")]
    assert len(ids) == len(set(ids))


@pytest.mark.expect_log(r"^kiosk k1 seq 1 rejected: order o-race is already recorded$")
def test_a_key_clash_at_the_pipelined_write_runs_the_batch_again(store: Store) -> None:
    """Another writer commits an order id while a push that read it as free is writing it: the
    push's pipelined INSERT fails on the unique key (psycopg's own error, past SQLAlchemy),
    and the batch runs again and refuses the entry instead of answering 500."""
    if not store.db.is_postgres:
        pytest.skip("SQLite has one writer: nothing can commit between a read and a write")
    store.upsert_volunteers([("V0001", "*", "active")])
    store.upsert_cards([(CARDS["V0001"], "V0001", "nfc")])
    store.credit_many([Credit("open", "V0001", 1.0, 100)])
    store.register_kiosk("k1", "AAAA")
    holder = store.db.engine.raw_connection()
    try:
        cur = holder.cursor()
        cur.execute("INSERT INTO orders (order_id, kiosk_id, kind, volunteer_id, card_id, total, "
                    "offline, created_at, shop_day, received_at) VALUES ('o-race', 'k9', 'sale', "
                    f"'V0002', 'x', 0, false, '{WHEN}', '2026-11-30', '{WHEN}')")
        results: list[tuple[str, str | None]] = []
        errors: list[BaseException] = []

        def push() -> None:
            try:
                results.extend((r.status, r.reason) for r in store.push(
                    "k1", [PushEntry(1, "o-race", "sale", "k1", sale("o-race"))],
                    idempotency_key="k1-race")[1])
            except BaseException as exc:
                errors.append(exc)

        pusher = threading.Thread(target=push)
        pusher.start()
        deadline = time.monotonic() + 30
        while not store.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                              "AND wait_event = 'transactionid'"):
            assert time.monotonic() < deadline, "the push never waited for the other writer"
            time.sleep(0.05)
        holder.commit()
        pusher.join(timeout=60)
    finally:
        holder.close()
    assert errors == []
    assert results == [("rejected", "order o-race is already recorded")]
