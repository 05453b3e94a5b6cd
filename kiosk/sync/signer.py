"""Vouchers signed by the sync daemon for the touchscreen, over a local socket.

The kiosk's Ed25519 key signs its sync requests and its vouchers. On a packaged kiosk only the
daemon's user (kiosk-sync) can read it; the touchscreen's user (kiosk) never can, so a
compromised touch session cannot speak to the district as the kiosk. The daemon therefore
serves a Unix socket beside the database (:func:`socket_path`, mode 0660 in the shared data
folder, so the points-kiosk group reaches it) that signs vouchers and nothing else:

* a request is one line of JSON, ``{"voucher": {...}}`` (points_protocol.vouchers.Voucher's
  fields); the answer is one line, ``{"token": "V1...."}`` or ``{"error": "..."}``;
* only a well-formed voucher of this kiosk is signed, and the signature covers ``voucher\\n``
  + the payload (points_protocol.vouchers.sign): no other message the key signs starts so,
  so the socket cannot be used to sign a sync request.

When the daemon does not answer within :data:`ANSWER_SECONDS` (not running, stuck, an old
version), the checkout does not wait longer or refuse the sale: the voucher is made unsigned
(points_protocol.vouchers.unsigned_token), its paper says it can be redeemed once the kiosk
has synced, and the district accepts it from the kiosk's signed push like the rest of the
sale. See docs/vouchers.md, "Who signs".
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import socketserver
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from points_protocol import vouchers as protocol
from points_protocol.errors import Invalid
from points_protocol.vouchers import Voucher

log = logging.getLogger("kiosk.sync.signer")

# How long the checkout waits for the daemon's signature: signing takes well under a
# millisecond, so an answer that has not come in this long will not come; the sale's write
# transaction is open meanwhile, and a volunteer should not notice the wait.
ANSWER_SECONDS = 0.5
MAX_LINE = 4096     # a request is ~300 bytes; more is not a voucher


def socket_path(database: Path) -> Path:
    """Beside the database, like its sync lock: in the data folder both users share."""
    return database.parent / (database.name + ".sign")


def _read_line(sock: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(MAX_LINE)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_LINE:
            raise ValueError("line too long")
    return data.split(b"\n", 1)[0]


class _Handler(socketserver.BaseRequestHandler):
    server: SignServer

    def handle(self) -> None:
        self.request.settimeout(2.0)
        try:
            answer: dict[str, Any] = {"token": self.server.sign_request(
                _read_line(self.request))}
        except (Invalid, ValueError) as exc:
            log.warning("voucher signing refused: %s", exc)
            answer = {"error": str(exc)[:200]}
        except OSError:
            return
        with contextlib.suppress(OSError):
            self.request.sendall(json.dumps(answer).encode() + b"\n")


class SignServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The daemon's side: started by ``kiosk-sync run`` under its one-daemon lock (so a stale
    socket file left by a killed daemon is safely replaced), stopped with it."""

    daemon_threads = True

    def __init__(self, path: Path, key: Ed25519PrivateKey, kiosk_id: str) -> None:
        self.path = Path(path)
        self.key = key
        self.kiosk_id = kiosk_id
        self.path.unlink(missing_ok=True)
        super().__init__(str(self.path), _Handler)
        # The touchscreen's user is in the data folder's group, never the daemon's own.
        folder_gid = self.path.parent.stat().st_gid
        if os.geteuid() == 0 or folder_gid in os.getgroups() or folder_gid == os.getegid():
            os.chown(self.path, -1, folder_gid)
        os.chmod(self.path, 0o660)
        self._thread: threading.Thread | None = None

    def sign_request(self, line: bytes) -> str:
        try:
            raw = json.loads(line)
        except ValueError:
            raise Invalid("the request is not JSON") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("voucher"), dict):
            raise Invalid("the request names no voucher")
        voucher = protocol.voucher_from_json(raw["voucher"])
        if voucher.kiosk_id != self.kiosk_id:
            raise Invalid(f"a voucher of kiosk {voucher.kiosk_id!r} is not this kiosk's")
        return protocol.sign(voucher, self.key)

    def start(self) -> SignServer:
        self._thread = threading.Thread(target=self.serve_forever, name="voucher-signer",
                                        daemon=True)
        self._thread.start()
        log.info("signing vouchers for the touchscreen at %s", self.path)
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()
        self.path.unlink(missing_ok=True)


def start_server(database: Path, key: Ed25519PrivateKey, kiosk_id: str) -> SignServer | None:
    """The daemon's signing socket, or None when it cannot be made (a path too long for a
    Unix socket, a read-only folder): logged, and the kiosk then prints unsigned vouchers."""
    try:
        return SignServer(socket_path(database), key, kiosk_id).start()
    except OSError as exc:
        log.error("cannot serve voucher signing at %s: %s", socket_path(database), exc)
        return None


class DaemonSigner:
    """The touchscreen's side (kiosk.core.vouchers.VoucherSigner): asks the daemon; None
    (an unsigned voucher) when it does not answer with a token for exactly this voucher."""

    def __init__(self, path: Path, timeout: float = ANSWER_SECONDS) -> None:
        self.path = Path(path)
        self.timeout = timeout

    def sign(self, voucher: Voucher) -> str | None:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout)
                sock.connect(str(self.path))
                sock.sendall(json.dumps({"voucher": voucher.to_json()}).encode() + b"\n")
                answer = json.loads(_read_line(sock))
            token = answer.get("token") if isinstance(answer, dict) else None
            if not isinstance(token, str):
                raise ValueError(f"no token in the answer: {str(answer)[:200]}")
            if protocol.read_token(token)[0] != voucher:
                raise ValueError("the token is for another voucher")
            return token
        except (OSError, ValueError, Invalid) as exc:
            log.warning("voucher %s printed unsigned: the sync daemon did not sign it (%s)",
                        voucher.voucher_id, exc)
            return None
