"""Signed QR card tokens: issued, verified offline, and every kind of bad code refused by type."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import cards, tokens
from kiosk.core.devices import CardPresented, CardRejected
from kiosk.core.errors import (
    CardRevoked,
    CardTokenError,
    CardTokenExpired,
    CardTokenForged,
    CardTokenTooLong,
    CardTokenUnreadable,
    CardTokenUnsupported,
    CardTokenWrongDistrict,
    NotACardCode,
    UserFacingError,
)
from kiosk.core.models import CartLine
from kiosk.services import Services
from points_protocol import card_tokens
from points_protocol.card_tokens import VerifiedCard

DISTRICT = "hanyang"
KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key()
ISSUED = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def make(card_id: str = "QR-0001", generation: int = 1, *, key: Ed25519PrivateKey = KEY,
         district: str = DISTRICT, expires: datetime | None = None) -> str:
    return card_tokens.issue(key, district, card_id, generation, issued_at=ISSUED,
                             expires_at=expires)


def check(text: str, now: datetime = NOW, **kwargs: int) -> VerifiedCard:
    return tokens.verify(text, PUBLIC, DISTRICT, now, **kwargs)


def test_a_token_round_trips() -> None:
    expires = datetime(2028, 1, 1, tzinfo=UTC)
    card = check(make("QR-0001", 3, expires=expires))
    assert card == VerifiedCard(district_id=DISTRICT, card_id="QR-0001", generation=3,
                                issued_at=ISSUED, expires_at=expires)
    assert tokens.presented(card).generation == 3


def test_a_token_is_compact_base64url() -> None:
    text = make()
    assert len(text) < 160  # a small QR symbol that a cheap camera reads from a phone
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_scanner_whitespace_around_a_token_is_ignored() -> None:
    assert check(f"  {make()}\r\n").card_id == "QR-0001"


def test_signed_by_another_key_is_forged() -> None:
    with pytest.raises(CardTokenForged):
        check(make(key=Ed25519PrivateKey.generate()))


def test_every_changed_byte_is_caught() -> None:
    raw = bytearray(base64.urlsafe_b64decode(make() + "=="))
    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        text = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        with pytest.raises(CardTokenError):
            check(text)


def test_a_changed_card_id_or_generation_is_forged() -> None:
    raw = bytearray(base64.urlsafe_b64decode(make("QR-0001", 1) + "=="))
    at = raw.index(b"QR-0001")
    raw[at + 6] = ord("2")  # QR-0002: somebody else's card
    text = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(CardTokenForged):
        check(text)


def test_another_districts_card_is_refused() -> None:
    with pytest.raises(CardTokenWrongDistrict):
        check(make(district="wuchang"))


def test_expired_card_is_refused_with_the_day() -> None:
    expires = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)
    text = make(expires=expires)
    assert check(text, now=expires - timedelta(seconds=1)).expires_at == expires
    with pytest.raises(CardTokenExpired) as caught:
        check(text, now=expires)
    assert "2026-06-30" in caught.value.zh and "2026-06-30" in caught.value.en


def test_too_long_is_refused_before_decoding() -> None:
    with pytest.raises(CardTokenTooLong):
        check(make() + "A" * 600)
    with pytest.raises(CardTokenTooLong):
        check(make(), max_length=64)


@pytest.mark.parametrize("text", [
    "https://example.com/card?id=QR-0001", "WIFI:S:shop;T:WPA;P:secret;;", "张小华", "hello",
    "", "   ", "QR-0001 please", "www.example.com"])
def test_urls_and_plain_text_are_not_cards(text: str) -> None:
    with pytest.raises(NotACardCode):
        check(text)


def test_damaged_tokens_are_unreadable() -> None:
    text = make()
    for damaged in (text[:-3], text[:40], "AQ", text + "AAAA"):
        with pytest.raises((CardTokenUnreadable, CardTokenForged)):
            check(damaged)


def test_a_newer_format_asks_for_a_kiosk_update() -> None:
    raw = bytearray(base64.urlsafe_b64decode(make() + "=="))
    raw[0] = 2
    with pytest.raises(CardTokenUnsupported):
        check(base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode())


@pytest.mark.parametrize("text", ["DEADBEEF", "Doc-0001", "6901234500017", "ABCDEFGH",
                                  "Pen_0042", "QR-0001x"])
def test_ordinary_barcodes_are_not_cards_not_newer_cards(text: str) -> None:
    """Short product and document barcodes are valid base64url, and some decode to a first
    byte that looks like a newer version; a newer card still carries a signature."""
    with pytest.raises(NotACardCode):
        check(text)


def test_issue_refuses_what_it_cannot_encode() -> None:
    with pytest.raises(ValueError, match="generation"):
        make(generation=0)
    with pytest.raises(ValueError, match="card id"):
        make(card_id="")
    with pytest.raises(ValueError, match="card id"):
        make(card_id="x" * 65)
    with pytest.raises(ValueError, match="expire"):
        make(expires=ISSUED)


def test_every_refusal_speaks_both_languages() -> None:
    errors = [NotACardCode(), CardTokenUnreadable(), CardTokenTooLong(), CardTokenUnsupported(),
              CardTokenForged(), CardTokenWrongDistrict(), CardTokenExpired(NOW)]
    for error in errors:
        assert isinstance(error, UserFacingError)
        assert error.message("zh_CN") != error.message("en")
        assert error.zh and error.en
    assert len({type(e).code for e in errors}) == len(errors)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=700), st.binary(max_size=300).map(
    lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode())))
def test_garbage_is_only_ever_a_typed_refusal(text: str) -> None:
    with pytest.raises(CardTokenError):
        check(text)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_any_corruption_of_a_real_token_is_a_typed_refusal(position: int, value: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(make() + "=="))
    index = position % len(raw)
    if raw[index] == value:
        value ^= 0xFF
    raw[index] = value
    with pytest.raises(CardTokenError):
        check(base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode())


def test_public_key_from_base64_pem_or_file(tmp_path: Path) -> None:
    text = card_tokens.public_key_text(PUBLIC)
    assert check(make()).card_id == tokens.verify(
        make(), tokens.load_public_key(text, tmp_path), DISTRICT, NOW).card_id
    pem = PUBLIC.public_bytes(serialization.Encoding.PEM,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "district.pem").write_bytes(pem)
    (tmp_path / "district.key").write_text(text + "\n")
    for setting in ("district.pem", "district.key", str(tmp_path / "district.key")):
        key = tokens.load_public_key(setting, tmp_path)
        assert card_tokens.public_key_text(key) == text
    with pytest.raises(ValueError, match="neither"):
        tokens.load_public_key("missing.key", tmp_path)
    (tmp_path / "short.key").write_text(base64.b64encode(b"x" * 31).decode())
    with pytest.raises(ValueError, match="32 bytes"):
        tokens.load_public_key("short.key", tmp_path)


def test_private_key_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "district-private.pem"
    path.write_bytes(card_tokens.private_key_pem(KEY))
    assert check(card_tokens.issue(card_tokens.load_private_key(path), DISTRICT, "QR-9", 1,
                              issued_at=ISSUED)).card_id == "QR-9"


class FixedClock:
    def now(self) -> datetime:
        return NOW


def test_verifier_turns_text_into_card_events() -> None:
    verifier = tokens.TokenVerifier(PUBLIC, DISTRICT, FixedClock())
    assert verifier.card_event(make("QR-0001", 2), "cam") == CardPresented(
        kind="qr", card_id="QR-0001", source="cam", generation=2, signed=True)
    rejected = verifier.card_event("https://example.com", "cam")
    assert isinstance(rejected, CardRejected) and rejected.kind == "qr"
    assert isinstance(rejected.error, NotACardCode)


def test_verifier_is_off_without_a_key(tmp_path: Path) -> None:
    assert tokens.TokenVerifier.from_settings("", DISTRICT, FixedClock(), base_dir=tmp_path) \
        is None
    verifier = tokens.TokenVerifier.from_settings(
        card_tokens.public_key_text(PUBLIC), DISTRICT, FixedClock(), base_dir=tmp_path)
    assert verifier is not None and verifier.verify(make()).card_id == "QR-0001"


def test_an_old_print_is_revoked_end_to_end(shop: Services) -> None:
    """The district bumped QR-0001 to generation 2 (a lost card was replaced): the old print
    still verifies as signed, but look-up and checkout refuse it; the new print works."""
    conn = shop.conn
    cards.upsert_cards(conn, [cards.CardRecord("QR-0001", "V0001", kind="qr", generation=2)])
    verifier = tokens.TokenVerifier(PUBLIC, DISTRICT, FixedClock())
    old, new = verifier.verify(make("QR-0001", 1)), verifier.verify(make("QR-0001", 2))
    with pytest.raises(CardRevoked):
        cards.look_up(conn, tokens.presented(old))
    with pytest.raises(CardRevoked):
        shop.checkout.checkout("0190d000-0000-7000-8000-000000000001", tokens.presented(old),
                               [CartLine("soap", 1)])
    holder = cards.look_up(conn, tokens.presented(new))
    assert holder.volunteer_id == "V0001"
    receipt = shop.checkout.checkout("0190d000-0000-7000-8000-000000000002", tokens.presented(new),
                                     [CartLine("soap", 1)])
    assert receipt.balance_after == holder.balance - receipt.total
