"""AES-128 building blocks of the NTAG 424 DNA, from ``cryptography`` (no cipher of our own).

The tag uses AES in CBC mode without padding of its own (callers pad where the datasheet says
so), AES-CMAC (NIST SP 800-38B), and a MAC truncated to 8 bytes by keeping the odd-indexed
bytes: the datasheet's "even bytes in most significant order" counts bytes from the least
significant end (S14, S12, ..., S0), which are indices 1, 3, ..., 15 of the CMAC as written.
"""

from __future__ import annotations

import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.cmac import CMAC

BLOCK = 16
ZERO_IV = bytes(BLOCK)


def _check_key(key: bytes) -> None:
    if len(key) != BLOCK:
        raise ValueError(f"an AES-128 key is 16 bytes, not {len(key)}")


def cbc_encrypt(key: bytes, data: bytes, iv: bytes = ZERO_IV) -> bytes:
    _check_key(key)
    if len(data) % BLOCK:
        raise ValueError(f"CBC data must be whole 16-byte blocks, not {len(data)} bytes")
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def cbc_decrypt(key: bytes, data: bytes, iv: bytes = ZERO_IV) -> bytes:
    _check_key(key)
    if len(data) % BLOCK:
        raise ValueError(f"CBC data must be whole 16-byte blocks, not {len(data)} bytes")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def ecb_block(key: bytes, block: bytes) -> bytes:
    """One block through AES (CBC with a zero IV over a single block is the same thing)."""
    return cbc_encrypt(key, block)


def cmac(key: bytes, data: bytes) -> bytes:
    """The full 16-byte AES-CMAC."""
    _check_key(key)
    mac = CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()


def truncate(full_mac: bytes) -> bytes:
    """The 8-byte MAC the tag sends (MACt, SDMMAC): bytes 1, 3, ..., 15 of the CMAC."""
    return full_mac[1::2]


def mac_t(key: bytes, data: bytes) -> bytes:
    return truncate(cmac(key, data))


def pad_m2(data: bytes) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros, always (a full block of padding is
    added to data that is already a whole number of blocks), as the tag's CommMode.Full needs."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % BLOCK)


def unpad_m2(data: bytes) -> bytes:
    """Undo :func:`pad_m2`; raises ValueError when the padding is not there."""
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80") or len(data) - len(stripped) >= BLOCK:
        raise ValueError("no ISO/IEC 9797-1 method 2 padding at the end")
    return stripped[:-1]


def rotate_left(data: bytes) -> bytes:
    """RndA' and RndB' of the authentication: rotated left by one byte."""
    return data[1:] + data[:1]


def crc32_nk(data: bytes) -> bytes:
    """CRC32 of ChangeKey, least significant byte first: IEEE 802.3's CRC-32 without its final
    inversion (AN12196's ChangeKey example gives 789DFADC for key F3847D62...)."""
    return ((~zlib.crc32(data)) & 0xFFFFFFFF).to_bytes(4, "little")
