from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import Config, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_config_equals_the_defaults() -> None:
    loaded = load_config(ROOT / "config.toml")
    assert loaded == Config()  # config.toml documents every default, and nothing else
    assert loaded.database_path == ROOT / "var" / "kiosk.sqlite"


def test_every_setting_is_documented_in_config_toml() -> None:
    text = (ROOT / "config.toml").read_text("utf-8")
    import dataclasses

    from kiosk.config import SECTIONS
    for section, cls in SECTIONS.items():
        assert f"[{section}]" in text
        for f in dataclasses.fields(cls):
            assert f"\n{f.name} = " in text, f"{section}.{f.name} missing from config.toml"
            assert f.metadata["doc"]


def test_bad_file_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[kiosk]\nid = 7\ncolour = "red"\ntimezone = "Mars/Olympus"\n'
        '[database]\nbusy_timeout_ms = 5\nstartup_check = "sometimes"\n'
        '[offline]\ncap_per_volunteer_per_day = true\n'
        '[printers]\nport = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    assert "kiosk.id = 7: must be a string" in problems
    assert any(p.startswith("kiosk.colour: unknown setting") for p in problems)
    assert any("kiosk.timezone = 'Mars/Olympus'" in p for p in problems)
    assert "database.busy_timeout_ms = 5: must be between 100 and 60000" in problems
    assert any(p.startswith("database.startup_check = 'sometimes': must be one of")
               for p in problems)
    assert "offline.cap_per_volunteer_per_day = True: must be an integer" in problems
    assert any(p.startswith("[printers]: unknown section") for p in problems)
    assert len(problems) == 7


@pytest.mark.parametrize(("content", "expected"), [
    (None, "file not found"),
    ("[kiosk\nid=", "not valid TOML"),
])
def test_missing_or_broken_file(tmp_path: Path, content: str | None, expected: str) -> None:
    path = tmp_path / "config.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_config(path)


def test_command_line_shows_one_message_and_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[offline]\nafter_seconds = -1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--config", str(path),
                             "init"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "offline.after_seconds = -1: must be between 30 and 604800" in result.stderr
    assert "Traceback" not in result.stderr
