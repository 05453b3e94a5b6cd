"""Authenticate before parsing: a raw ASGI gate in front of every signed endpoint.

Before a byte of the body is read, the headers must name a registered kiosk, a fresh time and a
well-formed nonce; a declared ``Content-Length`` over the limit is refused (413). The body is
then read chunk by chunk, never past the limit (413 as soon as it would be), hashed as it
comes, and the Ed25519 signature is checked over the *raw* path and query exactly as sent
(``scope["raw_path"]``, still percent-encoded) and the raw body. Only a request that passed
reaches FastAPI, which then decodes the JSON. So an unauthenticated request costs at most the
body limit in memory, and never a JSON parse; ``/v1/health`` never waits for it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from starlette.concurrency import run_in_threadpool

from points_protocol import signing

log = logging.getLogger("district.auth")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIOSK_SCOPE_KEY = "district.kiosk_id"
BODY_HASH_SCOPE_KEY = "district.body_sha256"
_KIOSK_ID_RE = re.compile(r"^[\x21-\x7e]{1,64}$")
_NONCE_RE = re.compile(r"^[\x21-\x7e]{16,100}$")
_TIME_RE = re.compile(r"^[0-9]{1,12}$")


class KeyCache:
    """Registered kiosks' public keys for a few seconds, so a request does not wait for a
    database round trip before its body is read. Only keys that exist are kept (a flood of
    made-up kiosk ids cannot fill it); a key changed by ``register-kiosk`` applies within
    ``ttl_s``."""

    def __init__(self, lookup: Callable[[str], str | None], clock: Callable[[], float],
                 ttl_s: float = 10.0, size: int = 10_000) -> None:
        self.lookup = lookup
        self.clock = clock
        self.ttl_s = ttl_s
        self.size = size
        self._keys: dict[str, tuple[str, float]] = {}

    def cached(self, kiosk_id: str) -> str | None:
        hit = self._keys.get(kiosk_id)
        if hit is not None and self.clock() - hit[1] < self.ttl_s:
            return hit[0]
        return None

    def __call__(self, kiosk_id: str) -> str | None:
        key = self.lookup(kiosk_id)
        if key is not None:
            if len(self._keys) >= self.size:
                self._keys.clear()
            self._keys[kiosk_id] = (key, self.clock())
        return key


class GateConfig:
    def __init__(self, *, kiosk_key: KeyCache,
                 use_nonce: Callable[[str, str, float, float], bool],
                 clock: Callable[[], float], max_skew_s: float, max_body: int,
                 open_paths: frozenset[str]) -> None:
        self.kiosk_key = kiosk_key
        self.use_nonce = use_nonce
        self.clock = clock
        self.max_skew_s = max_skew_s
        self.max_body = max_body
        self.open_paths = open_paths


async def refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class SignedRequestGate:
    def __init__(self, app: ASGIApp, config: GateConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.config.open_paths:
            await self.app(scope, receive, send)
            return
        problem = await self._check(scope, receive)
        if problem is not None:
            status, detail, _ = problem
            if status == 401:
                log.warning("refused %s %s: %s", scope.get("method"), scope.get("path"), detail)
            await refuse(send, status, detail)
            return
        await self.app(scope, _replay(body_of(scope), receive), send)

    async def _check(self, scope: Scope, receive: Receive  # noqa: PLR0911, PLR0912
                     ) -> tuple[int, str, bytes] | None:
        """One refusal per check, in the order that reads the least first."""
        config = self.config
        headers: dict[str, str] = {}
        for name, value in scope.get("headers", []):
            key = name.decode("latin-1").lower()
            if key in headers and key.startswith("x-kiosk-"):
                return 400, f"header {key} given twice", b""
            headers[key] = value.decode("latin-1")
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit() or len(declared) > 15:
                return 400, "bad Content-Length", b""
            if int(declared) > config.max_body:
                return 413, f"body over {config.max_body} bytes", b""
        kiosk_id = headers.get(signing.HEADER_KIOSK.lower(), "")
        stamp_text = headers.get(signing.HEADER_TIME.lower(), "")
        nonce = headers.get(signing.HEADER_NONCE.lower(), "")
        signature_text = headers.get(signing.HEADER_SIGNATURE.lower(), "")
        if not _KIOSK_ID_RE.match(kiosk_id):
            return 401, "unknown kiosk", b""
        if not _TIME_RE.match(stamp_text):
            return 401, "missing or bad time", b""
        stamp = int(stamp_text)
        if abs(config.clock() - stamp) > config.max_skew_s:
            return 401, "request time too far from the district's clock", b""
        if not _NONCE_RE.match(nonce):
            return 401, "missing or bad nonce", b""
        try:
            signature = base64.b64decode(signature_text, validate=True)
        except ValueError:
            return 401, "bad signature", b""
        if len(signature) != 64:
            return 401, "bad signature", b""
        public = config.kiosk_key.cached(kiosk_id) or await run_in_threadpool(
            config.kiosk_key, kiosk_id)
        if public is None:
            return 401, "unknown kiosk", b""
        read = await _read_body(receive, config.max_body)
        if read is None:
            return 413, f"body over {config.max_body} bytes", b""
        body, digest = read
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        path = (raw_path + (b"?" + query if query else b"")).decode("latin-1")
        message = "\n".join((signing.PROTOCOL, str(scope["method"]).upper(), path, stamp_text,
                             nonce, digest)).encode()
        try:
            signing.load_public_key(public).verify(signature, message)
        except (InvalidSignature, ValueError):
            return 401, "bad signature", b""
        if not await run_in_threadpool(config.use_nonce, kiosk_id, nonce, config.clock(),
                                       config.max_skew_s):
            return 401, "replayed nonce", b""
        scope[KIOSK_SCOPE_KEY] = kiosk_id
        scope[BODY_HASH_SCOPE_KEY] = digest
        scope["district.body"] = body
        return None


def body_of(scope: Scope) -> bytes:
    return bytes(scope.get("district.body", b""))


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, str] | None:
    """The whole body, or None as soon as it passes ``limit`` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    digest = hashlib.sha256()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        digest.update(chunk)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), digest.hexdigest()


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
