"""Telegram through the Bot API: `POST {base}/bot{token}/sendMessage` with `{chat_id, text,
link_preview_options: {is_disabled: true}}` as JSON, plain text (no parse_mode, so nothing in a title
needs escaping); the answer's `result.message_id` is the provider's id.

Errors are `{"ok": false, "error_code", "description", "parameters": {"retry_after"}}`: 429 waits what
`retry_after` says and 5xx is tried again later; 403 ("bot was blocked by the user", "user is
deactivated", "bot can't initiate conversation") and 400 ("chat not found") are permanent for the
message; 401 and 404 mean the bot token is wrong. Of those, a blocked bot, a deleted account and a chat that no
longer exists also mean no later message to that chat will go (Telegram keeps answering the same), so the failure
says the address is unreachable and delivery switches the user's Telegram channel off. "bot can't initiate
conversation" is left out: a verified chat has sent /start, and the user can fix that one by opening the bot.

The token is part of the URL, so no error text carries the URL, and every stored reason has the token taken out.
"""

from __future__ import annotations

from typing import Any

from handlers.delivery.channels import DeliveryFailed, DeliverySettings, Message, compose, redact, transport_failure
from handlers.skills.http_client import PoliteClient, ServiceError

TEXT_LIMIT = 4096
# Telegram's descriptions (it sends no finer code) that mean the chat can receive nothing more from this bot
# (vrumger/telegram-errors, recorded bodies in tests/support/messaging_apis.py).
UNREACHABLE = ("Forbidden: bot was blocked by the user", "Forbidden: user is deactivated", "Bad Request: chat not found")


class Telegram:
    name = "telegram"

    def __init__(self, client: PoliteClient, settings: DeliverySettings) -> None:
        assert settings.telegram_bot_token is not None
        self.client = client
        self.url = f"{settings.telegram_base_url.rstrip('/')}/bot{settings.telegram_bot_token.get_secret_value()}/sendMessage"
        self.secrets = settings.secrets()

    async def send(self, message: Message) -> str | None:
        chat_id: int | str = int(message.address) if message.address.lstrip("-").isdigit() else message.address
        payload = {
            "chat_id": chat_id,
            "text": compose(message.title, message.body, TEXT_LIMIT),
            "link_preview_options": {"is_disabled": True},
        }
        try:
            _, _, answer = await self.client.request("POST", self.url, json=payload)
        except ServiceError as exc:
            if exc.status is None:
                raise transport_failure(self.name, exc, self.secrets) from None
            raise self._refused(exc.status, exc.body) from None
        result = answer.get("result") if isinstance(answer, dict) else None
        if isinstance(result, dict) and result.get("message_id") is not None:
            return str(result["message_id"])
        return None

    def _refused(self, status: int, body: Any) -> DeliveryFailed:
        said = str(body.get("description") or "no description") if isinstance(body, dict) else str(body)[:200]
        said = redact(said, self.secrets)
        where = f"Telegram answered HTTP {status}"
        if status == 429:
            parameters = body.get("parameters") if isinstance(body, dict) else None
            wait = parameters.get("retry_after") if isinstance(parameters, dict) else None
            return DeliveryFailed(
                f"{where} ({said})", outcome="retry", retry_after=float(wait) if isinstance(wait, int | float) else None
            )
        if status >= 500:
            return DeliveryFailed(f"{where} ({said})", outcome="retry")
        if status in (401, 404):
            return DeliveryFailed(f"{where}: the bot token was refused, check TELEGRAM_BOT_TOKEN ({said})", outcome="permanent")
        unreachable = status in (400, 403) and said.startswith(UNREACHABLE)
        return DeliveryFailed(f"{where} ({said})", outcome="permanent", address_unreachable=unreachable)
