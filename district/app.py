"""The HTTP face of the district server (protocol v1), built on FastAPI.

Endpoints are plain ``def`` so they run in the thread pool, each thread with its own SQLite
connection. Every request must be signed by a registered kiosk (``points_protocol.signing``);
the models below (and the shared ones in ``points_protocol.messages``) exist so the OpenAPI
document in ``docs/protocol`` describes the wire format.
"""


import base64
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from district.store import PushEntry, QrIssue, QrIssueRefused, Store, UnknownKiosk
from points_protocol import card_tokens, ids, signing
from points_protocol.errors import Invalid
from points_protocol.messages import ChangePage, EntryKind, EntryResult

log = logging.getLogger("district.app")

MAX_PUSH_ENTRIES = 1000
MAX_PAGE = 20000
MAX_DEVICES = 32


PROTOCOL_TEXT = """Sync protocol v1 between kiosks and the district.

**Signing.** Every request carries `X-Kiosk-Id`, `X-Kiosk-Time` (Unix seconds), `X-Kiosk-Nonce`
(16-100 characters, never reused) and `X-Kiosk-Signature`: base64 of the Ed25519 signature, by
the kiosk's registered key, over the UTF-8 lines
`v1`, METHOD, path with query, time, nonce, hex SHA-256 of the body, joined by newlines.
Bad signatures, times more than 300 s off and replayed nonces get 401.

**Push.** Outbox entries in kiosk-sequence order. Per entry: `applied`; `duplicate` (same id,
same content: already applied, nothing changes); `rejected` with a reason (never applied; the
sequence moves on, the district lists it in its conflicts report; a reused id with different
content is always rejected); `not_processed` (a gap before it: send the missing entries first).
A sale that overspends is applied and the shortfall becomes the volunteer's debt.
Kinds: `sale`, `void`, `restock`, `count`; `card` (payload `card_id`, `action`
`block`/`unblock`/`register`, `at`; `status` for a block or unblock, `volunteer_id` and `kind`
for a registration: applied to the central card, which the change feed then carries to every
kiosk); `audit` (one row of the kiosk's operator log: `audit_id`, `at`, `operator_id`,
`action`, `subject`, `before`, `after`; stored per kiosk); `sun_counter` (a signed NFC tap
the kiosk accepted: `card_id`, `key_generation`, `counter`, `at`; the district keeps the
highest per card and sends it back in `sun_counters`); `card_alert` (a card refused as forged,
replayed or copied: `card_id` or null, `code`, `detail`, `at`, `source`; listed with the
conflicts).

**Pull.** `GET /v1/changes?after=CURSOR`: entities as they are now, one row per changed entity;
each balance row carries the highest sequence of the *calling* kiosk already counted in it.
Apply a page and its `cursor` in one transaction; ask again while `more` is true. The cursor
never passes a change that is not yet committed and never goes backwards.

**Pictures.** An item's `image_sha256` names its picture; `GET /v1/images/{sha256}` (signed
like every request) returns the bytes. The kiosk refuses an answer over its size limit, one
that does not hash to the name or is not a picture, and keeps trying in later rounds.

**QR cards.** `POST /v1/qr-cards` with `request_id` and `volunteer_id`: the district issues
the volunteer's QR card (a new card, or the next generation of their existing one, which
revokes the old paper) and answers with the signed token for the kiosk to print. The same
request id always gets the same answer. 409: refused (the detail says why); 503: this district
has no QR signing key.

**Heartbeat.** `POST /v1/heartbeat` after every sync round, successful or not: version, last
sale, pending outbox entries, device states, disk free. The district keeps the last one per
kiosk and flags kiosks that fall silent or report a dead printer or reader.
"""


class PushEntryModel(BaseModel):
    seq: int = Field(ge=1, description="The kiosk's gap-free outbox sequence number")
    entry_id: str = Field(min_length=1, description="Made by the kiosk; reused on every retry")
    kind: EntryKind | str
    kiosk_id: str = Field(description="Must be the kiosk that signs the request")
    payload: dict[str, Any]


class PushRequest(BaseModel):
    idempotency_key: str = Field(min_length=8, max_length=200)
    entries: list[PushEntryModel] = Field(max_length=MAX_PUSH_ENTRIES)


class PushResponse(BaseModel):
    applied_seq: int = Field(description="Highest kiosk sequence the district has handled")
    results: list[EntryResult]


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
    pending: int = Field(ge=0, description="Outbox entries the district has not answered yet")
    last_round_ok: bool = Field(description="Whether the sync round just before succeeded")
    disk_free_bytes: int | None = Field(default=None, ge=0,
                                        description="Free space beside the kiosk's database")
    devices: list[DeviceModel] = Field(default_factory=list, max_length=MAX_DEVICES)


class HeartbeatResponse(BaseModel):
    received_at: float = Field(description="The district's clock, Unix seconds")


class QrCardRequest(BaseModel):
    request_id: str = Field(min_length=8, max_length=100,
                            description="Made by the kiosk; reused on every retry")
    volunteer_id: str = Field(min_length=1, max_length=100)


class QrCardResponse(BaseModel):
    card_id: str
    generation: int = Field(ge=1, description="Older printouts of this card stop working")
    token: str = Field(description="The signed token to print as the card's QR code")
    expires_at: int = Field(ge=0, description="Unix seconds; 0: the card does not expire")


@dataclass(frozen=True)
class QrIssuer:
    """The district's QR signing key; without one the server issues no QR cards. Checked when
    made (the server refuses to start), never at the first card."""

    key: Ed25519PrivateKey
    district_id: str
    valid_days: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.valid_days <= 36500:
            raise ValueError(f"QR cards valid for {self.valid_days} days: must be 0..36500")
        now = datetime.now(UTC)   # signs a sample card: a district id tokens refuse fails here
        card_tokens.issue(self.key, self.district_id, "QR-CHECK", 1, issued_at=now)


class Authenticated(BaseModel):
    kiosk_id: str


def create_app(store: Store, *, clock: Callable[[], float] = time.time,
               max_skew_s: float = 300.0, qr_issuer: QrIssuer | None = None) -> FastAPI:
    app = FastAPI(title="Points-supermarket district server", version="1.0.0",
                  description=PROTOCOL_TEXT)

    async def authenticate(request: Request) -> Authenticated:
        body = await request.body()
        headers = request.headers
        kiosk_id = headers.get(signing.HEADER_KIOSK, "")
        public = store.kiosk_key(kiosk_id) if kiosk_id else None
        if public is None:
            raise HTTPException(401, "unknown kiosk")
        try:
            stamp = int(headers.get(signing.HEADER_TIME, ""))
        except ValueError:
            raise HTTPException(401, "missing or bad time") from None
        if abs(clock() - stamp) > max_skew_s:
            raise HTTPException(401, "request time too far from the district's clock")
        nonce = headers.get(signing.HEADER_NONCE, "")
        if not 16 <= len(nonce) <= 100:
            raise HTTPException(401, "missing or bad nonce")
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        message = signing.canonical(request.method, path, stamp, nonce, body)
        try:
            signature = base64.b64decode(
                headers.get(signing.HEADER_SIGNATURE, ""), validate=True)
            signing.load_public_key(public).verify(signature, message)
        except (InvalidSignature, ValueError):
            log.warning("bad signature from kiosk %s", kiosk_id)
            raise HTTPException(401, "bad signature") from None
        if not store.use_nonce(kiosk_id, nonce, clock(), max_skew_s):
            raise HTTPException(401, "replayed nonce")
        return Authenticated(kiosk_id=kiosk_id)

    @app.post("/v1/push", response_model=PushResponse)
    def push(body: PushRequest, who: Annotated[Authenticated, Depends(authenticate)]
             ) -> PushResponse:
        """Apply outbox entries in kiosk-sequence order; answer per entry."""
        digest = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
        if not store.record_batch(who.kiosk_id, body.idempotency_key, digest):
            raise HTTPException(409, "idempotency key reused with a different batch")
        entries = sorted(body.entries, key=lambda e: e.seq)
        results = store.push(who.kiosk_id, [
            PushEntry(e.seq, e.entry_id, e.kind, e.kiosk_id, e.payload) for e in entries])
        return PushResponse(applied_seq=store.applied_seq(who.kiosk_id), results=results)

    @app.get("/v1/changes", responses={200: {"model": ChangePage}})
    def changes(who: Annotated[Authenticated, Depends(authenticate)],
                after: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 5000) -> Response:
        """A page of the change feed after ``after`` (encoded by hand: pages are large)."""
        try:
            page = store.changes(who.kiosk_id, after, limit)
        except UnknownKiosk:
            raise HTTPException(401, "unknown kiosk") from None
        return Response(page, media_type="application/json")

    @app.post("/v1/heartbeat", response_model=HeartbeatResponse)
    def heartbeat(body: HeartbeatRequest, who: Annotated[Authenticated, Depends(authenticate)]
                  ) -> HeartbeatResponse:
        """Keep the kiosk's latest state; ``kiosk-district kiosks`` lists it."""
        received = clock()
        store.record_heartbeat(who.kiosk_id, received, body.model_dump())
        return HeartbeatResponse(received_at=received)

    _add_images(app, store, authenticate)
    _add_qr_cards(app, store, authenticate, clock, qr_issuer)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "protocol": signing.PROTOCOL}

    return app


def _add_qr_cards(app: FastAPI, store: Store, authenticate: Callable[..., Any],
                  clock: Callable[[], float], qr_issuer: QrIssuer | None) -> None:
    @app.post("/v1/qr-cards", response_model=QrCardResponse,
              responses={409: {"description": "Refused: unknown or blocked volunteer, or a "
                                              "request id reused for another volunteer"},
                         503: {"description": "This district issues no QR cards"}})
    def qr_card(body: QrCardRequest, who: Annotated[Authenticated, Depends(authenticate)]
                ) -> QrCardResponse:
        """Issue (or re-issue, revoking the old paper) a volunteer's QR card for the kiosk to
        print. A retry with the same request id returns the same token."""
        if qr_issuer is None:
            raise HTTPException(503, "this district server has no QR signing key")
        def sign(issue: QrIssue) -> str:
            return card_tokens.issue(
                qr_issuer.key, qr_issuer.district_id, issue.card_id, issue.generation,
                issued_at=datetime.fromtimestamp(issue.issued_at, UTC),
                expires_at=datetime.fromtimestamp(issue.expires_at, UTC) if issue.expires_at
                else None)
        try:
            volunteer_id = ids.normalize_volunteer_id(body.volunteer_id)
        except Invalid as exc:
            raise HTTPException(422, str(exc)) from None
        try:
            issue, token = store.issue_qr_card(who.kiosk_id, body.request_id, volunteer_id,
                                               now=int(clock()),
                                               valid_seconds=qr_issuer.valid_days * 86400,
                                               sign=sign)
        except QrIssueRefused as exc:
            raise HTTPException(409, str(exc)) from None
        log.info("kiosk %s issued QR card %s generation %d", who.kiosk_id, issue.card_id,
                 issue.generation)
        return QrCardResponse(card_id=issue.card_id, generation=issue.generation, token=token,
                              expires_at=issue.expires_at)


def _add_images(app: FastAPI, store: Store, authenticate: Callable[..., Any]) -> None:
    @app.get("/v1/images/{sha256}", response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}},
                              "description": "The picture's bytes; their SHA-256 is the name"},
                        404: {"description": "No picture with this hash"}})
    def image(sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")],
              who: Annotated[Authenticated, Depends(authenticate)]) -> Response:
        """A catalogue picture by content hash; the kiosk checks the hash and size itself."""
        data = store.image(sha256)
        if data is None:
            raise HTTPException(404, "no such picture")
        return Response(data, media_type="application/octet-stream",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})
