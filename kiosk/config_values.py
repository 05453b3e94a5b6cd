"""How a setting's value is checked, and how config.toml is read: the machinery under
:mod:`kiosk.config`, which declares the settings themselves.

Every problem is one line naming the setting, its value and what is allowed; a file that is
not UTF-8 TOML (an editor's GBK or UTF-16, values nested without end) is one line too, never a
traceback.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from dataclasses import field
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A config file that cannot be used; ``str()`` lists every problem, one per line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path}: {len(problems)} problem(s) in the configuration:\n{lines}")


def setting(default: Any, doc: str, *, minimum: float | None = None,
            maximum: float | None = None, choices: tuple[str, ...] | None = None) -> Any:
    return field(default=default, metadata={
        "doc": doc, "min": minimum, "max": maximum, "choices": choices})


_TYPE_NAMES = {int: "an integer", str: "a string", bool: "true or false", float: "a number"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A kiosk id travels in HTTP headers and file names: plain ASCII, no spaces.
_KIOSK_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def _shown(value: Any) -> str:
    """A value in a message: a deeply nested one is cut, never rendered whole."""
    text = repr(value) if not isinstance(value, (list, dict)) else type(value).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def check_value(key: str, value: Any, spec: dataclasses.Field[Any]) -> str | None:
    """The problem with ``value`` for the setting ``spec`` declares, or None."""
    expected = {"int": int, "str": str, "bool": bool, "float": float}[str(spec.type)]
    problem = _kind_problem(value, expected)
    if problem is not None:
        return f"{key} = {_shown(value)}: {problem}"
    meta = spec.metadata
    if meta["choices"] is not None and value not in meta["choices"]:
        allowed = ", ".join(repr(c) for c in meta["choices"])
        return f"{key} = {value!r}: must be one of {allowed}"
    low, high = meta["min"], meta["max"]
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{key} = {value!r}: must be between {low} and {high}"
    return None


def _kind_problem(value: Any, expected: type) -> str | None:
    """An integer is a fine number (retry_seconds = 2); a number is finite; text holds no
    control characters (a NUL or a newline in an id ends up in headers and file names)."""
    if isinstance(value, bool) and expected is not bool:
        return f"must be {_TYPE_NAMES[expected]}"
    if not (isinstance(value, expected) or (expected is float and isinstance(value, int))):
        return f"must be {_TYPE_NAMES[expected]}"
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number (nan and inf are not)"
    if isinstance(value, str) and _CONTROL.search(value):
        return "must not hold control characters (NUL, newline, tab)"
    return None


def valid_kiosk_id(value: str) -> bool:
    return _KIOSK_ID.fullmatch(value) is not None


def parse_toml(path: Path, raw: bytes) -> dict[str, Any]:
    """TOML is UTF-8. A file saved by an editor in the local code page (GBK, Latin-1) or as
    UTF-16 is said to be so in one line; a UTF-8 byte-order mark (Notepad) is fine."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        kind = "UTF-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "GBK, Latin-1 or other"
        raise ConfigError(path, [f"not UTF-8 text (looks like {kind}: byte "
                                 f"0x{raw[exc.start]:02x} at position {exc.start}); save the "
                                 "file as UTF-8"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise ConfigError(path, ["not valid TOML for a configuration: values nested too "
                                 "deeply"]) from None
