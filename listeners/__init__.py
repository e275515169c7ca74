"""Talvix Worker's engine: Postgres LISTEN/NOTIFY events, claimed, run and logged.

It knows nothing of the product: an application (Talvix's is `handlers/`) uses what this module
exports, and nothing deeper:

    agents      agent, Agent, Context, Event, WatchPayload, UUIDRowEvent, Skip, PermanentError, enqueue
    database    connect, alive, CONNECTION_ERRORS, transient, retry_delay, sql_folder, sql_statement (a file of
                sql/<part>/queries, read once), queries (the engine's statements),
                create_database, drop_database, migrate, LocalPostgres (a private cluster)
    processes   Settings, load_settings, load, Worker, cli
    extending   add_migrations (its schema), add_secret_fields (redacted and never returned),
                Panel, add_panel, add_dashboard_route (the operators' dashboard), add_gauges (/metrics)
    HTTP        Refused, error, json_errors, json_response, read_json, secret_matches, MAX_BODY_BYTES (for its servers)
"""

from listeners import cli, queries
from listeners.dashboard import Panel, add_panel
from listeners.dashboard import add_route as add_dashboard_route
from listeners.database import CONNECTION_ERRORS, connect, create_database, drop_database, retry_delay, transient
from listeners.database import query as sql_statement
from listeners.database import sql_dir as sql_folder
from listeners.enqueue import enqueue
from listeners.http_api import MAX_BODY_BYTES, Refused, error, json_errors, json_response, read_json, secret_matches
from listeners.local_postgres import LocalPostgres
from listeners.log_format import add_secret_fields
from listeners.metrics import add_gauges
from listeners.migrations import add_folder as add_migrations
from listeners.migrations import migrate
from listeners.queries import alive
from listeners.registry import REGISTRY, Agent, Context, Event, PermanentError, Skip, UUIDRowEvent, WatchPayload, agent
from listeners.settings import Settings, load, load_settings
from listeners.worker import Worker

__all__ = [
    "CONNECTION_ERRORS",
    "MAX_BODY_BYTES",
    "REGISTRY",
    "Agent",
    "Context",
    "Event",
    "LocalPostgres",
    "Panel",
    "PermanentError",
    "Refused",
    "Settings",
    "Skip",
    "UUIDRowEvent",
    "WatchPayload",
    "Worker",
    "add_dashboard_route",
    "add_gauges",
    "add_migrations",
    "add_panel",
    "add_secret_fields",
    "agent",
    "alive",
    "cli",
    "connect",
    "create_database",
    "drop_database",
    "enqueue",
    "error",
    "json_errors",
    "json_response",
    "load",
    "load_settings",
    "migrate",
    "queries",
    "read_json",
    "retry_delay",
    "secret_matches",
    "sql_folder",
    "sql_statement",
    "transient",
]
