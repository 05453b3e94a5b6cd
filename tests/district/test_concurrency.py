"""Many kiosks pushing at once (and staff crediting meanwhile) on both engines: every entry
applied exactly once, balances equal to the sums, no deadlock or serialization failure ever
reaches a kiosk, and the change feed's ids never run out of commit order."""

from __future__ import annotations

import threading

from district.admin import Credit
from district.push import PushEntry
from district.store import Store
from tests.district.entries import balances, sale

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
