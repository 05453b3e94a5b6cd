"""The shapes of protocol v1's messages, one definition for the kiosk that reads them and the
district that writes them (and publishes them in its OpenAPI document: the dataclasses below
are plain, and the attribute docstrings become the schema's descriptions).

Parsing a district's answer field by field stays the kiosk's job (``kiosk.sync.protocol``);
checking a kiosk's entries stays the district's. What both must agree on is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final, Literal, get_args

PUSH_PATH: Final = "/v1/push"
CHANGES_PATH: Final = "/v1/changes"
HEARTBEAT_PATH: Final = "/v1/heartbeat"
QR_CARDS_PATH: Final = "/v1/qr-cards"
IMAGES_PATH: Final = "/v1/images/"

SHA256_RE: Final = re.compile(r"^[0-9a-f]{64}$")
"""How a picture is named: the lower-case hex SHA-256 of its bytes."""

EntryKind = Literal["sale", "void", "restock", "count", "card", "audit", "sun_counter",
                    "card_alert"]
ENTRY_KINDS: Final = frozenset(get_args(EntryKind))
EntryStatus = Literal["applied", "duplicate", "rejected", "not_processed"]
ENTRY_STATUSES: Final = frozenset(get_args(EntryStatus))
CardAction = Literal["block", "unblock", "register"]
CARD_ACTIONS: Final = frozenset(get_args(CardAction))
Status = Literal["active", "blocked"]
STATUSES: Final = get_args(Status)    # a tuple: ``in`` a set would raise on a list or dict
CardKind = Literal["nfc", "qr", "sun"]
"""nfc: known by its UID alone; sun: an NFC card that signs each tap (NTAG 424 DNA); qr: printed"""
CARD_ROW_KINDS: Final = get_args(CardKind)

# Pydantic (the district's FastAPI) reads this off plain dataclasses: the docstring under each
# field is its description in the published schema.
_DOCUMENTED: Final = {"use_attribute_docstrings": True}


@dataclass(frozen=True)
class EntryResult:
    """The district's answer for one pushed outbox entry."""

    __pydantic_config__ = _DOCUMENTED

    seq: int
    """The entry's kiosk sequence number"""
    entry_id: str
    """The entry's id, as the kiosk sent it"""
    status: EntryStatus
    """applied: new, applied now; duplicate: the same entry was applied before (a retry);
    rejected: never applied, see reason (the sequence moves on); not_processed: a gap before
    it, send the missing entries first"""
    reason: str | None = None
    """Why an entry was rejected or not processed"""


VolunteerRow = tuple[str, str, Status]
CardRow = tuple[str, str, CardKind, Status, int, bool]
BalanceRow = tuple[str, int, int]
SettingRow = tuple[str, Any]
SunCounterRow = tuple[str, int, int]
VoucherStateRow = tuple[str, str, str, str]
FamilyRow = tuple[str]


@dataclass(frozen=True)
class ChangePage:
    """One page of the change feed (``GET /v1/changes``): entities as they are now."""

    __pydantic_config__ = _DOCUMENTED

    cursor: int
    """Pass as `after` for the next page; never goes backwards"""
    more: bool
    """Ask again while true"""
    volunteers: list[VolunteerRow]
    """[volunteer id, masked name, status]"""
    cards: list[CardRow]
    """[card id, volunteer id, kind, status, generation, is operator]"""
    balances: list[BalanceRow]
    """[volunteer id, balance, highest sequence of THIS kiosk already counted]"""
    items: list[dict[str, Any]]
    """Item specs as the district holds them (points_protocol.catalogue); `image_sha256`
    (when set) names the picture to fetch from /v1/images/{sha256}"""
    settings: list[SettingRow]
    """[key, value] of district settings (points_protocol.settings)"""
    as_of: str | None = None
    """The district's time of the snapshot (ISO 8601); null on an empty page"""
    sun_counters: list[SunCounterRow] = field(default_factory=list)
    """[card id, key generation, read counter]: the highest tap of a card that signs each tap
    (NTAG 424 DNA) any kiosk has reported; a tap not above it is a replay. Optional"""
    vouchers: list[VoucherStateRow] = field(default_factory=list)
    """[voucher id, 'redeemed' or 'voided', when (ISO 8601), where (the partner's name)]:
    what became of a voucher; a kiosk refuses to void a sale whose voucher was redeemed.
    Optional"""
    families: list[FamilyRow] = field(default_factory=list)
    """[volunteer id] of holders who are families in need: their screens and papers say
    family, never volunteer. Optional"""

    @property
    def size(self) -> int:
        return (len(self.volunteers) + len(self.cards) + len(self.balances) + len(self.items)
                + len(self.settings) + len(self.sun_counters) + len(self.vouchers)
                + len(self.families))
