"""Points-supermarket kiosk: volunteers spend community-service points on donated goods."""

from importlib import metadata


def _installed_version() -> str:
    """The version of the installed distribution: pyproject.toml's, as the wheel and the .deb
    carry it, so the app, its heartbeat and ``--version`` can never disagree with the
    package (a copy of the number here once said 0.1.0 in package 0.1.1)."""
    try:
        return metadata.version("points-kiosk")
    except metadata.PackageNotFoundError:  # a source tree that was never pip-installed
        return "0+unknown"


__version__ = _installed_version()
