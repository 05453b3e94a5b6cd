"""Item pictures chosen by an operator (from a file or a USB stick) are copied into the kiosk's
own data folder: the stick is pulled out afterwards, and the picture must still be there."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from kiosk.core import shared_files
from kiosk.core.errors import UserFacingError

PICTURE_DIR = "item-images"  # in the data folder, beside the database (writable; /etc is not)
SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MAX_BYTES = 10 * 1024 * 1024  # a product photo; anything larger is not one


class PictureRefused(UserFacingError):
    code = "picture_refused"


def store_picture(source: Path, folder: Path, item_id: str) -> Path:
    """Copy ``source`` to ``folder/<item_id>-<hash><suffix>`` and return the copy's absolute
    path. The content hash in the name means a new picture never hides behind a cached one."""
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES:
        raise PictureRefused("图片要是 PNG、JPG 或 WEBP 文件。",
                             "The picture must be a PNG, JPG or WEBP file.")
    if not source.is_file():
        raise PictureRefused(f"找不到图片文件：{source}", f"No picture file at {source}")
    if source.stat().st_size > MAX_BYTES:
        raise PictureRefused("图片文件太大（最多 10 MB）。",
                             "The picture is too large (10 MB at most).")
    shared_files.make_folder(folder)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = (folder / f"{item_id}-{digest}{suffix}").resolve()
    if source.resolve() != target:
        shared_files.create_file(target, shared_files.READ_ONLY)
        shutil.copyfile(source, target)
    return target
