"""Draw the touchscreen's how-to pictures from Noto Color Emoji, like the demo catalogue's.

Run once after changing the list below:
    apt-get install fonts-noto-color-emoji && python scripts/make_ui_images.py
The font's licence (SIL OFL 1.1) is in assets/ui/LICENSE-emoji.txt.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_demo_images import FONT, ROOT, draw
from PIL import Image, ImageDraw

PICTURES = {
    "step-pick.png": "🛒",     # pick goods
    "step-receipt.png": "🧾",  # take the receipt
    "done.png": "✅",
    "refused.png": "🙏",
    "printer.png": "🖨️",
    "speaker.png": "🔊",       # the "read aloud" button
}
GREEN = (27, 110, 53, 255)


def front(way: str, out: Path) -> None:
    """A generic kiosk front: the screen, and under it the card reader (right) and the QR
    scanner window (left); the way in that ``way`` names circled in green with the card or
    the phone held to it. A shop replaces these with photos of its own kiosk
    ([ui] card_picture, qr_picture)."""
    w, h = 360, 400
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    d.rounded_rectangle((60, 10, 300, 390), 18, fill=(70, 70, 78, 255))
    d.rounded_rectangle((78, 28, 282, 200), 8, fill=(186, 222, 245, 255))   # the screen
    d.rounded_rectangle((78, 228, 282, 372), 10, fill=(95, 95, 104, 255))   # the shelf
    reader, scanner = (190, 250, 270, 330), (90, 250, 170, 330)
    d.rounded_rectangle(reader, 10, fill=(235, 235, 235, 255))
    for r in (14, 24, 34):  # contactless waves on the reader
        d.arc((230 - r, 290 - r, 230 + r, 290 + r), 300, 60, fill=(90, 90, 90, 255), width=4)
    d.rounded_rectangle(scanner, 10, fill=(25, 25, 25, 255))
    d.rectangle((104, 286, 156, 294), fill=(220, 40, 40, 255))  # the scanner's red line
    x0, y0, x1, y1 = reader if way == "card" else scanner
    d.ellipse((x0 - 22, y0 - 22, x1 + 22, y1 + 22), outline=GREEN, width=9)
    if way == "card":
        image.alpha_composite(points_card(), (236, 262))
    else:
        image.alpha_composite(phone_with_qr(), (4, 250))
    image.save(out, optimize=True)


def points_card() -> Image.Image:
    """A contactless points card (no magnetic stripe: nobody swipes it)."""
    card = Image.new("RGBA", (120, 80), (0, 0, 0, 0))
    d = ImageDraw.Draw(card)
    d.rounded_rectangle((0, 0, 119, 79), 10, fill=(255, 255, 255, 255), outline=GREEN, width=4)
    d.rectangle((4, 8, 115, 26), fill=GREEN)
    for r in (8, 15, 22):
        d.arc((86 - r, 52 - r, 86 + r, 52 + r), 300, 60, fill=(60, 60, 60, 255), width=3)
    d.rectangle((14, 40, 60, 46), fill=(120, 120, 120, 255))
    d.rectangle((14, 54, 48, 60), fill=(120, 120, 120, 255))
    return card


def phone_with_qr() -> Image.Image:
    """A phone (or a printed card) showing a QR code."""
    import qrcode  # noqa: PLC0415 - a dependency of the kiosk already

    phone = Image.new("RGBA", (78, 130), (0, 0, 0, 0))
    d = ImageDraw.Draw(phone)
    d.rounded_rectangle((0, 0, 77, 129), 12, fill=(30, 30, 30, 255))
    d.rectangle((6, 14, 71, 115), fill=(255, 255, 255, 255))
    code = qrcode.QRCode(border=1, box_size=3)
    code.add_data("QR")
    code.make(fit=True)
    qr = code.make_image().get_image().convert("RGBA").resize((60, 60), Image.Resampling.NEAREST)
    phone.alpha_composite(qr, (9, 35))
    return phone


def main() -> int:
    if not FONT.exists():
        print(f"{FONT} missing: apt-get install fonts-noto-color-emoji", file=sys.stderr)
        return 1
    out_dir = ROOT / "assets" / "ui"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, glyph in PICTURES.items():
        draw(glyph, out_dir / name)
        print(f"assets/ui/{name}")
    for way in ("card", "qr"):
        front(way, out_dir / f"front-{way}.png")
        print(f"assets/ui/front-{way}.png")
    shutil.copy(ROOT / "assets/demo/images/LICENSE-emoji.txt", out_dir / "LICENSE-emoji.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
