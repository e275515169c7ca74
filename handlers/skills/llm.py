"""The LLM layer the agents share: settings per agent, a built crewai.LLM (never a model string),
a shared limit per provider, structured output through pydantic models, and an offline model.

Settings (environment only):
    SARVAM_API_KEY (or TALVIX_LLM_API_KEY)   without it every agent uses the offline model below
    TALVIX_LLM_BASE_URL      https://api.sarvam.ai/v1 (any OpenAI-compatible /v1 works)
    TALVIX_LLM_MODEL         sarvam-m — a setting, because providers rename models
    TALVIX_LLM_THINKING_EFFORT, _TEMPERATURE, _TIMEOUT_SECONDS, _MAX_RETRIES
    TALVIX_LLM_MAX_CONCURRENCY, _REQUESTS_PER_MINUTE   the shared limit per provider (per process)
    TALVIX_LLM_AGENTS        per-agent overrides as JSON: base_url, api_key, model, thinking, temperature,
                             timeout_seconds, max_retries — e.g. {"fit_scorer": {"model": "sarvam-30b"}}

Thinking ("Think" in CONTRACT.md) sends Sarvam's `reasoning_effort`; No-Think sends it as JSON null,
which turns reasoning off. Text between <think> tags is removed before parsing.

The offline model is not an LLM: each agent passes a deterministic function that computes the same
structured answer from the input alone. It runs when no API key is configured (the demo, a fresh
machine) and says so in agent_logs.metadata (model "offline-deterministic", offline: true).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

import pydantic
from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Before anything imports crewai: no telemetry, tracking, tracing or version checks (each of the
# first three alone stops telemetry; tracing=false alone does not).
for _name, _value in {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "OTEL_SDK_DISABLED": "true",
    "CREWAI_DISABLE_TRACKING": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
}.items():
    os.environ.setdefault(_name, _value)

T = TypeVar("T", bound=pydantic.BaseModel)
OFFLINE_MODEL = "offline-deterministic"
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


class LLMOutputError(Exception):
    """The model answered, but not with what the schema asks for (retried, then a failed run)."""


class AgentProfile(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str | None = None
    thinking: bool | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    timeout_seconds: float | None = Field(default=None, gt=0)
    max_retries: int | None = Field(default=None, ge=0, le=10)


class LLMSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALVIX_LLM_", extra="ignore", env_file=None, frozen=True)

    api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("TALVIX_LLM_API_KEY", "SARVAM_API_KEY"))
    base_url: str = "https://api.sarvam.ai/v1"
    model: str = "sarvam-m"
    thinking_effort: str = "medium"
    temperature: float = Field(default=0.2, ge=0, le=2)
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)  # 429/5xx retried by the client, with backoff
    max_concurrency: int = Field(default=8, ge=1)
    requests_per_minute: int = Field(default=60, ge=1)
    # Runs of the user-driven LLM agents one user may start per hour; past it, their work waits.
    user_runs_per_hour: int = Field(default=20, ge=1)
    agents: dict[str, AgentProfile] = Field(default_factory=dict)


@dataclass(frozen=True)
class Profile:
    """What one agent's call uses, after its overrides."""

    base_url: str
    api_key: SecretStr | None
    model: str
    thinking: bool
    temperature: float
    timeout_seconds: float
    max_retries: int


def profile_for(settings: LLMSettings, agent: str, *, thinking: bool) -> Profile:
    o = settings.agents.get(agent, AgentProfile())
    return Profile(
        base_url=o.base_url or settings.base_url,
        api_key=o.api_key or settings.api_key,
        model=o.model or settings.model,
        thinking=thinking if o.thinking is None else o.thinking,
        temperature=settings.temperature if o.temperature is None else o.temperature,
        timeout_seconds=o.timeout_seconds or settings.timeout_seconds,
        max_retries=settings.max_retries if o.max_retries is None else o.max_retries,
    )


@dataclass
class Completion(Generic[T]):
    value: T
    metadata: dict[str, Any] = field(default_factory=dict)  # model, offline, token counts → agent_logs


def strip_think(text: str) -> str:
    return _THINK.sub("", text).strip()


def parse_output(text: str, output: type[T], model: str) -> T:
    cleaned = strip_think(text)
    if cleaned.startswith("```"):
        cleaned = re.sub(r"^```[a-zA-Z]*\n?|\n?```$", "", cleaned).strip()
    try:
        return output.model_validate_json(cleaned)
    except pydantic.ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'output'}: {e['msg']}" for e in exc.errors()[:5])
        raise LLMOutputError(f"{model} returned output that does not fit {output.__name__}: {problems}") from None


class ProviderLimit:
    """At most N requests in flight and M per minute to one provider, shared by every agent in the
    process, so a burst of events queues here instead of hammering the provider."""

    _limits: ClassVar[dict[tuple[int, str], ProviderLimit]] = {}

    def __init__(self, concurrency: int, per_minute: int) -> None:
        from aiolimiter import AsyncLimiter

        self.slots = asyncio.Semaphore(concurrency)
        self.rate = AsyncLimiter(per_minute, 60)

    @classmethod
    def get(cls, settings: LLMSettings, base_url: str) -> ProviderLimit:
        key = (id(asyncio.get_running_loop()), base_url)
        if key not in cls._limits:
            cls._limits[key] = cls(settings.max_concurrency, settings.requests_per_minute)
        return cls._limits[key]

    async def __aenter__(self) -> None:
        await self.slots.acquire()
        try:
            await self.rate.acquire()
        except BaseException:
            self.slots.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.slots.release()


def response_format(output: type[pydantic.BaseModel]) -> dict[str, Any]:
    """The JSON schema the provider must answer in (OpenAI's structured-output request field)."""
    return {"type": "json_schema", "json_schema": {"name": output.__name__, "strict": True, "schema": output.model_json_schema()}}


def build_llm(settings: LLMSettings, p: Profile, output: type[pydantic.BaseModel]) -> Any:
    """A crewai.LLM on the provider's OpenAI-compatible API (crewai's native OpenAI route: base_url
    must be passed as an argument, and the object built here, never a model string).

    The schema travels in extra_body (merged into the request as `response_format`), not as crewai's
    output_pydantic: with a model class the OpenAI SDK validates the reply itself, before a <think>
    prefix can be removed, and crewai's own response_format accepts only {"type": "json_object"}."""
    from crewai import LLM

    assert p.api_key is not None
    extra_body: dict[str, Any] = {"response_format": response_format(output)}
    thinking: dict[str, Any] = {}
    if p.thinking:
        thinking["reasoning_effort"] = settings.thinking_effort
    else:
        extra_body["reasoning_effort"] = None  # Sarvam: null turns reasoning off
    return LLM(
        model=f"openai/{p.model}",
        base_url=p.base_url,
        api_key=p.api_key.get_secret_value(),
        temperature=p.temperature,
        timeout=p.timeout_seconds,
        max_retries=p.max_retries,
        extra_body=extra_body,
        **thinking,
    )


async def complete(
    settings: LLMSettings,
    agent: str,
    *,
    role: str,
    instructions: str,
    output: type[T],
    thinking: bool,
    offline: Callable[[], T],
) -> Completion[T]:
    """Ask the agent's model for an `output` (a pydantic model). Offline, compute it with `offline`."""
    p = profile_for(settings, agent, thinking=thinking)
    if p.api_key is None:
        # Pattern matching over a whole resume is CPU work: off the event loop, like any blocking call.
        value = await asyncio.to_thread(offline)
        return Completion(value, {"model": OFFLINE_MODEL, "offline": True, "thinking": p.thinking})
    from crewai import Agent, Crew, CrewOutput, Task

    llm = build_llm(settings, p, output)
    worker = Agent(
        role=role,
        goal=f"Answer with JSON that fits the {output.__name__} schema exactly.",
        backstory="You work inside Talvix, a job-search service; be precise and never invent facts.",
        llm=llm,
        allow_delegation=False,
        verbose=False,
        max_iter=1,
        max_retry_limit=0,
    )  # retries belong to the engine (attempts) and the client (429/5xx)
    task = Task(description=instructions, expected_output=f"JSON fitting {output.__name__}", agent=worker)
    crew = Crew(agents=[worker], tasks=[task], verbose=False)
    async with ProviderLimit.get(settings, p.base_url):
        result = await crew.akickoff()
    if not isinstance(result, CrewOutput):  # streaming is never asked for
        raise TypeError(f"crew returned {type(result).__name__}, not CrewOutput")
    value = parse_output(result.raw, output, p.model)
    usage = result.token_usage.model_dump() if getattr(result, "token_usage", None) else {}
    return Completion(
        value,
        {
            "model": p.model,
            "offline": False,
            "thinking": p.thinking,
            "prompt_tokens": usage.get("prompt_tokens"),
            "completion_tokens": usage.get("completion_tokens"),
            "total_tokens": usage.get("total_tokens"),
        },
    )


# The agents a user's own rows set off (a resume upload, an application), counted together per user.
USER_DRIVEN = ("resume_intelligence", "document_tailor")
USER_WAIT_SECONDS = 600


async def within_user_limit(ctx: Any, settings: LLMSettings) -> None:
    """One user cannot set off unbounded model work: past `user_runs_per_hour` runs of the
    user-driven agents in the last hour, this run is queued again for later and ends as skipped."""
    from listeners import Skip

    user = ctx.event.user_id
    if user is None:
        return
    from handlers import queries

    if await queries.admit_user_model_run(
        ctx.db, user_id=user, agent=ctx.event.agent, event_id=ctx.event.id, runs_per_hour=settings.user_runs_per_hour
    ):
        return
    await ctx.enqueue(
        ctx.event.agent,
        ctx.payload,
        delay_seconds=USER_WAIT_SECONDS,
        dedup_key=f"user-limit:{ctx.event.agent}:{ctx.payload.get('row', ctx.payload)}",
    )
    raise Skip(
        f"user {user} set off {settings.user_runs_per_hour} model runs in the last hour (limit "
        f"{settings.user_runs_per_hour}); this one waits {USER_WAIT_SECONDS // 60} minutes"
    )


async def prepare() -> None:
    """Before a worker's first claim: import CrewAI (about 8 s of CPU on a small host) in a thread,
    when a model is configured, so no run blocks the event loop with it. Offline it is never needed."""
    settings = load_llm_settings()
    if settings.api_key is not None or any(o.api_key is not None for o in settings.agents.values()):
        await asyncio.to_thread(__import__, "crewai")


def load_llm_settings() -> LLMSettings:
    from listeners import load

    return load(LLMSettings)


__all__ = [
    "OFFLINE_MODEL",
    "Completion",
    "LLMOutputError",
    "LLMSettings",
    "complete",
    "load_llm_settings",
    "parse_output",
    "strip_think",
]
