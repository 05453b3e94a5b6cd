"""kiosk-sync: the sync daemon. The protocol and daemon arrive with the sync issue; until then
this entry point refuses to run rather than pretend to sync."""

from __future__ import annotations

import sys


def main() -> int:
    print("kiosk-sync: not built yet; sales wait in the outbox table until it is.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
