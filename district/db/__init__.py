"""The district's one storage layer: SQLAlchemy 2 Core on PostgreSQL (a district or a city)
or SQLite (one machine, the demo), the same tables and queries for both."""
