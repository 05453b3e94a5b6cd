"""Catalogue pictures by content hash: fetched from the district, verified, kept locally.

The change feed names an item's picture by SHA-256 (``image_sha256``). Applying a page only
records which hash each item wants (``item_images``); after the pull, the daemon fetches each
missing hash with a signed ``GET /v1/images/{sha256}``, refuses an answer that is too large,
does not hash to the name, or is not a picture, and writes a good one to
``<data folder>/images/<sha256>`` (temporary file, fsync, rename: never half a picture). Only
then is the item pointed at the local file. A refused or unreachable picture is logged and
kept as the item's ``last_error``; it never fails the sync round, and the next round tries
again. The file is named by its hash, so the same picture for two items is fetched once, and a
file already there is trusted only after its hash is checked again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kiosk.core import item_images, shared_files
from kiosk.core.item_images import local_path
from kiosk.sync.transport import SyncError, Transport
from points_protocol.messages import IMAGES_PATH, SHA256_RE
from points_protocol.pictures import picture_format

log = logging.getLogger("kiosk.sync.images")


class ImageRefused(Exception):
    """The answer is not the picture asked for; ``str()`` says why."""


def check_picture(data: bytes, sha256: str, max_bytes: int) -> None:
    """Raise :class:`ImageRefused` unless ``data`` is a picture of at most ``max_bytes`` whose
    SHA-256 is ``sha256``."""
    if len(data) > max_bytes:
        raise ImageRefused(f"{len(data)} bytes, over the {max_bytes}-byte limit")
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        raise ImageRefused(f"content hashes to {actual[:16]}..., not to its name")
    if picture_format(data) is None:
        raise ImageRefused("not a PNG, JPEG, GIF or WebP picture")


@dataclass(frozen=True)
class FetchResult:
    fetched: int
    refused: int


def _write_atomically(folder: Path, sha256: str, data: bytes) -> Path:
    """The daemon writes, the touchscreen (another user) reads: a shared folder and file
    (kiosk.core.shared_files; mkstemp alone would make the picture 0600)."""
    shared_files.make_folder(folder)
    target = local_path(folder, sha256)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-")
    try:
        shared_files.fix_file(Path(tmp), shared_files.READ_ONLY)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target


def _get(transport: Transport, folder: Path, sha256: str, max_bytes: int) -> Path:
    """The local file of ``sha256``, fetching it if it is not here (or is not right)."""
    target = local_path(folder, sha256)
    if target.is_file():
        try:
            check_picture(target.read_bytes(), sha256, max_bytes)
            return target
        except ImageRefused:
            log.warning("local picture %s is damaged; fetching it again", sha256[:16])
    status, data = transport.request("GET", IMAGES_PATH + sha256, None)
    if status != 200:
        raise ImageRefused(f"HTTP {status}")
    check_picture(data, sha256, max_bytes)
    return _write_atomically(folder, sha256, data)


def fetch_missing(conn: sqlite3.Connection, transport: Transport, now: str, *,
                  max_bytes: int, folder: Path | None = None) -> FetchResult:
    """Fetch every wanted picture not yet here; never raises for one picture's fault.

    A transport failure (no answer at all) is recorded like a refusal: the round's own push
    and pull already succeeded, and the next round asks again."""
    wanted = item_images.missing(conn)
    if not wanted:
        return FetchResult(0, 0)
    folder = folder or item_images.image_dir(conn)
    fetched = refused = 0
    for sha256, item_ids in wanted:
        try:
            if not SHA256_RE.match(sha256):
                raise ImageRefused("malformed hash")
            path = _get(transport, folder, sha256, max_bytes)
        except (ImageRefused, SyncError, OSError) as exc:
            refused += 1
            log.warning("picture %s for %s refused: %s", sha256[:16], ", ".join(item_ids), exc)
            item_images.record_refused(conn, sha256, str(exc))
            continue
        fetched += 1
        item_images.record_fetched(conn, sha256, path, now)
    return FetchResult(fetched, refused)
