"""Where the console lives (``PREFIX``) and its menu: each entry shown only to the roles its
page admits."""

from __future__ import annotations

from district.console.scope import ADMIN_ONLY, STAFF, Principal, Role

# Every console page is under this path; the kiosks' API (/v1) is beside it.
PREFIX = "/console"

PARTNER = frozenset({Role.PARTNER})

MENU = (
    ("/", "Overview", STAFF),
    ("/volunteers", "Volunteers", STAFF),
    ("/credits", "Points", STAFF),
    ("/cards", "Cards", STAFF),
    ("/catalogue", "Catalogue", STAFF),
    ("/donors", "Donors", STAFF),
    ("/kiosks", "Kiosks", STAFF),
    ("/families", "Families in need", STAFF),
    ("/conflicts", "Conflicts and debts", STAFF),
    ("/reports", "Reports", STAFF),
    ("/settings", "Settings", ADMIN_ONLY),
    ("/accounts", "Accounts", ADMIN_ONLY),
    ("/audit", "Audit log", ADMIN_ONLY),
    ("/partner", "My goods", PARTNER),
    ("/partner/redeem", "Redeem a voucher", PARTNER),
    ("/partner/vouchers", "Vouchers redeemed", PARTNER),
)


def nav_for(principal: Principal) -> list[tuple[str, str]]:
    return [(PREFIX + path, label) for path, label, roles in MENU if principal.role in roles]


def home_of(principal: Principal) -> str:
    return PREFIX + ("/partner" if principal.role is Role.PARTNER else "/")
