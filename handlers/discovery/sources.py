"""The interface a job board implements, and which boards this deployment reads.

A board is one module with one class: a `name`, and `fetch(client, target, limit)` returning the
postings it found for one search target plus how many of its items were malformed (skipped, never
fatal). Adding a board is adding that module and a line in `configured`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Protocol

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from handlers.discovery.postings import Posting
from handlers.skills.http_client import PoliteClient


@dataclass(frozen=True)
class Target:
    """What to search for: a role, in a place."""

    role: str
    location: str


@dataclass
class Found:
    postings: list[Posting] = field(default_factory=list)
    malformed: int = 0


class Source(Protocol):
    name: str
    requests_per_minute: float

    async def fetch(self, client: PoliteClient, target: Target, limit: int) -> Found: ...


class DiscoverySettings(BaseSettings):
    """Where the boards are and how to reach them (TALVIX_DISCOVERY_*; keys in Doppler)."""

    model_config = SettingsConfigDict(env_prefix="TALVIX_DISCOVERY_", extra="ignore", env_file=None, frozen=True)

    # Boards to read; Adzuna only with its keys, feeds only when listed.
    sources: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["remotive", "himalayas", "adzuna", "feeds"])
    remotive_url: str = "https://remotive.com"
    himalayas_url: str = "https://himalayas.app"
    adzuna_url: str = "https://api.adzuna.com"
    adzuna_country: str = "in"
    adzuna_app_id: str | None = Field(default=None, validation_alias="ADZUNA_APP_ID")
    adzuna_app_key: SecretStr | None = Field(default=None, validation_alias="ADZUNA_APP_KEY")
    # RSS 2.0 or JSON Feed URLs of boards that publish one, comma-separated.
    feeds: Annotated[list[str], NoDecode] = Field(default_factory=list)
    timeout_seconds: float = Field(default=20.0, gt=0)
    attempts: int = Field(default=3, ge=1, le=10)
    backoff_seconds: float = Field(default=1.0, ge=0)

    @field_validator("sources", "feeds", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value


def configured(settings: DiscoverySettings) -> list[Source]:
    """The boards this deployment reads, in the order they are asked."""
    from handlers.discovery import adzuna, feed, himalayas, remotive

    wanted = set(settings.sources)
    boards: list[Source] = []
    if "remotive" in wanted:
        boards.append(remotive.Remotive(settings.remotive_url))
    if "himalayas" in wanted:
        boards.append(himalayas.Himalayas(settings.himalayas_url))
    if "adzuna" in wanted and settings.adzuna_app_id and settings.adzuna_app_key:
        boards.append(
            adzuna.Adzuna(
                settings.adzuna_url, settings.adzuna_country, settings.adzuna_app_id, settings.adzuna_app_key.get_secret_value()
            )
        )
    if "feeds" in wanted:
        boards.extend(feed.Feed(url) for url in settings.feeds)
    return boards
