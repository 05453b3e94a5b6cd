"""The district's two engines as pytest fixtures: every district test that asks for
``district_location`` runs once on an SQLite file and once on a real PostgreSQL server (a
throwaway cluster the session starts itself, see tests/pg_cluster.py), each test in a district
schema of its own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_cluster import PgCluster, available

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    if not available():
        pytest.fail("PostgreSQL is not installed: scripts/system-deps.sh installs it")
    # fsync off: the tests check behaviour, not durability; a crash of the test cluster loses
    # nothing anyone needs.
    with PgCluster(fsync=False) as cluster:
        yield cluster.create_database("district_tests")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def district_location(engine_name: str, tmp_path: Path, request: pytest.FixtureRequest
                      ) -> tuple[str, str]:
    """(database location, district name) for a fresh district on the test's engine."""
    if engine_name == "sqlite":
        return str(tmp_path / "district.sqlite"), "district"
    url = request.getfixturevalue("pg_server")
    return url, f"t{next(_names)}"
