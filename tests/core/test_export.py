"""kiosk.core.export (``kiosk-admin export``): one CSV per ledger table from a real kiosk
database after a sale, read back with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

from kiosk.core import export, stock
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import Services
from tests.conftest import ManualClock

ZHANG = PresentedCard("04A1B2C3D4E5F6")   # 张*华 in the demo shop


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:   # UTF-8 with a BOM, for Excel
        return list(csv.DictReader(f))


def test_every_ledger_table_is_written_with_its_rows(shop: Services, tmp_path: Path) -> None:
    order_id = uuid7()
    shop.checkout.checkout(order_id, ZHANG, [CartLine("toothbrush", 2)])
    written = export.export_tables(shop.conn, tmp_path / "out")
    assert [p.name for p, _ in written] == [f"{t}.csv" for t in export.TABLES]
    for path, rows in written:
        table = path.stem
        assert rows == len(_read(path)) \
            == shop.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    orders = _read(tmp_path / "out" / "orders.csv")
    assert [o["id"] for o in orders if o["id"] == order_id] == [order_id]
    lines = [r for r in _read(tmp_path / "out" / "order_lines.csv") if r["order_id"] == order_id]
    assert [(r["item_id"], r["quantity"]) for r in lines] == [("toothbrush", "2")]


def test_a_cell_a_spreadsheet_would_run_is_not_a_formula(shop: Services, clock: ManualClock,
                                                         tmp_path: Path) -> None:
    stock.add_donor(shop.conn, clock, "d-formula", "=HYPERLINK(1)")
    export.export_tables(shop.conn, tmp_path)
    names = [d["name"] for d in _read(tmp_path / "donors.csv") if d["id"] == "d-formula"]
    assert len(names) == 1 and not names[0].startswith("=")
    assert "HYPERLINK(1)" in names[0]
