"""kiosk: the touchscreen app. The screens arrive with the touchscreen issue; until then this
entry point checks the configuration and database and says what to run instead."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.config import ConfigError, load_config
from kiosk.core.db import DatabaseError
from kiosk.core.ledger import WrongKioskError
from kiosk.services import build


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kiosk", description=__doc__)
    p.add_argument("--config", default="config.toml")
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    args = p.parse_args(argv)
    try:
        services = build(load_config(args.config))
    except (ConfigError, DatabaseError, WrongKioskError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    print(f"kiosk {__version__}: database {services.config.database_path} is ready.\n"
          "The touchscreen is not built yet; `make demo` runs a scripted sale.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
