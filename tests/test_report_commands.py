"""kiosk-admin report / set-operator end to end: a real process, config and database file."""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.core import operators, reports
from kiosk.core.models import PresentedCard
from kiosk.services import build

ROOT = Path(__file__).resolve().parent.parent


def admin(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli.admin", "--config", str(ROOT / "config.toml"),
         "--database", str(tmp_path / "kiosk.sqlite"), *args],
        capture_output=True, text=True, check=False, cwd=tmp_path, timeout=120, input=stdin)


def test_report_today_and_csv_match_the_core(tmp_path: Path) -> None:
    assert admin(tmp_path, "demo").returncode == 0
    out = admin(tmp_path, "report", "today", "--csv", str(tmp_path / "usb"))
    assert out.returncode == 0, out.stderr
    # The same figures straight from the core, on the same file.
    config = load_config(ROOT / "config.toml")
    services = build(replace(config, database=replace(
        config.database, path=str(tmp_path / "kiosk.sqlite"))))
    rep = reports.report(services.conn, reports.today(services.clock.now(),
                                                      services.kiosk.timezone),
                         services.kiosk.timezone)
    services.conn.close()
    assert rep.sales == 1 and rep.points_redeemed == 290
    assert f"orders: {rep.sales} sales, 0 voids" in out.stdout
    assert f"points redeemed (net): {rep.points_redeemed}" in out.stdout
    summary = next((tmp_path / "usb").glob("summary_*.csv"))
    assert summary.read_bytes().startswith(b"\xef\xbb\xbf")
    with summary.open(encoding="utf-8-sig", newline="") as fh:
        assert int(dict(csv.reader(fh))["points_redeemed"]) == 290
    donors = next((tmp_path / "usb").glob("donors_*.csv"))
    with donors.open(encoding="utf-8-sig", newline="") as fh:
        names = {r["捐赠方 donor"] for r in csv.DictReader(fh)}
    assert "绿家日化有限公司" in names


def test_report_period_needs_good_dates(tmp_path: Path) -> None:
    assert admin(tmp_path, "init").returncode == 0
    ok = admin(tmp_path, "report", "period", "--from", "2026-01-01", "--to", "2026-01-31")
    assert ok.returncode == 0, ok.stderr
    assert "period 2026-01-01..2026-01-31" in ok.stdout
    bad = admin(tmp_path, "report", "period", "--from", "2026-02-01", "--to", "2026-01-01")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    missing = admin(tmp_path, "report", "period")
    assert missing.returncode != 0 and "--from" in missing.stderr


def test_set_operator_stores_a_hash_only(tmp_path: Path) -> None:
    assert admin(tmp_path, "init").returncode == 0
    short = admin(tmp_path, "set-operator", "op1", "--name", "王社工", "--pin-stdin",
                  stdin="123\n")
    assert short.returncode == 1 and "at least 6 digits" in short.stderr
    done = admin(tmp_path, "set-operator", "op1", "--name", "王社工", "--pin-stdin",
                 stdin="482913\n")
    assert done.returncode == 0, done.stderr
    for path in tmp_path.glob("kiosk.sqlite*"):  # the file and its WAL
        assert b"482913" not in path.read_bytes()
    assert b"\xe7\x8e\x8b" in b"".join(p.read_bytes() for p in tmp_path.glob("kiosk.sqlite*"))


def test_operator_card_binds_and_unbinds(tmp_path: Path) -> None:
    assert admin(tmp_path, "demo").returncode == 0
    unknown = admin(tmp_path, "operator-card", "NO-SUCH-CARD", "--operator", "op2",
                    "--name", "李社工")
    assert unknown.returncode == 1 and "not known here" in unknown.stderr
    bound = admin(tmp_path, "operator-card", "04B7C8D9E0F1A2", "--operator", "op2",
                  "--name", "李社工")
    assert bound.returncode == 0, bound.stderr
    config = load_config(ROOT / "config.toml")
    services = build(replace(config, database=replace(
        config.database, path=str(tmp_path / "kiosk.sqlite"))))
    card = PresentedCard("04B7C8D9E0F1A2")
    assert operators.sign_in_with_card(services.conn, services.clock, card).name == "李社工"
    services.conn.close()
    removed = admin(tmp_path, "operator-card", "04B7C8D9E0F1A2", "--remove")
    assert removed.returncode == 0 and "no longer" in removed.stdout
    services = build(replace(config, database=replace(
        config.database, path=str(tmp_path / "kiosk.sqlite"))))
    with pytest.raises(operators.NotAnOperatorCard):
        operators.sign_in_with_card(services.conn, services.clock, card)
    services.conn.close()
