"""Only `kiosk-admin init` makes a database. Every other command, the sync daemon and the app
refuse a missing, empty or foreign file with one line saying what to do, and leave it as it
was: a mistyped --database made a fresh ledger and exited 0, and a ledger truncated to 0 bytes
was silently replaced by an empty one (its acknowledged sales gone, the outbox back at 1)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Every kiosk-admin command that works on the ledger.
LEDGER_COMMANDS = [
    ["stock"], ["report", "today"], ["export", "out"], ["restock", "soap", "1"],
    ["receipt", "x"], ["void", "x", "--reason", "r"], ["reprint", "--unprinted"],
    ["set-operator", "op1", "--name", "x", "--pin-stdin"], ["operator-card", "c", "--remove"],
    ["import-catalogue", str(ROOT / "assets" / "demo" / "catalogue.toml")],
]


def run(tmp_path: Path, database: Path, module: str, *args: str,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, "--config", str(ROOT / "config.toml"),
         "--database", str(database), *args],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120,
        input="482913\n", env=env)


def one_clear_line(out: subprocess.CompletedProcess[str], *words: str) -> None:
    assert out.returncode == 2, out
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    for word in words:
        assert word in lines[0]


@pytest.mark.parametrize("command", LEDGER_COMMANDS, ids=lambda c: c[0])
def test_a_mistyped_database_path_makes_no_ledger(command: list[str], tmp_path: Path) -> None:
    typo = tmp_path / "kiosk.sqlitee"
    out = run(tmp_path, typo, "kiosk.cli.admin", *command)
    one_clear_line(out, "no kiosk database here", "kiosk-admin init")
    assert not typo.exists()
    assert not list(tmp_path.glob("kiosk.sqlitee*"))


@pytest.mark.parametrize("command", [*LEDGER_COMMANDS, ["init"]], ids=lambda c: c[0])
def test_an_empty_file_is_refused_and_left_alone(command: list[str], tmp_path: Path) -> None:
    empty = tmp_path / "kiosk.sqlite"
    empty.touch()
    out = run(tmp_path, empty, "kiosk.cli.admin", *command)
    one_clear_line(out, "is empty (0 bytes)", "kiosk-admin restore")
    assert empty.stat().st_size == 0


def test_a_foreign_database_is_not_turned_into_a_ledger(tmp_path: Path) -> None:
    other = tmp_path / "photos.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE photos (name TEXT)")
    conn.close()
    before = other.read_bytes()
    for command in (["stock"], ["init"]):
        out = run(tmp_path, other, "kiosk.cli.admin", *command)
        one_clear_line(out, "not a kiosk's")
    # Left exactly as it was: not migrated, not even switched to WAL, no -wal/-shm beside it.
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.glob("photos.sqlite*")) == ["photos.sqlite"]


@pytest.mark.parametrize("command", [["--once"], ["status"], ["now"]], ids=lambda c: c[0])
def test_the_sync_daemon_refuses_too(command: list[str], tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[district]\nkey_path = "key.pem"\n', encoding="utf-8")
    keygen = subprocess.run([sys.executable, "-m", "kiosk.sync.daemon", "--config", str(config),
                             "keygen"], capture_output=True, text=True, check=False, timeout=120)
    assert keygen.returncode == 0, keygen.stderr
    for database, words in ((tmp_path / "missing.sqlite", "no kiosk database here"),
                            (tmp_path / "empty.sqlite", "is empty")):
        if "empty" in database.name:
            database.touch()
        out = subprocess.run(
            [sys.executable, "-m", "kiosk.sync.daemon", "--config", str(config), "--database",
             str(database), *command], capture_output=True, text=True, check=False,
            cwd=tmp_path, timeout=120)
        one_clear_line(out, words)
    assert not (tmp_path / "missing.sqlite").exists()
    assert (tmp_path / "empty.sqlite").stat().st_size == 0


def test_the_touchscreen_refuses_too(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[database]\npath = "nowhere/kiosk.sqlite"\n', encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "kiosk.app", "--config", str(config)],
                         capture_output=True, text=True, check=False, cwd=tmp_path,
                         timeout=120, env=env)
    assert out.returncode == 2 and "no kiosk database here" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "nowhere").exists()


def test_self_check_fails_on_an_empty_or_foreign_file(tmp_path: Path) -> None:
    empty = tmp_path / "kiosk.sqlite"
    empty.touch()
    out = run(tmp_path, empty, "kiosk.cli.admin", "self-check")
    assert out.returncode == 1 and "FAIL  database" in out.stdout and "is empty" in out.stdout
    assert "self-check: ready" not in out.stdout
    empty.unlink()
    sqlite3.connect(empty).execute("CREATE TABLE photos (name TEXT)").connection.close()
    out = run(tmp_path, empty, "kiosk.cli.admin", "self-check")
    assert out.returncode == 1 and "FAIL  schema" in out.stdout


def test_init_makes_a_ledger_where_there_is_no_file(tmp_path: Path) -> None:
    path = tmp_path / "data" / "kiosk.sqlite"
    made = run(tmp_path, path, "kiosk.cli.admin", "init")
    assert made.returncode == 0, made.stderr
    assert path.stat().st_size > 0
    again = run(tmp_path, path, "kiosk.cli.admin", "stock")
    assert again.returncode == 0, again.stderr
