"""`make demo`: the touchscreen with the demo shop and simulated devices.

With a display it opens the kiosk with the demo panel. With none (a server, CI) it starts a
virtual X server (Xvfb), runs a scripted visit through the real screens, database and
simulated devices, and writes a screenshot of every step plus the printed receipts into a
folder it names. ``--docs`` renders every screen in both languages at the documented panel
sizes for docs/screenshots/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from kiosk import demo
from kiosk.app import build_kiosk
from kiosk.app import main as app_main
from kiosk.config import Config, DatabaseSection, UiSection
from kiosk.core.session_flow import (
    Add,
    Back,
    Confirm,
    Event,
    Finish,
    KeepVisit,
    Pay,
    ShowCart,
    ShowCatalogue,
    ShowRecords,
    Tick,
)
from kiosk.hardware.simulated import SimulatedCardReader, TextFilePrinter
from kiosk.services import build
from kiosk.ui.demo_panel import DEMO_QR_SETTINGS, DemoQr
from kiosk.ui.keyboard import enable_input_method
from points_protocol.catalogue import Category

ROOT = Path(__file__).resolve().parent.parent.parent
SIZES = ((1920, 1080), (1080, 1920), (1280, 800))


class SteppingClock:
    """Wall-clock time that a script may move forward (to show the inactivity countdown)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@contextmanager
def virtual_display(width: int = 1920, height: int = 1080) -> Iterator[str | None]:
    """Start Xvfb on a free display; yields its name, or None when Xvfb is not installed."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield None
        return
    read_fd, write_fd = os.pipe()
    command = [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24",
               "-nolisten", "tcp"]
    proc = subprocess.Popen(command, pass_fds=(write_fd,),  # noqa: S603 - fixed arguments
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes it once it accepts clients
    if not number:
        proc.wait(timeout=10)
        raise RuntimeError("Xvfb did not start")
    try:
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Script:
    """Drives one kiosk through a visit and saves a picture after each step."""

    def __init__(self, out: Path, size: tuple[int, int], language: str,
                 database: Path, grab_screen: bool, *, diagonal: float | None = None,
                 large_text: bool = False) -> None:
        enable_input_method()
        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.out = out
        self.grab_screen = grab_screen
        self.clock = SteppingClock()
        ui = UiSection(language=language, large_text=large_text,
                       panel_diagonal_inches=diagonal or UiSection().panel_diagonal_inches)
        config = replace(Config(), base_dir=ROOT,
                         database=DatabaseSection(path=str(database)), ui=ui,
                         qr=DEMO_QR_SETTINGS,
                         voice=replace(Config().voice, cache_dir=str(database.parent / "voice")))
        self.services = build(config, self.clock, create=True)
        demo.seed(self.services)
        self.reader = SimulatedCardReader("demo reader")
        self.printer = TextFilePrinter(out / "receipts.txt")
        self.kiosk = build_kiosk(self.services, self.printer, [self.reader], size=size)
        self.qr = DemoQr(self.clock)
        self.controller = self.kiosk.controller
        self.window = self.kiosk.window
        assert self.window is not None
        self.kiosk.start_devices()
        self.window.show_kiosk(fullscreen=grab_screen, hide_cursor=False)
        self.step = 0

    def settle(self, until: Callable[[], bool] | None = None) -> None:
        """Process events until ``until()`` holds (and the worker is idle), then a moment."""
        end = time.monotonic() + 20
        while time.monotonic() < end:
            self.app.processEvents()
            if self.kiosk.worker.pending == 0 and (until is None or until()):
                break
            time.sleep(0.01)
        for _ in range(10):
            self.app.processEvents()
            time.sleep(0.005)

    def shot(self, name: str) -> Path:
        self.settle()
        self.step += 1
        path = self.out / f"{self.step:02d}-{name}.png"
        screen = QGuiApplication.primaryScreen()
        if self.grab_screen and screen is not None:
            screen.grabWindow(0).save(str(path))  # what the X server shows: proves full screen
        else:
            assert self.window is not None
            self.window.grab().save(str(path))
        return path

    def send(self, *events: Event) -> None:
        for event in events:
            self.controller.send(event)
        self.settle()

    def screen_is(self, name: str) -> Callable[[], bool]:
        return lambda: str(self.controller.state.screen) == name

    def visit(self) -> list[Path]:
        """The whole tour: idle, refusals, a purchase, limits, records, the countdown."""
        shots = [self.shot("idle")]
        self.refusals(shots)
        self.purchase(shots)
        self.second_visitor(shots)
        self.records_and_countdown(shots)
        self.language_and_text_shots(shots)
        self.next_in_line(shots)
        return shots

    def refusals(self, shots: list[Path]) -> None:
        self.reader.present("DEADBEEF")
        self.settle(self.screen_is("refused"))
        shots.append(self.shot("unknown-card"))
        self.send(Finish())
        self.reader.remove()
        self.qr.show(self.reader, self.qr.forged())
        self.settle(self.screen_is("refused"))
        shots.append(self.shot("forged-qr"))
        self.send(Finish())

    def purchase(self, shots: list[Path]) -> None:
        self.reader.present("04A1B2C3D4E5F6")
        self.settle(self.screen_is("balance"))
        shots.append(self.shot("balance"))
        self.send(ShowCatalogue(Category.HEALTH))
        shots.append(self.shot("catalogue"))
        self.send(Add("soap"), Add("soap"), Add("soap"))
        shots.append(self.shot("catalogue-limit"))
        # Never synced, the demo kiosk is offline: 300 points per person per day at most.
        self.send(ShowCatalogue(Category.DAILY_LIFE), Add("detergent"))
        shots.append(self.shot("catalogue-daily-life"))
        self.send(ShowCatalogue(Category.SERVICES))
        shots.append(self.shot("catalogue-services"))
        self.qr.show(self.reader, "Doc-0001")   # a document's barcode in front of the scanner
        self.settle(lambda: self.controller.state.notice is not None)
        shots.append(self.shot("stray-code"))
        self.reader.remove()
        self.reader.present("04B7C8D9E0F1A2")   # someone else's card, mid-visit
        self.settle(lambda: self.controller.state.other_card is not None)
        shots.append(self.shot("another-card"))
        self.send(KeepVisit())
        self.send(ShowCart())
        shots.append(self.shot("cart"))
        self.send(Confirm())
        shots.append(self.shot("confirm"))
        self.controller.send(Pay())
        shots.append(self.shot("done"))
        self.send(Finish())

    def second_visitor(self, shots: list[Path]) -> None:
        self.reader.remove()
        self.reader.present("04B7C8D9E0F1A2")
        self.settle(self.screen_is("balance"))
        self.send(ShowCatalogue(Category.GROWTH_EDUCATION), Add("schoolbag"))
        shots.append(self.shot("not-enough-points"))
        self.send(ShowCatalogue(Category.DONATE))
        shots.append(self.shot("donate"))
        self.send(Add("donate-10"), ShowCart(), Confirm())
        self.printer.fail_with = "demo: paper out"
        self.controller.send(Pay())
        shots.append(self.shot("done-printer-problem"))
        self.send(Finish())
        shots.append(self.shot("idle-printer-out"))
        self.reader.remove()
        self.reader.present("04B7C8D9E0F1A2")
        self.settle(self.screen_is("balance"))
        self.send(ShowRecords())
        self.settle(lambda: self.controller.state.records is not None)
        shots.append(self.shot("records-unprinted"))
        self.printer.fail_with = None
        self.send(Back(), Back())   # she leaves

    def records_and_countdown(self, shots: list[Path]) -> None:
        self.reader.remove()
        self.reader.present("04A1B2C3D4E5F6")
        self.settle(self.screen_is("balance"))
        self.send(ShowRecords())
        self.settle(lambda: self.controller.state.records is not None)
        shots.append(self.shot("records"))
        self.send(Back(), ShowCatalogue(Category.HEALTH), Add("toothbrush"))
        self.clock.advance(self.services.config.ui.inactivity_seconds + 1)
        self.send(Tick())
        self.clock.advance(4)
        self.send(Tick())
        shots.append(self.shot("still-there"))
        self.clock.advance(self.services.config.ui.countdown_seconds)
        self.send(Tick())
        shots.append(self.shot("back-to-idle"))

    def language_and_text_shots(self, shots: list[Path]) -> None:
        self.reader.remove()
        self.reader.present("04A1B2C3D4E5F6")
        self.settle(self.screen_is("balance"))
        assert self.window is not None
        self.window.toggle_reading()   # the volunteer's speaker button: read aloud, this visit
        self.window.toggle_large_text()
        shots.append(self.shot("balance-large-text"))
        self.send(ShowCatalogue(Category.HEALTH))
        shots.append(self.shot("catalogue-large-text"))
        self.window.toggle_large_text()
        self.window.toggle_reading()

    def next_in_line(self, shots: list[Path]) -> None:
        """The next person taps their card while the success screen shows: it stays its
        time, and says the next visit waits for a tap on 下一位."""
        self.send(Back(), Back())   # 张*华 leaves the shelves, then the kiosk
        self.reader.remove()
        self.reader.present("04B7C8D9E0F1A2")
        self.settle(self.screen_is("balance"))
        self.send(ShowCatalogue(Category.HEALTH), Add("soap"), ShowCart(), Confirm())
        self.controller.send(Pay())
        self.settle(self.screen_is("done"))
        self.reader.remove()
        self.reader.present("04A1B2C3D4E5F6")
        self.settle(lambda: self.controller.state.next_card is not None)
        shots.append(self.shot("done-next-card"))
        self.send(Finish())
        self.settle(self.screen_is("balance"))
        self.send(Back())

    def close(self) -> None:
        self.kiosk.stop()
        assert self.window is not None
        self.window.close()
        self.services.conn.close()


def scripted_visit(out: Path, size: tuple[int, int], language: str, database: Path,
                   *, grab_screen: bool = False) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    script = Script(out, size, language, database, grab_screen)
    try:
        return script.visit()
    finally:
        script.close()


def shrink(png: Path) -> None:
    """128 colours are plenty for flat screens and emoji; a third of the bytes in git."""
    from PIL import Image  # noqa: PLC0415 - docs only; Pillow is a dev dependency

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                                              dither=Image.Dither.NONE)
    small.save(png, optimize=True)


def docs_screenshots(folder: Path) -> None:
    """Every screen, both languages, each documented panel size, each on a fresh shop."""
    for width, height in SIZES:
        for language in ("zh_CN", "en"):
            out = folder / f"{width}x{height}" / language
            if out.exists():
                shutil.rmtree(out)
            database = out / "shop.sqlite"
            scripted_visit(out, (width, height), language, database)
            for extra in out.glob("shop.sqlite*"):
                extra.unlink()
            shutil.rmtree(out / "voice", ignore_errors=True)   # the rendered prompts
            for png in out.glob("*.png"):
                shrink(png)
            (out / "receipts.txt").unlink(missing_ok=True)
            print(out.relative_to(ROOT) if out.is_relative_to(ROOT) else out)


def headless_demo(database: Path, out_root: Path) -> int:
    out = out_root / datetime.now().strftime("%Y%m%d-%H%M%S")
    with virtual_display() as display:
        if display is None:
            print("Xvfb is not installed (scripts/system-deps.sh installs it); drawing "
                  "off-screen instead", file=sys.stderr)
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        else:
            os.environ["DISPLAY"] = display
            os.environ["QT_QPA_PLATFORM"] = "xcb"
        shots = scripted_visit(out, (1920, 1080), "zh_CN", database,
                               grab_screen=display is not None)
    print(f"Scripted visit to the demo shop (database {database}):")
    for path in shots:
        print(f"  {path}")
    print(f"Receipts as printed: {out / 'receipts.txt'}")
    print(f"Screenshots and receipts are in {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk-demo", description=__doc__)
    p.add_argument("--database", default=str(ROOT / "var" / "demo.sqlite"))
    p.add_argument("--out", default=str(ROOT / "var" / "demo-run"),
                   help="headless: screenshots go into a new folder under this one")
    p.add_argument("--docs", metavar="FOLDER", help="render the docs screenshots and exit")
    p.add_argument("--headless", action="store_true", help="script it even with a display")
    args = p.parse_args(argv)
    if args.docs:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        docs_screenshots(Path(args.docs).resolve())
        return 0
    if os.environ.get("DISPLAY") and not args.headless:
        return app_main(["--config", str(ROOT / "config.toml"), "--demo", "--windowed"])
    return headless_demo(Path(args.database), Path(args.out))


if __name__ == "__main__":
    sys.exit(main())
