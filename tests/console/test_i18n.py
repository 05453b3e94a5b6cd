"""Chinese first: every text a console page shows has its Chinese, and the values shown
translated (roles, states, kinds, categories, setting descriptions) do too."""

from __future__ import annotations

from district.console import i18n
from district.console.i18n_scan import code_texts, template_texts
from district.console.messages_zh import ZH
from district.console.nav import MENU
from district.console.queries.reports import GRAINS
from district.console.routes.conflicts import ACTIONS
from district.console.routes.donors import KINDS
from district.console.scope import Role
from points_protocol.catalogue import LIMIT_PERIODS, Category, ItemKind
from points_protocol.settings import SETTINGS

SHOWN_VALUES = {
    *(r.value for r in Role), *(c.value for c in Category), *(k.value for k in ItemKind),
    *KINDS, *ACTIONS, *GRAINS, *LIMIT_PERIODS, *(s.doc for s in SETTINGS.values()),
    "active", "blocked", "locked", "disabled", "ok", "fault", "unknown",
    "add", "change", "same", "refuse", "credit", "skip", "import", "manual", "correction",
    "earned", "spent", "donated", "voided", "debt", "debt settled", "other",
    "overspend", "rejected", "reused_id", "reused_seq", "card_alert", "blocked_card",
    "blocked_volunteer", "price",
    "Wrong account name or password.",
    "This account is locked after wrong passwords; try again in {minutes} min.",
}


def test_every_text_has_its_chinese() -> None:
    texts = template_texts() | code_texts() | {label for _, label, _ in MENU} | SHOWN_VALUES
    assert len(texts) > 250
    missing = sorted(t for t in texts if t not in ZH)
    assert missing == []


def test_english_is_the_text_itself_and_values_fill_in() -> None:
    assert i18n.translate("Volunteers", "en") == "Volunteers"
    assert i18n.translate("Volunteers", "zh") == "志愿者"
    assert i18n.translate("Confirm: write {n} volunteers", "zh", n=3) == "确认：写入 3 位志愿者"


def test_every_reason_a_preview_gives_is_shown_in_chinese() -> None:
    """The reasons of the import tests' files (every kind the imports give), in Chinese."""
    from district.console.imports.reasons_zh import reason_zh
    reasons = [
        "the same volunteer and activity are on line 2", "no volunteer V9 in the register",
        "volunteer V9 is not in your communities", "already credited (batch B1-2)",
        "unknown activity type 'chess'; add it to the points rules first",
        "activity type training earns no points",
        "monthly cap of 100 points for cleanup reached in 2026-11",
        "capped at the monthly 100 points", "counted 2 of 5 hours",
        "the service date 2099-01-01 is in the future",
        "the date 'x' is not a date (YYYY-MM-DD)", "hours 'x' is not a number",
        "hours 0: must be above 0 and at most 24", "the same volunteer number is on line 2",
        "status '离职': use 正常/active or 停用/blocked", "unknown community '南湖社区'",
        "community yuehu is not one of yours",
        "this volunteer belongs to community yuehu, not one of yours",
        "card 04AA belongs to another volunteer",
        "volunteer id 'V 1004' holds a space, control or invisible character",
        "'zz' is not an NFC card UID: 4 to 10 bytes in hex digits, e.g. 04A1B2C3D4E5F6",
        "status: active → blocked; new card 04AABBCC"]
    for reason in reasons:
        shown = reason_zh(reason)
        assert shown != reason and not any(w in shown for w in ("volunteer", "is not",
                                                                 "status", "card "))
