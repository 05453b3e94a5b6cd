"""Alembic migrations of the district database (run by district.db.engine, not by hand)."""
