"""A batch of credits large enough to reach PostgreSQL as one array per column
(district.db.upsert.ARRAYS_FROM): the balances, the change feed and the ledger's checks come
out as with one record at a time, a batch sent again changes nothing, and corrections in a
later batch reverse exactly what they name; on both engines."""

from __future__ import annotations

from district.admin import Credit
from district.db.upsert import ARRAYS_FROM
from district.store import Store

PEOPLE = [f"V{n:04d}" for n in range(3 * ARRAYS_FROM)]


def _balances(store: Store) -> dict[str, int]:
    return {str(a): int(b) for a, b in store.query(
        "SELECT account, SUM(balance) FROM balances WHERE account LIKE 'volunteer:%' "
        "GROUP BY account")}


def _feed(store: Store) -> dict[str, int]:
    return {str(k): int(i) for k, i in store.query(
        "SELECT key, id FROM changes WHERE entity = 'balance'")}


def test_a_large_batch_lands_as_one_record_at_a_time_would(store: Store) -> None:
    store.upsert_volunteers([(v, "张*", "active") for v in PEOPLE])
    first = [Credit(f"act-1/{v}", v, 1.0, 10 + n) for n, v in enumerate(PEOPLE)]
    assert store.credit_many(first) == len(PEOPLE)
    assert _balances(store) == {f"volunteer:{v}": 10 + n for n, v in enumerate(PEOPLE)}
    fed = _feed(store)
    assert set(fed) == set(PEOPLE)

    assert store.credit_many(first) == 0                      # sent again: nothing moves
    assert _balances(store) == {f"volunteer:{v}": 10 + n for n, v in enumerate(PEOPLE)}

    # Every other volunteer's record corrected to 3 points, and a second activity for all.
    fixes = [Credit(f"act-1/{v}~fix", v, 0.5, 3, corrects=f"act-1/{v}")
             for v in PEOPLE[::2]]
    second = [Credit(f"act-2/{v}", v, 1.0, 5) for v in PEOPLE]
    assert store.credit_many(fixes + second) == len(fixes) + len(second)
    expected = {f"volunteer:{v}": (3 if n % 2 == 0 else 10 + n) + 5
                for n, v in enumerate(PEOPLE)}
    assert _balances(store) == expected
    later = _feed(store)
    assert all(later[v] > max(fed.values()) for v in PEOPLE)   # every balance moved on
    assert len(set(later.values())) == len(PEOPLE)
    assert store.verify() == []
