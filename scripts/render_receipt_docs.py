"""Render the documentation's sample receipt: docs/receipt.txt and docs/receipt.png.

A real checkout in a throw-away demo shop (fixed time and order id, so the files only change
when the layout does), rendered by the same code as the printer:
    .venv/bin/python scripts/render_receipt_docs.py
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk import demo  # noqa: E402
from kiosk.config import Config, DatabaseSection  # noqa: E402
from kiosk.core import sync_status  # noqa: E402
from kiosk.core.clock import to_db  # noqa: E402
from kiosk.core.models import CartLine, PresentedCard  # noqa: E402
from kiosk.core.receipt_text import receipt_lines  # noqa: E402
from kiosk.hardware.receipt_image import save_receipt_png  # noqa: E402
from kiosk.services import build  # noqa: E402

ORDER_ID = "019ad2e4-5b6c-7d8e-9f01-23456789abcd"


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 30, 2, 15, 8, tzinfo=UTC)


def main() -> int:
    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        config = replace(Config(), database=DatabaseSection(path=str(Path(tmp) / "k.sqlite")))
        services = build(config, FixedClock(), create=True)
        try:
            demo.seed(services)
            # online (a sync just succeeded), so the offline caps do not apply to the sample
            sync_status.mark_success(services.conn, to_db(FixedClock().now()))
            receipt = services.checkout.checkout(
                ORDER_ID, PresentedCard("04A1B2C3D4E5F6"),
                [CartLine("soap", 2), CartLine("detergent", 1), CartLine("masks", 1)])
        finally:
            services.conn.close()
    footer, columns = config.printer.footer, config.printer.columns
    out.mkdir(exist_ok=True)
    (out / "receipt.txt").write_text(
        "\n".join(receipt_lines(receipt, columns, footer)) + "\n", encoding="utf-8")
    save_receipt_png(receipt, out / "receipt.png", columns=columns, footer=footer)
    print(f"wrote {out / 'receipt.txt'} and {out / 'receipt.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
