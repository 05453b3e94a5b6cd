"""Points-supermarket kiosk: volunteers spend community-service points on donated goods."""

__version__ = "0.1.0"
