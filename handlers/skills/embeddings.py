"""Text embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure's compatible
route, a local text-embeddings-inference, Ollama or vLLM server), for the matcher's vector ranking.

Settings (environment only; without TALVIX_EMBEDDINGS_BASE_URL the matcher uses full text alone):
    TALVIX_EMBEDDINGS_BASE_URL   e.g. https://api.openai.com/v1 (the path /embeddings is added)
    TALVIX_EMBEDDINGS_API_KEY    sent as a Bearer token; local servers may need none
    TALVIX_EMBEDDINGS_MODEL      text-embedding-3-small
    TALVIX_EMBEDDINGS_DIMENSIONS shorter vectors, where the model supports it (text-embedding-3-*)
    TALVIX_EMBEDDINGS_BATCH_SIZE, _REQUESTS_PER_MINUTE, _TIMEOUT_SECONDS
"""

from __future__ import annotations

import hashlib
from typing import Any

import aiohttp
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers.skills.http_client import PoliteClient, ServiceError


class EmbeddingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALVIX_EMBEDDINGS_", extra="ignore", env_file=None, frozen=True)

    base_url: str | None = None
    api_key: SecretStr | None = None
    model: str = "text-embedding-3-small"
    dimensions: int | None = Field(default=None, ge=1, le=16000)
    batch_size: int = Field(default=100, ge=1, le=2048)  # OpenAI takes at most 2,048 inputs a request
    requests_per_minute: int = Field(default=300, ge=1)
    timeout_seconds: float = Field(default=30.0, gt=0)

    @property
    def configured(self) -> bool:
        return bool(self.base_url)

    @property
    def label(self) -> str:
        """What is stored beside each vector, so vectors of different models or sizes never meet."""
        return f"{self.model}@{self.dimensions or 'default'}"


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Embedder:
    """One session's worth of calls to the endpoint."""

    def __init__(self, settings: EmbeddingSettings, session: aiohttp.ClientSession) -> None:
        assert settings.base_url, "EmbeddingSettings.base_url is not set"
        self.settings = settings
        self.url = settings.base_url.rstrip("/") + "/embeddings"
        self.client = PoliteClient(
            session,
            "embeddings",
            requests_per_minute=settings.requests_per_minute,
            timeout_seconds=settings.timeout_seconds,
        )
        self.tokens = 0

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order. Raises ServiceError when the endpoint refuses or keeps
        failing, or answers with something other than one vector per input."""
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.settings.batch_size):
            batch = [text.strip() or "-" for text in texts[start : start + self.settings.batch_size]]
            body: dict[str, Any] = {"model": self.settings.model, "input": batch, "encoding_format": "float"}
            if self.settings.dimensions:
                body["dimensions"] = self.settings.dimensions
            headers = {"Authorization": f"Bearer {self.settings.api_key.get_secret_value()}"} if self.settings.api_key else {}
            try:
                _, _, answer = await self.client.request("POST", self.url, json=body, headers=headers)
            except ServiceError as exc:
                raise ServiceError(self._without_key(str(exc)), status=exc.status, retryable=exc.retryable) from None
            vectors.extend(self._vectors(answer, len(batch)))
        return vectors

    def _without_key(self, message: str) -> str:
        """Providers echo a refused key in their error (OpenAI: "Incorrect API key provided: …")."""
        key = self.settings.api_key.get_secret_value() if self.settings.api_key else ""
        return message.replace(key, "***") if key else message

    def _vectors(self, answer: Any, expected: int) -> list[list[float]]:
        try:
            items = sorted(answer["data"], key=lambda item: item["index"])
            vectors = [[float(x) for x in item["embedding"]] for item in items]
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceError(f"embeddings: unexpected answer ({type(exc).__name__}: {exc})") from None
        if len(vectors) != expected or len({len(v) for v in vectors}) > 1:
            raise ServiceError(f"embeddings: asked for {expected} vectors of one size, got {[len(v) for v in vectors]}")
        usage = answer.get("usage") or {}
        self.tokens += int(usage.get("total_tokens") or 0)
        return vectors
