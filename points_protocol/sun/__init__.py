"""NTAG 424 DNA cards that sign each tap (SUN, "Secure Unique NFC"), shared by the kiosk and the
district: the kiosk checks a tap offline with it, the district provisions cards with it.

Self-contained: the standard library and ``cryptography`` only (no other module of
points_protocol either), so it can be read, tested and reviewed on its own.

- ``aes``: AES-128 CBC without padding, CMAC, the NXP truncated MAC.
- ``sdm``: checking a SUN message (NXP AN12196 and the NTAG 424 DNA datasheet).
- ``an10922``: per-card keys diversified from a master key (NXP AN10922).
- ``ev2``: AuthenticateEV2First and EV2 secure messaging, the reader's side.
- ``ndef``: the NDEF file with the URL the tag mirrors its SUN message into.
- ``keys``: this project's key scheme and key files (who holds which key).
"""
