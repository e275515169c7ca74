"""Configuration, read from the environment only.

In production the environment comes from Doppler (`doppler run -- talvix worker`); there is no .env
support on purpose. A missing required setting stops start-up with one message naming every
missing key, so a half-configured worker never runs.
"""

from __future__ import annotations

import os
import socket
import uuid
from typing import Annotated, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

S = TypeVar("S", bound=BaseSettings)


class SettingsError(Exception):
    """The environment does not hold a usable configuration."""


def _default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Settings(BaseSettings):
    """Engine settings. Every name is read from the environment as TALVIX_<NAME>, except DATABASE_URL."""

    model_config = SettingsConfigDict(env_prefix="TALVIX_", extra="ignore", case_sensitive=False, env_file=None, frozen=True)

    # Required, and secret: it holds the password. LISTEN needs a session connection, so on
    # Supabase use the direct connection or the session pooler (port 5432), never port 6543.
    database_url: str = Field(validation_alias="DATABASE_URL")

    worker_id: str = Field(default_factory=_default_worker_id)
    # Agents this worker serves; empty means every registered agent.
    agents: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Modules imported at start-up so their @agent handlers register themselves (the `talvix`
    # command defaults this to Talvix's own, `handlers`; the engine alone knows of none).
    handler_modules: Annotated[list[str], NoDecode] = Field(default_factory=list)

    lease_seconds: float = Field(default=60.0, gt=0)
    shutdown_grace_seconds: float = Field(default=30.0, ge=0)
    # Events claimed beyond the free handler slots, as a fraction of each agent's concurrency:
    # a small local buffer keeps handlers busy while the next claim is in flight.
    prefetch_factor: float = Field(default=1.0, ge=0)

    # Only a safety net: NOTIFY wakes the worker, every reconnect sweeps, a timer waits for run_after.
    poll_interval_seconds: float = Field(default=30.0, gt=0)
    reaper_interval_seconds: float = Field(default=30.0, gt=0)
    unknown_agent_interval_seconds: float = Field(default=60.0, gt=0)
    ping_interval_seconds: float = Field(default=30.0, gt=0)
    ping_timeout_seconds: float = Field(default=5.0, gt=0)
    janitor_interval_seconds: float = Field(default=3600.0, gt=0)
    reconnect_max_seconds: float = Field(default=30.0, gt=0)

    retry_base_seconds: float = Field(default=2.0, ge=0)
    retry_max_seconds: float = Field(default=600.0, ge=0)

    pool_size: int = Field(default=4, ge=2)
    # 0 disables asyncpg's prepared-statement cache, which PgBouncer-style poolers require.
    statement_cache_size: int = Field(default=100, ge=0)

    log_level: str = "INFO"

    # The worker's HTTP API (POST /api/agents/{agent}, /healthz, /metrics) is off unless a port is set.
    # Bind to a private address: it is for other servers and the operators, not the internet.
    http_port: int | None = Field(default=None, ge=0, le=65535)
    http_host: str = "127.0.0.1"
    # Shared secret other servers send as X-Agent-Secret; required when the HTTP API is on.
    agent_secret: SecretStr | None = Field(default=None, validation_alias="AGENT_SECRET")
    # The operators' dashboard at /dashboard is served only when this is set.
    admin_secret: SecretStr | None = None  # TALVIX_ADMIN_SECRET

    @model_validator(mode="after")
    def _http_needs_secret(self) -> Settings:
        if self.http_port is not None and self.agent_secret is None:
            raise ValueError("AGENT_SECRET is required when TALVIX_HTTP_PORT is set")
        return self

    @field_validator("agents", "handler_modules", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("postgres://", "postgresql://")):
            raise ValueError("must be a postgresql:// URL")
        return value


def env_name(field_name: str, cls: type[BaseSettings] = Settings) -> str:
    """The environment variable that sets a settings field (errors name a field or its alias)."""
    field = cls.model_fields.get(field_name)
    if field is None:
        return field_name
    alias = field.validation_alias
    prefix = cls.model_config.get("env_prefix", "")
    return alias if isinstance(alias, str) else f"{prefix}{field_name}".upper()


def load(cls: type[S], **overrides: object) -> S:
    """Read settings of `cls` from the environment, failing with one message that names every problem."""
    try:
        return cls(**overrides)  # type: ignore[arg-type]  # field values, not BaseSettings' own options
    except ValidationError as exc:
        missing = [env_name(str(e["loc"][0]), cls) for e in exc.errors() if e["type"] == "missing"]
        invalid = [
            f"{env_name(str(e['loc'][0]), cls)}: {e['msg']}" if e["loc"] else e["msg"]
            for e in exc.errors()
            if e["type"] != "missing"
        ]
        parts = []
        if missing:
            parts.append("missing required settings: " + ", ".join(sorted(missing)))
        if invalid:
            parts.append("invalid settings: " + "; ".join(invalid))
        raise SettingsError("; ".join(parts) + " (settings come from the environment, e.g. `doppler run -- talvix …`)") from None


def load_settings(**overrides: object) -> Settings:
    """The worker's settings from the environment."""
    return load(Settings, **overrides)
