"""District settings: the kiosk settings a district decides for every shop.

``kiosk-district set KEY VALUE`` stores one; the change feed carries it; each kiosk's checkout
obeys it over its own config.toml. Only the keys below exist, each a whole number in its range
(the kiosk's config.toml declares the same ranges from here). A value outside them is refused
where it is typed, so a typo can neither switch a cap off nor stop the feed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Final

from points_protocol.errors import Invalid
from points_protocol.limits import Range


@dataclass(frozen=True)
class Setting:
    key: str
    range: Range
    doc: str
    # What holds where the district set nothing: config.toml's default at the kiosk and the
    # district's own when it judges pushed entries, one number so the two cannot drift.
    default: int


SETTINGS: Final = {s.key: s for s in (
    Setting("offline.after_seconds", Range("seconds", 30, 7 * 86400),
            "With no successful sync for this long a kiosk sells offline, under the caps.", 900),
    Setting("offline.cap_per_volunteer_per_day", Range("points", 0, 1_000_000),
            "Most points one volunteer may spend per day while offline.", 300),
    Setting("offline.cap_per_kiosk_per_day", Range("points", 0, 100_000_000),
            "Most points one kiosk may take per day while offline, all volunteers together.",
            5000),
    Setting("nfc.uid_only_cap_per_day", Range("points", 0, 1_000_000),
            "Most points a volunteer may spend per day with UID-only NFC cards; 0 = no cap.", 0),
    Setting("checkout.max_quantity_per_line", Range("pieces", 1, 999),
            "Largest quantity of one item in one basket.", 20),
)}


def _rule(key: object) -> Range:
    if not isinstance(key, str) or key not in SETTINGS:
        raise Invalid(f"{str(key)[:60]!r} is not a district setting (known: "
                      f"{', '.join(SETTINGS)})")
    return SETTINGS[key].range


def check_setting(key: object, value: object) -> int:
    """``value`` for the known ``key``, or :class:`Invalid` saying what is allowed."""
    rule = _rule(key)
    if type(value) is not int or not rule.minimum <= value <= rule.maximum:
        shown = repr(value)[:40]
        raise Invalid(f"{key} = {shown}: must be a whole number from {rule.minimum:_} to "
                      f"{rule.maximum:_} ({rule.what})")
    return value


def parse_setting(key: str, text: str) -> int:
    """A setting as typed on a command line (JSON: ``200``), checked. NaN, Infinity and
    numbers too large for a double (``1e999``) are refused, never stored."""
    _rule(key)

    def no_constant(name: str) -> float:
        raise Invalid(f"{key} = {name}: not a finite number")
    try:
        value = json.loads(text, parse_constant=no_constant)
    except ValueError as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(f"{key} = {text[:40]!r}: not a number") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"{key} = {text[:40]!r}: not a finite number")
    return check_setting(key, value)
