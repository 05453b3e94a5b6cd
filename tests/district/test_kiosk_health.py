"""The district's idea of a silent kiosk follows the kiosk's own sync settings (kept apart so
the district imports nothing of the kiosk)."""

from __future__ import annotations

from district.kiosk_health import DEFAULT_SILENT_AFTER
from kiosk.config import SyncSection


def test_silent_after_is_the_longest_wait_of_a_kiosk_in_backoff() -> None:
    sync = SyncSection()
    assert max(3 * (sync.interval_seconds + sync.jitter_seconds),
                                       sync.backoff_cap_seconds) == DEFAULT_SILENT_AFTER
