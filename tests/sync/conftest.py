"""Fixtures for sync tests: a live district on 127.0.0.1 with the demo district in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from district.store import Store
from tests.live_district import LiveServer, seed_district


@pytest.fixture
def district(tmp_path: Path) -> Iterator[LiveServer]:
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)
    server = LiveServer(store).start()
    yield server
    server.stop()
