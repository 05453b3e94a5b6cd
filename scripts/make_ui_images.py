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

PICTURES = {
    "step-card.png": "💳",     # 1. tap the card or show the QR code
    "step-pick.png": "🛒",     # 2. pick goods
    "step-receipt.png": "🧾",  # 3. take the receipt
    "done.png": "✅",
    "refused.png": "🙏",
    "printer.png": "🖨️",
}


def main() -> int:
    if not FONT.exists():
        print(f"{FONT} missing: apt-get install fonts-noto-color-emoji", file=sys.stderr)
        return 1
    out_dir = ROOT / "assets" / "ui"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, emoji in PICTURES.items():
        draw(emoji, out_dir / name)
        print(f"assets/ui/{name}")
    shutil.copy(ROOT / "assets/demo/images/LICENSE-emoji.txt", out_dir / "LICENSE-emoji.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
