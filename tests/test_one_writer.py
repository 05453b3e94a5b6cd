"""kiosk/core is the only writer (and reader) of the kiosk's tables: the sync client parses and
calls it, the screens and the command line call it. Two writers of one table drifted apart
before (the sync client's balance upsert had no "older never replaces newer" guard; three
modules wrote sync_status), so this test keeps SQL out of everything else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
CORE = KIOSK / "core"
SQL_CALLS = {"execute", "executemany", "executescript"}


def sql_calls(path: Path, root: Path = KIOSK.parent) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in SQL_CALLS:
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_sql_outside_the_core() -> None:
    offenders = [call for path in sorted(KIOSK.rglob("*.py")) if CORE not in path.parents
                 for call in sql_calls(path)]
    assert offenders == []


def test_sync_status_has_one_owner() -> None:
    table = re.compile(r"\b(sync_status|sync_requests|sync_rejections)\b\s*(SET|WHERE|VALUES|\()"
                       r"|(FROM|INTO|UPDATE)\s+(sync_status|sync_requests|sync_rejections)\b")
    owners = {path.name for path in CORE.rglob("*.py") if table.search(path.read_text("utf-8"))}
    assert owners == {"sync_status.py", "schema_v1.py", "schema_changes.py"}   # + the schema


def test_the_check_catches_sql(tmp_path: Path) -> None:
    bad = tmp_path / "screen.py"
    bad.write_text("def f(conn):\n    conn.execute('DELETE FROM orders')\n", encoding="utf-8")
    assert sql_calls(bad, tmp_path) == ["screen.py:2"]
