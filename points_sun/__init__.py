"""NTAG 424 DNA cards that sign each tap (SUN, "Secure Unique NFC"), shared by the kiosk and the
district.

Self-contained on purpose: it imports only the standard library and ``cryptography``, never the
kiosk or the district, so both can use it (the kiosk to check a tap offline, the district to
provision a card) and it can move into a shared protocol package unchanged.

- :mod:`points_sun.aes`: AES-128 CBC without padding, CMAC, the NXP truncated MAC.
- :mod:`points_sun.sdm`: checking a SUN message (NXP AN12196 and the NTAG 424 DNA datasheet).
- :mod:`points_sun.an10922`: per-card keys diversified from a master key (NXP AN10922).
- :mod:`points_sun.ev2`: AuthenticateEV2First and EV2 secure messaging, the reader's side.
- :mod:`points_sun.ndef`: the NDEF file with the URL the tag mirrors its SUN message into.
- :mod:`points_sun.keys`: this project's key scheme and key files (who holds which key).
"""
