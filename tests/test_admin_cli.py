"""kiosk-admin end to end: a real process, a real config and database file."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def admin(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
         "--database", str(tmp_path / "kiosk.sqlite"), *args],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120)


def test_demo_then_stock_restock_receipt_void_export(tmp_path: Path) -> None:
    demo = admin(tmp_path, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "张*华: balance 800 points" in demo.stdout
    assert "balance now 510 points" in demo.stdout
    assert "same receipt: True; balance 510" in demo.stdout
    assert "还差 140 分" in demo.stdout

    listing = admin(tmp_path, "stock").stdout
    soap = next(line for line in listing.splitlines() if line.startswith("soap "))
    assert soap.split()[1] == "38"

    restocked = admin(tmp_path, "restock", "soap", "5", "--donor", "green-home")
    assert restocked.returncode == 0, restocked.stderr
    assert restocked.stdout.strip() == "soap: 38 -> 43"

    bad = admin(tmp_path, "restock", "soap", "5", "--donor", "nobody")
    assert bad.returncode == 2
    assert "unknown donor 'nobody'" in bad.stderr
    assert "Traceback" not in bad.stderr

    export_dir = tmp_path / "export"
    assert admin(tmp_path, "export", str(export_dir)).returncode == 0
    raw = (export_dir / "orders.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read UTF-8 Chinese
    with (export_dir / "orders.csv").open(encoding="utf-8-sig", newline="") as fh:
        orders = list(csv.DictReader(fh))
    assert len(orders) == 1
    order_id = orders[0]["id"]
    with (export_dir / "order_lines.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert {r["name_zh"] for r in csv.DictReader(fh)} == {"香皂", "洗衣液"}

    receipt = admin(tmp_path, "receipt", order_id)
    assert "合计                      290 分" in receipt.stdout

    voided = admin(tmp_path, "void", order_id, "--reason", "wrong item")
    assert voided.returncode == 0, voided.stderr
    assert "撤销凭证" in voided.stdout
    again = admin(tmp_path, "void", order_id, "--reason", "wrong item")
    assert again.returncode == 1
    assert "already been voided" in again.stderr
    assert admin(tmp_path, "receipt", "no-such-order").returncode == 2


def test_import_catalogue_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[item]]\nid = "a"\nname_zh = "甲"\nname_en = "A"\ncategory = "toys"\n'
                    'kind = "goods"\nprice = -1\n[[item]]\nid = "b"\n', encoding="utf-8")
    assert admin(tmp_path, "init").returncode == 0
    result = admin(tmp_path, "import-catalogue", str(path))
    assert result.returncode == 2
    assert "item 1 (a): category = 'toys': must be one of" in result.stderr
    assert "item 1 (a): price = -1: must be a whole number" in result.stderr
    assert "item 2 (b): missing 'name_zh'" in result.stderr
    assert "Traceback" not in result.stderr


def test_database_of_another_kiosk_is_refused(tmp_path: Path) -> None:
    assert admin(tmp_path, "init").returncode == 0
    other = tmp_path / "other.toml"
    other.write_text('[kiosk]\nid = "another-kiosk"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(other), "--database",
         str(tmp_path / "kiosk.sqlite"), "stock"],
        capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2
    assert "belongs to kiosk 'demo-kiosk-01'" in result.stderr
