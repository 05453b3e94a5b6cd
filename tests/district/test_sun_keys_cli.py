"""``kiosk-district sun-keys``: the district's master keys, rotation, and what kiosks get."""

from __future__ import annotations

from pathlib import Path

import pytest

from district.cli import main
from points_protocol.sun import keys


def run(tmp_path: Path, *argv: str) -> int:
    return main(["--database", str(tmp_path / "district.sqlite"), *argv])


def test_new_rotate_export_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    master, kiosk = tmp_path / "district-sun.toml", tmp_path / "sun-keys.toml"
    assert run(tmp_path, "sun-keys", "new", str(master), "--district-id", "hanyang") == 0
    first = keys.load_district_keys(master)
    assert [g.generation for g in first] == [1] and master.stat().st_mode & 0o777 == 0o600
    assert run(tmp_path, "sun-keys", "new", str(master), "--district-id", "hanyang") == 2
    assert "never overwritten" in capsys.readouterr().err
    assert keys.load_district_keys(master) == first   # untouched

    assert run(tmp_path, "sun-keys", "rotate", str(master)) == 0
    generations = keys.load_district_keys(master)
    assert [g.generation for g in generations] == [2, 1] and generations[1] == first[0]
    assert run(tmp_path, "sun-keys", "export", str(master), str(kiosk)) == 0
    assert keys.load_kiosk_keys(kiosk) == [g.kiosk_keys() for g in generations]
    assert all(g.app_master.hex().upper() not in kiosk.read_text() for g in generations)
    newest = tmp_path / "newest.toml"
    assert run(tmp_path, "sun-keys", "export", str(master), str(newest),
               "--generations", "1") == 0
    assert [k.generation for k in keys.load_kiosk_keys(newest)] == [2]
    capsys.readouterr()
    assert run(tmp_path, "sun-keys", "list", str(master)) == 0
    assert capsys.readouterr().out.splitlines() == ["generation 2: 0 cards",
                                                    "generation 1: 0 cards"]


def test_mistakes_get_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "sun-keys", "new", str(tmp_path / "k.toml")) == 2
    assert "--district-id" in capsys.readouterr().err
    assert run(tmp_path, "sun-keys", "rotate", str(tmp_path / "absent.toml")) == 2
    assert "cannot be read" in capsys.readouterr().err
    kiosk = tmp_path / "kiosk.toml"
    keys.save_kiosk_keys(kiosk, [keys.DistrictKeys.new("x", 1).kiosk_keys()])
    assert run(tmp_path, "provision-card", "--keys", str(kiosk), "--url", "https://x/t") == 2
    assert "app_master must be 32 hex digits" in capsys.readouterr().err
