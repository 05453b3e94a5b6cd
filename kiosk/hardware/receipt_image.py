"""A receipt drawn as the paper would look: for the docs, the admin screen and tests.

Characters are placed on the printer's column grid (a CJK character takes two columns, as in
``receipt_text``), with the order's QR code between the body and the footer, so the picture
shows the same layout the ESC/POS job prints. The font is Noto Sans Mono CJK SC from Debian's
fonts-noto-cjk.
"""

from __future__ import annotations

from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.core.models import Receipt, Slip
from kiosk.core.receipt_text import receipt_slip, text_width

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
MONO_SC_INDEX = 7  # the collection's "Noto Sans Mono CJK SC"


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[str], *, font: ImageFont.FreeTypeFont,
                top: int, margin: int, cell: int, line_height: int,
                double: tuple[int, ...] = (), big: ImageFont.FreeTypeFont | None = None,
                width: int = 0) -> int:
    """Lines on the column grid; the lines numbered in ``double`` twice as wide and tall,
    centred, as the printer's GS ! 0x11 prints them."""
    y = top
    for n, line in enumerate(lines):
        scale = 2 if n in double and big is not None else 1
        x = margin if scale == 1 else (width - text_width(line) * cell * 2) // 2
        for ch in line:
            draw.text((x, y), ch, font=big if scale == 2 else font, fill="black")
            x += text_width(ch) * cell * scale
        y += line_height * scale
    return y


def render_receipt_image(receipt: Receipt, *, columns: int = 32, footer: str = "",
                         font_size: int = 24, font_path: Path = CJK_FONT) -> Image.Image:
    """The receipt as a black-on-white picture, 24 px per line like a 203 dpi printer."""
    return render_slip_image(receipt_slip(receipt, columns, footer), columns=columns,
                             font_size=font_size, font_path=font_path)


def render_slip_image(slip: Slip, *, columns: int = 32, font_size: int = 24,
                      font_path: Path = CJK_FONT) -> Image.Image:
    """Any slip (a receipt, a printed QR card) as the paper would look."""
    font = ImageFont.truetype(str(font_path), font_size, index=MONO_SC_INDEX)
    big = ImageFont.truetype(str(font_path), font_size * 2, index=MONO_SC_INDEX)
    cell, line_height, margin = font_size // 2, font_size + 8, font_size
    qr = qrcode.QRCode(border=2, box_size=slip.qr_module_dots,
                       error_correction=qrcode.constants.ERROR_CORRECT_L)
    qr.add_data(slip.qr)
    qr.make(fit=True)
    qr_image = qr.make_image().get_image().convert("L")
    width = max(columns * cell + 2 * margin, qr_image.width + 2 * margin)
    rows = len(slip.above) + len(slip.double) + len(slip.below)  # a double line is two rows
    height = margin * 2 + line_height * rows + qr_image.height
    image = Image.new("L", (width, height), color=255)
    draw = ImageDraw.Draw(image)
    y = _draw_lines(draw, list(slip.above), font=font, top=margin, margin=margin, cell=cell,
                    line_height=line_height, double=slip.double, big=big, width=width)
    image.paste(qr_image, ((width - qr_image.width) // 2, y))
    _draw_lines(draw, list(slip.below), font=font, top=y + qr_image.height, margin=margin,
                cell=cell, line_height=line_height)
    return image


def save_receipt_png(receipt: Receipt, path: Path, *, columns: int = 32,
                     footer: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    render_receipt_image(receipt, columns=columns, footer=footer).save(path, format="PNG")
    return path
