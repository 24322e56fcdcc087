"""Alembic environment: uses the engine handed over by wuye_tui.db (or the URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import wuye_tui.models  # noqa: F401  (registers every table)
from wuye_tui.models.base import metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if not is_sqlite:  # a schema change on a big table may take longer than a desk's statement
            connection.exec_driver_sql("SET statement_timeout = 0")
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=is_sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.in_transaction():
            connection.commit()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
