"""Cards that sign each tap on the real screens (offscreen): a volunteer's good tap, a replay
and a copied UID at the start screen; the operator registering one and seeing the difference
from a UID-only card; a forged card refused and kept for the district. The reader is the
simulated one (its events are what tests/hardware checks through pcscd)."""

from __future__ import annotations

import pytest

from kiosk.core import sun_taps
from kiosk.core.devices import CardPresented, CardRejected
from kiosk.core.errors import SunCheckFailed
from kiosk.core.models import SunCounter
from kiosk.core.session_flow import Finish, Screen
from kiosk.ui.admin.cards import CardsScreen
from tests.ui.conftest import WAIT_MS, ZHANG, Touchscreen
from tests.ui.test_admin_flow import choose_volunteer, open_screen, quiet, settle, sign_in_by_card


def signed_tap(touch: Touchscreen, card_id: str, counter: int) -> None:
    touch.reader.remove()
    touch.reader.inject(CardPresented(kind="nfc", card_id=card_id, source="test reader",
                                      signed=True, sun=SunCounter(1, counter)))


def make_sun(touch: Touchscreen, card_id: str = ZHANG) -> None:
    quiet(touch)
    with touch.services.conn:
        touch.services.conn.execute("UPDATE cards SET kind = 'sun' WHERE card_id = ?",
                                    (card_id,))


def back_to_idle(touch: Touchscreen) -> None:
    touch.kiosk.controller.send(Finish())
    touch.wait_for(Screen.IDLE)


@pytest.mark.expect_log(r"^card refused: card_not_genuine", r"^card refused: sun_replayed")
def test_volunteer_taps_replay_and_copy(touch: Touchscreen) -> None:
    make_sun(touch)
    signed_tap(touch, ZHANG, 3)
    touch.wait_for(Screen.BALANCE)
    back_to_idle(touch)
    signed_tap(touch, ZHANG, 3)   # the same tap again: a recording
    touch.wait_for(Screen.REFUSED)
    assert "已经用过" in touch.page(Screen.REFUSED).message.text()  # type: ignore[attr-defined]
    back_to_idle(touch)
    touch.reader.remove()
    touch.reader.present(ZHANG)   # the UID alone: a copy
    touch.wait_for(Screen.REFUSED)
    assert "防伪验证" in touch.page(Screen.REFUSED).message.text()  # type: ignore[attr-defined]
    quiet(touch)
    codes = [r["code"] for r in sun_taps.alerts(touch.services.conn)]
    assert codes == ["card_not_genuine", "sun_replayed"]


@pytest.mark.expect_log(r"^card refused: sun_check_failed .*SDMMAC does not match")
def test_a_forged_card_is_refused_and_kept_for_the_district(touch: Touchscreen) -> None:
    touch.reader.inject(CardRejected(kind="nfc", source="test reader", error=SunCheckFailed(
        card_id="04EEEEEEEEEEEE", detail="SDMMAC does not match")))
    touch.wait_for(Screen.REFUSED)
    quiet(touch)
    rows = sun_taps.alerts(touch.services.conn)
    assert [(r["card_id"], r["code"], r["source"]) for r in rows] == [
        ("04EEEEEEEEEEEE", "sun_check_failed", "test reader")]


@pytest.mark.expect_log(r"^card refused: sun_check_failed .*tag byte 00")
def test_operator_registers_a_signed_card_and_sees_the_kind(touch: Touchscreen) -> None:
    sign_in_by_card(touch)
    screen = open_screen(touch, "cards")
    assert isinstance(screen, CardsScreen)
    new_card = "04C0FFEE000001"
    choose_volunteer(touch, screen, "V0002")
    touch.click(screen.wait)
    signed_tap(touch, new_card, 7)
    touch.qtbot.waitUntil(lambda: screen.info is not None and screen.info.card_id == new_card,
                          timeout=WAIT_MS)
    settle(touch, screen)
    assert screen.info is not None and screen.info.kind == "sun"
    assert screen.register_state.text() == f"卡 {new_card} 已登记给 V0002 · 李*"
    assert "每次刷卡都签名的 NFC 卡（NTAG 424）" in screen.detail.text()
    assert sun_taps.highest(touch.services.conn, new_card) == SunCounter(1, 7)
    # A UID-only card registered the same way is shown as one, with its cap.
    choose_volunteer(touch, screen, "V0002")
    touch.click(screen.wait)
    touch.reader.remove()
    touch.reader.present("04AA11BB22CC33")
    touch.qtbot.waitUntil(lambda: screen.info is not None
                          and screen.info.card_id == "04AA11BB22CC33", timeout=WAIT_MS)
    settle(touch, screen)
    assert "仅凭卡号识别的 NFC 卡（有每日限额）" in screen.detail.text()
    # A card that fails its check is explained on the screen, not silently ignored.
    touch.reader.inject(CardRejected(kind="nfc", source="test reader", error=SunCheckFailed(
        card_id=new_card, detail="tag byte 00")))
    touch.qtbot.waitUntil(screen.notice.isVisible, timeout=WAIT_MS)
    assert "防伪验证" in screen.notice.text()
    quiet(touch)
    assert [r["code"] for r in sun_taps.alerts(touch.services.conn)] == ["sun_check_failed"]
