"""The numeric ranges the protocol allows, one place for both sides.

Every integer a kiosk or a district sends or stores is one of these. The bounds are far above
what a shop needs and far below what breaks: SQLite INTEGER and PostgreSQL BIGINT hold up to
2^63 - 1 (~9.2e18), so a single amount is kept to 10^12 points, and a sum of a million of them
(a report over every sale of a city) still fits with room to spare. Sequence numbers, cursors
and counts stop at 2^53 - 1, the largest integer a JSON reader that uses doubles (JavaScript,
a spreadsheet) keeps exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from points_protocol.errors import Invalid

MAX_SAFE_INTEGER = 2**53 - 1
MAX_POINTS = 10**12


@dataclass(frozen=True)
class Range:
    """Whole numbers from ``minimum`` to ``maximum``, both included; never a bool or a float."""

    what: str
    minimum: int
    maximum: int

    def __contains__(self, value: object) -> bool:
        return type(value) is int and self.minimum <= value <= self.maximum

    def problem(self, value: object, name: str | None = None) -> str | None:
        """None if ``value`` is allowed, else why not (named ``name``, or what it is)."""
        if value in self:
            return None
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        return (f"{name or self.what} = {shown}: must be a whole number from "
                f"{self.minimum:_} to {self.maximum:_}")

    def check(self, value: object, name: str | None = None) -> int:
        """``value`` itself, or :class:`Invalid` saying why not."""
        problem = self.problem(value, name)
        if problem is not None:
            raise Invalid(problem)
        assert isinstance(value, int)
        return value


# Points
PRICE = Range("a price in points", 0, 1_000_000)
POINTS = Range("an amount of points", 1, MAX_POINTS)          # one transfer, an order total
BALANCE = Range("a balance in points", -MAX_POINTS, MAX_POINTS)
LIMIT_POINTS = Range("a per-person limit in points", 1, MAX_POINTS)
# Goods
QUANTITY = Range("a quantity in one basket line", 1, 999)
STOCK_QUANTITY = Range("a quantity of goods moved at once", 1, 1_000_000)
STOCK_LEVEL = Range("a stock level", 0, 1_000_000)
LIMIT_COUNT = Range("a per-person limit in pieces", 1, 1_000_000)
# Sync
SEQUENCE = Range("a kiosk sequence number", 1, MAX_SAFE_INTEGER)
CURSOR = Range("a change-feed cursor", 0, MAX_SAFE_INTEGER)
COUNT = Range("a count", 0, MAX_SAFE_INTEGER)
ROW_ID = Range("a row id", 1, MAX_SAFE_INTEGER)
# Cards: a QR token holds the generation in 4 bytes.
GENERATION = Range("a card generation", 1, 2**32 - 1)
