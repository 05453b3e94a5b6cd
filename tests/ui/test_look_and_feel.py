"""Look and feel that a volunteer depends on: Chinese first with English on every screen,
large text, touch targets of ~15 mm, screens that fit the documented panels, full screen under
a bare window system, a Chinese font, and translations that are complete and compiled."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QPushButton, QWidget

from kiosk.core.session_flow import Add, Confirm, Screen, ShowCart, ShowCatalogue
from kiosk.services import Services
from kiosk.ui.demo_panel import DemoQr
from kiosk.ui.fonts import chinese_font_family
from kiosk.ui.screens.balance import BalanceScreen
from kiosk.ui.screens.catalogue import CatalogueScreen
from kiosk.ui.screens.confirm import ConfirmScreen
from kiosk.ui.screens.done import DoneScreen
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.theme import MIN_TOUCH_MM, MIN_TOUCH_PX
from points_protocol.catalogue import Category
from tests.hardware.tcp_printer import PAPER_OUT
from tests.ui.conftest import LI, WAIT_MS, ZHANG, Touchscreen

ROOT = Path(__file__).resolve().parent.parent.parent
I18N = ROOT / "assets" / "i18n"
BIN = Path(sys.executable).parent
SIZES = [(1920, 1080), (1080, 1920), (1280, 800)]


def go(t: Touchscreen, screen: Screen) -> None:
    c = t.kiosk.controller
    if screen == Screen.CART:
        c.send(ShowCart())
    elif screen == Screen.CONFIRM:
        c.send(ShowCart())
        c.send(Confirm())
    t.wait_for(screen)


def buttons_on(t: Touchscreen) -> list[QPushButton]:
    page = t.window.stack.currentWidget()
    assert page is not None
    found = [*page.findChildren(QPushButton), *t.window.top.findChildren(QPushButton)]
    return [b for b in found if b.isVisible()]


def test_chinese_first_and_english_on_every_screen(touch: Touchscreen) -> None:
    toggle = touch.window.top.language
    assert toggle.text() == "English"
    touch.tap(ZHANG)
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    assert balance.shop.text() == "开始兑换"
    touch.click(toggle)
    assert balance.shop.text() == "Start shopping" and toggle.text() == "中文"
    assert touch.window.top.large.text() == "Larger text"
    for screen in (Screen.CATALOGUE, Screen.CART, Screen.CONFIRM):
        if screen == Screen.CATALOGUE:
            touch.kiosk.controller.send(ShowCatalogue(Category.HEALTH))
            touch.kiosk.controller.send(Add("soap"))
        go(touch, screen)
        texts = [b.text() for b in buttons_on(touch)]
        assert "中文" in texts  # the toggle is on every screen
        chinese = [text for text in texts if text != "中文"
                   and any("\u4e00" <= ch <= "\u9fff" for ch in text)]
        assert not chinese, f"{screen}: still in Chinese: {chinese}"
    touch.click(touch.window.top.language)
    assert touch.window.top.language.text() == "English"
    # numbers follow the language's locale
    assert touch.kiosk.language.number(12345) == "12,345"


def test_the_next_visitor_starts_in_chinese(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    touch.click(touch.window.top.language)
    touch.click(touch.window.top.large)
    assert touch.window.large_text
    balance = touch.page(Screen.BALANCE)
    assert isinstance(balance, BalanceScreen)
    touch.click(balance.leave)
    touch.wait_for(Screen.IDLE)
    assert touch.kiosk.language.code == "zh_CN" and not touch.window.large_text
    assert touch.window.top.language.text() == "English"


def test_large_text_toggle_keeps_the_session(touch: Touchscreen) -> None:
    touch.tap(ZHANG)
    touch.kiosk.controller.send(ShowCatalogue(Category.HEALTH))
    touch.kiosk.controller.send(Add("soap"))
    touch.wait_for(Screen.CATALOGUE)
    before = touch.window.ctx.metrics.unit
    touch.click(touch.window.top.large)
    touch.wait_for(Screen.CATALOGUE)
    assert touch.window.ctx.metrics.unit > before
    assert touch.window.top.large.isChecked()
    assert touch.kiosk.controller.state.cart.quantity_of("soap") == 1
    shelf = touch.page(Screen.CATALOGUE)
    assert isinstance(shelf, CatalogueScreen)
    assert shelf.tiles["soap"].name.fontInfo().pixelSize() >= touch.window.ctx.metrics.unit


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("english_large", [False, True], ids=["zh", "en-large-text"])
def test_touch_targets_and_screens_fit(touchscreen_factory: Callable[..., Touchscreen],
                                       size: tuple[int, int], english_large: bool) -> None:
    t = touchscreen_factory(size=size)
    # ~15 mm on the glass of the configured panel, and never under MIIT's 60 px.
    dpi = t.window.ctx.metrics.dpi
    minimum = max(MIN_TOUCH_PX, round(MIN_TOUCH_MM * dpi / 25.4))
    c = t.kiosk.controller
    if english_large:
        t.click(t.window.top.language)
        t.click(t.window.top.large)

    def check(screen: Screen) -> None:
        t.wait_for(screen)
        page = t.window.pages[t.window.screens[screen]]
        bar = page.verticalScrollBar()
        # Word-wrapped text settles over a couple of layout passes; then nothing may scroll.
        try:
            t.qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5000)
        except Exception:
            raise AssertionError(f"{screen} does not fit {size}") from None
        small = [(b.text(), b.height()) for b in buttons_on(t) if b.height() < minimum]
        assert not small, f"{screen} at {size}: buttons under {minimum}px: {small}"
        cut = [b.text() for b in buttons_on(t)
               if b.fontMetrics().horizontalAdvance(b.text()) > b.contentsRect().width()]
        assert not cut, f"{screen} at {size}: button labels cut: {cut}"
        content = page.widget()
        assert content is not None and content.width() <= page.viewport().width(), \
            f"{screen} too wide"
        assert t.window.width() == size[0] and t.window.height() == size[1]

    check(Screen.IDLE)
    t.tap(ZHANG)
    check(Screen.BALANCE)
    c.send(ShowCatalogue(Category.HEALTH))
    c.send(Add("soap"))
    check(Screen.CATALOGUE)
    c.send(ShowCart())
    check(Screen.CART)
    c.send(Confirm())
    check(Screen.CONFIRM)


@pytest.mark.expect_log(r"could not print the receipt: .*: out of paper",
                        r"receipt for order \S+ not printed: .*: out of paper")
@pytest.mark.parametrize(("size", "diagonal"), [((1920, 1080), 21.5), ((1280, 800), 15.4)],
                         ids=["1920x1080", "1280x800-15in"])
def test_large_text_screens_with_notes_fit_a_landscape_panel(
        touchscreen_factory: Callable[..., Touchscreen], shop: Services,
        size: tuple[int, int], diagonal: float) -> None:
    """English with large text on a landscape panel, with the longest things these screens
    hold: a daily cap and a note of two or three lines over the shelf, a stray code on the
    confirm screen, the success screen of a receipt that did not print. Every text fits its
    widget and every button stays on the glass (the page's safety-net scroll bar never
    shows): "Back" and "Finish" were pushed below a 1280x800 15.4" panel."""
    shop.config = replace(shop.config, ui=replace(shop.config.ui,
                                                  panel_diagonal_inches=diagonal))
    t = touchscreen_factory(size=size, synced=False)   # offline: a daily cap to show
    t.paper.paper = PAPER_OUT
    c = t.kiosk.controller
    t.click(t.window.top.language)
    t.tap(ZHANG)
    t.click(t.window.top.large)
    assert t.window.large_text

    def fits(screen: Screen, *texts: QLabel) -> None:
        t.wait_for(screen)
        page = t.window.pages[t.window.screens[screen]]
        for text in texts:
            t.qtbot.waitUntil(text.isVisible, timeout=WAIT_MS)
        bar = page.verticalScrollBar()
        try:
            t.qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5000)
        except Exception:
            raise AssertionError(f"{screen} does not fit {size} with large text") from None
        widgets: list[QPushButton | QLabel] = [*buttons_on(t), *page.findChildren(QLabel)]
        for widget in widgets:
            if widget.isVisible() and not on_a_shelf(widget, page):
                assert widget.visibleRegion().boundingRect() == widget.rect(), \
                    f"{screen}: {widget.text()!r} is clipped"
        for text in texts:
            need = text.fontMetrics().boundingRect(
                text.contentsRect(), int(text.alignment()) | int(Qt.TextFlag.TextWordWrap),
                text.text())
            assert need.height() <= text.contentsRect().height() + 1, text.text()

    c.send(ShowCatalogue(Category.GROWTH_EDUCATION))
    t.wait_for(Screen.CATALOGUE)
    shelf = t.page(Screen.CATALOGUE)
    assert isinstance(shelf, CatalogueScreen)
    t.click(shelf.tiles["schoolbag"])
    t.click(shelf.tiles["schoolbag"])   # over the offline cap: a note of two lines or more
    fits(Screen.CATALOGUE, shelf.notice)
    assert "at most 40 more" in shelf.notice.text()
    t.click(shelf.to_cart)
    t.wait_for(Screen.CART)
    c.send(Confirm())
    DemoQr(t.clock).show(t.reader, "Doc-0001")   # a stray barcode in front of the scanner
    confirm = t.page(Screen.CONFIRM)
    assert isinstance(confirm, ConfirmScreen)
    fits(Screen.CONFIRM, confirm.notice)
    t.click(confirm.pay)
    done = t.page(Screen.DONE)
    assert isinstance(done, DoneScreen)
    fits(Screen.DONE, done.order, done.notice)
    DemoQr(t.clock).show(t.reader, "6901234500017")
    t.qtbot.waitUntil(lambda: "ignored" in done.back_in.text(), timeout=WAIT_MS)
    fits(Screen.DONE, done.order, done.notice, done.back_in)
    t.reader.remove()
    t.reader.present(LI)                         # the next in line: waits for "Next visit"
    t.qtbot.waitUntil(lambda: "Next card" in done.back_in.text(), timeout=WAIT_MS)
    fits(Screen.DONE, done.order, done.notice, done.back_in)


def on_a_shelf(widget: QWidget, page: QWidget) -> bool:
    """Inside a scroll area of the screen's own (the tiles of the shelf, rows of a list),
    where being partly scrolled out of view is what a shelf is for."""
    parent = widget.parentWidget()
    while parent is not None and parent is not page:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def test_full_screen_is_sized_to_the_screen(touchscreen_factory: Callable[..., Touchscreen]
                                            ) -> None:
    # Shown by show_kiosk alone, as the app does: resizing a window already on the screen is
    # what Qt's offscreen platform complains about ("does not support propagateSizeHints").
    t = touchscreen_factory(size=(1280, 800), shown=False)
    t.window.show_kiosk(fullscreen=True, hide_cursor=True)
    t.wait_for(Screen.IDLE)
    screen = QGuiApplication.primaryScreen()
    t.qtbot.waitUntil(lambda: t.window.geometry() == screen.geometry(), timeout=WAIT_MS)
    assert t.window.ctx.metrics.width == screen.size().width()
    QGuiApplication.restoreOverrideCursor()


def test_a_chinese_font_is_installed(qapp: object) -> None:
    from PySide6.QtGui import QFontDatabase

    family = chinese_font_family()
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def test_translations_are_complete_and_compiled(tmp_path: Path) -> None:
    lupdate, lrelease = BIN / "pyside6-lupdate", BIN / "pyside6-lrelease"
    if not lupdate.exists():  # pragma: no cover - PySide6-Essentials ships both
        lupdate = Path(shutil.which("pyside6-lupdate") or "pyside6-lupdate")
        lrelease = Path(shutil.which("pyside6-lrelease") or "pyside6-lrelease")
    fresh = tmp_path / "kiosk_zh_CN.ts"
    shutil.copy(I18N / "kiosk_zh_CN.ts", fresh)
    sources = sorted(str(p) for p in (ROOT / "kiosk" / "ui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh), "-no-obsolete"], check=True,
                   capture_output=True)
    messages = list(ET.parse(fresh).iter("message"))  # noqa: S314 - our own file
    assert messages
    unfinished = [m.findtext("source") for m in messages
                  if m.find("translation").get("type") == "unfinished"]  # type: ignore[union-attr]
    assert not unfinished, f"untranslated: {unfinished}"
    compiled = tmp_path / "kiosk_zh_CN.qm"
    subprocess.run([str(lrelease), str(I18N / "kiosk_zh_CN.ts"), "-qm", str(compiled)],
                   check=True, capture_output=True)
    assert compiled.read_bytes() == (I18N / "kiosk_zh_CN.qm").read_bytes(), \
        "assets/i18n/kiosk_zh_CN.qm is stale: run pyside6-lrelease"


def test_idle_screen_rotates_the_featured_goods(touch: Touchscreen) -> None:
    idle = touch.page(Screen.IDLE)
    assert isinstance(idle, IdleScreen)
    touch.qtbot.waitUntil(lambda: len(idle._entries) == 4, timeout=WAIT_MS)
    first = [e.item_id for e in idle._entries]
    assert all(e.stock for e in idle._entries)  # only goods still on the shelf
    idle.rotate()  # what its timer does every few seconds
    second = [e.item_id for e in idle._entries]
    assert second != first and not set(first) & set(second)
