"""The one error a district database gives at start."""

from __future__ import annotations


class DatabaseRefused(Exception):
    """This is not a district database this program may use; ``str()`` is the one line."""
