"""kiosk-admin import-catalogue and kiosk-district import-catalogue read the same files through
the same check (points_protocol.catalogue_file): each malformed file gets a clear message, exit
status 2, no traceback, and nothing is written, on both; a UTF-8 BOM is fine."""

from __future__ import annotations

import codecs
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from district.cli import main as district_main
from kiosk.cli.admin import main as admin_main

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "assets" / "demo" / "catalogue.toml"
SOAP = ('[[item]]\nid = "soap"\nname_zh = "香皂"\nname_en = "Soap"\ncategory = "health"\n'
        'kind = "goods"\nprice = 30\nbarcode = "6901234500017"\n')
RICE = SOAP.replace('"soap"', '"rice"').replace('"Soap"', '"Rice"').replace("0017", "0024")


def soap(**fields: str) -> str:
    """The soap item with some lines changed (``field = value`` as TOML)."""
    lines = [line for line in SOAP.splitlines() if line.split(" = ")[0] not in fields]
    return "\n".join(lines + [f"{k} = {v}" for k, v in fields.items()]) + "\n"


MALFORMED: dict[str, tuple[bytes, str]] = {
    "price 2^63": (soap(price="9223372036854775808").encode(),
                   "price = 9223372036854775808: must be a whole number from 0 to 1_000_000"),
    "negative price": (soap(price="-1").encode(), "price = -1"),
    "fractional price": (soap(price="1.5").encode(), "price = 1.5"),
    "price true": (soap(price="true").encode(), "price = True"),
    "price as text": (soap(price='"30"').encode(), "price = '30'"),
    "limit_count 0": (soap(limit_count="0", limit_period='"week"').encode(),
                      "limit_count = 0: must be a whole number from 1"),
    "negative limit_points": (soap(limit_points="-10", limit_period='"day"').encode(),
                              "limit_points = -10"),
    "negative threshold": (soap(low_stock_threshold="-1").encode(),
                           "low_stock_threshold = -1"),
    "active yes": (soap(active='"yes"').encode(), "active = 'yes': must be true or false"),
    "active 2": (soap(active="2").encode(), "active = 2: must be true or false"),
    "duplicate barcodes": ((SOAP + RICE.replace("0024", "0017")).encode(),
                           "barcode '6901234500017' is used by items 1, 2"),
    "duplicate ids": ((SOAP + SOAP.replace("0017", "0031")).encode(),
                      "item id 'soap' is used by items 1, 2"),
    "item = 5": (b"item = 5\n", "the items must be a list of tables"),
    "item = [1, 2]": (b"item = [1, 2]\n", "item 1: must be a table of fields, not 1"),
    "name_en = 42": (soap(name_en="42").encode(), "name_en = 42: must be non-empty text"),
    "unknown category": (soap(category='"toys"').encode(), "category = 'toys'"),
    "unknown period": (soap(limit_count="1", limit_period='"year"').encode(),
                       "limit_period = 'year'"),
    "limit without period": (soap(limit_count="3").encode(), "is needed with a limit"),
    "missing price": (SOAP.replace("price = 30\n", "").encode(), "missing 'price'"),
    "unknown field": (soap(colour='"red"').encode(), "unknown field 'colour'"),
    "[[items]] typo": (SOAP.replace("[[item]]", "[[items]]").encode(),
                       "unknown top-level key 'items'"),
    "empty id": (soap(id='""').encode(), "id = ''"),
    "emoji id": (soap(id='"🧼"').encode(), "id = '🧼'"),
    "barcode as number": (soap(barcode="6901234500017").encode(), "barcode = 6901234500017"),
    "image outside": (soap(image='"/etc/shadow"').encode(), "image = '/etc/shadow'"),
    "empty file": (b"", "no [[item]] tables found"),
    "not TOML": (b"[[item]\nid = soap\n", "not valid TOML"),
    "nested arrays": (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "not valid TOML"),
    "GBK": (SOAP.encode("gbk"), "the file must be UTF-8"),
    "UTF-16": (SOAP.encode("utf-16"), "the file must be UTF-8 (it looks like UTF-16)"),
    "Latin-1": (soap(name_zh='"Savon"', name_en='"Savon de Marseille, café"').encode("latin-1"),
                "the file must be UTF-8"),
}


def kiosk_items(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, barcode FROM items ORDER BY id").fetchall() + \
            conn.execute("SELECT item_id, price FROM item_prices ORDER BY id").fetchall()


def district_items(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, spec FROM items ORDER BY id").fetchall()


@pytest.fixture
def shops(tmp_path: Path) -> tuple[Path, Path]:
    """A kiosk and a district database, each holding the demo catalogue already."""
    kiosk, district = tmp_path / "kiosk.sqlite", tmp_path / "district.sqlite"
    assert admin_main(["--config", str(ROOT / "config.toml"), "--database", str(kiosk),
                       "init"]) == 0   # only init makes a kiosk's database
    assert admin_main(["--config", str(ROOT / "config.toml"), "--database", str(kiosk),
                       "import-catalogue", str(DEMO)]) == 0
    assert district_main(["--database", str(district), "import-catalogue", str(DEMO)]) == 0
    return kiosk, district


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_file_is_refused_by_both_and_writes_nothing(
        name: str, shops: tuple[Path, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    data, words = MALFORMED[name]
    path = tmp_path / "catalogue.toml"
    path.write_bytes(data)
    kiosk, district = shops
    before = kiosk_items(kiosk), district_items(district)
    capsys.readouterr()
    assert admin_main(["--config", str(ROOT / "config.toml"), "--database", str(kiosk),
                       "import-catalogue", str(path)]) == 2
    assert district_main(["--database", str(district), "import-catalogue", str(path)]) == 2
    out = capsys.readouterr()
    assert out.err.count(words) == 2, out.err       # the same words from both commands
    assert "Traceback" not in out.err and not out.out
    assert (kiosk_items(kiosk), district_items(district)) == before


def test_a_barcode_held_by_another_item_is_refused_by_both(
        shops: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The file alone is fine, but toothbrush already has this barcode: stored, it would stop
    every kiosk's pull (barcodes are unique on a kiosk)."""
    path = tmp_path / "catalogue.toml"
    path.write_text(soap(id='"soap2"', barcode='"6901234500024"'), encoding="utf-8")
    kiosk, district = shops
    before = kiosk_items(kiosk), district_items(district)
    capsys.readouterr()
    assert admin_main(["--config", str(ROOT / "config.toml"), "--database", str(kiosk),
                       "import-catalogue", str(path)]) == 2
    assert district_main(["--database", str(district), "import-catalogue", str(path)]) == 2
    assert capsys.readouterr().err.count("'6901234500024' would belong to items soap2, "
                                         "toothbrush") == 2
    assert (kiosk_items(kiosk), district_items(district)) == before


def test_a_bom_is_accepted_and_barcodes_may_move(shops: tuple[Path, Path],
                                                 tmp_path: Path) -> None:
    path = tmp_path / "catalogue.toml"
    swapped = (soap(barcode='"6901234500024"')
               + soap(id='"toothbrush"', name_en='"Toothbrush"', barcode='"6901234500017"'))
    path.write_bytes(codecs.BOM_UTF8 + swapped.encode())
    kiosk, district = shops
    assert admin_main(["--config", str(ROOT / "config.toml"), "--database", str(kiosk),
                       "import-catalogue", str(path)]) == 0
    assert district_main(["--database", str(district), "import-catalogue", str(path)]) == 0
    with sqlite3.connect(kiosk) as conn:
        assert dict(conn.execute("SELECT id, barcode FROM items WHERE id IN ('soap', "
                                 "'toothbrush')")) == {"soap": "6901234500024",
                                                       "toothbrush": "6901234500017"}


@pytest.mark.parametrize("name", ["price 2^63", "GBK", "item = 5"])
def test_the_installed_commands_print_one_clear_message(name: str, tmp_path: Path) -> None:
    data, words = MALFORMED[name]
    path = tmp_path / "catalogue.toml"
    path.write_bytes(data)
    assert admin_main(["--config", str(ROOT / "config.toml"), "--database",
                       str(tmp_path / "kiosk.sqlite"), "init"]) == 0
    for command in (["-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
                     "--database", str(tmp_path / "kiosk.sqlite")],
                    ["-m", "district.cli", "--database", str(tmp_path / "district.sqlite")]):
        result = subprocess.run([sys.executable, *command, "import-catalogue", str(path)],
                                capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 2
        assert words in result.stderr and "Traceback" not in result.stderr
