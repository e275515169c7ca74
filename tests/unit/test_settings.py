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
