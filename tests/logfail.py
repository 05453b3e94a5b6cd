"""Tests as strict as the code: a test that logs a warning or an error it did not expect fails,
whether the message comes from Python's logging or from Qt itself (in the way qutebrowser's
logfail plugin does). Before this, Qt's "propagateSizeHints" complaint was printed four times
and failed nothing.

A test that provokes a message says so, and then the message must come:

    @pytest.mark.expect_log(r"printer .* not answering")

A test (or a whole module, through ``pytestmark``) that feeds made-up or hostile input, where
which refusals are logged depends on the input drawn, allows them instead:

    pytestmark = pytest.mark.allow_log(r"^refused ")

A test that asks for ``caplog`` reads its Python log itself, so its Python records are its own
business (Qt's still count).

Qt's messages are read from the test's captured stderr, not through a Python message handler:
a Python handler (pytest-qt's qt_log) needs the GIL on whatever thread Qt logs from, and Qt
Multimedia logs from its own thread while the main thread, holding the GIL, loads the on-screen
keyboard's QML: a deadlock (hence ``--no-qt-log`` in pyproject.toml, which stays). Qt writes
each message through QT_MESSAGE_PATTERN, set here before any QApplication exists, so its
warnings are told apart from anything else on stderr. With ``-s`` (no capture) only Python's
log is checked.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass

import pytest

QT_MESSAGE_PATTERN = "[qt-%{type}] %{category}: %{message}"
os.environ["QT_MESSAGE_PATTERN"] = QT_MESSAGE_PATTERN
# Qt may send its messages to journald when stderr is no terminal; the check reads stderr.
os.environ["QT_FORCE_STDERR_LOGGING"] = "1"

QT_LINE = re.compile(r"^\[qt-(warning|critical|fatal)\] ([^:]*): (.*)$", re.MULTILINE)

# Qt's messages that are expected and harmless in a test run (offscreen or Xvfb, no sound
# card, no window manager), each with why: (category, regex of the message).
QT_ALLOWED: list[tuple[str, re.Pattern[str]]] = [
    # Qt Multimedia (the on-screen keyboard's key sounds) tries PipeWire first and falls back
    # to PulseAudio (Debian libpulse0, in scripts/system-deps.sh); a machine without PipeWire
    # says so once per process.
    ("qt.multimedia.symbolsresolver", re.compile(r"^Couldn't (load|resolve) pipewire")),
    # The same loader looks for VA-API (hardware video decoding, libva), which a test machine
    # without a GPU lacks; the kiosk plays no video.
    ("qt.multimedia.symbolsresolver", re.compile(r"^Couldn't (load|resolve) va\b")),
    # No sound server on a test machine (the kiosk's session has one): Qt says so, and the
    # kiosk then stays silent, which a test that plays real sound allows (test_demo_panel).
    ("default", re.compile(r"^PulseAudioService: pa_context_connect\(\) failed$")),
    # Qt Virtual Keyboard's own QML (QtQuick/VirtualKeyboard/.../PopupList in the wheel), not
    # ours: Qt 6.11's QML engine notes the override each time the keyboard is loaded.
    ("qt.qml.propertyCache.append",
     re.compile(r"^Member contentWidth of the object PopupList_QMLTYPE_\d+ overrides")),
    # The keyboard's own Keyboard.qml binds to a text field's echoMode, which QLineEdit does
    # not offer as a bindable property; Qt says so over two lines, whichever field has focus.
    ("default", re.compile(r"^QQmlExpression: Expression qrc:/qt-project\.org/imports/QtQuick/"
                           r"VirtualKeyboard/Components/Keyboard\.qml:\d+:\d+ depends on "
                           r"non-bindable properties:$")),
    ("default", re.compile(r"^    QLineEdit::echoMode$")),
]


@dataclass(frozen=True)
class Message:
    source: str  # a Python logger's name, or "qt " and Qt's category
    level: str
    text: str

    def __str__(self) -> str:
        return f"{self.level} {self.source}: {self.text}"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[Message] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(Message(record.name, record.levelname, record.getMessage()))


_python_key = pytest.StashKey[_Collector]()
_qt_key = pytest.StashKey[list[Message]]()
_passed_key = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "expect_log(*patterns): the test provokes a warning or error matching each "
        "regex (Python logging or Qt); it fails if one never comes")
    config.addinivalue_line(
        "markers", "allow_log(*patterns): warnings or errors matching these regexes may come "
        "(fuzzers, hostile input), none is required")


def qt_messages(stderr: str) -> list[Message]:
    """Qt's warnings, criticals and fatals in captured stderr, less the allowed ones."""
    found = [Message(f"qt {m[2]}", m[1], m[3]) for m in QT_LINE.finditer(stderr)]
    return [m for m in found
            if not any(m.source == f"qt {category}" and pattern.search(m.text)
                       for category, pattern in QT_ALLOWED)]


def _patterns(item: pytest.Item, marker: str) -> list[re.Pattern[str]]:
    return [re.compile(p) for mark in item.iter_markers(marker) for p in mark.args]


def problems(item: pytest.Item, qt: list[Message], python: list[Message]) -> list[str]:
    """What makes the test fail: messages nobody expected, and expected ones that never came."""
    expected = _patterns(item, "expect_log")
    allowed = expected + _patterns(item, "allow_log")
    checked = qt + ([] if "caplog" in getattr(item, "fixturenames", ()) else python)
    lines = [f"unexpected {m}" for m in checked if not any(p.search(m.text) for p in allowed)]
    lines += [f"expected a message matching {p.pattern!r}; none came" for p in expected
              if not any(p.search(m.text) for m in qt + python)]
    return lines


@pytest.fixture(autouse=True)
def _logfail(request: pytest.FixtureRequest) -> Iterator[None]:
    collector = _Collector()
    request.node.stash[_python_key] = collector
    request.node.stash[_qt_key] = []
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if _python_key not in item.stash:
        return report
    qt = item.stash[_qt_key]
    qt.extend(qt_messages("".join(text for name, text in report.sections
                                  if name == f"Captured stderr {call.when}")))
    if call.when == "call":
        item.stash[_passed_key] = report.passed
    # A test that failed or was skipped is judged by that alone (its expected message may
    # never have had the chance to come).
    if call.when == "teardown" and report.passed and item.stash.get(_passed_key, False):
        found = problems(item, qt, item.stash[_python_key].messages)
        if found:
            report.outcome = "failed"
            report.longrepr = "logfail:\n  " + "\n  ".join(found)
    return report
