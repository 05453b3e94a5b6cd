"""The published contract (docs/protocol/openapi-v1.json): FastAPI's document plus what it
cannot see by itself, namely how requests are signed (a security scheme per header), every
status the gate and the endpoints answer, with examples."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from district.api_models import ChangePage, ErrorModel, ValidationErrorModel

PROTOCOL_TEXT = """Sync protocol v1 between kiosks and the district.

**Signing.** Every request but `/v1/health` carries `X-Kiosk-Id`, `X-Kiosk-Time` (Unix
seconds), `X-Kiosk-Nonce` (16-100 printable characters, never reused) and `X-Kiosk-Signature`:
base64 of the Ed25519 signature, by the kiosk's registered key, over the UTF-8 lines `v1`,
METHOD, the path with its query exactly as sent on the request line (raw: still
percent-encoded, never decoded or re-ordered), time, nonce, and the hex SHA-256 of the raw
body, joined by newlines. The district checks this before it reads or decodes the body: an
unknown kiosk, a bad signature, a time more than 300 s off or a replayed nonce get 401; a body
over the limit (2 MiB) gets 413, declared or streamed.

**Push.** Outbox entries in kiosk-sequence order. Per entry: `applied`; `duplicate` (same id,
same content: already applied, nothing changes); `rejected` with a reason (never applied; the
sequence moves on; the district keeps the entry with its reason and lists it in its conflicts
and refused reports); `not_processed` (a gap before it: send the missing entries first). Each
entry is checked against the district's records before it moves a point: a void exactly
reverses a sale of the same kiosk the district holds; a sale is for a known volunteer and
their card, and pays only this kiosk's sales account or the donation pool. A sale that
overspends is applied and the shortfall becomes the volunteer's debt, within the offline caps.
The idempotency key is stored with its batch in one transaction; reused for another batch: 409.

Besides `sale`, `void`, `restock`, `count`, `card` (block, unblock, register) and `audit`:
`sun_counter` (a signed NFC tap the kiosk accepted: `card_id`, `key_generation`, `counter`,
`at`; the district keeps the highest per card and sends it back in `sun_counters`) and
`card_alert` (a card refused as forged, replayed or copied: `card_id` or null, `code`,
`detail`, `at`; listed with the conflicts).

**Pull.** `GET /v1/changes?after=CURSOR`: entities as they are now, one row per changed entity;
each balance row carries the highest sequence of the *calling* kiosk already counted in it.
Apply a page and its `cursor` in one transaction; ask again while `more` is true. The cursor
never passes a change that is not yet committed and never goes backwards.

**Pictures.** An item's `image_sha256` names its picture; `GET /v1/images/{sha256}` returns
the bytes (at most 8 MiB).

**QR cards.** `POST /v1/qr-cards` with `request_id` and `volunteer_id`: the district issues the
volunteer's QR card and answers with the signed token. The same request id always gets the
same answer. 409: refused (the detail says why); 503: this district has no QR signing key.

**Heartbeat.** `POST /v1/heartbeat` after every sync round: version, last sale, pending outbox
entries, device states, disk free.
"""

SIGNING_HEADERS = {
    "KioskId": ("X-Kiosk-Id", "The registered kiosk id (1-64 printable characters)."),
    "KioskTime": ("X-Kiosk-Time", "Unix seconds; within 300 s of the district's clock."),
    "KioskNonce": ("X-Kiosk-Nonce", "16-100 printable characters, never used before."),
    "KioskSignature": ("X-Kiosk-Signature", "base64 Ed25519 signature over `v1`, METHOD, raw "
                       "path with query, time, nonce, hex SHA-256 of the raw body, joined by "
                       "newlines."),
}


def _error(description: str, example: str, model: Any = ErrorModel) -> dict[str, Any]:
    return {"description": description, "model": model,
            "content": {"application/json": {"example": {"detail": example}}}}


_SIGNED: dict[int | str, dict[str, Any]] = {
    401: _error("Not signed by a registered kiosk, too old, or a replayed nonce", "bad signature"),
    413: _error("Body over the limit (declared or streamed)", "body over 2097152 bytes"),
    400: _error("A header the district cannot read (e.g. Content-Length, a repeated "
                "X-Kiosk-* header) or a body that is not JSON", "bad Content-Length"),
    503: _error("The district database is unavailable; try again later",
                "the district database is unavailable; try again"),
}
_INVALID: dict[int | str, dict[str, Any]] = {422: {
                  "description": "The request does not follow the schema (nothing was written)",
                  "model": ValidationErrorModel,
                  "content": {"application/json": {"example": {"detail": [
                      {"loc": ["body", "entries", 0, "seq"], "msg": "Input should be a valid "
                       "integer", "type": "int_type"}]}}}}}

ERRORS: dict[str, dict[int | str, dict[str, Any]]] = {
    "push": {**_SIGNED, **_INVALID,
             409: _error("The idempotency key was used before for another batch; nothing "
                         "was written", "idempotency key reused with a different batch")},
    "changes": {**_SIGNED, **_INVALID, 200: {
        "description": "One page of the change feed",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChangePage"},
                                         "example": {"cursor": 42, "more": False,
                                                     "as_of": "2026-11-30T02:00:00+00:00",
                                                     "volunteers": [["V0001", "张*华", "active"]],
                                                     "cards": [], "balances": [["V0001", 770, 3]],
                                                     "items": [], "settings": []}}}}},
    "heartbeat": {**_SIGNED, **_INVALID},
    "image": {**_SIGNED, **_INVALID,
              200: {"description": "The picture's bytes; their SHA-256 is the name",
                    "content": {"application/octet-stream": {
                        "schema": {"type": "string", "format": "binary"}}}},
              404: _error("No picture with this hash", "no such picture")},
    "qr": {**_SIGNED,
           422: {"description": "The request does not follow the schema, or its volunteer id "
                                "is not one (the detail says why); nothing was written",
                 "model": ValidationErrorModel | ErrorModel},
           409: _error("Refused: unknown or blocked volunteer, or a request id reused for "
                       "another volunteer", "unknown volunteer V9"),
           503: _error("This district issues no QR cards, or its database is unavailable",
                       "this district server has no QR signing key")},
    "health": {},
}


def _plain_tuples(node: Any) -> None:
    """Rows of the feed are fixed-length arrays (``prefixItems`` in OpenAPI 3.1). Schemathesis
    cannot validate ``prefixItems`` in answers yet, so each row is published as an array of its
    length whose items are any of the positions' types, and the order goes in the description
    (the kiosk checks each position itself, kiosk/sync/protocol.py)."""
    if isinstance(node, dict):
        prefix = node.pop("prefixItems", None)
        if prefix is not None:
            node["items"] = {"anyOf": prefix}
            shown = ", ".join(str(p.get("type") or p.get("enum") or "any") for p in prefix)
            node["description"] = (node.get("description", "") + f" Positions: {shown}.").strip()
        for value in node.values():
            _plain_tuples(value)
    elif isinstance(node, list):
        for value in node:
            _plain_tuples(value)


def protocol_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["ChangePage"] = TypeAdapter(ChangePage).json_schema(
        ref_template="#/components/schemas/{model}")
    for name, sub in schemas["ChangePage"].pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    _plain_tuples(schemas)
    components["securitySchemes"] = {
        name: {"type": "apiKey", "in": "header", "name": header, "description": text}
        for name, (header, text) in SIGNING_HEADERS.items()}
    requirement: dict[str, list[str]] = {name: [] for name in SIGNING_HEADERS}
    for path, operations in schema["paths"].items():
        if path == "/v1/health":
            continue
        for operation in operations.values():
            operation["security"] = [requirement]
    app.openapi_schema = schema
    return schema
