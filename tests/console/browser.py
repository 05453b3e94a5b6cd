"""Debian's chromium driven by Playwright (never a downloaded browser): one browser for the
browser tests (they live in one module), a fresh context (cookies) per test.

Not for the whole session: Playwright's sync API keeps an event loop running in the main
thread while it is open, and later tests that run a loop of their own (the simulator's
in-process transport) would find it there."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps trying hosts this machine cannot
# reach; --no-sandbox because the tests run as root.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def sign_in(page: Any, base: str, account: str, secret: str) -> None:
    page.goto(base + "/console/login")
    page.fill("input[name=account]", account)
    page.fill("input[name=password]", secret)
    page.click("button.primary")
    page.wait_for_load_state("networkidle")
