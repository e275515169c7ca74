"""`talvix`: the engine's command line (listeners/cli.py) with Talvix's agents loaded by default,
plus the product's own processes: `talvix gateway` and `talvix demo`."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from listeners import Settings, cli, load, log_format

# What a worker serves when TALVIX_HANDLER_MODULES does not say otherwise: every Talvix agent.
DEFAULT_HANDLER_MODULES = "handlers"


async def cmd_gateway(args: argparse.Namespace, settings: Settings | None) -> int:
    from handlers.app import gateway

    gateway_settings = load(gateway.GatewaySettings)
    log_format.protect(
        gateway_settings.database_url,
        gateway_settings.jwt_secret,
        gateway_settings.aes_session_key,
        gateway_settings.whatsapp_app_secret,
        gateway_settings.whatsapp_webhook_verify_token,
    )
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await gateway.serve(gateway_settings)
    except asyncio.CancelledError:
        pass
    return cli.EXIT_OK


async def cmd_demo(args: argparse.Namespace, settings: Settings | None) -> int:
    from handlers.demo import run

    return await run.run(keep_running=args.keep_running)


def add_commands(sub: Any) -> None:
    p = cli.add_command(
        sub,
        "gateway",
        cmd_gateway,
        "run the public gateway: session capture and WhatsApp's status webhook (its own process and database role)",
        "GATEWAY_DATABASE_URL=… SUPABASE_JWT_SECRET=… AES_SESSION_KEY=… talvix gateway",
    )
    p.set_defaults(needs_settings=False)
    p = cli.add_command(sub, "demo", cmd_demo, "run a worker and demo rows on a local Postgres (or DATABASE_URL)", "talvix demo")
    p.add_argument("--keep-running", action="store_true", help="leave the worker running after the demo rows")
    p.set_defaults(needs_settings=False)


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("TALVIX_HANDLER_MODULES", DEFAULT_HANDLER_MODULES)
    return cli.main(argv, extend=add_commands)


if __name__ == "__main__":
    sys.exit(main())
