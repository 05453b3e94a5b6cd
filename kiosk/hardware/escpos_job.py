"""A receipt as one ESC/POS byte string, built with python-escpos but with our own Chinese.

python-escpos 3.1 has no GB18030 code page, and its magic encoder only encodes a text as
GB18030 when it holds a character in U+4E00..U+9FA5: a line of full-width punctuation alone
(the footer "～～～", "（离线）"'s brackets on their own line) would come out as '?'. So every
text line is encoded here as GB18030 and sent raw inside the printer's Chinese mode
(FS & ... FS .), where ASCII stays single-byte. python-escpos still does what it does well:
the QR code (native ``GS ( k`` or a raster image) and the cut, chosen by the printer profile.

The job is built in memory (escpos ``Dummy``) and sent to the printer in one write, so a
printer that goes away mid-job fails the whole write instead of printing half a receipt
silently.
"""

from __future__ import annotations

from collections.abc import Sequence

from escpos.printer import Dummy

from kiosk.core.models import Receipt, Slip
from kiosk.core.receipt_text import receipt_slip
from kiosk.core.voucher_text import voucher_slips

ESC_INIT = b"\x1b@"             # ESC @: reset modes left over from an earlier job
FS_CHINESE_ON = b"\x1c&"        # FS &: double-byte (GB18030 / GB2312) characters on
FS_CHINESE_OFF = b"\x1c."       # FS .: back to single-byte code pages
ALIGN_LEFT = b"\x1ba\x00"       # ESC a 0
ALIGN_CENTER = b"\x1ba\x01"     # ESC a 1: also centres a native QR code and a raster image
QR_NATIVE = b"\x1d(k"           # GS ( k: the 2D-code function family
DOUBLE_SIZE = b"\x1d!\x11"       # GS ! n: double width and height (the balance after)
NORMAL_SIZE = b"\x1d!\x00"


class UnknownProfile(ValueError):
    """``printer.profile`` names no python-escpos capability profile."""


def chinese_text(lines: Sequence[str], double: Sequence[int] = ()) -> bytes:
    """Lines as GB18030 inside FS & ... FS ., each ended by LF (which prints it); the lines
    numbered in ``double`` centred at double width and height (GS ! 0x11)."""
    if not lines:
        return b""
    body = b""
    for n, line in enumerate(lines):
        text = line.encode("gb18030") + b"\n"
        body += ALIGN_CENTER + DOUBLE_SIZE + text + NORMAL_SIZE + ALIGN_LEFT \
            if n in double else text
    return FS_CHINESE_ON + body + FS_CHINESE_OFF


def new_job(profile: str) -> Dummy:
    """An in-memory escpos printer with the capabilities of the configured model."""
    try:
        return Dummy(profile=profile)
    except KeyError:
        raise UnknownProfile(f"printer.profile = {profile!r}: not a python-escpos printer "
                             "profile (e.g. 'default', 'TM-T88V', 'POS-5890')") from None


def render_job(receipt: Receipt, *, columns: int, footer: str, profile: str = "default",
               native_qr: bool = True) -> bytes:
    """The whole receipt as bytes, from reset to cut, then each voucher of the order on its
    own paper (one job: the sale's print record covers its vouchers too)."""
    slips = [receipt_slip(receipt, columns, footer), *voucher_slips(receipt, columns)]
    return b"".join(render_slip(slip, profile=profile, native_qr=native_qr) for slip in slips)


def render_slip(slip: Slip, *, profile: str = "default", native_qr: bool = True) -> bytes:
    """Text, QR code, text, then the cut: a receipt or a printed QR card."""
    job = new_job(profile)
    job._raw(ESC_INIT)
    job._raw(chinese_text(slip.above, slip.double))
    job._raw(ALIGN_CENTER)
    if native_qr and job.profile.supports("qrCode"):
        job.qr(slip.qr, size=slip.qr_module_dots, native=True)
        job._raw(b"\n")
    else:
        job.qr(slip.qr, size=max(2, slip.qr_module_dots - 1), native=False)
    job._raw(ALIGN_LEFT)
    job._raw(chinese_text(slip.below))
    job.cut()
    output: bytes = job.output
    return output
