"""The HTTP face of the district server (protocol v1), built on FastAPI.

Every endpoint but ``/v1/health`` sits behind :class:`district.auth.SignedRequestGate`, which
bounds and authenticates the raw request before FastAPI decodes anything. Endpoints are plain
``def`` so they run in the thread pool. No input gets a 500: bodies are checked by the models
in district.api_models, pushed entries one by one by district.entry_shapes, and a database that
is away answers 503.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError

from district.api_models import (
    MAX_PAGE,
    MAX_SAFE_INTEGER,
    HeartbeatRequest,
    HeartbeatResponse,
    PushRequest,
    PushResponse,
    QrCardRequest,
    QrCardResponse,
)
from district.auth import (
    BODY_HASH_SCOPE_KEY,
    KIOSK_SCOPE_KEY,
    GateConfig,
    KeyCache,
    SignedRequestGate,
)
from district.openapi import ERRORS, PROTOCOL_TEXT, protocol_openapi
from district.push import BatchConflict, PushEntry, UnknownKiosk
from district.qr_issue import QrIssue, QrIssueRefused
from district.store import Store
from points_protocol import card_tokens, ids, signing
from points_protocol.errors import Invalid

log = logging.getLogger("district.app")

# The largest body a kiosk sends is a push of sync.push_batch entries (default 50, at most
# 1000 here): a 1000-entry batch of 3-line sales is ~900 KB.
MAX_BODY = 2 << 20
OPEN_PATHS = frozenset({"/v1/health", "/openapi.json", "/docs", "/docs/oauth2-redirect"})


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


def kiosk_of(request: Request) -> str:
    return str(request.scope[KIOSK_SCOPE_KEY])


def create_app(store: Store, *, clock: Callable[[], float] = time.time,
               max_skew_s: float = 300.0, qr_issuer: QrIssuer | None = None,
               max_body: int = MAX_BODY) -> Any:
    app = FastAPI(title="Points-supermarket district server", version="1.0.0",
                  description=PROTOCOL_TEXT)
    _add_error_handlers(app)

    @app.post("/v1/push", response_model=PushResponse, responses=ERRORS["push"])
    def push(body: PushRequest, request: Request) -> PushResponse:
        """Apply outbox entries in kiosk-sequence order; answer per entry."""
        kiosk_id = kiosk_of(request)
        try:
            applied, results = store.push(
                kiosk_id, [PushEntry(e.seq, e.entry_id, e.kind, e.kiosk_id, e.payload)
                           for e in body.entries],
                idempotency_key=body.idempotency_key,
                body_hash=str(request.scope[BODY_HASH_SCOPE_KEY]))
        except BatchConflict as exc:
            raise HTTPException(409, str(exc)) from None
        except UnknownKiosk:
            raise HTTPException(401, "unknown kiosk") from None
        return PushResponse(applied_seq=applied, results=results)

    @app.get("/v1/changes", response_class=Response, responses=ERRORS["changes"])
    def changes(request: Request,
                after: Annotated[int, Query(ge=0, le=MAX_SAFE_INTEGER)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 5000) -> Response:
        """A page of the change feed after ``after`` (encoded by the database: pages are
        large)."""
        try:
            page = store.changes(kiosk_of(request), after, limit)
        except UnknownKiosk:
            raise HTTPException(401, "unknown kiosk") from None
        return Response(page, media_type="application/json")

    @app.post("/v1/heartbeat", response_model=HeartbeatResponse, responses=ERRORS["heartbeat"])
    def heartbeat(body: HeartbeatRequest, request: Request) -> HeartbeatResponse:
        """Keep the kiosk's latest state; ``kiosk-district kiosks`` lists it."""
        received = clock()
        store.record_heartbeat(kiosk_of(request), received, body.model_dump())
        return HeartbeatResponse(received_at=received)

    @app.get("/v1/images/{sha256}", response_class=Response, responses=ERRORS["image"])
    def image(sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")],
              request: Request) -> Response:
        """A catalogue picture by content hash; the kiosk checks the hash and size itself."""
        data = store.image(sha256)
        if data is None:
            raise HTTPException(404, "no such picture")
        return Response(data, media_type="application/octet-stream",
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})

    _add_qr_cards(app, store, clock, qr_issuer)

    @app.get("/v1/health", responses=ERRORS["health"])
    def health() -> dict[str, str]:
        """Unsigned, and never behind a request that is still being checked."""
        return {"status": "ok", "protocol": signing.PROTOCOL}

    app.openapi = lambda: protocol_openapi(app)    # type: ignore[method-assign]
    config = GateConfig(kiosk_key=KeyCache(store.kiosk_key, time.monotonic),
                        use_nonce=store.use_nonce, clock=clock,
                        max_skew_s=max_skew_s, max_body=max_body, open_paths=OPEN_PATHS)
    gated = SignedRequestGate(app, config)
    gated.openapi = app.openapi           # type: ignore[attr-defined]
    return gated


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """Say what is wrong without echoing the input back (bounded answers)."""
        problems = [{"loc": [p if isinstance(p, int) else str(p)[:60] for p in e["loc"]][:8],
                     "msg": str(e["msg"])[:200], "type": str(e["type"])[:60]}
                    for e in exc.errors()[:20]]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(OperationalError)
    @app.exception_handler(psycopg.OperationalError)   # from the pushes' driver pipelines
    async def database_away(request: Request,
                            exc: OperationalError | psycopg.OperationalError) -> JSONResponse:
        cause = exc.orig if isinstance(exc, OperationalError) else exc
        log.error("database unavailable: %s", str(cause).strip()[:200])
        return JSONResponse({"detail": "the district database is unavailable; try again"},
                            status_code=503)


def _add_qr_cards(app: FastAPI, store: Store, clock: Callable[[], float],
                  qr_issuer: QrIssuer | None) -> None:
    @app.post("/v1/qr-cards", response_model=QrCardResponse, responses=ERRORS["qr"])
    def qr_card(body: QrCardRequest, request: Request) -> QrCardResponse:
        """Issue (or re-issue, revoking the old paper) a volunteer's QR card for the kiosk to
        print. A retry with the same request id returns the same token."""
        if qr_issuer is None:
            raise HTTPException(503, "this district server has no QR signing key")
        kiosk_id = kiosk_of(request)

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
            issue, token = store.issue_qr_card(kiosk_id, body.request_id, volunteer_id,
                                               now=int(clock()),
                                               valid_seconds=qr_issuer.valid_days * 86400,
                                               sign=sign)
        except QrIssueRefused as exc:
            raise HTTPException(409, str(exc)) from None
        log.info("kiosk %s issued QR card %s generation %d", kiosk_id, issue.card_id,
                 issue.generation)
        return QrCardResponse(card_id=issue.card_id, generation=issue.generation, token=token,
                              expires_at=issue.expires_at)
