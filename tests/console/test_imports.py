"""Volunteer lists and service records in: files in every encoding the platform writes, a
preview that says for every row what will happen and why, one batch, and the ledger intact."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from district.console import credit_batches
from district.console.imports import apply_volunteers, service_import, tabular
from district.console.imports import volunteer_import as vi
from district.console.rules import ActivityType, save
from district.console.scope import Principal, Role
from district.store import Store
from tests.console.files import SERVICE_HEADERS, VOLUNTEER_HEADERS, csv_text, xlsx
from tests.console.world import seed_console

ADMIN = Principal("admin", "admin", Role.ADMIN, None)
QINTAI = Principal("sw-qintai", "sw", Role.SOCIAL_WORKER, frozenset({"qintai"}))
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def store(district_location: tuple[str, str]) -> Iterator[Store]:
    location, name = district_location
    opened = Store(location, district=name)
    seed_console(opened)
    from district.console.rules import ensure_defaults
    ensure_defaults(opened.db)
    yield opened
    opened.close()


ROWS = [("V1001", "张小华", "琴台社区", "正常", ""),
        ("V1002", "刘德", "qintai", "", "04:aa:bb:cc"),
        ("V1003", "王五", "yuehu", "正常", ""),              # not sw-qintai's community
        ("V 1004", "赵六", "qintai", "", ""),                 # a space in the number
        ("V1001", "张小华", "qintai", "", ""),                # twice in the file
        ("V1005", "孙七", "南湖社区", "", ""),                # no such community
        ("V1006", "周八", "qintai", "离职", ""),              # a status nobody knows
        ("V0003", "陈秀英", "qintai", "", ""),                # V0003 is yuehu's volunteer
        ("V0002", "李明", "qintai", "停用", "04B7C8D9E0F1A2")]  # a change: blocked


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_each_encoding_reads_the_same(encoding: str) -> None:
    data = csv_text(VOLUNTEER_HEADERS, ROWS).encode(encoding)
    sheet = tabular.read(data, "list.csv")
    assert sheet.encoding == encoding
    assert [r.masked_name for r in vi.read_rows(sheet)][:3] == ["张*华", "刘*", "王*"]


def test_files_the_console_cannot_read_are_refused_with_one_line() -> None:
    for data, name, words in ((b"\xff\xfe\x00\x81" * 50, "x.csv", "neither UTF-8 nor GBK"),
                              (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "old.xls", "old .xls"),
                              (b"PK\x03\x04garbage", "x.xlsx", "cannot be read"),
                              (b"", "x.csv", "empty"),
                              ("名字,年龄\n张三,3\n".encode(), "x.csv", "lacks the column")):
        with pytest.raises(tabular.FileRefused) as refused:
            vi.read_rows(tabular.read(data, name))
        assert words in str(refused.value)


def test_a_volunteer_list_is_previewed_row_by_row_then_written(store: Store) -> None:
    rows = vi.read_rows(tabular.read(xlsx(VOLUNTEER_HEADERS, ROWS), "list.xlsx"))
    with store.db.read() as conn:
        planned = vi.plan(conn, QINTAI, rows)
    outcome = {(p.row.line, p.action): p.reason for p in planned}
    assert [p.action for p in planned] == ["add", "add", "refuse", "refuse", "refuse",
                                           "refuse", "refuse", "refuse", "change"]
    reasons = [p.reason for p in planned]
    assert "not one of yours" in reasons[2] and "space" in reasons[3]
    assert "line 2" in reasons[4] and "unknown community" in reasons[5]
    assert "status" in reasons[6] and "belongs to community yuehu" in reasons[7]
    assert "status: active → blocked" in reasons[8]
    assert outcome[(3, "add")] == ""
    counts = apply_volunteers.apply(store, QINTAI, planned, "list.xlsx")
    assert counts == {"added": 2, "changed": 1, "refused": 6, "cards": 2}
    held = dict(store.query("SELECT id, masked_name FROM volunteers WHERE id LIKE 'V100%'"))
    assert held == {"V1001": "张*华", "V1002": "刘*"}                # masked at the door
    assert store.query("SELECT volunteer_id FROM cards WHERE card_id = '04AABBCC'") == \
        [("V1002",)]
    with store.db.read() as conn:
        again = vi.plan(conn, QINTAI, rows)
    assert [p.action for p in again][:2] == ["same", "same"]


def service_rows() -> list[tuple[object, ...]]:
    return [("V0001", "A-1", "2026-11-02", 1.5, ""),            # 15 points
            ("V0001", "A-2", "2026-11-03", 5, ""),              # 2 h counted: 20 points
            ("V0001", "A-1", "2026-11-02", 1.5, ""),            # the same activity again
            ("V9999", "A-3", "2026-11-03", 1, ""),              # nobody
            ("V0002", "A-4", "2026-12-25", 1, ""),              # in the future
            ("V0002", "A-5", "2026-11-04", 0, ""),              # no hours
            ("V0002", "A-6", "2026-11-04", 2, "training"),      # earns nothing
            ("V0002", "A-7", "2026-11-05", 1, "chess"),         # no such type
            ("V0002", "A-8", "2026-11-06", 2, "cleanup"),       # 30/h: 60 of a 100 cap
            ("V0002", "A-9", "2026-11-07", 2, "cleanup"),       # capped at the 40 left
            ("V0002", "A-10", "2026-11-08", 1, "cleanup"),      # cap reached
            ("V0003", "A-1", "2026-11-02", 1, "")]              # yuehu's: admin only


def test_service_records_are_planned_capped_deduplicated_and_credited_once(
        store: Store) -> None:
    save(store.db, ActivityType("cleanup", "清扫", 30, 2.0, 100, True), "admin")
    before = dict(store.query("SELECT id, balance FROM (SELECT substr(account, 11) AS id, "
                              "SUM(balance) AS balance FROM balances WHERE account LIKE "
                              "'volunteer:%' GROUP BY account) AS b"))
    sheet = tabular.read(xlsx(SERVICE_HEADERS, service_rows()), "records.xlsx")
    rows = service_import.read_rows(sheet, TODAY)
    with store.db.read() as conn:
        planned = service_import.plan(conn, QINTAI, rows)
    assert [(p.action, p.points) for p in planned] == [
        ("credit", 15), ("credit", 20), ("skip", 0), ("refuse", 0), ("refuse", 0),
        ("refuse", 0), ("refuse", 0), ("refuse", 0), ("credit", 60), ("credit", 40),
        ("refuse", 0), ("refuse", 0)]
    reasons = [p.reason for p in planned]
    assert "counted 2 of 5 hours" in reasons[1] and "line 2" in reasons[2]
    assert "V9999" in reasons[3] and "future" in reasons[4] and "above 0" in reasons[5]
    assert "earns no points" in reasons[6] and "unknown activity type" in reasons[7]
    assert "capped" in reasons[9] and "monthly cap" in reasons[10]
    assert "not in your communities" in reasons[11]
    batch, done = credit_batches.credit_import(store.db, QINTAI, planned,
                                               file_name="records.xlsx", now=NOW)
    assert done == 4
    after = dict(store.query("SELECT substr(account, 11), SUM(balance) FROM balances WHERE "
                             "account IN ('volunteer:V0001', 'volunteer:V0002') "
                             "GROUP BY account"))
    assert after["V0001"] - before["V0001"] == 35 and after["V0002"] - before["V0002"] == 100
    assert store.query("SELECT records, points FROM console_credit_batches WHERE id = :b",
                       b=batch) == [(4, 135)]
    with store.db.read() as conn:     # the same file again: everything already there
        again = service_import.plan(conn, QINTAI, rows)
    assert [p.action for p in again if p.action != "refuse"] == ["skip"] * 5
    assert f"batch {batch}" in again[0].reason
    assert store.verify() == []


def test_a_correction_reverses_and_credits_again_never_edits(store: Store) -> None:
    rows = service_import.read_rows(tabular.read(xlsx(SERVICE_HEADERS, [
        ("V0002", "B-1", "2026-11-02", 2, "")]), "r.xlsx"), TODAY)
    with store.db.read() as conn:
        planned = service_import.plan(conn, ADMIN, rows)
    credit_batches.credit_import(store.db, ADMIN, planned, file_name="r.xlsx", now=NOW)
    balance = store.report("balances")
    start = next(r["balance"] for r in balance if r["volunteer_id"] == "V0002")
    credit_batches.correct(store.db, ADMIN, "B-1/V0002", hours=0.5, reason="left early",
                           now=NOW)
    after = next(r["balance"] for r in store.report("balances") if r["volunteer_id"] == "V0002")
    assert after == start - 20 + 5
    assert store.query("SELECT points FROM service_records WHERE record_id = 'B-1/V0002'") == \
        [(20,)]                                                   # the original untouched
    from district.admin import AdminRefused
    with pytest.raises(AdminRefused, match="already corrected"):
        credit_batches.correct(store.db, ADMIN, "B-1/V0002", hours=1, reason="again", now=NOW)
    credit_batches.manual_credit(store.db, ADMIN, "V0002", points=12, reason="stall duty",
                                 now=NOW)
    assert store.query("SELECT kind, source, points FROM console_credit_batches WHERE kind = "
                       "'manual'") == [("manual", "stall duty", 12)]
    assert store.verify() == []
