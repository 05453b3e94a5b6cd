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
