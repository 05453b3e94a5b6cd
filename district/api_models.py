"""The wire shapes of protocol v1 as pydantic models: what FastAPI checks at the door and what
the published OpenAPI document (docs/protocol/openapi-v1.json) describes.

The push envelope is strict (a batch whose sequence numbers or ids cannot be read is refused
whole, 422, before anything is written); an entry's ``kind``, ``kiosk_id`` and ``payload``
are any JSON, judged per entry by district.entry_shapes, so one bad entry is refused on its
own and never stops the others.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from points_protocol.limits import MAX_SAFE_INTEGER
from points_protocol.messages import ChangePage, EntryResult

MAX_PUSH_ENTRIES = 1000
MAX_PAGE = 20000
MAX_DEVICES = 32
ID_PATTERN = r"^[\x21-\x7e]{1,100}$"

SafeInt = Annotated[int, Field(strict=True, ge=0, le=MAX_SAFE_INTEGER)]
Ident = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=100)]


class PushEntryModel(BaseModel):
    seq: Annotated[int, Field(strict=True, ge=1, le=MAX_SAFE_INTEGER,
                              description="The kiosk's gap-free outbox sequence number")]
    entry_id: Annotated[Ident, Field(description="Made by the kiosk; reused on every retry")]
    kind: Any = Field(description="sale, void, restock, count, card or audit; anything else "
                                  "is refused for this entry alone")
    kiosk_id: Any = Field(description="Must be the kiosk that signs the request")
    payload: Any = Field(description="The entry's content; checked field by field")


class PushRequest(BaseModel):
    idempotency_key: Annotated[str, Field(min_length=8, max_length=200,
                                          pattern=r"^[\x21-\x7e]+$")]
    entries: list[PushEntryModel] = Field(max_length=MAX_PUSH_ENTRIES)

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "idempotency_key": "k1-1-2-3f2a9c1b",
        "entries": [{"seq": 1, "entry_id": "0192f0c4-7d3e-7a51-9a44-1f2e3d4c5b6a",
                     "kind": "sale", "kiosk_id": "k1", "payload": {
                         "order_id": "0192f0c4-7d3e-7a51-9a44-1f2e3d4c5b6a", "kind": "sale",
                         "voids_order_id": None, "card_id": "04A1B2C3D4E5F6",
                         "volunteer_id": "V0001", "created_at": "2026-11-30T02:00:00+00:00",
                         "total": 30, "offline": False, "reason": None,
                         "lines": [{"item_id": "soap", "quantity": 1, "unit_price": 30,
                                    "amount": 30}],
                         "transfers": [{"id": "0192f0c4-7d3e-7a51-9a44-000000000001",
                                        "from": "volunteer:V0001", "to": "sales:k1",
                                        "amount": 30}],
                         "stock": [{"item_id": "soap", "delta": -1}]}}]}]})


class PushResponse(BaseModel):
    applied_seq: int = Field(description="Highest kiosk sequence the district has handled")
    results: list[EntryResult] = Field(max_length=MAX_PUSH_ENTRIES)


class DeviceModel(BaseModel):
    device: str = Field(min_length=1, max_length=200,
                        description="`printer` or `reader:<reader or camera name>`")
    kind: Literal["printer", "reader"]
    status: Literal["ok", "fault"]
    detail: str | None = Field(default=None, max_length=200,
                               description="Why it failed, for the operator")
    at: str = Field(max_length=40, description="When the kiosk app last saw this state")


class HeartbeatRequest(BaseModel):
    version: str = Field(min_length=1, max_length=40, description="The kiosk program's version")
    sent_at: str = Field(max_length=40, description="The kiosk's clock (UTC, ISO 8601)")
    last_sale_at: str | None = Field(default=None, max_length=40,
                                     description="Time of the kiosk's latest sale, if any")
    pending: SafeInt = Field(description="Outbox entries the district has not answered yet")
    last_round_ok: bool = Field(description="Whether the sync round just before succeeded")
    disk_free_bytes: SafeInt | None = Field(default=None,
                                            description="Free space beside the kiosk's database")
    devices: list[DeviceModel] = Field(default_factory=list, max_length=MAX_DEVICES)
    # Optional so that a kiosk older than the clock and ledger checks still reports.
    clock_ok: bool | None = Field(default=None,
                                  description="False: the kiosk's clock is behind its own "
                                  "records or the district (offline caps apply)")
    clock_problem: str | None = Field(default=None, max_length=200,
                                      description="Why the clock is judged wrong")
    out_of_service: list[Annotated[str, Field(max_length=300)]] = Field(
        default_factory=list, max_length=MAX_DEVICES,
        description="Why the kiosk stopped selling (ledger audit, lost entries), if it did")


class HeartbeatResponse(BaseModel):
    received_at: float = Field(description="The district's clock, Unix seconds")


class QrCardRequest(BaseModel):
    request_id: Annotated[str, Field(min_length=8, max_length=100, pattern=ID_PATTERN,
                                     description="Made by the kiosk; reused on every retry")]
    volunteer_id: Annotated[str, Field(min_length=1, max_length=200,
                                       description="Checked by points_protocol.ids")]


class QrCardResponse(BaseModel):
    card_id: str
    generation: int = Field(ge=1, description="Older printouts of this card stop working")
    token: str = Field(description="The signed token to print as the card's QR code")
    expires_at: int = Field(ge=0, description="Unix seconds; 0: the card does not expire")


class ErrorModel(BaseModel):
    detail: str = Field(max_length=400, description="Why, for the kiosk's log and its operator")


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorModel(BaseModel):
    detail: list[FieldProblem] = Field(max_length=20,
                                       description="The first problems found, at most 20")


__all__ = ["MAX_SAFE_INTEGER", "ChangePage", "EntryResult"]
