"""kiosk-district commands for the central catalogue: ``import-catalogue`` (the items from a
TOML file, with their pictures) and ``add-image`` (one picture for one item). Kiosks take both
at their next sync."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from district.store import Store
from points_protocol.catalogue import barcode_clashes, to_wire
from points_protocol.catalogue_file import read_catalogue
from points_protocol.errors import Invalid
from points_protocol.pictures import picture_format


def cmd_import_catalogue(store: Store, args: argparse.Namespace) -> int:
    items = read_catalogue(Path(args.file))
    held = {row[0]: json.loads(row[1]).get("barcode")
            for row in store.query("SELECT id, spec FROM items")}
    clashes = barcode_clashes(held, items)
    if clashes:
        raise Invalid(clashes)
    specs = [to_wire(s) for s in items]
    folder = getattr(args, "images", None)
    if folder:
        pictures = {}
        for spec in specs:
            if not spec["image"]:
                continue
            path = Path(folder) / str(spec["image"])
            if not path.is_file():
                print(f"{spec['id']}: no picture file {path}; the item is imported without",
                      file=sys.stderr)
                continue
            try:
                pictures[spec["id"]] = _read_picture(path)
            except ValueError as exc:
                print(f"{spec['id']}: {exc}; nothing imported", file=sys.stderr)
                return 2
        for spec in specs:
            if spec["id"] in pictures:
                spec["image_sha256"] = store.add_image(pictures[spec["id"]])
    print(f"{len(specs)} items read, {store.upsert_items(specs)} new or changed")
    return 0


# Larger pictures are refused when added: kiosks fetch each one, by default up to 2 MB
# (sync.max_image_kb), and a tile on a touchscreen needs far less.
MAX_IMAGE_BYTES = 8 << 20


def _read_picture(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"{path} is {len(data)} bytes, over {MAX_IMAGE_BYTES}")
    if picture_format(data) is None:
        raise ValueError(f"{path} is not a PNG, JPEG, GIF or WebP picture")
    return data


def cmd_add_image(store: Store, args: argparse.Namespace) -> int:
    """Store a picture by content hash and point an item at it (kiosks fetch it next sync)."""
    try:
        data = _read_picture(Path(args.file))
        sha = store.add_image(data)
        changed = store.set_item_image(args.item_id, sha)
    except (ValueError, OSError, KeyError) as exc:
        print(f"add-image: {exc}", file=sys.stderr)
        return 2
    print(f"{args.item_id}: picture {sha}" + ("" if changed else " (unchanged)"))
    return 0


def add_parsers(sub: Any) -> None:
    c = sub.add_parser("import-catalogue", help="central catalogue from a TOML file")
    c.add_argument("file")
    c.add_argument("--images", help="folder the items' image paths are relative to: each "
                   "picture is stored by its SHA-256 and sent to the kiosks")
    a = sub.add_parser("add-image", help="store a picture and point an item at it")
    a.add_argument("item_id")
    a.add_argument("file")


COMMANDS = {"import-catalogue": cmd_import_catalogue, "add-image": cmd_add_image}
