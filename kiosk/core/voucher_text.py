"""A voucher laid out for the paper roll: its own title (服务兑换券), what it is for, its
partner, value, volunteer and expiry, the QR code of the signed token, and the short
redemption code (核销码) for a partner without a camera. A reprint says 补打（第N次）: it is the
same voucher, and redeeming any copy redeems it."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.families import HOLDER_ZH
from kiosk.core.models import Receipt, Slip
from kiosk.core.receipt_text import center, fit, left_right, reprint_mark
from kiosk.core.vouchers import VoucherPaper
from points_protocol.vouchers import show_code

TITLE = "服务兑换券"
# A voucher printed unsigned: one line each on a 58 mm roll.
UNSIGNED_NOTE = ("此券须待本机同步后方可核销", "（通常几分钟内）。")


def voucher_slip(receipt: Receipt, paper: VoucherPaper, width: int = 32) -> Slip:
    """One voucher of ``receipt``'s order. The token is ~300 characters: 4 dots a module keeps
    its code (version 13-14, 69-73 modules) inside a 58 mm roll's 384 dots."""
    v = paper.voucher
    rule = "-" * width
    expires = datetime.fromisoformat(v.expires_at).strftime("%Y-%m-%d %H:%M")
    above = [center(receipt.kiosk_name, width), center(TITLE, width)]
    if receipt.reprint > 0:
        above.append(center(reprint_mark(receipt.reprint), width))
    above += [rule, fit(paper.name_zh, width),
              left_right("合作单位", v.partner_id, width),
              left_right("面值", f"{v.value} 分", width),
              left_right(HOLDER_ZH[receipt.family], v.masked_name, width),
              left_right("有效期至", expires, width),
              left_right("开具时间", receipt.created_at.strftime("%Y-%m-%d %H:%M"), width),
              rule]
    below = [center("核销码", width), center(show_code(v.code), width), "",
             "凭此券到合作单位核销，", "仅可使用一次，补打仍为同一张。",
             # Unsigned (the sync daemon did not answer): the district vouches after sync.
             *(() if paper.signed else UNSIGNED_NOTE), "券号",
             *(v.voucher_id[n:n + width] for n in range(0, len(v.voucher_id), width))]
    return Slip(tuple(above), paper.token, tuple(below), qr_module_dots=4)


def voucher_slips(receipt: Receipt, width: int = 32) -> list[Slip]:
    return [voucher_slip(receipt, paper, width) for paper in receipt.vouchers]
