"""What counts as a catalogue picture, for the district that stores one and the kiosk that
fetches it: the four formats a touchscreen tile shows (Qt reads all of them)."""

from __future__ import annotations

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
          (b"GIF89a", "gif"))


def picture_format(data: bytes) -> str | None:
    """'png', 'jpeg', 'gif' or 'webp' from the leading bytes, else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None
