"""notification_delivery's settings: a channel is all there or not at all, and its secrets are named."""

from __future__ import annotations

import pytest

from handlers.delivery.channels import DeliverySettings, compose
from listeners.settings import SettingsError, load

NAMES = ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "TELEGRAM_BOT_TOKEN", "TALVIX_SMTP_HOST", "TALVIX_SMTP_FROM")


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*NAMES, "TALVIX_SMTP_USERNAME", "SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


def test_no_channel_configured_is_valid_and_says_what_each_needs() -> None:
    settings = load(DeliverySettings)
    assert settings.missing("telegram") == "Telegram is not configured on this worker (set TELEGRAM_BOT_TOKEN)"
    assert "WHATSAPP_PHONE_NUMBER_ID" in (settings.missing("whatsapp") or "")
    assert "TALVIX_SMTP_HOST" in (settings.missing("email") or "")
    assert settings.secrets() == []


def test_half_a_channel_stops_start_up_naming_every_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-half-configured")
    monkeypatch.setenv("TALVIX_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("TALVIX_SMTP_USERNAME", "relay")
    with pytest.raises(SettingsError) as raised:
        load(DeliverySettings)
    message = str(raised.value)
    assert "WhatsApp needs both WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID" in message
    assert "email needs TALVIX_SMTP_FROM with TALVIX_SMTP_HOST" in message
    assert "SMTP sign-in needs both TALVIX_SMTP_USERNAME and SMTP_PASSWORD" in message
    assert "EAAG-half-configured" not in message


def test_a_whole_channel_is_configured_and_its_secret_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "7012345678:AAH-whole")
    settings = load(DeliverySettings)
    assert settings.missing("telegram") is None and settings.secrets() == ["7012345678:AAH-whole"]


def test_compose_puts_the_title_first_and_cuts_to_the_limit() -> None:
    assert compose(" Paused ", "Body.", 100, bold_title="*") == "*Paused*\n\nBody."
    cut = compose("Title", "x" * 200, 50)
    assert len(cut) == 50 and cut.endswith("…") and cut.startswith("Title\n\n")
