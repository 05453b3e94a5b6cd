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


def test_a_retired_setting_from_an_older_config_still_starts(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An upgraded kiosk keeps its installed config.toml (a conffile): a setting this version
    no longer has is named in the log, not a reason to stop the kiosk."""
    path = tmp_path / "config.toml"
    path.write_text('[ui]\ndemo_panel = false\nlarge_text = true\n', encoding="utf-8")
    with caplog.at_level("WARNING", logger="kiosk.config"):
        loaded = load_config(path)
    assert loaded.ui.large_text is True
    assert "ui.demo_panel is no longer used" in caplog.text


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


# What an editor or a slip of the hand leaves in config.toml: one clear message for each,
# never a traceback (they were: UnicodeDecodeError, RecursionError) and never accepted
# (nan made the NFC thread spin a CPU at 100 %; a NUL or a newline went into the kiosk id).
BAD_FILES = {
    "GBK": ('[kiosk]\nname = "汉阳区积分超市"\n'.encode("gbk"), "not UTF-8 text (looks like GBK"),
    "Latin-1": ('[kiosk]\nname = "Café"\n'.encode("latin-1"), "not UTF-8 text"),
    "UTF-16": ('[kiosk]\nname = "汉阳"\n'.encode("utf-16"), "looks like UTF-16"),
    "nested": (b"[kiosk]\nname = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    "nan": (b"[nfc]\nretry_seconds = nan\n", "nfc.retry_seconds = nan: must be a finite"),
    "inf": (b"[nfc]\nretry_seconds = inf\n", "nfc.retry_seconds = inf: must be a finite"),
    "-inf": (b"[nfc]\nretry_seconds = -inf\n", "must be a finite number"),
    "NUL in id": (b'[kiosk]\nid = "k\\u0000x"\n', "kiosk.id = 'k\\x00x': must not hold control"),
    "newline in id": (b'[kiosk]\nid = "k1\\nk2"\n', "must not hold control characters"),
    "newline in name": (b'[kiosk]\nname = "a\\nb"\n', "kiosk.name = 'a\\nb': must not hold"),
    "NUL in path": (b'[database]\npath = "a\\u0000.sqlite"\n', "database.path"),
    "non-ASCII id": ('[kiosk]\nid = "汉阳01"\n'.encode(), "kiosk.id = '汉阳01': must be 1 to 64"),
    "spaced id": (b'[kiosk]\nid = "kiosk 1"\n', "must be 1 to 64 letters"),
    "district id": (b'[qr]\ndistrict_id = "a b"\npublic_key = ""\n', "qr.district_id"),
    "table for text": (b"[kiosk]\nname = [[[1]]]\n", "kiosk.name = list: must be a string"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_broken_file_is_one_clear_message(name: str, tmp_path: Path) -> None:
    raw, expected = BAD_FILES[name]
    path = tmp_path / "config.toml"
    path.write_bytes(raw)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert any(expected in p for p in caught.value.problems), caught.value.problems
    result = subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--config", str(path),
                             "stock"], capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert expected in result.stderr


def test_a_whole_number_is_a_fine_number_and_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes("\ufeff[nfc]\nretry_seconds = 2\n[kiosk]\nname = \"汉阳\"\n".encode())
    config = load_config(path)
    assert config.nfc.retry_seconds == 2.0 and isinstance(config.nfc.retry_seconds, float)
    assert config.kiosk.name == "汉阳"
