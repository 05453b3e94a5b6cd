"""Fixtures for sync tests: a live district on 127.0.0.1 with the demo district in it, on each
engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from district.store import Store
from tests.live_district import LiveServer, seed_district


@pytest.fixture
def district(district_location: tuple[str, str]) -> Iterator[LiveServer]:
    location, name = district_location
    with Store(location, district=name) as store:
        seed_district(store)
        server = LiveServer(store).start()
        yield server
        server.stop()
