"""The console's fixtures: a seeded district with a console on 127.0.0.1, on each engine."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from district.store import Store
from tests.console.world import Client, ConsoleServer, seed_console


@pytest.fixture
def console(district_location: tuple[str, str]) -> Iterator[ConsoleServer]:
    location, name = district_location
    with Store(location, district=name) as store:
        server = ConsoleServer(store, seed_console(store)).start()
        yield server
        server.stop()


@pytest.fixture
def signed_in(console: ConsoleServer) -> Callable[[str], Client]:
    def make(account: str) -> Client:
        client = Client(console.url)
        assert client.sign_in(account).status_code == 303
        return client
    return make
