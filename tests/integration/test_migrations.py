"""The Alembic migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from fleetbill.adapters.db.schema import metadata


def test_migrations_match_the_declared_tables(db):
    # given a database migrated to the latest revision (the fixtures do it with `migrate`)
    # when Alembic compares it with the tables the code declares
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    # then nothing is missing, extra or different: a schema change always comes with its migration
    assert diff == []
