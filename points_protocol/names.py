"""Masked display names: the kiosk shows and prints 张*华, never a full name, and the district
masks names at its import door, before anything stores them."""

from __future__ import annotations


def mask_name(full_name: str) -> str:
    """Keep the first and last character and star the middle.

    Two characters keep the family name only (李*), one character is shown as *.
    Works for Chinese and for Latin names split on spaces (Wang Xiao Hua -> W*** H**).
    """
    name = full_name.strip()
    if not name:
        return "*"
    if " " in name:
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
