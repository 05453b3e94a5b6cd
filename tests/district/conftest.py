"""A live district (empty but for the demo people and catalogue) on each engine, and one
registered kiosk key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.store import Store
from points_protocol import signing
from tests.live_district import LiveServer, seed_district


@pytest.fixture
def store(district_location: tuple[str, str]) -> Iterator[Store]:
    location, name = district_location
    with Store(location, district=name) as opened:
        yield opened


@pytest.fixture
def district(store: Store) -> Iterator[LiveServer]:
    seed_district(store)
    server = LiveServer(store).start()
    yield server
    server.stop()


@pytest.fixture
def key(district: LiveServer) -> Ed25519PrivateKey:
    k = Ed25519PrivateKey.generate()
    district.store.register_kiosk("k1", signing.public_key_text(k))
    return k
