"""Shared fixtures: a real SQLite file per test, an injected clock, the demo shop."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import demo
from kiosk.config import Config, DatabaseSection
from kiosk.core import sync_status
from kiosk.core.clock import to_db
from kiosk.services import Services, build
from points_protocol import signing

ROOT = Path(__file__).resolve().parent.parent

# A test fails on a warning or error it did not expect (Python logging or Qt); pytester runs
# the plugin's own tests.
pytest_plugins = ["tests.logfail", "pytester"]


class ManualClock:
    """A clock the test moves by hand (the core never reads the system time itself)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Wuhan

    def now(self) -> datetime:
        return self.moment

    def advance(self, **kwargs: float) -> None:
        self.moment += timedelta(**kwargs)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return replace(Config(), base_dir=tmp_path,
                   database=DatabaseSection(path=str(tmp_path / "kiosk.sqlite")))


@pytest.fixture
def services(config: Config, clock: ManualClock) -> Iterator[Services]:
    # The kiosk's own key, as 'kiosk-sync keygen' makes it: it signs the vouchers it sells.
    signing.generate_key_file(config.base_dir / config.district.key_path)
    built = build(config, clock, create=True)
    yield built
    built.conn.close()


@pytest.fixture
def shop(services: Services) -> Services:
    """The demo shop: catalogue, volunteers, cards, donors and stock."""
    demo.seed(services)
    return services


def mark_synced(services: Services, at: datetime) -> None:
    """Pretend the sync daemon just succeeded."""
    sync_status.mark_success(services.conn, to_db(at))


from tests.district_engines import district_location, engine_name, pg_server  # noqa: E402,F401
