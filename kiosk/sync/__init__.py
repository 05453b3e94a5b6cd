"""Sync with the district server (client, daemon, protocol). Imports core, never the UI."""
