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


def draw(emoji: str, out: Path) -> None:
    font = ImageFont.truetype(str(FONT), 109)
    canvas = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    box = ImageDraw.Draw(canvas).textbbox((0, 0), emoji, font=font, embedded_color=True)
    x = (SIZE - (box[2] - box[0])) // 2 - box[0]
    y = (SIZE - (box[3] - box[1])) // 2 - box[1]
    ImageDraw.Draw(canvas).text((x, y), emoji, font=font, embedded_color=True)
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
