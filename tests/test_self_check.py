"""kiosk-admin self-check: ready on a sound kiosk, and each kind of broken kiosk is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli import admin
from kiosk.services import Services


def self_check(config_file: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = admin.main(["--config", str(config_file), "self-check", "--full"])
    return status, capsys.readouterr().out


def write_config(tmp_path: Path, db: Path, kiosk_id: str = "demo-kiosk-01") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[kiosk]\nid = "{kiosk_id}"\n[database]\npath = "{db}"\n',
                    encoding="utf-8")
    return path


def test_ready_kiosk(shop: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = self_check(write_config(tmp_path, shop.config.database_path), capsys)
    assert status == 0, out
    assert "ok    database:" in out and "integrity_check ok" in out
    assert "WARN  kiosk id: 'demo-kiosk-01' is the demo id" in out
    assert out.rstrip().endswith("self-check: ready")


def test_database_of_another_kiosk_fails(shop: Services, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    status, out = self_check(write_config(tmp_path, shop.config.database_path, "kiosk-02"),
                             capsys)
    assert status == 1
    assert "FAIL  kiosk id: database belongs to 'demo-kiosk-01'" in out


def test_newer_schema_and_damaged_file_fail(shop: Services, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = shop.config.database_path
    shop.conn.execute("PRAGMA user_version = 99")
    shop.conn.close()
    status, out = self_check(write_config(tmp_path, db), capsys)
    assert status == 1 and "FAIL  schema: v99 is newer" in out

    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not an SQLite database" * 300)
    status, out = self_check(write_config(tmp_path, damaged), capsys)
    assert status == 1 and "FAIL  database:" in out


def test_missing_database_fails_without_creating_one(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.sqlite"
    status, out = self_check(write_config(tmp_path, db), capsys)
    assert status == 1 and "kiosk-admin init" in out
    assert not db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]
