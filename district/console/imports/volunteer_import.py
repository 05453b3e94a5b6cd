"""Volunteer lists from the volunteer platform, keyed by the national unified volunteer number
(志愿者统一编号): each row is added, changed (and how), left as it is, or refused (and why),
shown in a preview before anything is written; then written as one batch.

Only the masked name is kept (张*华): a full name is masked here, at the door, as the
command line's import does. A social worker may import only into their own communities and
may not move a volunteer out of a community that is not theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, select

from district.console import schema as s
from district.console.imports.tabular import Sheet, cell_text, column_map
from district.console.scope import Principal
from district.db import tables as t
from points_protocol import ids
from points_protocol.errors import Invalid
from points_protocol.names import mask_name

COLUMNS = {
    "volunteer_id": ("志愿者统一编号", "志愿者编号", "统一编号", "volunteer_id",
                     "volunteer number", "id"),
    "name": ("姓名", "name", "masked_name"),
    "community": ("所属社区", "社区", "community"),
    "status": ("状态", "status"),
    "card_id": ("卡号", "card_id", "card"),
}
REQUIRED = ("volunteer_id", "name")
STATUS = {"": "active", "active": "active", "正常": "active", "在册": "active",
          "blocked": "blocked", "停用": "blocked", "注销": "blocked", "禁用": "blocked"}
CHUNK = 5000


@dataclass(frozen=True)
class VolunteerRow:
    line: int
    volunteer_id: str
    masked_name: str
    community: str
    status: str
    card_id: str
    problem: str = ""


@dataclass
class Planned:
    row: VolunteerRow
    action: str                 # add | change | same | refuse
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self.row), "action": self.action, "reason": self.reason}


def read_rows(sheet: Sheet) -> list[VolunteerRow]:
    cols = column_map(sheet.headers, COLUMNS, REQUIRED)
    out = []
    for line, cells in sheet.rows:
        def cell(name: str, cells: list[Any] = cells) -> str:
            index = cols.get(name)
            return cell_text(cells[index]) if index is not None and index < len(cells) else ""
        out.append(_row(line, cell("volunteer_id"), cell("name"), community=cell("community"),
                        status=cell("status"), card=cell("card_id")))
    return out


def _row(line: int, number: str, name: str, *, community: str, status: str, card: str
         ) -> VolunteerRow:
    problem = ""
    try:
        number = ids.normalize_volunteer_id(number)
    except Invalid as exc:
        problem = str(exc)
    name = name.strip()[:60]
    if not problem and not name:
        problem = "the name is empty"
    masked = name if "*" in name else mask_name(name) if name else ""
    state = STATUS.get(status.strip().lower())
    if state is None:
        problem = problem or f"status {status[:20]!r}: use 正常/active or 停用/blocked"
    if card and not problem:
        try:
            card = ids.normalize_card_id(card)
        except Invalid as exc:
            problem = str(exc)
    return VolunteerRow(line, number, masked, community.strip()[:100], state or "active",
                        card, problem)


def plan(conn: Connection, principal: Principal, rows: list[VolunteerRow]) -> list[Planned]:
    by_key = {r.id: r.id for r in conn.execute(select(s.communities.c.id))}
    by_key.update({r.name: r.id for r in conn.execute(select(s.communities.c.id,
                                                             s.communities.c.name))})
    only = sorted(principal.communities) if principal.communities is not None else []
    vids = sorted({r.volunteer_id for r in rows if not r.problem})
    held = _held(conn, vids)
    owners = _card_owners(conn, sorted({r.card_id for r in rows if r.card_id}))
    seen: dict[str, int] = {}
    out = []
    for r in rows:
        if r.problem:
            out.append(Planned(r, "refuse", r.problem))
            continue
        if r.volunteer_id in seen:
            out.append(Planned(r, "refuse", f"the same volunteer number is on line "
                                            f"{seen[r.volunteer_id]}"))
            continue
        seen[r.volunteer_id] = r.line
        out.append(_one(r, principal, by_key, only, held=held, owners=owners))
    return out


def _one(r: VolunteerRow, principal: Principal, communities: dict[str, str],  # noqa: PLR0911
         only: list[str], *, held: dict[str, tuple[str, str, str | None]],
         owners: dict[str, str]) -> Planned:
    old = held.get(r.volunteer_id)
    if r.community:
        community = communities.get(r.community)
        if community is None:
            return Planned(r, "refuse", f"unknown community {r.community!r}")
    elif old is not None and old[2] is not None:
        community = old[2]
    elif len(only) == 1:
        community = only[0]
    else:
        return Planned(r, "refuse", "the community is missing")
    if community is not None and not principal.sees_community(community):
        return Planned(r, "refuse", f"community {community} is not one of yours")
    if old is not None and old[2] is not None and not principal.sees_community(old[2]):
        return Planned(r, "refuse", f"this volunteer belongs to community {old[2]}, not one "
                                    "of yours")
    if r.card_id and owners.get(r.card_id, r.volunteer_id) != r.volunteer_id:
        return Planned(r, "refuse", f"card {r.card_id} belongs to another volunteer")
    row = VolunteerRow(r.line, r.volunteer_id, r.masked_name, community or "", r.status,
                       r.card_id)
    if old is None:
        return Planned(row, "add")
    changes = [f"{what}: {a} → {b}" for what, a, b in (
        ("name", old[0], r.masked_name), ("status", old[1], r.status),
        ("community", old[2] or "", community or "")) if a != b]
    if r.card_id and r.card_id not in owners:
        changes.append(f"new card {r.card_id}")
    return Planned(row, "change", "; ".join(changes)) if changes else Planned(row, "same")


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _held(conn: Connection, vids: list[str]) -> dict[str, tuple[str, str, str | None]]:
    v, p = t.volunteers, s.volunteer_profiles
    out: dict[str, tuple[str, str, str | None]] = {}
    for chunk in _chunks(vids):
        for r in conn.execute(select(v.c.id, v.c.masked_name, v.c.status, p.c.community_id)
                              .select_from(v.outerjoin(p, p.c.volunteer_id == v.c.id))
                              .where(v.c.id.in_(chunk))):
            out[r.id] = (r.masked_name, r.status, r.community_id)
    return out


def _card_owners(conn: Connection, card_ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(card_ids):
        out.update((r.card_id, r.volunteer_id) for r in conn.execute(
            select(t.cards.c.card_id, t.cards.c.volunteer_id).where(
                t.cards.c.card_id.in_(chunk))))
    return out


def summary(planned: list[Planned]) -> dict[str, int]:
    out = {"add": 0, "change": 0, "same": 0, "refuse": 0}
    for p in planned:
        out[p.action] += 1
    return out
