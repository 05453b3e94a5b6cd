"""A live district (empty but for the demo people and catalogue) and one registered kiosk key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.store import Store
from points_protocol import signing
from tests.live_district import LiveServer, seed_district


@pytest.fixture
def district(tmp_path: Path) -> Iterator[LiveServer]:
    store = Store(tmp_path / "district.sqlite")
    seed_district(store)
    server = LiveServer(store).start()
    yield server
    server.stop()


@pytest.fixture
def key(district: LiveServer) -> Ed25519PrivateKey:
    k = Ed25519PrivateKey.generate()
    district.store.register_kiosk("k1", signing.public_key_text(k))
    return k
