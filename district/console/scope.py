"""Roles and scopes: what a signed-in person may see and do.

* **admin** (the district's social-organisation hub): everything, all communities.
* **social worker**: the volunteers, kiosks, stock, donors, conflicts and reports of the
  communities their account names, and nothing of the others.
* **partner** (a donor business; merchants and property companies with the vouchers issue):
  only what concerns their own partner id.

Two checks, both on the server, on every request:

1. the *page* check: each route says which roles may open it (:func:`district.console.web.
   page`); anyone else gets 403. ``tests/console/test_roles.py`` opens every route as every
   role.
2. the *row* check: every query that lists or opens records takes the principal and limits
   itself with :meth:`Principal.community_filter` (a volunteer by their community, a kiosk by
   its site, a partner by theirs); a record outside the scope is answered 404, the same as one
   that does not exist, so a URL does not tell what exists elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.sql.elements import ColumnElement as Column


class Role(StrEnum):
    ADMIN = "admin"
    SOCIAL_WORKER = "social_worker"
    PARTNER = "partner"


ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.SOCIAL_WORKER})
ADMIN_ONLY = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    account_id: str
    display_name: str
    role: Role
    communities: frozenset[str] | None      # None: every community (an admin)
    partner_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def community_filter(self, column: Column[str] | ColumnElement[str]
                         ) -> ColumnElement[bool]:
        """A WHERE clause keeping rows whose community is in this person's scope."""
        if self.communities is None:
            return true()
        if not self.communities:
            return false()
        return column.in_(sorted(self.communities))

    def sees_community(self, community_id: str | None) -> bool:
        if self.communities is None:
            return True
        return community_id is not None and community_id in self.communities

    def sees_partner(self, partner_id: str, partner_community: str | None) -> bool:
        """A partner sees itself; a social worker the partners of their communities and the
        district-wide ones (whose deliveries they then see only at their own kiosks)."""
        if self.role is Role.PARTNER:
            return partner_id == self.partner_id
        return partner_community is None or self.sees_community(partner_community)
