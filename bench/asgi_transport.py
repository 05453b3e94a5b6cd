"""A kiosk transport that calls the district's ASGI app in-process: the real app, signing and
store, without sockets, so the simulator controls every request (drop it, lose the reply:
:class:`FaultyTransport`)."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.sync.transport import SyncError
from points_protocol import signing


class AsgiTransport:
    def __init__(self, app: Any, kiosk_id: str, key: Ed25519PrivateKey,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.kiosk_id = kiosk_id
        self.key = key
        self.loop = loop

    def clock_skew(self) -> float | None:
        return None   # in-process: one clock

    def request(self, method: str, path: str, body: bytes | None, *,
                deadline: float | None = None) -> tuple[int, bytes]:
        """In-process: nothing trickles, so ``deadline`` is not needed."""
        payload = body or b""
        headers = signing.signed_headers(self.key, self.kiosk_id, method=method, path=path,
                                         body=payload, timestamp=int(time.time()))
        headers["content-type"] = "application/json"
        headers["content-length"] = str(len(payload))
        return self.loop.run_until_complete(self._call(method, path, payload, headers))

    async def _call(self, method: str, path: str, body: bytes,
                    headers: dict[str, str]) -> tuple[int, bytes]:
        bare, _, query = path.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": bare, "raw_path": bare.encode(),
                 "query_string": query.encode(), "root_path": "",
                 "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
                 "client": ("127.0.0.1", 1), "server": ("district", 80)}
        sent = False
        status = 500
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)


def decode(answer: tuple[int, bytes]) -> Any:
    return json.loads(answer[1])


class FaultyTransport:
    """Between a kiosk and the district: a partition refuses everything; otherwise a request
    may be dropped before the district sees it, or its reply lost after the district committed."""

    def __init__(self, inner: AsgiTransport, rng: random.Random) -> None:
        self.inner = inner
        self.rng = rng
        self.partitioned = False
        self.p_drop = 0.1
        self.p_lost = 0.15
        self.failures = 0

    def clock_skew(self) -> float | None:
        return None   # in-process: one clock

    def request(self, method: str, path: str, body: bytes | None, *,
                deadline: float | None = None) -> tuple[int, bytes]:
        if self.partitioned:
            self.failures += 1
            raise SyncError("partitioned")
        roll = self.rng.random()
        if roll < self.p_drop:
            self.failures += 1
            raise SyncError("request dropped")
        answer: tuple[int, bytes] = self.inner.request(method, path, body)
        if roll < self.p_drop + self.p_lost:
            self.failures += 1
            raise SyncError("reply lost after the district answered")
        return answer
