"""Reference district server: the peer the kiosk's sync daemon talks to (protocol v1)."""
