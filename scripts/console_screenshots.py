"""Screenshots of every console page, in Chinese and English, at an office PC's 1366x768 and a
phone's 390x844, into docs/screenshots/console/ (Debian's chromium through Playwright).

    .venv/bin/python scripts/console_screenshots.py [--out docs/screenshots/console]

The district behind them is the tests' (tests/console/world.py) with a little life: a
volunteer list and a batch of service records imported through the console, and two real
kiosks that sold, restocked from donors and synced.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from district.store import Store  # noqa: E402
from kiosk.core import stock  # noqa: E402
from kiosk.core.ids import uuid7  # noqa: E402
from kiosk.core.models import CartLine, PresentedCard  # noqa: E402
from tests.conftest import ManualClock  # noqa: E402
from tests.console.browser import ARGS, CHROMIUM, sign_in  # noqa: E402
from tests.console.files import SERVICE_HEADERS, VOLUNTEER_HEADERS, xlsx  # noqa: E402
from tests.console.test_imports import ROWS  # noqa: E402
from tests.console.world import ConsoleServer, password, seed_console  # noqa: E402
from tests.live_district import make_kiosk  # noqa: E402

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}


def life(site: ConsoleServer, work: Path) -> None:
    """Two kiosks that sold and restocked, then synced with the district."""
    clock = ManualClock()
    zhang, li = "04A1B2C3D4E5F6", "04B7C8D9E0F1A2"      # 800 and 120 points
    for kiosk_id, buyers in (("k-qintai", ((zhang, ("soap", "detergent", "toothbrush")),
                                           (li, ("soap", "toothbrush")))),
                             ("k-yuehu", ((zhang, ("soap", "toothpaste")),))):
        kiosk = make_kiosk(work, kiosk_id, site.store, site.url, clock)
        kiosk.daemon.run_once()
        stock.restock(kiosk.conn, kiosk.services.clock, [stock.Restock("detergent", 40),
                                                          stock.Restock("soap", 30)],
                      donor_id="green-home")
        for card, items in buyers:
            for item in items:
                kiosk.services.checkout.checkout(uuid7(), PresentedCard(card),
                                                 [CartLine(item, 1)])
        kiosk.daemon.run_once()
        kiosk.close()


def shoot(page: Any, path: Path) -> None:
    """A palette PNG: the pages are flat colours and text, a quarter of the bytes."""
    image = Image.open(io.BytesIO(page.screenshot()))
    image.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).save(path,
                                                                              optimize=True)


def prepare(page: Any, base: str, work: Path) -> dict[str, str]:
    """Imports through the console (the previews to show), as the admin; returns the URLs."""
    sign_in(page, base, "admin", password("admin"))
    lists = work / "volunteers.xlsx"
    lists.write_bytes(xlsx(VOLUNTEER_HEADERS, ROWS))
    page.goto(base + "/console/volunteers-import")
    page.set_input_files("input[type=file]", str(lists))
    page.click("button.primary")
    volunteer_preview = page.url
    records = work / "records.xlsx"
    records.write_bytes(xlsx(SERVICE_HEADERS, [
        ("V0001", "H-1", "2026-11-02", 1.5, ""), ("V0002", "H-1", "2026-11-02", 3, ""),
        ("V0003", "H-2", "2026-11-03", 2, ""), ("V0002", "H-1", "2026-11-02", 3, ""),
        ("V0404", "H-2", "2026-11-03", 1, ""), ("V0001", "H-3", "2026-11-04", 0, "")]))
    later = work / "records-2.xlsx"     # previewed, never confirmed
    later.write_bytes(xlsx(SERVICE_HEADERS, [
        ("V0001", "H-7", "2026-11-20", 2.5, ""), ("V0002", "H-7", "2026-11-20", 1, ""),
        ("V0003", "H-8", "2026-11-21", 2, "training"), ("V0002", "H-1", "2026-11-02", 3, ""),
        ("V0404", "H-8", "2026-11-21", 1, ""), ("V0001", "H-9", "2099-01-01", 1, "")]))
    page.goto(base + "/console/credits")
    page.set_input_files("input[type=file]", str(later))
    page.click("button.primary")
    service_preview = page.url
    page.goto(base + "/console/credits")
    page.set_input_files("input[type=file]", str(records))
    page.click("button.primary")
    page.click("button.primary")
    batch = page.url
    page.goto(base + "/console/volunteers/V0001")
    page.click("text=发放二维码卡")
    return {"volunteer_preview": volunteer_preview, "service_preview": service_preview,
            "batch": batch}


PAGES = [("overview", "/console/"), ("volunteers", "/console/volunteers"),
         ("volunteer", "/console/volunteers/V0001"),
         ("volunteer-import-preview", "{volunteer_preview}"), ("points", "/console/credits"),
         ("service-import-preview", "{service_preview}"), ("credit-batch", "{batch}"),
         ("cards", "/console/cards"), ("catalogue", "/console/catalogue"),
         ("item", "/console/catalogue/detergent"), ("donors", "/console/donors"),
         ("donor-report", "/console/donors/green-home"), ("kiosks", "/console/kiosks"),
         ("conflicts", "/console/conflicts"), ("reports", "/console/reports"),
         ("settings", "/console/settings"), ("accounts", "/console/accounts"),
         ("audit", "/console/audit")]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(ROOT / "docs/screenshots/console"))
    args = p.parse_args(argv)
    out = Path(args.out)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "district.sqlite") as store:
        work = Path(tmp)
        site = ConsoleServer(store, seed_console(store)).start()
        try:
            life(site, work)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                setup = browser.new_page(viewport={"width": 1366, "height": 768})
                urls = prepare(setup, site.url, work)
                setup.close()
                for lang in ("zh", "en"):
                    for size, (width, height) in SIZES.items():
                        folder = out / lang / size
                        folder.mkdir(parents=True, exist_ok=True)
                        context = browser.new_context(viewport={"width": width,
                                                                "height": height})
                        page = context.new_page()
                        page.goto(site.url + f"/console/lang/{lang}")
                        shoot(page, folder / "00-login.png")
                        sign_in(page, site.url, "admin", password("admin"))
                        for n, (name, path) in enumerate(PAGES, start=1):
                            url = path.format(**urls)
                            page.goto(url if url.startswith("http") else site.url + url)
                            page.wait_for_load_state("networkidle")
                            shoot(page, folder / f"{n:02d}-{name}.png")
                        context.close()
                        partner = browser.new_context(viewport={"width": width,
                                                                "height": height})
                        page = partner.new_page()
                        page.goto(site.url + f"/console/lang/{lang}")
                        sign_in(page, site.url, "green", password("green"))
                        shoot(page, folder / f"{len(PAGES) + 1:02d}-partner.png")
                        partner.close()
                browser.close()
        finally:
            site.stop()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
