"""What a kiosk and its district share, and nothing else: the wire format of protocol v1.

Request signing, the signed QR card token, the message shapes, and one definition of what each
value may be (card and volunteer ids, catalogue items, district settings, the numeric ranges);
in :mod:`points_protocol.sun`, NTAG 424 DNA cards that sign each tap (checked by the kiosk,
provisioned by the district).
Both sides import it; neither imports the other. Pure: the standard library and
``cryptography`` only, so the kiosk's core may use it too.
"""
