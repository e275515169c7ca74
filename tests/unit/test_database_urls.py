"""Database URLs derived from a configured one."""

from __future__ import annotations

from listeners.database import with_database


def test_with_database_keeps_credentials_and_options() -> None:
    assert (
        with_database("postgresql://u:p%40ss@db.example:6432/postgres?sslmode=require", "talvix_demo")
        == "postgresql://u:p%40ss@db.example:6432/talvix_demo?sslmode=require"
    )
