"""HTTP transport to the district: signs every request, verifies TLS, bounds the answer.

Plain ``http://`` is refused unless the host is a loopback address (tests, the demo), so a
misconfigured kiosk cannot send sales or keys in clear over a shop's network.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.sync.engine import SyncError
from points_protocol import signing


class InsecureUrlError(ValueError):
    pass


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme != "http":
        raise InsecureUrlError(f"{url}: district URL must be https:// (or http:// on loopback)")
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InsecureUrlError(f"{url}: plain HTTP is allowed only on loopback; use https://")


class HttpTransport:
    def __init__(self, base_url: str, kiosk_id: str, key: Ed25519PrivateKey, *,
                 ca_file: str = "", connect_timeout: float = 10, read_timeout: float = 60,
                 max_bytes: int = 64 << 20, wall_clock: Callable[[], float] = time.time) -> None:
        check_url(base_url)
        self._base = base_url.rstrip("/")
        self._kiosk_id = kiosk_id
        self._key = key
        self._verify: bool | str = ca_file or True
        self._timeouts = (connect_timeout, read_timeout)
        self._max_bytes = max_bytes
        self._wall_clock = wall_clock
        self._session = requests.Session()

    def close(self) -> None:
        self._session.close()

    def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        payload = body or b""
        headers = signing.signed_headers(self._key, self._kiosk_id, method=method, path=path,
                                         body=payload, timestamp=int(self._wall_clock()))
        headers["Content-Type"] = "application/json"
        try:
            with self._session.request(method, self._base + path, data=payload or None,
                                       headers=headers, timeout=self._timeouts,
                                       verify=self._verify, stream=True) as answer:
                length = answer.headers.get("Content-Length") or "0"
                try:
                    declared = int(length)
                except ValueError:
                    raise SyncError(f"answer with a nonsense Content-Length: {length[:40]!r}") \
                        from None
                if declared > self._max_bytes:
                    raise SyncError(f"answer of {declared} bytes is over the limit")
                chunks, size = [], 0
                for chunk in answer.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self._max_bytes:
                        raise SyncError(f"answer over {self._max_bytes} bytes refused")
                    chunks.append(chunk)
                return answer.status_code, b"".join(chunks)
        except requests.RequestException as exc:
            raise SyncError(f"{method} {path.split('?', 1)[0]}: {type(exc).__name__}: {exc}") \
                from None
