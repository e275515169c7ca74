from __future__ import annotations

import pytest

from listeners.settings import SettingsError, load_settings


def test_missing_and_invalid_settings_are_named_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TALVIX_LEASE_SECONDS", "-1")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert "missing required settings: DATABASE_URL" in message
    assert "TALVIX_LEASE_SECONDS" in message


def test_lists_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("TALVIX_AGENTS", "fit_scorer, auto_apply,")
    monkeypatch.setenv("TALVIX_HANDLER_MODULES", "handlers,tests.support.agents")
    settings = load_settings()
    assert settings.agents == ["fit_scorer", "auto_apply"]
    assert settings.handler_modules == ["handlers", "tests.support.agents"]


def test_database_url_must_be_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(SettingsError, match="DATABASE_URL: Value error, must be a postgresql:// URL"):
        load_settings()


def test_worker_ids_are_unique_per_process_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert load_settings().worker_id != load_settings().worker_id


def test_doppler_yaml_and_the_readme_name_every_secret_the_code_reads() -> None:
    import typing
    from pathlib import Path

    from pydantic import SecretStr

    from handlers.app.gateway import GatewaySettings
    from handlers.delivery.channels import DeliverySettings
    from handlers.discovery.sources import DiscoverySettings
    from handlers.skills.embeddings import EmbeddingSettings
    from handlers.skills.llm import LLMSettings
    from listeners.settings import Settings

    repo = Path(__file__).resolve().parents[2]
    names = set()
    for model in (Settings, GatewaySettings, LLMSettings, DiscoverySettings, EmbeddingSettings, DeliverySettings):
        prefix = model.model_config.get("env_prefix", "")
        for name, field in model.model_fields.items():
            # A secret is a SecretStr, or a database URL (its password).
            if SecretStr not in (field.annotation, *typing.get_args(field.annotation)) and not name.endswith("database_url"):
                continue
            alias = field.validation_alias
            choices = getattr(alias, "choices", None) or ([alias] if alias else [f"{prefix}{name}".upper()])
            names.update(str(c) for c in choices)
    assert {
        "DATABASE_URL",
        "AGENT_SECRET",
        "TALVIX_ADMIN_SECRET",
        "AES_SESSION_KEY",
        "SARVAM_API_KEY",
        "SUPABASE_JWT_SECRET",
        "GATEWAY_DATABASE_URL",
        "ADZUNA_APP_KEY",
        "TALVIX_EMBEDDINGS_API_KEY",
        "WHATSAPP_ACCESS_TOKEN",
        "TELEGRAM_BOT_TOKEN",
        "SMTP_PASSWORD",
    } <= names
    doppler, readme = (repo / "doppler.yaml").read_text(), (repo / "README.md").read_text()
    assert [n for n in sorted(names) if n not in doppler] == []
    assert [n for n in sorted(names) if n not in readme] == []
