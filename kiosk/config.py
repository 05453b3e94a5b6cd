"""Reads config.toml into frozen dataclasses and reports every mistake in one message.

Each setting is declared once, with its type, default, allowed range and the reason it exists
(the ``doc``), so the loader, the error messages and ``config.toml`` stay in step.
"""

from __future__ import annotations

import dataclasses
import tomllib
import zoneinfo
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class KioskSection:
    id: str = setting("demo-kiosk-01", "This kiosk's identity: names its sales account, "
                      "its outbox sequence and its receipts.")
    name: str = setting("汉阳区积分超市", "Shop name printed on receipts and shown on screens.")
    community: str = setting("示范社区", "Community name printed on receipts.")
    timezone: str = setting("Asia/Shanghai", "Days, weeks and months for per-person limits and "
                            "offline caps are counted in this zone.")


@dataclass(frozen=True)
class DatabaseSection:
    path: str = setting("var/kiosk.sqlite", "SQLite ledger file; relative paths are relative "
                        "to the config file.")
    busy_timeout_ms: int = setting(5000, "How long a writer waits for the other process (app or "
                                   "sync daemon) before giving up.", minimum=100, maximum=60000)
    startup_check: str = setting("quick", "Integrity check when the database is opened: 'full' "
                                 "reads every page (slow on a district-sized file).",
                                 choices=("quick", "full", "none"))


@dataclass(frozen=True)
class OfflineSection:
    after_seconds: int = setting(900, "With no successful sync for this long the kiosk sells "
                                 "in offline mode and applies the caps below.",
                                 minimum=30, maximum=7 * 86400)
    cap_per_volunteer_per_day: int = setting(300, "Most points one volunteer may spend per day "
                                             "while offline (the district's risk per person).",
                                             minimum=0, maximum=1_000_000)
    cap_per_kiosk_per_day: int = setting(5000, "Most points this kiosk may take per day while "
                                         "offline, all volunteers together.",
                                         minimum=0, maximum=100_000_000)


@dataclass(frozen=True)
class CheckoutSection:
    max_quantity_per_line: int = setting(20, "Largest quantity of one item in one basket; guards "
                                         "against a stuck + button.", minimum=1, maximum=999)
    void_window_minutes: int = setting(60 * 24, "How long after a sale an operator may void it.",
                                       minimum=0, maximum=60 * 24 * 90)


@dataclass(frozen=True)
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    offline: OfflineSection = field(default_factory=OfflineSection)
    checkout: CheckoutSection = field(default_factory=CheckoutSection)
    base_dir: Path = field(default=Path("."), compare=False)

    @property
    def database_path(self) -> Path:
        path = Path(self.database.path)
        return path if path.is_absolute() else self.base_dir / path


SECTIONS: dict[str, type[Any]] = {
    f.name: f.default_factory for f in dataclasses.fields(Config)  # type: ignore[misc]
    if f.name != "base_dir"
}

_TYPE_NAMES = {int: "an integer", str: "a string", bool: "true or false", float: "a number"}


def _check_value(key: str, value: Any, spec: dataclasses.Field[Any]) -> str | None:
    expected = {"int": int, "str": str, "bool": bool, "float": float}[str(spec.type)]
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if not ok:
        return f"{key} = {value!r}: must be {_TYPE_NAMES[expected]}"
    meta = spec.metadata
    if meta["choices"] is not None and value not in meta["choices"]:
        allowed = ", ".join(repr(c) for c in meta["choices"])
        return f"{key} = {value!r}: must be one of {allowed}"
    low, high = meta["min"], meta["max"]
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{key} = {value!r}: must be between {low} and {high}"
    return None


def _build_section(name: str, raw: Any, problems: list[str]) -> Any:
    cls = SECTIONS[name]
    if not isinstance(raw, dict):
        problems.append(f"[{name}] must be a table of settings, got {raw!r}")
        return cls()
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        full = f"{name}.{key}"
        if key not in fields:
            problems.append(f"{full}: unknown setting (known: {', '.join(fields)})")
            continue
        problem = _check_value(full, value, fields[key])
        if problem:
            problems.append(problem)
        else:
            values[key] = value
    return cls(**values)


def _check_cross_field(config: Config, problems: list[str]) -> None:
    try:
        zoneinfo.ZoneInfo(config.kiosk.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"kiosk.timezone = {config.kiosk.timezone!r}: not a known time zone "
                        "(e.g. 'Asia/Shanghai')")
    if not config.kiosk.id.strip():
        problems.append("kiosk.id = '': must not be empty")


def parse_config(data: dict[str, Any], base_dir: Path, source: Path) -> Config:
    problems: list[str] = []
    sections: dict[str, Any] = {}
    for name, raw in data.items():
        if name not in SECTIONS:
            problems.append(f"[{name}]: unknown section (known: {', '.join(SECTIONS)})")
            continue
        sections[name] = _build_section(name, raw, problems)
    config = Config(**sections, base_dir=base_dir)
    _check_cross_field(config, problems)
    if problems:
        raise ConfigError(source, problems)
    return config


def load_config(path: Path | str) -> Config:
    """Read and check a config file; raises ConfigError listing every problem."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(path, ["file not found (copy config.toml from the project root)"]) \
            from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [f"not valid TOML: {exc}"]) from None
    except OSError as exc:
        raise ConfigError(path, [f"cannot be read: {exc.strerror}"]) from None
    return parse_config(data, path.resolve().parent, path)
