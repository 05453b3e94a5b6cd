"""A receipt laid out as lines of text for a paper roll of N columns.

CJK characters take two columns on a receipt printer (and in a terminal), so widths are
counted with ``unicodedata.east_asian_width``, not ``len``. "Ambiguous" characters (·, ×, é)
count as two as well: in the printer's Chinese mode every GB18030 double-byte character is
printed with the full-width font, and a column too many would wrap the line on paper.

The printer sends :func:`receipt_body` (some of its lines at double size), then the order's QR
code, then :func:`receipt_footer_lines`; :func:`receipt_lines` is both, for screens and text
files.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from kiosk.core.families import HOLDER_ZH
from kiosk.core.models import Receipt, Slip


def text_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def fit(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns, never splitting a wide character."""
    out, used = "", 0
    for ch in text:
        w = text_width(ch)
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out


def left_right(left: str, right: str, width: int) -> str:
    left = fit(left, width - text_width(right) - 1)
    return left + " " * (width - text_width(left) - text_width(right)) + right


def center(text: str, width: int) -> str:
    text = fit(text, width)
    pad = (width - text_width(text)) // 2
    return " " * pad + text


def short_order_id(order_id: str) -> str:
    """The order number as people read it: the id's last eight letters and digits, in two
    groups ("C3D4 E5F6"). Operators find an order by it (kiosk.core.order_search); the
    receipt's QR holds the whole id."""
    tail = "".join(ch for ch in order_id if ch.isalnum())[-8:].upper()
    return f"{tail[:4]} {tail[4:]}".strip()


def receipt_lines(receipt: Receipt, width: int = 32, footer: str = "") -> list[str]:
    """The receipt as printed, one string per paper line (without the QR code); lines printed
    at double size are centred here."""
    above, double = receipt_body(receipt, width)
    body = [center(line, width) if n in double else line for n, line in enumerate(above)]
    return body + receipt_footer_lines(footer, width)


def receipt_slip(receipt: Receipt, width: int = 32, footer: str = "") -> Slip:
    """The receipt as the printer lays it out: body, the order id's QR code, footer. A
    36-character order id is a 29x29 code: 6 dots a module is 174 dots, fits 58 mm paper."""
    above, double = receipt_body(receipt, width)
    return Slip(tuple(above), receipt.order_id, tuple(receipt_footer_lines(footer, width)),
                qr_module_dots=6, double=tuple(double))


def receipt_footer_lines(footer: str, width: int = 32) -> list[str]:
    """What follows the QR code: the configured footer after a blank line (or nothing)."""
    return ["", center(footer, width)] if footer else []


def receipt_title(receipt: Receipt) -> str:
    if receipt.kind != "sale":
        return "撤销凭证"
    if receipt.lines and all(line.kind == "donation" for line in receipt.lines):
        return "爱心捐赠凭证"
    return "积分兑换凭证"


def reprint_mark(reprint: int) -> str:
    """The Nth copy printed after the first: on a receipt and on a voucher alike."""
    return f"补打（第{reprint}次）"


def receipt_body(receipt: Receipt, width: int = 32) -> tuple[list[str], list[int]]:
    """Everything above the QR code: header, volunteer, lines, totals, the order number; and
    which lines print at double size (the title, a reprint's mark, the balance after). A
    double-size line has half the columns."""
    rule = "-" * width
    half = width // 2
    double: list[int] = []
    lines = [center(receipt.kiosk_name, width), center(receipt.community, width)]

    def big(text: str) -> None:
        double.append(len(lines))
        lines.append(fit(text, half))

    big(receipt_title(receipt))
    if receipt.reprint:
        big(reprint_mark(receipt.reprint))
    lines += [rule,
              left_right("时间", receipt.created_at.strftime("%Y-%m-%d %H:%M:%S"), width),
              left_right(HOLDER_ZH[receipt.family], receipt.masked_name, width)]
    if receipt.voids_order_id:
        lines.append(left_right("原订单", short_order_id(receipt.voids_order_id), width))
    lines.append(rule)
    for line in receipt.lines:
        lines.append(fit(line.name_zh, width))
        lines.append(left_right(f"  {line.quantity} x {line.unit_price}",
                                f"{line.amount} 分", width))
    lines += [rule, left_right("合计", f"{receipt.total} 分", width), "兑换后余额"]
    big(f"{receipt.balance_after} 分")
    if receipt.offline:
        lines.append(fit("（离线交易，联网后同步）", width))
    lines += [rule, left_right("订单号", short_order_id(receipt.order_id), width)]
    return lines, double


def card_slip(*, kiosk_name: str, community: str, masked_name: str, card_id: str, token: str,
              printed_at: datetime, expires_at: datetime | None, width: int = 32) -> Slip:
    """A volunteer's printed QR card. The token is ~140 characters, a 53x53 code: 4 dots a
    module keeps it under 58 mm paper's 384 dots with a margin a phone camera likes."""
    rule = "-" * width
    expiry = "长期有效" if expires_at is None else expires_at.strftime("%Y-%m-%d")
    above = [center(kiosk_name, width), center(community, width), center("积分卡", width),
             center("Points card", width), rule,
             left_right("持卡人", masked_name, width), left_right("卡号", card_id, width),
             left_right("有效期", expiry, width), left_right("制卡时间",
                                                         printed_at.strftime("%Y-%m-%d %H:%M"),
                                                         width), rule]
    below = [rule, fit("凭此码在自助机扫码兑换。", width), fit("请妥善保管，勿给他人拍照。", width),
             fit("遗失请找工作人员挂失补办，", width), fit("补办后旧卡作废。", width),
             fit("Show this code at the kiosk.", width),
             fit("Lost it? Staff can block it", width), fit("and print a new one.", width)]
    return Slip(tuple(above), token, tuple(below), qr_module_dots=4)
