"""Per-card keys from a master key: NXP AN10922 ("Symmetric key diversifications"), AES-128.

AN10922's AES-128 method is the CMAC of ``0x01 || M`` under the master key, where the
diversification input M is 1 to 31 bytes (typically the card's UID, an application id and a
system identifier): the CMAC's own subkey and padding steps are exactly the note's "pad to 32
bytes with 80 00.., XOR the last block with K1 or K2, CBC-encrypt, keep the last block". So
one card's key says nothing about the master or any other card's key, and the district can
compute any card's key again from its UID.
"""

from __future__ import annotations

from points_protocol.sun import aes

AES128_DIV_CONSTANT = b"\x01"
MAX_INPUT = 31


def diversify_aes128(master_key: bytes, diversification_input: bytes) -> bytes:
    if not 1 <= len(diversification_input) <= MAX_INPUT:
        raise ValueError(f"AN10922 diversification input is 1..{MAX_INPUT} bytes, not "
                         f"{len(diversification_input)}")
    return aes.cmac(master_key, AES128_DIV_CONSTANT + diversification_input)
