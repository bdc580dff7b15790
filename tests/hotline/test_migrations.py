"""Migrations match the models and run both ways, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from alembic import command

from hotline.migrate import alembic_config, downgrade, upgrade


def _check_round_trip(url: str) -> None:
    upgrade(url)
    command.check(alembic_config(url))  # raises when models and migrations differ
    downgrade(url, "base")
    upgrade(url)


async def test_migrations_match_the_models_and_round_trip(empty_database_url: str) -> None:
    await asyncio.to_thread(_check_round_trip, empty_database_url)
