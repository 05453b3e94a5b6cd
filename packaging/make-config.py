"""Writes the installed /etc/points-kiosk/config.toml from the project's config.toml.

    python packaging/make-config.py config.toml OUT

The project's file documents every setting with its default; the installed one is the same
text with the paths moved to where the package keeps things (data in /var/lib, the sync key
where only the sync daemon can read it). Each replaced line must exist exactly once, so a
renamed setting breaks the build instead of silently shipping a development path.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = """\
# Installed by the points-kiosk package. Your edits are kept on upgrades (a conffile);
# after editing: systemctl restart points-kiosk-ui points-kiosk-sync
# Provisioning (kiosk id, district, keys): /usr/share/doc/points-kiosk/README.md

"""
PATHS = {
    'path = "var/kiosk.sqlite"': 'path = "/var/lib/points-kiosk/kiosk.sqlite"',
    'key_path = "var/kiosk-key.pem"': 'key_path = "/var/lib/points-kiosk/sync/kiosk-key.pem"',
    'dir = "var/backups"': 'dir = "/var/lib/points-kiosk/backups"',
    # Only the touch session writes spoken prompts: in its own home (the config's folder,
    # /etc/points-kiosk, is read-only to it).
    'cache_dir = "var/voice-cache"': 'cache_dir = "/var/lib/points-kiosk/home/voice-cache"',
}


def installed_config(text: str) -> str:
    lines = text.splitlines(keepends=True)
    for old, new in PATHS.items():
        hits = [n for n, line in enumerate(lines) if line.rstrip("\n") == old]
        if len(hits) != 1:
            raise SystemExit(f"make-config: expected one line {old!r} in config.toml, "
                             f"found {len(hits)}")
        lines[hits[0]] = new + "\n"
    return HEADER + "".join(lines)


def main() -> int:
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(installed_config(source.read_text("utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
