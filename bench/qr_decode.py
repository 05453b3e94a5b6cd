"""QR decoding speed and robustness, per decoder (zxing-cpp, pyzbar).

    python bench/qr_decode.py [--frames 40] [--hard 60] [--seed 2026]

Times each decoder on camera-like frames (a card held up with a little tilt, blur and noise) at
640x480 and 1280x720, and on empty frames (what an idle kiosk's camera sees most of the time),
and counts how many of a fixed, seeded set of hard 720p frames (strong rotation, blur, noise,
perspective, small codes) each reads correctly. Frames are made once, before timing. Last
line: a JSON object of figures (milliseconds are medians per frame).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.hardware.qr_decoders import Frame, QrDecoder, make_decoder
from points_protocol import card_tokens
from tests.hardware.qr_frames import card_in_hand, hard_frames, scene

SIZES = {"480p": (640, 480), "720p": (1280, 720)}


def median_ms(decoder: QrDecoder, frames: Sequence[Frame],
              expected: str | None) -> tuple[float, int]:
    times, hits = [], 0
    for frame in frames:
        start = time.perf_counter()
        texts = decoder.decode(frame)
        times.append((time.perf_counter() - start) * 1000)
        hits += expected in texts if expected is not None else not texts
    return statistics.median(times), hits


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=40, help="timed frames per size")
    p.add_argument("--hard", type=int, default=60, help="hard frames for the hit rate")
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args()

    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # fixed: same token each run
    token = card_tokens.issue(key, "hanyang", "QR-0001", 1,
                         issued_at=datetime(2026, 1, 1, tzinfo=UTC),
                         expires_at=datetime(2030, 1, 1, tzinfo=UTC))
    rng = np.random.default_rng(args.seed)
    held = {name: [card_in_hand(token, size, rng) for _ in range(args.frames)]
            for name, size in SIZES.items()}
    empty = [scene(None, SIZES["720p"], rng) for _ in range(args.frames)]
    hard = hard_frames(token, SIZES["720p"], args.hard, args.seed)
    print(f"token of {len(token)} characters; {args.frames} frames per size, "
          f"{args.hard} hard 720p frames (seed {args.seed})")

    figures: dict[str, float | int] = {}
    for name in ("zxing", "pyzbar"):
        decoder = make_decoder(name)
        for size in SIZES:
            ms, hits = median_ms(decoder, held[size], token)
            figures[f"{name}_{size}_ms"] = round(ms, 2)
            print(f"{name:6} {size}: {ms:7.2f} ms/frame median, read {hits}/{args.frames}")
        ms, _ = median_ms(decoder, empty, None)
        figures[f"{name}_720p_empty_ms"] = round(ms, 2)
        print(f"{name:6} 720p with no code: {ms:7.2f} ms/frame median")
        _, hits = median_ms(decoder, hard, token)
        figures[f"{name}_hard_hits"] = hits
        print(f"{name:6} hard frames read: {hits}/{args.hard}")
    figures["frames_hard"] = args.hard
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
