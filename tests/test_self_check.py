"""kiosk-admin self-check: ready on a sound kiosk, and each kind of broken kiosk is reported."""

from __future__ import annotations

import contextlib
import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from kiosk.cli import admin
from kiosk.core.db import open_database
from kiosk.services import Services
from points_protocol import signing
from tests.users import SYNC, TOUCH, as_user, data_fixture  # noqa: F401


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


def self_check_text(config_file: Path) -> Callable[[], str]:
    def work() -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            status = admin.main(["--config", str(config_file), "self-check"])
        return f"status {status}\n{out.getvalue()}"
    return work


def packaged_kiosk(data: Path) -> Path:
    """The layout postinst and provisioning make: the ledger in the shared folder, the key in
    the daemon's own folder (0700); returns the config."""
    database = data / "kiosk.sqlite"
    conn = open_database(database, create=True)
    conn.execute("INSERT INTO meta (key, value) VALUES ('kiosk_id', 'k1')")
    conn.close()
    keys = data / "sync"
    keys.mkdir()
    os.chown(keys, SYNC.uid, SYNC.gid)
    keys.chmod(0o700)
    signing.generate_key_file(keys / "kiosk-key.pem")
    config = data.parent / "config.toml"
    config.write_text(f'[kiosk]\nid = "k1"\n[database]\npath = "{database}"\n'
                      f'[district]\nkey_path = "{keys / "kiosk-key.pem"}"\n'
                      f'[backup]\ndir = "{data / "backups"}"\n', encoding="utf-8")
    config.chmod(0o644)
    return config


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")
def test_as_the_touchscreen_user_it_says_what_that_user_can_do(data: Path) -> None:
    """Once it ended in a PermissionError traceback (the key's folder is the daemon's)."""
    config = packaged_kiosk(data)
    said = as_user(TOUCH, self_check_text(config))
    assert said.startswith("ok\nstatus 0\n"), said
    assert "Traceback" not in said
    assert re.search(r"^ok +access: user 54001 .* can write the database, its folder", said,
                     re.M), said
    assert re.search(r"^ok +kiosk key: .* is not visible to this user", said, re.M), said


@pytest.mark.skipif(os.geteuid() != 0, reason="switching users needs root")
def test_a_ledger_the_touchscreen_cannot_write_is_not_ready(data: Path) -> None:
    """The finding: a 0640 ledger made by the provisioning user, and self-check said ready."""
    config = packaged_kiosk(data)
    (data / "kiosk.sqlite").chmod(0o640)
    said = as_user(TOUCH, self_check_text(config))
    assert said.startswith("ok\nstatus 1\n"), said
    assert re.search(r"^FAIL +access: user 54001 .*cannot read/write database .*0640", said,
                     re.M), said
    assert said.rstrip().endswith("self-check: 1 problem(s)")
