"""Every table a district database holds, as the metadata each part declares them in, in the
order their revisions created them: what Alembic compares a database with (migrations/env.py)
and what the schema tests check the migrations build, exactly."""

from __future__ import annotations

from sqlalchemy import MetaData

from district.console.rollups import metadata as rollups
from district.console.schema import metadata as console
from district.db.tables import metadata as district
from district.families.schema import metadata as families
from district.vouchers.schema import metadata as vouchers

ALL: tuple[MetaData, ...] = (district, console, rollups, vouchers, families)
