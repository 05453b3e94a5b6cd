"""The logfail plugin (tests/logfail.py) fails a test on a warning or error it did not expect,
from Python's logging or from Qt, and holds an expected message to its word. Each case runs in
a pytest of its own, configured as this project's (``--no-qt-log``), in a fresh process: Qt
reads QT_MESSAGE_PATTERN at its first message."""

from __future__ import annotations

from typing import Protocol

import pytest

from tests.conftest import ROOT

PLUGIN = 'pytest_plugins = ["tests.logfail"]\n'


class Run(Protocol):
    def __call__(self, source: str, plugin: bool = True) -> pytest.RunResult: ...


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
        ) -> Run:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")

    def run(source: str, plugin: bool = True) -> pytest.RunResult:
        pytester.makeconftest(PLUGIN if plugin else "")
        pytester.makepyfile(test_it=source)
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", "--no-qt-log")
    return run


def test_an_unexpected_warning_fails_the_test_that_logged_it(
        run: Run) -> None:
    result = run("""
import logging

def test_quiet():
    logging.getLogger("kiosk.x").info("fine")

def test_loud():
    logging.getLogger("kiosk.x").warning("printer on fire")
""")
    result.assert_outcomes(passed=2, errors=1)  # the test passed; its teardown failed it
    result.stdout.fnmatch_lines(["*unexpected WARNING kiosk.x: printer on fire*"])


def test_an_expected_message_must_come(run: Run) -> None:
    result = run("""
import logging
import pytest

@pytest.mark.expect_log(r"on fire")
def test_came():
    logging.getLogger("kiosk.x").error("printer on fire")

@pytest.mark.expect_log(r"on fire")
def test_never_came():
    pass

@pytest.mark.allow_log(r"on fire")
def test_allowed_need_not_come():
    pass

@pytest.mark.expect_log(r"on fire")
def test_another_message_is_still_unexpected():
    logging.getLogger("kiosk.x").error("printer on fire")
    logging.getLogger("kiosk.x").error("paper out")

def test_caplog_reads_its_own_log(caplog):
    logging.getLogger("kiosk.x").error("printer on fire")
    assert "on fire" in caplog.text
""")
    result.assert_outcomes(passed=5, errors=2)
    result.stdout.fnmatch_lines(["*expected a message matching 'on fire'; none came*",
                                 "*unexpected ERROR kiosk.x: paper out*"])


def test_a_qt_warning_fails_the_test(run: Run) -> None:
    """Through Qt's own message handler, as a platform plugin's complaint comes."""
    result = run("""
import pytest
from PySide6.QtCore import qWarning

def test_qt_complains():
    qWarning("the plugin cannot do that")

@pytest.mark.expect_log(r"cannot do that")
def test_qt_complaint_expected():
    qWarning("the plugin cannot do that")
""")
    result.assert_outcomes(passed=2, errors=1)  # the test passed; its teardown failed it
    result.stdout.fnmatch_lines(["*unexpected warning qt default: the plugin cannot do that*"])


SIZE_HINTS = """
from PySide6.QtWidgets import QWidget

def test_a_shown_window_given_a_minimum_size(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.setMinimumSize(300, 200)   # the offscreen platform cannot pass that on
"""


def test_the_offscreen_platforms_size_hints_complaint_fails_the_test(run: Run) -> None:
    """The finding that started this: Qt's "This plugin does not support
    propagateSizeHints()" came four times in a run and failed nothing. Without the plugin the
    same test still passes; with it, it fails."""
    run(SIZE_HINTS, plugin=False).assert_outcomes(passed=1)
    result = run(SIZE_HINTS)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*unexpected warning qt default: This plugin does not support propagateSizeHints()*"])


def test_a_failed_or_skipped_test_is_judged_by_that_alone(run: Run) -> None:
    """An expected message that a failing or skipped test never reached is no second error."""
    result = run("""
import logging
import pytest

@pytest.mark.expect_log(r"on fire")
def test_fails_first():
    assert False

@pytest.mark.expect_log(r"on fire")
def test_skipped():
    pytest.skip("no printer here")
""")
    result.assert_outcomes(failed=1, skipped=1)
    assert "none came" not in result.stdout.str()


def test_the_qt_messages_allowed_are_only_those_named(run: Run) -> None:
    """An allowed Qt message is allowed in its category only, not anywhere it appears."""
    result = run("""
from PySide6.QtCore import QLoggingCategory, qCWarning

def test_allowed():
    qCWarning(QLoggingCategory("qt.multimedia.symbolsresolver"),
              "Couldn't load pipewire-0.3 library")

def test_same_words_elsewhere():
    qCWarning(QLoggingCategory("kiosk.sound"), "Couldn't load pipewire-0.3 library")
""")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*unexpected warning qt kiosk.sound: Couldn't load pipewire*"])
