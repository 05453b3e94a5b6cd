"""kiosk-admin make-district-key / issue-card: the district's side of QR cards.

``make-district-key`` writes a new Ed25519 key pair: the private half signs cards and belongs on
the district's card-issuing machine only (never on a kiosk); the public half goes into every
kiosk's ``[qr] public_key``. ``issue-card`` signs a token for one card and writes its QR code as
a PNG, and, if asked, a printable card (SVG, credit-card size) with the card id beside the code.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.config import Config
from kiosk.core.clock import SystemClock
from points_protocol import card_tokens
from points_protocol.ids import normalize_qr_card_id

CARD_MM = (85.6, 53.98)  # ISO/IEC 7810 ID-1, the size of a bank card


def cmd_make_district_key(config: Config, args: argparse.Namespace) -> int:
    private_path = Path(args.private)
    public_path = Path(args.public) if args.public else private_path.with_name(
        private_path.stem + "-public.key")
    for path in (private_path, public_path):
        if path.exists():
            print(f"kiosk-admin: {path} exists; a district key is never overwritten",
                  file=sys.stderr)
            return 2
    key = Ed25519PrivateKey.generate()
    private_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(card_tokens.private_key_pem(key))
    public_text = card_tokens.public_key_text(key.public_key())
    public_path.write_text(public_text + "\n", encoding="ascii")
    print(f"private key (signs cards; keep it off the kiosks): {private_path}\n"
          f"public key: {public_path}\n\nfor each kiosk's config.toml:\n"
          f'[qr]\ndistrict_id = "{args.district or "YOUR-DISTRICT-ID"}"\n'
          f'public_key = "{public_text}"')
    return 0


def _end_of_day(day: str, zone: ZoneInfo) -> datetime:
    """``--expires 2027-12-31`` means usable through that whole day in the kiosk's zone."""
    return datetime.combine(date.fromisoformat(day), time(23, 59, 59), zone)


def cmd_issue_card(config: Config, args: argparse.Namespace) -> int:
    district = args.district or config.qr.district_id
    if not district:
        print("kiosk-admin: give --district (or set [qr] district_id in the config)",
              file=sys.stderr)
        return 2
    try:
        card_id = normalize_qr_card_id(args.card_id)
        key = card_tokens.load_private_key(Path(args.key))
        zone = ZoneInfo(config.kiosk.timezone)
        expires = _end_of_day(args.expires, zone) if args.expires else None
        token = card_tokens.issue(key, district, card_id, args.generation,
                                  issued_at=SystemClock().now(), expires_at=expires)
    except (OSError, ValueError, TypeError) as exc:
        print(f"kiosk-admin: cannot issue the card: {exc}", file=sys.stderr)
        return 2
    qr = segno.make(token, error="m", micro=False)
    png = Path(args.png) if args.png else Path(f"card-{card_id}.png")
    qr.save(str(png), kind="png", scale=args.scale, border=4)
    print(token)
    print(f"{png}: QR version {qr.version}, {len(token)} characters, generation "
          f"{args.generation}" + (f", expires {expires:%Y-%m-%d}" if expires else ""))
    if args.svg:
        Path(args.svg).write_text(card_svg(qr, card_id, args.generation, args.title,
                                           expires), encoding="utf-8")
        print(f"{args.svg}: printable card, {CARD_MM[0]} x {CARD_MM[1]} mm")
    return 0


def card_svg(qr: segno.QRCode, card_id: str, generation: int, title: str,
             expires: datetime | None) -> str:
    """A bank-card-sized SVG: the code on the left (38 mm, plenty for a phone or a webcam),
    the title and card id on the right. Print at 100 % scale."""
    width, height = CARD_MM
    size = 38.0
    modules = qr.symbol_size(scale=1, border=0)[0]
    cell = size / modules
    path = "".join(f"M{x} {y}h1v1h-1z" for y, row in enumerate(qr.matrix)
                   for x, dark in enumerate(row) if dark)
    lines = [(html.escape(title), 4.2, "bold"), (html.escape(card_id), 3.6, "normal"),
             (f"第 {generation} 版", 3.0, "normal")]
    if expires is not None:
        lines.append((f"有效期至 {expires:%Y-%m-%d}", 3.0, "normal"))
    text = "".join(
        f'<text x="47" y="{15 + 7 * i}" font-size="{fs}" font-weight="{weight}">{t}</text>'
        for i, (t, fs, weight) in enumerate(lines))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}mm" height="{height}mm" '
            f'viewBox="0 0 {width} {height}">'
            f'<rect width="{width}" height="{height}" rx="3" fill="#fff" stroke="#999" '
            f'stroke-width="0.2"/>'
            f'<g transform="translate(5 {(height - size) / 2}) scale({cell})">'
            f'<path d="{path}" fill="#000"/></g>'
            f'<g font-family="Noto Sans CJK SC, sans-serif" fill="#000">{text}</g></svg>\n')


# The district's tools: they need no kiosk database (and run where there is none).
COMMANDS: dict[str, Callable[[Config, argparse.Namespace], int]] = {
    "make-district-key": cmd_make_district_key, "issue-card": cmd_issue_card}


def add_parsers(sub: Any) -> None:
    k = sub.add_parser("make-district-key",
                       help="make the district's Ed25519 key pair for signing QR cards")
    k.add_argument("private", help="file for the private key (PEM, written with mode 0600)")
    k.add_argument("--public", help="file for the public key (default: NAME-public.key)")
    k.add_argument("--district", help="district id, for the config lines printed")
    c = sub.add_parser("issue-card", help="sign a QR card token and write its QR code")
    c.add_argument("card_id", help="the card id registered for the volunteer, e.g. QR-0001")
    c.add_argument("--key", required=True, help="the district's private key (PEM)")
    c.add_argument("--district", help="district id (default: [qr] district_id)")
    c.add_argument("--generation", type=int, default=1,
                   help="card generation; issue a higher one to revoke older prints")
    c.add_argument("--expires", help="last day the card may be used, YYYY-MM-DD")
    c.add_argument("--png", help="QR code image (default: card-CARD_ID.png)")
    c.add_argument("--scale", type=int, default=10, help="pixels per QR module in the PNG")
    c.add_argument("--svg", help="also write a printable card (SVG, bank-card size)")
    c.add_argument("--title", default="志愿服务积分卡", help="title printed on the card")
