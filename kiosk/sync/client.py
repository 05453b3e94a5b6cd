"""HTTP transport to the district: signs every request, verifies TLS, bounds the answer.

Plain ``http://`` is refused unless the host is a loopback address (tests, the demo), so a
misconfigured kiosk cannot send sales or keys in clear over a shop's network.

A redirect is never followed: it would send a signed request (and a re-posted body of sales)
to a host the kiosk was not configured for, and the kiosk would then take that host's answer
as the district's. Any 3xx is a failed round.

``read_timeout`` bounds each read, so a district (or anything between) that trickles a byte now
and then could hold a request, and with it the round, for ever. Each request therefore has an
overall deadline too (:mod:`kiosk.sync.deadline`): when it passes, the socket is shut down
under the blocked read and the request fails.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.sync.deadline import Deadline, DeadlineAdapter, watching
from kiosk.sync.transport import SyncError
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
                 request_deadline: float = 300, max_bytes: int = 64 << 20,
                 wall_clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        check_url(base_url)
        self._base = base_url.rstrip("/")
        self._kiosk_id = kiosk_id
        self._key = key
        self._verify: bool | str = ca_file or True
        self._timeouts = (connect_timeout, read_timeout)
        self._request_deadline = request_deadline
        self._max_bytes = max_bytes
        self._wall_clock = wall_clock
        self._monotonic = monotonic
        self._skew: float | None = None
        self._session = requests.Session()
        adapter = DeadlineAdapter()
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def close(self) -> None:
        self._session.close()

    def request(self, method: str, path: str, body: bytes | None, *,
                deadline: float | None = None) -> tuple[int, bytes]:
        """One signed request. ``deadline`` (a ``monotonic`` time) is the round's: the request
        ends at the earlier of it and this request's own deadline."""
        what = f"{method} {path.split('?', 1)[0]}"
        now = self._monotonic()
        ends, limit = now + self._request_deadline, f"{self._request_deadline:.0f} s"
        if deadline is not None and deadline < ends:
            ends, limit = deadline, "the round's deadline"
        if ends <= now:
            raise SyncError(f"{what}: not sent, the round's deadline has passed")
        payload = body or b""
        headers = signing.signed_headers(self._key, self._kiosk_id, method=method, path=path,
                                         body=payload, timestamp=int(self._wall_clock()))
        headers["Content-Type"] = "application/json"
        watch = Deadline(ends - now)
        late = SyncError(f"{what}: no whole answer within {limit} (deadline: the district "
                         "trickles or stalls)")
        try:
            with watching(watch), self._session.request(
                    method, self._base + path, data=payload or None, headers=headers,
                    timeout=self._timeouts, verify=self._verify, stream=True,
                    allow_redirects=False) as answer:
                self._note_date(answer)
                _refuse_redirect(what, answer)
                data = self._read(answer)
        except requests.RequestException as exc:
            if watch.expired:
                raise late from None
            raise SyncError(f"{what}: {type(exc).__name__}: {exc}") from None
        if watch.expired:   # the cut may end a body of unknown length early: never use it
            raise late
        return answer.status_code, data

    def clock_skew(self) -> float | None:
        """The district's clock minus this machine's, in seconds, from the HTTP ``Date`` of
        the last answer (any status: a district refusing us for a wrong time says so too)."""
        return self._skew

    def _note_date(self, answer: requests.Response) -> None:
        try:
            district = parsedate_to_datetime(answer.headers.get("Date", ""))
        except (TypeError, ValueError, IndexError):
            return
        if district.tzinfo is not None:
            self._skew = district.timestamp() - self._wall_clock()

    def _read(self, answer: requests.Response) -> bytes:
        length = answer.headers.get("Content-Length") or "0"
        try:
            declared = int(length)
        except ValueError:
            raise SyncError(f"answer with a nonsense Content-Length: {length[:40]!r}") from None
        if declared > self._max_bytes:
            raise SyncError(f"answer of {declared} bytes is over the limit")
        chunks, size = [], 0
        for chunk in answer.iter_content(64 * 1024):
            size += len(chunk)
            if size > self._max_bytes:
                raise SyncError(f"answer over {self._max_bytes} bytes refused")
            chunks.append(chunk)
        return b"".join(chunks)


def _refuse_redirect(what: str, answer: requests.Response) -> None:
    if 300 <= answer.status_code < 400:
        where = answer.headers.get("Location", "")[:120]
        raise SyncError(f"{what}: the district answered HTTP {answer.status_code} redirecting "
                        f"to {where!r}; a kiosk never follows a redirect (check "
                        "[district] url)")
