"""What the district opens: its own database at this program's schema version, and nothing
else. Refusals are one line, exit 2, and write nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from district.cli import main
from district.db.engine import Database
from district.db.errors import DatabaseRefused
from district.db.migrate import head_revision
from district.store import Store
from kiosk.core.db import open_database


def refusal(tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["--database", str(db), "report", "balances"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before     # nothing created
    return err


def test_random_bytes_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite"
    db.write_bytes(os.urandom(8192))
    assert "not an SQLite database" in refusal(tmp_path, db, capsys)


def test_a_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "folder"
    db.mkdir()
    assert "is a directory" in refusal(tmp_path, db, capsys)


def test_a_truncated_database_is_refused(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    made = tmp_path / "whole.sqlite"
    with Store(made) as store:
        store.upsert_volunteers([(f"V{i}", "*", "active") for i in range(3000)])
    for suffix in ("-wal", "-shm", "-nonces", "-nonces-wal", "-nonces-shm"):
        Path(str(made) + suffix).unlink(missing_ok=True)
    db = tmp_path / "d.sqlite"
    data = made.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    made.unlink()
    err = refusal(tmp_path, db, capsys)
    assert "damaged" in err or "cannot be used" in err


def test_the_kiosks_own_database_is_refused(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "kiosk.sqlite"
    open_database(db, create=True).close()
    assert "is a kiosk's database" in refusal(tmp_path, db, capsys)


def test_a_foreign_database_is_refused(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    before = db.read_bytes()
    assert "not a district database" in refusal(tmp_path, db, capsys)
    assert db.read_bytes() == before        # not even switched to WAL


def test_the_first_district_store_is_named_as_such(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A district file from before schema versions (its tables, no alembic_version) is told
    apart from a foreign database, and left as it was."""
    import sqlite3

    db = tmp_path / "district.sqlite"
    with sqlite3.connect(db) as conn:
        for table in ("kiosks", "volunteers", "transfers", "entries", "push_batches"):
            conn.execute(f"CREATE TABLE {table} (id TEXT PRIMARY KEY)")
    conn.close()
    before = db.read_bytes()
    err = refusal(tmp_path, db, capsys)
    assert "first kiosk-district" in err and "run init" in err
    assert db.read_bytes() == before


def test_a_newer_schema_is_refused_on_both_engines(district_location: tuple[str, str]) -> None:
    location, name = district_location
    with Store(location, district=name) as store:
        store.execute("UPDATE alembic_version SET version_num = 'd9999'")
    with pytest.raises(DatabaseRefused, match="newer kiosk-district"):
        Database(location, district=name)


def test_a_fresh_database_is_at_the_latest_revision(district_location: tuple[str, str]
                                                    ) -> None:
    location, name = district_location
    with Store(location, district=name) as store:
        assert store.query("SELECT version_num FROM alembic_version")[0][0] == head_revision()
    with Store(location, district=name) as again:          # opening again changes nothing
        assert again.query("SELECT COUNT(*) FROM alembic_version")[0][0] == 1


def test_districts_on_one_server_do_not_see_each_other(
        engine_name: str, pg_server: str) -> None:
    if engine_name != "postgresql":
        pytest.skip("several districts share a server only on PostgreSQL")
    with Store(pg_server, district="hanyang") as hanyang, \
            Store(pg_server, district="wuchang") as wuchang:
        hanyang.upsert_volunteers([("V1", "张*", "active")])
        hanyang.credit("r1", "V1", 50)
        wuchang.upsert_volunteers([("V1", "李*", "active"), ("V2", "王*", "active")])
        assert [r["masked_name"] for r in hanyang.report("balances")] == ["张*"]
        assert [r["balance"] for r in wuchang.report("balances")] == [0, 0]
        hanyang.register_kiosk("k1", "AAAA")
        assert wuchang.kiosk_key("k1") is None            # a kiosk belongs to one district
        with hanyang.db.write() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar()
        assert schema == "d_hanyang"


def test_a_district_name_that_is_not_a_plain_word_is_refused(pg_server: str) -> None:
    with pytest.raises(DatabaseRefused, match="district name"):
        Store(pg_server, district='x"; DROP SCHEMA public; --')


def test_a_district_copied_as_a_file_still_opens(tmp_path: Path) -> None:
    with Store(tmp_path / "a.sqlite") as store:
        store.upsert_volunteers([("V1", "*", "active")])
    shutil.copy(tmp_path / "a.sqlite", tmp_path / "b.sqlite")
    with Store(tmp_path / "b.sqlite", create=False) as copy:
        assert copy.query("SELECT id FROM volunteers")[0][0] == "V1"


def test_the_migrations_build_exactly_the_declared_schema(district_location: tuple[str, str]
                                                           ) -> None:
    """Alembic's own comparison of the migrated database with every declared table
    (district/db/schemas.py: the district's, the console's and its report sums, the vouchers'
    and the families'): a later revision that forgets a column, an index or a table fails
    here, on both engines."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from district.db.schemas import ALL

    location, name = district_location
    with Store(location, district=name) as store, store.db.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn),
                                       list(ALL))  # type: ignore[arg-type]
    assert differences == []
