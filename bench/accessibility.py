"""The MIIT guidelines for elderly users (适老化), measured on the real widget trees.

    python bench/accessibility.py [--sizes 1920x1080,1080x1920,1280x800] [--languages zh_CN,en]
                                  [--text normal,large] [--quick] [--details FILE]

Walks every volunteer screen (the scripted visit of ``make demo``) and every operator screen
(the script of the operator screenshots), in Chinese and English, at each panel size, with
normal and large text, offscreen. On each screen it looks at what a person would see
(bench/screen_measures.py):

- targets: every visible button, tile, field, drop-down and list row; the smallest side of
  any (``min_target_px``, goal >= 60) and the smallest edge-to-edge distance between two
  targets that do not contain each other (``min_gap_px`` and ``min_gap_mm``, goal >= 8 mm at
  the panel's real size);
- text: the smallest font in points at the panel's real size (``min_font_pt``, goal >= 18),
  the lowest contrast between a text's ink and its background measured on the rendered pixels
  (``min_contrast``, goal >= 4.5, disabled buttons included), texts that do not fit their
  widget or are clipped out of a screen that cannot scroll to them (``cut_text``, goal 0) and
  Chinese texts wrapped inside a word (``broken_phrases``; words as rjieba cuts them);
- voice: every step of a visit and every refusal a volunteer can meet, and whether it has a
  spoken prompt (``spoken_prompts``, ``silent_steps``, goal 0).

The panel sizes in inches are those of common kiosk panels (the kiosk itself reads its own
from ``[ui] panel_diagonal_inches``). The last line is a JSON object of the figures; the
worst offenders are printed above it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QCoreApplication, QEvent  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from bench.screen_measures import Figures, Shown, measure  # noqa: E402

# Panels of these sizes, as sold for kiosks: 21.5" full HD (landscape or portrait totem) and a
# 15.4" 1280x800 (WXGA) open-frame panel. (A 12.1" 1280x800 panel needs 31 px for 18 pt: the
# screens do not fit it with large text.)
DIAGONALS = {(1920, 1080): 21.5, (1080, 1920): 21.5, (1280, 800): 15.4}
GOAL_GAP_MM = 8.0


def dpi_of(size: tuple[int, int]) -> float:
    return math.hypot(*size) / DIAGONALS[size]


# --- driving the screens ------------------------------------------------------------------


def run_one(size: tuple[int, int], language: str, large: bool, fig: Figures) -> None:
    from kiosk.demo.docs_run import AdminScript

    dpi = dpi_of(size)

    class Walk(AdminScript):
        def shot(self, name: str) -> Path:
            self.settle()
            # Screens rebuilt for large text are deleted by the event loop, which a script
            # only pumps: let the old ones go before looking.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self.settle()
            window = self.window
            assert window is not None
            top: QWidget = window
            root: QWidget = window
            gate = self.kiosk.admin
            for layer in window.findChildren(QWidget):
                if layer.isVisible() and layer.objectName() in ("Overlay", "AdminPanel") \
                        and layer.parentWidget() is not None:
                    root = layer
            if gate is not None and gate.panel.isVisible():
                root = gate.panel
            pages = {id(p) for p in getattr(window, "pages", {}).values()}
            where = f"{size[0]}x{size[1]} {language}{' large' if large else ''} {name}"
            measure(Shown(root, top, pages, dpi, where), fig)
            self.step += 1
            return self.out / f"{self.step:02d}-{name}.png"

    with tempfile.TemporaryDirectory() as tmp:
        for part in ("visit", "admin"):
            walk = Walk(Path(tmp), size, language, Path(tmp) / f"{part}.sqlite", False,
                        **walk_options(size, large))
            try:
                if large:
                    prefer_large(walk)
                if part == "visit":
                    walk.visit()
                else:
                    walk.run()
            finally:
                walk.close()


def walk_options(size: tuple[int, int], large: bool) -> dict[str, Any]:
    """The panel's diagonal and text size, for a Script that takes them."""
    import inspect

    from kiosk.demo.run import Script

    params = inspect.signature(Script.__init__).parameters
    options: dict[str, Any] = {}
    if "diagonal" in params:
        options["diagonal"] = DIAGONALS[size]
    if "large_text" in params:
        options["large_text"] = large
    return options


def prefer_large(walk: Any) -> None:
    window = walk.window
    if not window.large_text:  # a Script that cannot start large: switch it on for good
        window.default_large = True
        window.toggle_large_text()


def voice_figures() -> tuple[int, int, list[str]]:
    try:
        from kiosk.core import voice_prompts
    except ImportError:
        from kiosk.core import errors
        from kiosk.core.session_flow import Screen

        def codes(cls: type) -> set[str]:
            out = {cls.code} if hasattr(cls, "code") else set()
            sub: type
            for sub in cls.__subclasses__():
                out |= codes(sub)
            return out
        missing = [str(s) for s in Screen] + sorted(codes(errors.UserFacingError))
        return 0, len(missing), missing
    spoken, silent = voice_prompts.coverage()
    return len(spoken), len(silent), silent


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--sizes", default="1920x1080,1080x1920,1280x800")
    p.add_argument("--languages", default="zh_CN,en")
    p.add_argument("--text", default="normal,large",
                   help="text sizes to walk: normal, large or both (to rerun only what failed)")
    p.add_argument("--quick", action="store_true", help="normal text only (--text normal)")
    p.add_argument("--details", metavar="FILE", help="write every finding to FILE")
    args = p.parse_args()
    texts = ["normal"] if args.quick else args.text.split(",")
    if not texts or set(texts) - {"normal", "large"}:
        p.error(f"--text takes normal, large or normal,large, not {args.text!r}")
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.keyboard import enable_input_method

    enable_input_method()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    fig = Figures()
    started = time.monotonic()
    for text in args.sizes.split(","):
        w, _, h = text.partition("x")
        for language in args.languages.split(","):
            for large in [text == "large" for text in texts]:
                run_one((int(w), int(h)), language, large, fig)
    spoken, silent, silent_names = voice_figures()
    if args.details:
        with open(args.details, "w", encoding="utf-8") as out:
            for kind, rows in fig.worst.items():
                for value, what in rows:
                    out.write(f"{kind}\t{value:.1f}\t{what}\n")
    for kind, rows in fig.worst.items():
        reverse = kind in ("cut", "broken")
        rows.sort(key=lambda r: r[0], reverse=reverse)
        unique = list(dict.fromkeys(f"{value:.1f}  {what}" for value, what in rows))
        print(f"-- {kind} (worst first)")
        for line in unique[:12]:
            print(f"   {line}")
    if silent_names:
        print(f"-- silent: {', '.join(silent_names)}")
    result = {
        "screens": fig.screens,
        "min_target_px": fig.min_target_px,
        "min_gap_px": round(fig.min_gap_px, 1),
        "min_gap_mm": round(fig.min_gap_mm, 1),
        "goal_gap_px": {f"{w}x{h}": round(GOAL_GAP_MM / 25.4 * dpi_of((w, h)), 1)
                        for (w, h) in DIAGONALS},
        "min_font_pt": round(fig.min_font_pt, 1),
        "min_contrast": round(fig.min_contrast, 2),
        "cut_text": fig.cut_text,
        "broken_phrases": fig.broken_phrases,
        "spoken_prompts": spoken,
        "silent_steps": silent,
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
