"""Request signing for protocol v1, shared by the kiosk client and the district server.

Every request carries the kiosk id, a Unix time, a random nonce and an Ed25519 signature over
``v1 / method / path+query / time / nonce / sha256(body)``. The server checks the key it
registered for that kiosk, refuses times outside a window and a nonce it has already seen,
so a captured request can be neither altered nor replayed.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

PROTOCOL = "v1"
HEADER_KIOSK = "X-Kiosk-Id"
HEADER_TIME = "X-Kiosk-Time"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"


def canonical(method: str, path: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    """The exact bytes that are signed; ``path`` includes the query string."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join((PROTOCOL, method.upper(), path, str(timestamp), nonce, digest)).encode()


def new_nonce() -> str:
    return base64.urlsafe_b64encode(os.urandom(18)).decode()


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode()


def signed_headers(key: Ed25519PrivateKey, kiosk_id: str, *, method: str, path: str,
                   body: bytes, timestamp: int) -> dict[str, str]:
    """The four headers that authenticate one request."""
    nonce = new_nonce()
    return {HEADER_KIOSK: kiosk_id, HEADER_TIME: str(timestamp), HEADER_NONCE: nonce,
            HEADER_SIGNATURE: sign(key, canonical(method, path, timestamp, nonce, body))}


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public half as base64 of the 32 raw bytes: what the district registers."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    raw = base64.b64decode(text.strip(), validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)


def generate_key_file(path: Path) -> Ed25519PrivateKey:
    """Make a kiosk key at provisioning; the file is readable by its owner only.

    The owner is the owner of the key's folder (the package makes it the sync daemon's own,
    mode 0700): made by root (``sudo kiosk-sync keygen`` instead of ``sudo -u kiosk-sync``),
    a key readable by root alone would leave the daemon unable to sign anything."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), 0o600)  # whatever the umask
        folder = path.parent.stat()
        if os.geteuid() == 0 and (folder.st_uid, folder.st_gid) != (0, 0):
            os.fchown(fh.fileno(), folder.st_uid, folder.st_gid)
        fh.write(pem)
    return key


def load_key_file(path: Path) -> Ed25519PrivateKey:
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: not an Ed25519 private key")
    return key
