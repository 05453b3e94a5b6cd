"""Catalogue files: TOML with one ``[[item]]`` table per item, as operators, the district and
the demo write them. ``kiosk-admin import-catalogue`` and ``kiosk-district import-catalogue``
read the same files through :func:`read_catalogue`.

Files come from office PCs: a spreadsheet or Notepad may save UTF-8 with a byte-order mark
(accepted), or GBK, UTF-16 or Latin-1 (refused with one line saying to save as UTF-8, never a
codec error). Every problem of a file is listed at once, each with its item and field, and
nothing is imported unless the whole file is right.
"""

from __future__ import annotations

import codecs
import tomllib
from pathlib import Path
from typing import Final

from points_protocol.catalogue import ItemSpec, parse_items
from points_protocol.errors import Invalid

MAX_FILE_BYTES: Final = 16 << 20   # ~100,000 items; a real catalogue is a few hundred
FILE_ONLY_FIELDS: Final = ("emoji",)   # drawn into the demo pictures, not part of an item
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_NOT_UTF8 = ("the file must be UTF-8 (it looks like {what}): open it in an editor and save it "
             "as UTF-8")


class CatalogueFileError(Invalid):
    """A catalogue file that cannot be imported; ``str()`` names the file and lists every
    problem, one per line."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        super().__init__(problems)
        self.path = Path(path)

    def __str__(self) -> str:
        return f"{self.path}:\n" + "\n".join(f"  - {p}" for p in self.problems)


def _text(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS) or (len(data) > 1 and b"\x00" in data[:200]):
        raise Invalid(_NOT_UTF8.format(what="UTF-16"))
    try:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise Invalid(_NOT_UTF8.format(what=f"GBK or Latin-1: line {line} is not UTF-8")) \
            from None


def parse_catalogue(data: bytes) -> list[ItemSpec]:
    """The items of a catalogue file's bytes, or :class:`Invalid` with every problem."""
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(f"the file is {len(data):_} bytes, over {MAX_FILE_BYTES:_}: not a "
                      "catalogue")
    try:
        document = tomllib.loads(_text(data))
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(f"not valid TOML: {exc}") from None
    except RecursionError:
        raise Invalid("not valid TOML: nested too deeply") from None
    unknown = [key for key in document if key != "item"]
    if unknown:
        raise Invalid(f"unknown top-level key {unknown[0][:40]!r}: a catalogue has only "
                      "[[item]] tables")
    items = document.get("item")
    if items is None:
        raise Invalid("no [[item]] tables found")
    specs = parse_items(items, extra=FILE_ONLY_FIELDS)
    if not specs:
        raise Invalid("no [[item]] tables found")
    return specs


def read_catalogue(path: Path | str) -> list[ItemSpec]:
    """Read and check a whole catalogue file; raises :class:`CatalogueFileError` listing
    every problem (a missing or unreadable file included)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CatalogueFileError(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    try:
        return parse_catalogue(data)
    except Invalid as exc:
        raise CatalogueFileError(path, list(exc.problems)) from None
