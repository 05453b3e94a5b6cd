"""What a catalogue item may be, and a whole catalogue: one check for every door an item comes
through (a kiosk's or the district's catalogue file, the district's change feed, an operator's
form). A door hands over a mapping (TOML table, JSON object) and gets an :class:`ItemSpec`, or
an :class:`Invalid` that lists every problem with the item and field, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from points_protocol.errors import Invalid
from points_protocol.limits import LIMIT_COUNT, LIMIT_POINTS, PRICE, STOCK_LEVEL, Range
from points_protocol.messages import SHA256_RE
from points_protocol.vouchers import VALID_DAYS_MAX


class Category(StrEnum):
    HEALTH = "health"
    CULTURE_LEISURE = "culture_leisure"
    GROWTH_EDUCATION = "growth_education"
    DAILY_LIFE = "daily_life"
    SERVICES = "services"
    DONATE = "donate"


class ItemKind(StrEnum):
    GOODS = "goods"            # on a shelf: has stock
    SERVICE = "service"        # haircut, venue hour: a voucher, no stock
    DONATION = "donation"      # points go to the families-in-need pool
    FEE_OFFSET = "fee_offset"  # offset against the property-management fee: a voucher

    @property
    def has_stock(self) -> bool:
        return self is ItemKind.GOODS


LIMIT_PERIODS: Final = ("day", "week", "month")
NAME_MAX = 100
IMAGE_MAX = 200
ITEM_ID_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
BARCODE_RE: Final = re.compile(r"[!-~]{1,64}", re.ASCII)   # printable ASCII, no spaces
_IMAGE_SEGMENT = re.compile(r"[\w .()+-]+")


@dataclass(frozen=True)
class ItemSpec:
    """An item as an operator or the district describes it."""

    item_id: str
    name_zh: str
    name_en: str
    category: Category
    kind: ItemKind
    price: int
    image: str | None = None
    barcode: str | None = None
    limit_count: int | None = None
    limit_points: int | None = None
    limit_period: str | None = None
    low_stock_threshold: int = 0
    active: bool = True
    # A voucher item (issue 13): the partner that redeems it and for how many days.
    partner: str | None = None
    valid_days: int | None = None

    @property
    def is_voucher(self) -> bool:
        return self.partner is not None


REQUIRED: Final = ("id", "name_zh", "name_en", "category", "kind", "price")
OPTIONAL: Final = ("image", "barcode", "limit_count", "limit_points", "limit_period",
                   "low_stock_threshold", "active", "partner", "valid_days")
_ALWAYS_SAID: Final = ("limit_period", "partner", "valid_days")   # said even when missing
VOUCHER_KINDS: Final = (ItemKind.SERVICE, ItemKind.FEE_OFFSET)
PARTNER_RE: Final = re.compile(r"[\x21-\x7e]{1,100}", re.ASCII)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _name(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text"
    if len(value) > NAME_MAX:
        return f"is {len(value)} characters long, at most {NAME_MAX}"
    if not value.isprintable():
        return "holds a control or invisible character"
    return None


def _image(value: object) -> str | None:
    """A picture named by a catalogue: a relative path inside the catalogue's folder. Never
    absolute and never climbing out (``..``): a district names no path on a kiosk."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        return "must be a relative file path"
    if len(value) > IMAGE_MAX:
        return f"is {len(value)} characters long, at most {IMAGE_MAX}"
    parts = value.split("/")
    if value.startswith("/") or any(p in ("", ".", "..") or not _IMAGE_SEGMENT.fullmatch(p)
                                    for p in parts):
        return "must be a relative path of plain folder and file names (no '..', no '/' first)"
    return None


def _optional_in(value: object, rule: Range) -> str | None:
    return None if value is None or value in rule else _range_text(rule)


def _range_text(rule: Range) -> str:
    return f"must be a whole number from {rule.minimum:_} to {rule.maximum:_}"


def _field_problems(raw: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(field, what is wrong) for every field of one item."""
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not ITEM_ID_RE.fullmatch(item_id):
        yield "id", "must be 1 to 64 letters, digits, '-' or '_'"
    for key in ("name_zh", "name_en"):
        problem = _name(raw.get(key))
        if problem:
            yield key, problem
    if raw.get("category") not in tuple(Category):
        yield "category", "must be one of " + ", ".join(c.value for c in Category)
    if raw.get("kind") not in tuple(ItemKind):
        yield "kind", "must be one of " + ", ".join(k.value for k in ItemKind)
    if raw.get("price") not in PRICE:
        yield "price", _range_text(PRICE) + " (points)"
    yield from _more_problems(raw)


def _more_problems(raw: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    problem = _image(raw.get("image"))
    if problem:
        yield "image", problem
    barcode = raw.get("barcode")
    if barcode is not None and not (isinstance(barcode, str) and BARCODE_RE.fullmatch(barcode)):
        yield "barcode", "must be text of 1 to 64 letters, digits or signs, no spaces"
    for key, rule in (("limit_count", LIMIT_COUNT), ("limit_points", LIMIT_POINTS),
                      ("low_stock_threshold", STOCK_LEVEL)):
        problem = _optional_in(raw.get(key), rule)
        if problem:
            yield key, problem
    period = raw.get("limit_period")
    if period is not None and period not in LIMIT_PERIODS:
        yield "limit_period", "must be one of " + ", ".join(LIMIT_PERIODS)
    elif period is None and (raw.get("limit_count") is not None
                             or raw.get("limit_points") is not None):
        yield "limit_period", "is needed with a limit (day, week or month)"
    if raw.get("active") is not None and not isinstance(raw.get("active"), bool):
        yield "active", "must be true or false"
    yield from _voucher_problems(raw)


def _voucher_problems(raw: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """A voucher item names its partner and validity together, and only a service or a fee
    offset is one: goods leave on the shelf, a donation goes to the pool."""
    partner, days = raw.get("partner"), raw.get("valid_days")
    if partner is None and days is None:
        return
    if partner is None or not (isinstance(partner, str) and PARTNER_RE.fullmatch(partner)):
        yield "partner", "must be the partner's id (1 to 100 letters, digits or signs)"
    if days is None or type(days) is not int or not 1 <= days <= VALID_DAYS_MAX:
        yield "valid_days", f"must be a whole number of days from 1 to {VALID_DAYS_MAX}"
    if raw.get("kind") not in tuple(VOUCHER_KINDS):
        yield "kind", "a voucher item (with a partner) must be a service or a fee_offset"


def item_problems(raw: object, *, extra: Iterable[str] = ()) -> list[str]:
    """Every problem of one item, each naming its field and value; empty when it is fine.
    ``extra`` names keys this door also takes (``image_sha256`` in the feed)."""
    if not isinstance(raw, Mapping):
        return [f"must be a table of fields, not {_short(raw)}"]
    found = [f"missing {key!r}" for key in REQUIRED if key not in raw]
    allowed = set(REQUIRED) | set(OPTIONAL) | set(extra)
    found += [f"unknown field {str(key)[:40]!r}" for key in raw if key not in allowed]
    found += [f"{key} = {_short(raw.get(key))}: {problem}" for key, problem in
              _field_problems(raw) if key in raw or key in _ALWAYS_SAID]
    sha = raw.get("image_sha256")
    if "image_sha256" in set(extra) and sha is not None \
            and not (isinstance(sha, str) and SHA256_RE.match(sha)):
        found.append(f"image_sha256 = {_short(sha)}: must be 64 lower-case hex digits")
    return found


def _spec(raw: Mapping[str, Any]) -> ItemSpec:
    return ItemSpec(
        item_id=raw["id"], name_zh=raw["name_zh"].strip(), name_en=raw["name_en"].strip(),
        category=Category(raw["category"]), kind=ItemKind(raw["kind"]), price=raw["price"],
        image=raw.get("image"), barcode=raw.get("barcode"),
        limit_count=raw.get("limit_count"), limit_points=raw.get("limit_points"),
        limit_period=raw.get("limit_period"),
        low_stock_threshold=raw.get("low_stock_threshold") or 0,
        active=raw.get("active", True) is not False,
        partner=raw.get("partner"), valid_days=raw.get("valid_days"))


def _where(n: int, raw: object) -> str:
    item_id = raw.get("id") if isinstance(raw, Mapping) else None
    return f"item {n} ({item_id})" if isinstance(item_id, str) else f"item {n}"


def parse_item(raw: object, *, extra: Iterable[str] = ()) -> ItemSpec:
    """One checked item, or :class:`Invalid` listing all its problems."""
    problems = item_problems(raw, extra=extra)
    if problems:
        raise Invalid(problems)
    assert isinstance(raw, Mapping)
    return _spec(raw)


def parse_items(items: object, *, extra: Iterable[str] = ()) -> list[ItemSpec]:
    """A whole catalogue: every item checked, ids and barcodes unique. :class:`Invalid`
    lists every problem of every item (``item 3 (soap): price = -1: ...``)."""
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        raise Invalid(f"the items must be a list of tables ([[item]]), not {_short(items)}")
    problems: list[str] = []
    for n, raw in enumerate(items, start=1):
        problems += [f"{_where(n, raw)}: {p}" for p in item_problems(raw, extra=extra)]
    problems += _duplicates(items, "id", "item id")
    problems += _duplicates(items, "barcode", "barcode")
    if problems:
        raise Invalid(problems)
    return [_spec(raw) for raw in items]


def _duplicates(items: Sequence[Any], key: str, what: str) -> list[str]:
    seen: dict[str, list[int]] = {}
    for n, raw in enumerate(items, start=1):
        value = raw.get(key) if isinstance(raw, Mapping) else None
        if isinstance(value, str):
            seen.setdefault(value, []).append(n)
    return [f"{what} {value!r} is used by items {', '.join(map(str, where))}: it must be unique"
            for value, where in seen.items() if len(where) > 1]


def to_wire(spec: ItemSpec) -> dict[str, Any]:
    """An item as the change feed and the district's store carry it."""
    return {"id": spec.item_id, "name_zh": spec.name_zh, "name_en": spec.name_en,
            "category": spec.category.value, "kind": spec.kind.value, "price": spec.price,
            "image": spec.image, "barcode": spec.barcode, "limit_count": spec.limit_count,
            "limit_points": spec.limit_points, "limit_period": spec.limit_period,
            "low_stock_threshold": spec.low_stock_threshold, "active": spec.active,
            # Only on voucher items: a kiosk from before vouchers refuses unknown fields.
            **({"partner": spec.partner, "valid_days": spec.valid_days}
               if spec.partner is not None or spec.valid_days is not None else {})}


def check_spec(spec: ItemSpec, *, local_image: bool = False) -> None:
    """The same rules for an item made in code (an operator's form). ``local_image``: the
    kiosk itself placed the picture (an absolute path in its own folder), so it is not a
    catalogue's relative name."""
    raw = to_wire(spec)
    if local_image:
        raw["image"] = None
    problems = item_problems(raw)
    if problems:
        raise Invalid(problems)


def barcode_clashes(current: Mapping[str, str | None], incoming: Sequence[ItemSpec]) -> list[str]:
    """Barcodes that would belong to two items once ``incoming`` is stored beside the items
    held now (``current``: item id -> barcode). A scanner must find one item, and a kiosk
    keeps barcodes unique: a clash would stop every kiosk's pull."""
    final = dict(current)
    final.update({spec.item_id: spec.barcode for spec in incoming})
    owners: dict[str, list[str]] = {}
    for item_id, barcode in final.items():
        if barcode is not None:
            owners.setdefault(barcode, []).append(item_id)
    return [f"barcode {barcode!r} would belong to items {', '.join(sorted(items))}: it must "
            "be unique" for barcode, items in owners.items() if len(items) > 1]
