"""Writing a confirmed volunteer import: the register through the district's own calls
(district.admin: volunteers, then new cards), the communities in the console's table, and
one audit row with what was added and changed. Each step is idempotent, so a confirmation cut
short by a crash is finished by confirming the same rows again."""

from __future__ import annotations

from district import admin
from district.console import audit
from district.console import schema as s
from district.console.imports.volunteer_import import Planned
from district.console.scope import Principal
from district.db.upsert import upsert
from district.store import Store
from points_protocol import ids


def apply(store: Store, principal: Principal, planned: list[Planned], file_name: str,
          address: str | None = None) -> dict[str, int]:
    rows = [p.row for p in planned if p.action in ("add", "change")]
    store.upsert_volunteers([(r.volunteer_id, r.masked_name, r.status) for r in rows])
    cards = [(r.card_id, r.volunteer_id, ids.card_kind(r.card_id)) for r in rows if r.card_id]
    if cards:
        admin.add_cards(store.db, cards)
    counts = {"added": sum(p.action == "add" for p in planned),
              "changed": sum(p.action == "change" for p in planned),
              "refused": sum(p.action == "refuse" for p in planned), "cards": len(cards)}
    with store.db.write() as conn:
        upsert(conn, s.volunteer_profiles, [{"volunteer_id": r.volunteer_id,
                                             "community_id": r.community}
                                            for r in rows if r.community],
               ("volunteer_id",), ("community_id",))
        audit.record(conn, principal.account_id, "volunteers_imported", file_name,
                     after={**counts, "changed_ids": [p.row.volunteer_id for p in planned
                                                      if p.action == "change"][:200]},
                     address=address)
    return counts
