"""A receipt laid out as lines of text for a paper roll of N columns.

CJK characters take two columns on a receipt printer (and in a terminal), so widths are
counted with ``unicodedata.east_asian_width``, not ``len``. "Ambiguous" characters (·, ×, é)
count as two as well: in the printer's Chinese mode every GB18030 double-byte character is
printed with the full-width font, and a column too many would wrap the line on paper.

The printer sends :func:`receipt_body_lines`, then the order's QR code, then
:func:`receipt_footer_lines`; :func:`receipt_lines` is both, for screens and text files.
"""

from __future__ import annotations

import unicodedata

from kiosk.core.models import Receipt


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


def receipt_lines(receipt: Receipt, width: int = 32, footer: str = "") -> list[str]:
    """The receipt as printed, one string per paper line (without the QR code)."""
    return receipt_body_lines(receipt, width) + receipt_footer_lines(footer, width)


def receipt_footer_lines(footer: str, width: int = 32) -> list[str]:
    """What follows the QR code: the configured footer after a blank line (or nothing)."""
    return ["", center(footer, width)] if footer else []


def receipt_body_lines(receipt: Receipt, width: int = 32) -> list[str]:
    """Everything above the QR code: header, volunteer, lines, totals and the order id."""
    rule = "-" * width
    title = "积分兑换凭证" if receipt.kind == "sale" else "撤销凭证"
    lines = [center(receipt.kiosk_name, width), center(receipt.community, width),
             center(title, width), rule,
             left_right("时间", receipt.created_at.strftime("%Y-%m-%d %H:%M:%S"), width),
             left_right("志愿者", receipt.masked_name, width)]
    if receipt.voids_order_id:
        lines.append(f"原订单 {receipt.voids_order_id}")
    lines.append(rule)
    for line in receipt.lines:
        lines.append(fit(line.name_zh, width))
        lines.append(left_right(f"  {line.quantity} x {line.unit_price}",
                                f"{line.amount} 分", width))
    lines += [rule,
              left_right("合计", f"{receipt.total} 分", width),
              left_right("兑换后余额", f"{receipt.balance_after} 分", width)]
    if receipt.offline:
        lines.append(fit("（离线交易，联网后同步）", width))
    order_id = receipt.order_id
    lines += [rule, "订单号", *(order_id[i:i + width] for i in range(0, len(order_id), width))]
    return lines
