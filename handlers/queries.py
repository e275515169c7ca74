"""Talvix's SQL: every statement the product runs lives in `sql/product/queries/<name>.sql`."""

from __future__ import annotations

import functools

from listeners import sql_folder


@functools.cache
def sql(name: str) -> str:
    """The text of `sql/product/queries/<name>.sql`."""
    return (sql_folder() / "product" / "queries" / f"{name}.sql").read_text()
