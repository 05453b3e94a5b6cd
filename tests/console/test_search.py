"""A search by name finds everyone in the person's scope who shares the masked name, and no
one outside it, however often it is asked (PostgreSQL plans it anew each time: a prepared
statement's generic plan once walked the whole scope)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from district.console import schema as s
from district.db.upsert import upsert
from tests.console.world import Client, ConsoleServer


def _found(client: Client, query: str) -> set[str]:
    answer = client.get("/console/export/volunteers.csv", params={"q": query})
    assert answer.status_code == 200
    return {r["志愿者编号"] for r in csv.DictReader(io.StringIO(
        answer.content.decode("utf-8").lstrip("\ufeff")))}


def test_a_name_search_keeps_to_the_scope(console: ConsoleServer,
                                          signed_in: Callable[[str], Client]) -> None:
    store = console.store
    namesakes = {f"V10{n:02d}": ("qintai", "yuehu")[n % 2] for n in range(20)}
    store.upsert_volunteers([(v, "张*华", "active") for v in namesakes])
    with store.db.write() as conn:
        upsert(conn, s.volunteer_profiles, [{"volunteer_id": v, "community_id": c}
                                            for v, c in namesakes.items()],
               ("volunteer_id",), ("community_id",))
    qintai, admin = signed_in("sw-qintai"), signed_in("admin")
    mine = {v for v, c in namesakes.items() if c == "qintai"} | {"V0001"}   # 张小华, qintai
    for _ in range(12):
        assert _found(qintai, "张小华") == mine
        assert _found(qintai, "张*华") == mine
        assert _found(admin, "张小华") == set(namesakes) | {"V0001"}
    assert _found(signed_in("sw-yuehu"), "张") == {v for v, c in namesakes.items()
                                                  if c == "yuehu"}
