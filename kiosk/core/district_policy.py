"""The district's kiosk settings over the local config: what the checkout actually enforces.

The sync daemon stores the settings the district sends (``kiosk-district set KEY VALUE``) in
``district_settings``. The district decides offline caps and limits for every shop, so where it
has said something, that wins over config.toml; where it has not, or its value is not a
whole number within the setting's declared range, config.toml's value stays (a typo on the
district must not turn a cap off). Read from the local table only, never from the network:
one small indexed SELECT inside the checkout's own transaction, so a sale is checked against
one consistent policy.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kiosk.core.models import SalesPolicy

log = logging.getLogger("kiosk.core.district_policy")


@dataclass(frozen=True)
class Override:
    """A district setting the kiosk obeys: which policy field it sets, and the range
    config_sections.py declares for the same setting."""

    field: str
    minimum: int
    maximum: int


def overrides(conn: sqlite3.Connection, allowed: Mapping[str, Override]) -> dict[str, int]:
    """Policy field -> the district's valid value, for every allowed key the district set."""
    if not allowed:
        return {}
    marks = ",".join("?" * len(allowed))
    rows = conn.execute(f"SELECT key, value FROM district_settings WHERE key IN ({marks})",
                        tuple(allowed)).fetchall()
    found: dict[str, int] = {}
    for key, text in rows:
        rule = allowed[key]
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, bool) or not isinstance(value, int) \
                or not rule.minimum <= value <= rule.maximum:
            log.warning("district setting %s = %s ignored: a whole number in %d..%d is needed",
                        key, text[:40], rule.minimum, rule.maximum)
            continue
        found[rule.field] = value
    return found


def effective(conn: sqlite3.Connection, base: SalesPolicy,
              allowed: Mapping[str, Override]) -> SalesPolicy:
    """``base`` (from config.toml) with the district's valid settings applied."""
    found = overrides(conn, allowed)
    return replace(base, **found) if found else base


def store_settings(conn: sqlite3.Connection, settings: Iterable[Sequence[Any]]) -> None:
    """Keep the district's ``(key, value)`` settings as sent, inside the caller's transaction
    (a value outside its range is kept too, and ignored where it is read: see above)."""
    conn.executemany(
        "INSERT INTO district_settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(key, json.dumps(value, ensure_ascii=False)) for key, value in settings])
