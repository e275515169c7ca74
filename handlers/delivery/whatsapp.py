"""WhatsApp through Meta's Cloud API: `POST {base}/{version}/{phone_number_id}/messages` with a Bearer
token, a text message `{messaging_product: "whatsapp", recipient_type: "individual", to, type: "text",
text: {body, preview_url}}`; the answer's `messages[0].id` (a wamid) is the provider's id.

Errors come as `{"error": {"code", "message", "error_data": {"details"}}}`. Throttling codes (4, 80007,
130429, 131048, 131056: HTTP 400, or 429) and Graph's transient code 2 (5xx) are tried again later; any
other code is permanent for that message, e.g. 131030 (recipient not in a test number's allowed list)
or 190 (the token). 131047 is the 24-hour customer-service window: a free-form message to a user who has
not written to the business in 24 hours is refused. With `TALVIX_WHATSAPP_TEMPLATE` set, the approved
template is sent instead (one body parameter: the title; the refused text was not delivered, so this is
no second copy); without one, the notification fails with the reason and the user still has the
dashboard copy. 131026 (undeliverable: most often a number without WhatsApp) says the address is unreachable, so
delivery switches the user's WhatsApp channel off; the user switches it back on after fixing the number or app.

131047 and 131026 may also arrive later, after a 200: WhatsApp's status webhook, received by the public gateway
(handlers/delivery/whatsapp_webhook.py), then fails the row as a late failure.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.delivery.channels import DeliveryFailed, DeliverySettings, Message, compose, redact, transport_failure
from handlers.skills.http_client import PoliteClient, ServiceError

TEXT_LIMIT = 4096
THROTTLED = {4, 80007, 130429, 131048, 131056}
TRANSIENT = {1, 2}  # Graph's "unknown" and "service temporarily unavailable"
OUTSIDE_WINDOW = 131047
# "Message undeliverable": Meta lists a number that is not on WhatsApp, an unaccepted Terms of Service or an old app
# version; clients and recorded issues see the first almost always (tests/support/messaging_apis.py). None of them
# goes away for the next message, so the channel is switched off with the reason, and the user can switch it back.
UNDELIVERABLE = 131026
TOKEN = {190, 104}


def graph_error(body: Any) -> tuple[int | None, str]:
    """(code, "message: details") of a Graph error answer."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, str(body)[:200]
    details = (error.get("error_data") or {}).get("details") if isinstance(error.get("error_data"), dict) else None
    text = str(error.get("message") or "no message")
    return (error.get("code") if isinstance(error.get("code"), int) else None), f"{text}: {details}" if details else text


class WhatsApp:
    name = "whatsapp"

    def __init__(self, client: PoliteClient, settings: DeliverySettings) -> None:
        assert settings.whatsapp_access_token is not None and settings.whatsapp_phone_number_id is not None
        self.client = client
        self.token = settings.whatsapp_access_token.get_secret_value()
        base = settings.whatsapp_base_url.rstrip("/")
        self.url = f"{base}/{settings.whatsapp_api_version}/{settings.whatsapp_phone_number_id}/messages"
        self.template = settings.whatsapp_template
        self.template_language = settings.whatsapp_template_language
        self.secrets = settings.secrets()

    async def send(self, message: Message) -> str | None:
        text = compose(message.title, message.body, TEXT_LIMIT, bold_title="*")
        to = message.address.removeprefix("+")
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"body": text, "preview_url": False},
        }
        try:
            return await self._post(payload)
        except DeliveryFailed as failed:
            if not (self.template and failed.code == OUTSIDE_WINDOW):
                raise
        # Outside the 24-hour window: the approved template (which may be sent any time) instead.
        title = re.sub(r"\s+", " ", message.title).strip()[:200]  # template parameters take no newlines or tabs
        template = {
            "name": self.template,
            "language": {"code": self.template_language},
            "components": [{"type": "body", "parameters": [{"type": "text", "text": title}]}],
        }
        return await self._post({"messaging_product": "whatsapp", "to": to, "type": "template", "template": template})

    async def _post(self, payload: dict[str, Any]) -> str | None:
        try:
            _, _, answer = await self.client.request(
                "POST", self.url, json=payload, headers={"Authorization": f"Bearer {self.token}"}
            )
        except ServiceError as exc:
            if exc.status is None:
                raise transport_failure(self.name, exc, self.secrets) from None
            raise self._refused(exc.status, exc.body) from None
        messages = answer.get("messages") if isinstance(answer, dict) else None
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id")) if messages[0].get("id") else None
        return None

    def _refused(self, status: int, body: Any) -> DeliveryFailed:
        code, said = graph_error(body)
        said = redact(said, self.secrets)
        where = f"WhatsApp answered HTTP {status}" + (f", code {code}" if code is not None else "")
        if status == 429 or status >= 500 or code in THROTTLED or code in TRANSIENT:
            return DeliveryFailed(f"{where} ({said})", outcome="retry", code=code)
        if code == OUTSIDE_WINDOW:
            return DeliveryFailed(
                f"{where}: outside WhatsApp's 24-hour customer-service window a free-form message is refused, and no "
                f"template is configured (TALVIX_WHATSAPP_TEMPLATE) ({said})",
                outcome="permanent",
                code=code,
            )
        if code in TOKEN:
            return DeliveryFailed(
                f"{where}: the access token was refused, check WHATSAPP_ACCESS_TOKEN ({said})", outcome="permanent", code=code
            )
        return DeliveryFailed(f"{where} ({said})", outcome="permanent", code=code, address_unreachable=code == UNDELIVERABLE)
