"""The QR card token format on its own: only QR card ids in their one form are signed, a
signed token naming anything else is unreadable, and every refusal is a TokenRefused (each of
which the kiosk turns into words a volunteer reads)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import tokens
from points_protocol import card_tokens
from points_protocol.errors import Invalid

KEY = Ed25519PrivateKey.generate()
ISSUED = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize("card_id", ["qr-0001", "04A1B2C3D4E5F6", "QR", "QR 1", "", "卡"])
def test_only_a_qr_card_id_in_its_one_form_is_signed(card_id: str) -> None:
    with pytest.raises(Invalid, match="card id"):
        card_tokens.issue(KEY, "hanyang", card_id, 1, issued_at=ISSUED)


def test_a_signed_token_for_no_qr_card_is_unreadable() -> None:
    """A district-side bug (an old signer, a hand-made token): signed, but naming a card id
    that no kiosk holds in that form."""
    payload = (bytes([1, 7]) + b"hanyang" + bytes([4]) + b"c-01"
               + card_tokens._TIMES.pack(1, int(ISSUED.timestamp()), 0))
    raw = payload + KEY.sign(card_tokens.CONTEXT + payload)
    text = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    with pytest.raises(card_tokens.TokenUnreadable):
        card_tokens.verify(text, KEY.public_key(), "hanyang", NOW)


def test_a_token_round_trips() -> None:
    text = card_tokens.issue(KEY, "hanyang", "QR5F3A9C21B7E4", 7, issued_at=ISSUED)
    card = card_tokens.verify(text, KEY.public_key(), "hanyang", NOW)
    assert (card.card_id, card.generation, card.expires_at) == ("QR5F3A9C21B7E4", 7, None)


def test_the_kiosk_has_words_for_every_refusal() -> None:
    refusals = set(card_tokens.TokenRefused.__subclasses__())
    assert refusals == set(tokens._REFUSALS) | {card_tokens.TokenExpired}


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=200).map(
    lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode())))
def test_garbage_is_only_ever_a_token_refusal(text: str) -> None:
    with pytest.raises(card_tokens.TokenRefused):
        card_tokens.verify(text, KEY.public_key(), "hanyang", NOW)
