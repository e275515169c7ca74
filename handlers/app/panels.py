"""Talvix's own panels on the operators' dashboard: today's LinkedIn budget, the users whose
auto-apply is paused, and the applications auto-apply could not send, with their screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp import web

from handlers import queries
from listeners import Panel, add_dashboard_route, add_panel, error


async def linkedin_budget(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    row = await queries.linkedin_budget_today(conn)
    return [dict(row)] if row else []


async def paused_users(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await queries.paused_users(conn)]


async def auto_apply_failures(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in await queries.auto_apply_failures(conn)]


async def screenshot(request: web.Request) -> web.StreamResponse:
    """An auto-apply screenshot from STORAGE_ROOT/screenshots (signed-in operators only)."""
    folder = (Path(os.environ.get("STORAGE_ROOT", "/storage")) / "screenshots").resolve()
    path = (folder / request.match_info["name"]).resolve()
    if path.parent != folder or path.suffix != ".png" or not path.exists():  # no path tricks
        return error(404, "no such screenshot")
    return web.FileResponse(path)


def register() -> None:
    add_panel(
        Panel(
            "linkedin_budget",
            "LinkedIn budget today (UTC)",
            ["used", "day_limit", "kill_switch_on"],
            linkedin_budget,
            meter=("used", "day_limit"),
        )
    )
    add_panel(Panel("paused_users", "Users whose auto-apply is paused", ["email", "auto_apply_paused_reason"], paused_users))
    add_panel(
        Panel(
            "auto_apply_failures",
            "Applications not sent",
            ["updated_at", "platform", "auto_status", "failure_note", "screenshot"],
            auto_apply_failures,
            links={"screenshot": "/dashboard/screenshots/{application_id}.png"},
        )
    )
    add_dashboard_route("GET", "/dashboard/screenshots/{name}", screenshot)
