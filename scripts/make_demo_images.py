"""Draw the demo catalogue's pictures from Noto Color Emoji (no stock photos can be fetched).

Run once after changing assets/demo/catalogue.toml:
    apt-get install fonts-noto-color-emoji && python scripts/make_demo_images.py
Noto Color Emoji is a bitmap font that only renders at size 109; the pictures are 160x160
transparent PNGs. The font's licence (SIL OFL 1.1) is in assets/demo/images/LICENSE-emoji.txt.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
ROOT = Path(__file__).resolve().parent.parent
SIZE = 160


def glyph(emoji: str) -> Image.Image:
    """One emoji, centred on a transparent SIZE x SIZE square."""
    font = ImageFont.truetype(str(FONT), 109)
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    box = ImageDraw.Draw(canvas).textbbox((0, 0), emoji, font=font, embedded_color=True)
    x = (SIZE - (box[2] - box[0])) // 2 - box[0]
    y = (SIZE - (box[3] - box[1])) // 2 - box[1]
    ImageDraw.Draw(canvas).text((x, y), emoji, font=font, embedded_color=True)
    return canvas


def toothpaste() -> Image.Image:
    """A tube of toothpaste (Noto has a tooth and a toothbrush, no tube)."""
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(canvas)
    d.polygon([(22, 52), (112, 40), (118, 112), (28, 118)], fill=(245, 245, 250, 255),
              outline=(60, 90, 170, 255), width=4)
    d.polygon([(112, 40), (118, 112), (134, 96), (131, 56)], fill=(230, 230, 238, 255),
              outline=(60, 90, 170, 255), width=4)
    d.rectangle((131, 62, 150, 90), fill=(30, 110, 200, 255))      # the cap
    d.polygon([(36, 70), (104, 62), (106, 84), (38, 92)], fill=(30, 110, 200, 255))
    d.polygon([(20, 48), (30, 122), (16, 122), (8, 50)], fill=(200, 200, 210, 255))  # crimp
    return canvas


CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def oil() -> Image.Image:
    """A bottle of cooking oil, 油 on its label (Noto's pouring glass reads as a drink)."""
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(canvas)
    d.rounded_rectangle((62, 8, 98, 26), 4, fill=(200, 40, 40, 255))            # the cap
    d.polygon([(66, 26), (94, 26), (112, 52), (48, 52)], fill=(240, 190, 40, 230))
    d.rounded_rectangle((44, 48, 116, 152), 14, fill=(240, 190, 40, 230),
                        outline=(170, 120, 10, 255), width=3)
    d.rounded_rectangle((52, 78, 108, 128), 8, fill=(255, 255, 255, 255))       # the label
    if CJK.exists():
        font = ImageFont.truetype(str(CJK), 40)
        d.text((80, 103), "油", font=font, fill=(180, 30, 30, 255), anchor="mm")
    return canvas


def draw(emoji: str, out: Path) -> None:
    """``emoji``: one emoji; "A+B", B small in the lower right corner (what A is for: a
    bottle for the hands, a bottle for the clothes); or "draw:NAME" for a drawn picture."""
    if emoji.startswith("draw:"):
        canvas = {"draw:toothpaste": toothpaste, "draw:oil": oil}[emoji]()
    else:
        main, _, badge = emoji.partition("+")
        canvas = glyph(main)
        if badge:
            small = glyph(badge).resize((SIZE * 11 // 20, SIZE * 11 // 20),
                                        Image.Resampling.LANCZOS)
            canvas.alpha_composite(small, (SIZE - small.width, SIZE - small.height))
    canvas.save(out, optimize=True)


def main() -> int:
    if not FONT.exists():
        print(f"{FONT} missing: apt-get install fonts-noto-color-emoji", file=sys.stderr)
        return 1
    catalogue = tomllib.loads((ROOT / "assets/demo/catalogue.toml").read_text("utf-8"))
    for item in catalogue["item"]:
        out = ROOT / "assets" / item["image"]
        out.parent.mkdir(parents=True, exist_ok=True)
        draw(item["emoji"], out)
        print(out.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
