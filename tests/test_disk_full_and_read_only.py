"""A full disk and a read-only one: every command says so in one line (it printed tracebacks:
'database or disk is full', 'attempt to write a readonly database'), nothing half-written,
and self-check is not "ready" with 0 MB free or a database the kiosk cannot write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.storage_faults import run_scenario

COMMANDS = """
results = {
    "restock": admin("restock", "soap", "5"),
    "set-operator": admin("set-operator", "op1", "--name", "x", "--pin-stdin",
                          stdin="482913\\n"),
    "void": admin("void", SALE, "--reason", "wrong"),
    "import-catalogue": admin("import-catalogue", str(ROOT / "assets/demo/catalogue.toml")),
    "stock": admin("stock"),
    "report": admin("report", "today"),
    "export": admin("export", str(DATA / "export")),
    "report-csv": admin("report", "today", "--csv", str(DATA / "usb")),
    "backup": admin("backup", "--dir", str(DATA / "backups")),
    "self-check": admin("self-check", "--quick"),
    "sync-once": run("kiosk.sync.daemon", "--once"),
}
"""


def one_line(result: dict[str, Any], *words: str) -> None:
    assert result["rc"] == 2, result
    assert "Traceback" not in result["err"], result["err"]
    lines = result["err"].strip().splitlines()
    assert len(lines) == 1, result["err"]
    assert all(word in lines[0] for word in words), lines[0]


def test_a_full_disk(tmp_path: Path) -> None:
    got = run_scenario("""
assert admin("demo")["rc"] == 0
SALE = query("SELECT id FROM orders")
before = query("SELECT COUNT(*) FROM stock_movements")
# The touchscreen is running (it has the database open) when the disk fills up.
from dataclasses import replace
from kiosk.config import load_config
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.session_flow import RunCheckout
from kiosk.services import build
from kiosk.operations.session_work import SessionWork
config = load_config(ROOT / "config.toml")
services = build(replace(config, database=replace(config.database, path=str(DB))))
from kiosk.core import sync_status
from kiosk.core.clock import to_db
sync_status.mark_success(services.conn, to_db(services.clock.now()))   # online: no caps
fill_the_disk()
""" + COMMANDS + """
# The running touchscreen's own code (no screen needed): a sale on the full disk.
event = SessionWork(services, None).run(RunCheckout(1, "full-disk-sale",
    PresentedCard("04A1B2C3D4E5F6"), (CartLine("toothbrush", 1),)))
screen = {"code": event.notice.code, "zh": event.notice.zh}
services.conn.close()
for filler in DATA.glob("filler*"):   # room again, to look at what is in the file
    filler.unlink()
after = query("SELECT COUNT(*) FROM stock_movements")
ok = query("PRAGMA integrity_check")
print(json.dumps({"results": results, "unchanged": before == after, "integrity": ok,
                  "screen": screen}))
""", tmp_path)
    r = got["results"]
    for name in ("restock", "set-operator", "void", "import-catalogue"):
        one_line(r[name], "the disk is full", "nothing was changed")
    for name in ("export", "report-csv", "backup", "stock", "report"):
        # These read; SQLite may still need room for its -shm (or the files written).
        if r[name]["rc"] != 0:
            one_line(r[name])
            assert "disk is full" in r[name]["err"] or "No space left" in r[name]["err"]
    assert r["self-check"]["rc"] == 1 and "FAIL  disk" in r["self-check"]["out"]
    assert "self-check: ready" not in r["self-check"]["out"]
    assert r["sync-once"]["rc"] != 0 and "Traceback" not in r["sync-once"]["err"]
    assert got["unchanged"] and got["integrity"] == "ok"
    assert got["screen"] == {"code": "out_of_service", "zh": "本机暂停服务，请联系工作人员。"}


def test_a_read_only_disk_with_a_leftover_wal(tmp_path: Path) -> None:
    got = run_scenario("""
assert admin("demo")["rc"] == 0
SALE = query("SELECT id FROM orders")
# A kiosk that died with work in its -wal, then the disk came back read-only.
subprocess.run([sys.executable, "-c", "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                "c.execute('PRAGMA wal_autocheckpoint = 0'); "
                "c.execute(\\"INSERT INTO meta VALUES ('x', 'y')\\"); c.commit(); os._exit(0)",
                str(DB)], check=True)
assert Path(f"{DB}-wal").stat().st_size > 0
mount_read_only()
""" + COMMANDS + """
print(json.dumps({"results": results}))
""", tmp_path)
    r = got["results"]
    for name in ("restock", "set-operator", "void", "import-catalogue", "stock", "report",
                 "export", "report-csv"):
        one_line(r[name])
        assert "cannot" in r[name]["err"] or "read-only" in r[name]["err"], r[name]
    one_line(r["backup"])
    assert r["self-check"]["rc"] == 1 and "FAIL  access" in r["self-check"]["out"]
    assert "self-check: ready" not in r["self-check"]["out"]
    assert r["sync-once"]["rc"] != 0 and "Traceback" not in r["sync-once"]["err"]
