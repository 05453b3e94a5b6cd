"""Read-only queries of the console, each limited to the asking person's scope."""
