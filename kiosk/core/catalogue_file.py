"""Catalogue files (TOML, ``[[item]]`` tables) as operators and the demo write them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from kiosk.core.catalogue import ItemSpec
from kiosk.core.models import Category, ItemKind

_REQUIRED = ("id", "name_zh", "name_en", "category", "kind", "price")
_OPTIONAL = ("image", "barcode", "limit_count", "limit_points", "limit_period",
             "low_stock_threshold", "active", "emoji")


class CatalogueFileError(Exception):
    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path}:\n" + "\n".join(f"  - {p}" for p in problems))


def _spec(n: int, raw: dict[str, Any], problems: list[str]) -> ItemSpec | None:
    where = f"item #{n} ({raw.get('id', '?')})"
    before = len(problems)
    problems.extend(f"{where}: missing {key!r}" for key in _REQUIRED if key not in raw)
    problems.extend(f"{where}: unknown key {key!r}" for key in raw
                    if key not in _REQUIRED + _OPTIONAL)
    if raw.get("category") not in {c.value for c in Category}:
        problems.append(f"{where}: category {raw.get('category')!r} is not one of "
                        + ", ".join(c.value for c in Category))
    if raw.get("kind") not in {k.value for k in ItemKind}:
        problems.append(f"{where}: kind {raw.get('kind')!r} is not one of "
                        + ", ".join(k.value for k in ItemKind))
    price: Any = raw.get("price")
    if not isinstance(price, int) or isinstance(price, bool) or price < 0:
        problems.append(f"{where}: price {price!r} must be a whole number of points >= 0")
    if raw.get("limit_period") not in (None, "day", "week", "month"):
        problems.append(f"{where}: limit_period must be day, week or month")
    if (raw.get("limit_count") or raw.get("limit_points")) and not raw.get("limit_period"):
        problems.append(f"{where}: a limit needs limit_period (day, week or month)")
    if len(problems) > before:
        return None
    return ItemSpec(
        item_id=raw["id"], name_zh=raw["name_zh"], name_en=raw["name_en"],
        category=Category(raw["category"]), kind=ItemKind(raw["kind"]), price=int(price),
        image=raw.get("image"), barcode=raw.get("barcode"),
        limit_count=raw.get("limit_count"), limit_points=raw.get("limit_points"),
        limit_period=raw.get("limit_period"),
        low_stock_threshold=raw.get("low_stock_threshold", 0),
        active=raw.get("active", True))


def read_catalogue(path: Path) -> list[ItemSpec]:
    """Parse and check the whole file; raises CatalogueFileError listing every problem."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueFileError(path, [str(exc)]) from None
    problems: list[str] = []
    specs = [_spec(n, raw, problems) for n, raw in enumerate(data.get("item", []), start=1)]
    ids = [s.item_id for s in specs if s]
    problems.extend(f"duplicate item id {i!r}" for i in sorted({i for i in ids
                                                                  if ids.count(i) > 1}))
    if not ids and not problems:
        problems.append("no [[item]] tables found")
    if problems:
        raise CatalogueFileError(path, problems)
    return [s for s in specs if s]
