"""The console in a real browser (Debian's chromium through Playwright) against a real
district on 127.0.0.1: sign in, import a volunteer list with bad rows and read the preview,
credit a batch of service records, block a card and see a real kiosk refuse it after one
sync, export a report and open the .xlsx, each role turned away from the others' pages, and
a form without its CSRF token refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from district.store import Store
from kiosk.core.errors import CardBlocked
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from tests.conftest import ManualClock
from tests.console.browser import browser, sign_in  # noqa: F401 (the session's browser)
from tests.console.files import SERVICE_HEADERS, VOLUNTEER_HEADERS, xlsx
from tests.console.test_imports import ROWS
from tests.console.world import ConsoleServer, password, seed_console
from tests.live_district import make_kiosk

pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path: Path) -> Iterator[ConsoleServer]:
    with Store(tmp_path / "district.sqlite") as store:
        server = ConsoleServer(store, seed_console(store)).start()
        yield server
        server.stop()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 768},
                                  accept_downloads=True)
    opened = context.new_page()
    yield opened
    context.close()


def test_a_volunteer_list_is_previewed_then_imported(site: ConsoleServer, page: Any,
                                                     tmp_path: Path) -> None:
    sign_in(page, site.url, "sw-qintai", password("sw-qintai"))
    assert page.url.endswith("/console/")
    page.click("text=导入志愿者名单")
    upload = tmp_path / "志愿者名单.xlsx"
    upload.write_bytes(xlsx(VOLUNTEER_HEADERS, ROWS))
    page.set_input_files("input[type=file]", str(upload))
    page.click("text=预览")
    page.wait_for_selector("text=确认：写入 3 位志愿者")
    summary = page.inner_text("section.card")
    assert "新增 2" in summary and "修改 1" in summary and "拒绝 6" in summary
    refused = page.locator("tr.act-refuse").all_inner_texts()
    assert len(refused) == 6
    assert any("不是您负责的社区" in r for r in refused)      # reasons in the page's language
    assert any("未知社区“南湖社区”" in r for r in refused)
    assert site.store.query("SELECT COUNT(*) FROM volunteers WHERE id = 'V1001'")[0][0] == 0
    page.click("text=确认：写入 3 位志愿者")
    page.wait_for_selector("text=已导入。")
    # Found again by the masked name typed in full, through the live (HTMX) search.
    page.goto(site.url + "/console/volunteers")
    page.fill("input[name=q]", "张小华")
    page.wait_for_selector("#results a:has-text('V1001')")
    assert "V0003" not in page.inner_text("#results")


def test_a_batch_of_service_records_is_credited(site: ConsoleServer, page: Any,
                                                tmp_path: Path) -> None:
    sign_in(page, site.url, "admin", password("admin"))
    page.goto(site.url + "/console/credits")
    upload = tmp_path / "服务记录.xlsx"
    upload.write_bytes(xlsx(SERVICE_HEADERS, [
        ("V0001", "H-1", "2026-11-02", 1.5, ""), ("V0002", "H-1", "2026-11-02", 3, ""),
        ("V0002", "H-1", "2026-11-02", 3, ""), ("V0404", "H-2", "2026-11-03", 1, "")]))
    page.set_input_files("input[type=file]", str(upload))
    page.click("button:has-text('预览')")
    button = page.locator("button:has-text('确认：将 2 条记录作为一个批次入账')")
    assert "35" in page.inner_text("section.card")           # 15 + 20 points
    button.click()
    page.wait_for_selector("h1:has-text('积分发放批次')")
    assert page.locator("table tbody tr").count() == 2
    page.goto(site.url + "/console/volunteers/V0001")
    assert "815" in page.inner_text(".tiles")                 # 800 + 15
    assert site.store.verify() == []


def test_a_card_blocked_here_is_refused_by_a_kiosk_after_one_sync(
        site: ConsoleServer, page: Any, tmp_path: Path) -> None:
    clock = ManualClock()
    kiosk = make_kiosk(tmp_path, "k-qintai", site.store, site.url, clock)
    try:
        assert kiosk.daemon.run_once() is not None
        card = PresentedCard("04A1B2C3D4E5F6")
        kiosk.services.checkout.checkout(uuid7(), card, [CartLine("soap", 1)])   # works
        sign_in(page, site.url, "sw-qintai", password("sw-qintai"))
        page.goto(site.url + "/console/volunteers/V0001")
        page.on("dialog", lambda dialog: dialog.accept())
        page.click("#card-04A1B2C3D4E5F6 button:has-text('停用')")
        page.wait_for_selector("#card-04A1B2C3D4E5F6 .badge.bad")
        assert kiosk.daemon.run_once() is not None
        with pytest.raises(CardBlocked):
            kiosk.services.checkout.checkout(uuid7(), card, [CartLine("soap", 1)])
        # The sale before the block reached the district: the card shows where it was used.
        page.reload()
        assert "k-qintai" in page.inner_text("#card-04A1B2C3D4E5F6")
    finally:
        kiosk.close()


def test_a_report_exports_to_xlsx(site: ConsoleServer, page: Any, tmp_path: Path) -> None:
    sign_in(page, site.url, "admin", password("admin"))
    page.goto(site.url + "/console/reports?by=week")
    page.wait_for_selector("#donors .chart canvas")    # the per-donor part, fetched after
    assert page.locator(".chart canvas").count() == 5        # ECharts drew every chart
    with page.expect_download() as download:
        page.click("a[href*='/export/report_community.xlsx']")
    assert download.value.suggested_filename.startswith("report_community-")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("社区", "获得积分", "兑换积分")
    assert {r[0] for r in rows[1:]} >= {"琴台社区", "月湖社区"}


def test_each_role_is_turned_away_from_the_others_pages(site: ConsoleServer,
                                                        browser: Any) -> None:  # noqa: F811
    for account, refused, allowed in (
            ("green", ["/console/volunteers", "/console/settings", "/console/donors"],
             "/console/partner"),
            ("sw-yuehu", ["/console/settings", "/console/accounts", "/console/partner",
                          "/console/volunteers/V0001"], "/console/volunteers/V0003"),
            ("admin", ["/console/partner"], "/console/audit")):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, site.url, account, password(account))
        for path in refused:
            answer = page.goto(site.url + path)
            assert answer is not None and answer.status in (403, 404), (account, path)
            assert "无权" in page.inner_text("h1") or "未找到" in page.inner_text("h1")
        answer = page.goto(site.url + allowed)
        assert answer is not None and answer.status == 200, (account, allowed)
        context.close()


@pytest.mark.expect_log(r"refused without a valid CSRF token")
def test_a_form_without_its_csrf_token_is_refused(site: ConsoleServer, page: Any) -> None:
    sign_in(page, site.url, "admin", password("admin"))
    page.goto(site.url + "/console/volunteers/V0002")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    page.fill("input[name=points]", "500")
    page.fill("input[name=reason]", "a forged credit")
    page.click("button:has-text('发放')")
    assert "表单已过期" in page.inner_text("h1")
    status = page.evaluate("""async () => (await fetch('/console/cards/04B7C8D9E0F1A2/block',
        {method: 'POST'})).status""")
    assert status == 403
    assert site.store.query("SELECT COUNT(*) FROM console_credits")[0][0] == 0
    assert site.store.query("SELECT status FROM cards WHERE card_id = '04B7C8D9E0F1A2'"
                            )[0][0] == "active"
