"""Checks of the messaging stand-in itself (tests/support/messaging_apis.py): WhatsApp Cloud API and Telegram Bot API
answer shapes, documented errors, faults and records. No database."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.messaging_apis import MessagingAPIs

WA_TOKEN = "EAAGtest-token-not-real"
WA_PHONE_ID = "109876543210987"
TG_TOKEN = "7012345678:AAH-test_token-not-real-0123456789"
BOT_ID = 7012345678
ASHA = "+91 98765 43210"  # sent as typed; wa_id is the digits
ASHA_ID = "919876543210"
RAVI = "919812345678"


@pytest.fixture
async def apis() -> AsyncIterator[MessagingAPIs]:
    stand_in = MessagingAPIs(whatsapp_token=WA_TOKEN, whatsapp_phone_number_id=WA_PHONE_ID, telegram_token=TG_TOKEN)
    runner = await stand_in.start()
    yield stand_in
    await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


def text_message(to: str, body: str, **extra: Any) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"body": body},
        **extra,
    }


def template_message(to: str, name: str, code: str, *values: str) -> dict[str, Any]:
    parameters = [{"type": "text", "text": v} for v in values]
    template = {"name": name, "language": {"code": code}, "components": [{"type": "body", "parameters": parameters}]}
    return {"messaging_product": "whatsapp", "to": to, "type": "template", "template": template}


async def wa_send(
    http: aiohttp.ClientSession, apis: MessagingAPIs, payload: Any, token: str | None = WA_TOKEN, url: str | None = None
) -> tuple[int, dict[str, Any], aiohttp.typedefs.LooseHeaders]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.post(url or apis.whatsapp_url(), json=payload, headers=headers) as response:
        return response.status, await response.json(), response.headers


async def tg_call(
    http: aiohttp.ClientSession, apis: MessagingAPIs, method: str = "sendMessage", token: str = TG_TOKEN, **params: Any
) -> tuple[int, dict[str, Any], aiohttp.typedefs.LooseHeaders]:
    async with http.post(apis.telegram_url(method, token=token), json=params) as response:
        return response.status, await response.json(), response.headers


def graph_error(body: dict[str, Any]) -> dict[str, Any]:
    """The Graph error object, after checking the envelope every error shares."""
    assert set(body) == {"error"}
    error = body["error"]
    assert {"message", "type", "code", "fbtrace_id"} <= error.keys()
    assert isinstance(error["code"], int) and error["fbtrace_id"]
    return error


# --------------------------------------------------------------------------------------------- WhatsApp
async def test_whatsapp_text_answers_the_documented_shape_and_is_recorded(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    status, body, headers = await wa_send(http, apis, text_message(ASHA, "New match: SRE at Druva, Pune"))
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    assert set(body) == {"messaging_product", "contacts", "messages"}
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": ASHA, "wa_id": ASHA_ID}]
    [message] = body["messages"]
    assert set(message) == {"id"}  # message_status is for templates only
    assert message["id"].startswith("wamid.")
    assert ASHA_ID.encode() in base64.b64decode(message["id"].removeprefix("wamid."))

    [sent] = apis.sent("whatsapp")
    assert (sent.recipient, sent.text, sent.message_id, sent.kind, sent.status) == (
        ASHA_ID,
        "New match: SRE at Druva, Pune",
        message["id"],
        "text",
        "accepted",
    )
    assert apis.sent("telegram") == []
    [logged] = apis.requests_for("whatsapp")
    assert logged.path == f"/v21.0/{WA_PHONE_ID}/messages" and logged.method == "POST"
    assert logged.headers["Authorization"] == "Bearer ***"
    assert logged.body["text"] == {"body": "New match: SRE at Druva, Pune"}
    assert WA_TOKEN not in repr(apis.requests)


async def test_whatsapp_template_answers_message_status_and_renders_its_body(
    apis: MessagingAPIs, http: aiohttp.ClientSession
) -> None:
    apis.add_template("job_alert", language="en", body="Hi {{1}}, a new job matches you: {{2}}.")
    status, body, _ = await wa_send(http, apis, template_message(RAVI, "job_alert", "en", "Ravi", "Data Engineer at Freshworks"))
    assert status == 200
    assert body["messages"][0]["message_status"] == "accepted"
    assert body["contacts"] == [{"input": RAVI, "wa_id": RAVI}]
    [sent] = apis.sent("whatsapp")
    assert sent.kind == "template" and sent.template is not None and sent.template["name"] == "job_alert"
    assert sent.text == "Hi Ravi, a new job matches you: Data Engineer at Freshworks."

    status, body, _ = await wa_send(http, apis, template_message(RAVI, "hello_world", "en_US"))  # Meta's sample template
    assert status == 200 and apis.sent("whatsapp")[-1].text == "Hello World"


async def test_whatsapp_template_errors_are_the_documented_ones(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    status, body, _ = await wa_send(http, apis, template_message(RAVI, "no_such_template", "en"))
    error = graph_error(body)
    assert status == 404
    assert (error["code"], error["message"]) == (132001, "(#132001) Template name does not exist in the translation")
    assert error["error_data"] == {
        "messaging_product": "whatsapp",
        "details": "template name (no_such_template) does not exist in en",
    }

    apis.add_template("job_alert", language="en", body="Hi {{1}}, new job: {{2}}")
    status, body, _ = await wa_send(http, apis, template_message(RAVI, "job_alert", "en", "Ravi"))
    error = graph_error(body)
    assert status == 400 and error["code"] == 132000
    assert error["message"] == "(#132000) Number of parameters does not match the expected number of params"
    assert error["error_data"]["details"].startswith("body: number of localizable_params (1)")
    assert apis.sent("whatsapp") == []


async def test_whatsapp_token_errors(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"), token=None)
    error = graph_error(body)
    assert (status, error["code"], error["type"]) == (400, 104, "OAuthException")
    assert error["message"] == "An access token is required to request this resource."

    status, body, headers = await wa_send(http, apis, text_message(ASHA, "hi"), token="EAAG-wrong")
    error = graph_error(body)
    assert (status, error["code"], error["type"]) == (401, 190, "OAuthException")
    assert error["message"] == "Invalid OAuth access token - Cannot parse access token"
    assert "invalid_token" in headers["WWW-Authenticate"]

    apis.expire_token()
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"))
    error = graph_error(body)
    assert (status, error["code"], error["error_subcode"]) == (401, 190, 463)
    assert error["message"].startswith("Error validating access token: Session has expired on ")

    apis.add_token("whatsapp", "EAAG-rotated")
    status, _, _ = await wa_send(http, apis, text_message(ASHA, "hi"), token="EAAG-rotated")
    assert status == 200
    apis.revoke_token("whatsapp", "EAAG-rotated")
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"), token="EAAG-rotated")
    assert status == 401 and graph_error(body)["code"] == 190
    assert len(apis.sent("whatsapp")) == 1
    assert "EAAG-rotated" not in repr(apis.requests) and WA_TOKEN not in repr(apis.requests)


async def test_whatsapp_access_token_parameter_works_and_is_not_logged(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    async with http.post(apis.whatsapp_url(), params={"access_token": WA_TOKEN}, json=text_message(ASHA, "hi")) as response:
        assert response.status == 200
    [logged] = apis.requests_for("whatsapp")
    assert logged.query == {"access_token": "***"}
    assert WA_TOKEN not in repr(logged)


async def test_whatsapp_unknown_phone_number_id(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    url = apis.whatsapp_url(version="v20.0", phone_number_id="111111111111111")
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"), url=url)
    error = graph_error(body)
    assert (status, error["code"], error["error_subcode"], error["type"]) == (400, 100, 33, "GraphMethodException")
    assert "Object with ID '111111111111111' does not exist" in error["message"]


async def test_whatsapp_request_validation(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    payload = text_message(ASHA, "hi")
    del payload["messaging_product"]
    status, body, _ = await wa_send(http, apis, payload)
    error = graph_error(body)
    assert (status, error["code"], error["message"]) == (400, 100, "(#100) The parameter messaging_product is required.")
    assert "error_data" not in error

    status, body, _ = await wa_send(http, apis, text_message(ASHA, "x" * 4097))
    error = graph_error(body)
    assert (status, error["code"], error["message"]) == (400, 100, "(#100) Invalid parameter")
    assert "4096" in error["error_data"]["details"]

    status, body, _ = await wa_send(http, apis, text_message(ASHA, "x" * 4096))
    assert status == 200 and len(apis.sent("whatsapp")[0].text) == 4096

    status, body, _ = await wa_send(http, apis, text_message("not a number", "hi"))
    assert status == 400 and graph_error(body)["code"] == 131009
    status, body, _ = await wa_send(http, apis, {**text_message(ASHA, "hi"), "type": "hologram"})
    assert status == 400 and graph_error(body)["message"] == "(#131051) Unsupported message type"
    status, body, _ = await wa_send(http, apis, {**text_message(ASHA, "hi"), "text": {"body": ""}})
    assert status == 400 and graph_error(body)["code"] == 100
    assert len(apis.sent("whatsapp")) == 1


async def test_whatsapp_outside_the_24_hour_window(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.outside_window(ASHA)
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "Your application was submitted"))
    error = graph_error(body)
    assert (status, error["code"], error["message"]) == (400, 131047, "(#131047) Re-engagement message")
    assert error["error_data"] == {
        "messaging_product": "whatsapp",
        "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    }
    status, body, _ = await wa_send(http, apis, template_message(ASHA, "hello_world", "en_US"))  # templates still go
    assert status == 200 and body["messages"][0]["message_status"] == "accepted"
    status, _, _ = await wa_send(http, apis, text_message(RAVI, "hi"))  # other recipients are not affected
    assert status == 200

    apis.outside_window(RAVI, sync=False)  # accepted first, failed by webhook (also recorded)
    status, body, _ = await wa_send(http, apis, text_message(RAVI, "late"))
    assert status == 200
    wamid = body["messages"][0]["id"]
    assert (apis.sent("whatsapp")[-1].status, apis.sent("whatsapp")[-1].error_code) == ("failed", 131047)
    [status_update] = apis.status_webhook(wamid)["entry"][0]["changes"][0]["value"]["statuses"]
    assert status_update["status"] == "failed" and status_update["errors"][0]["code"] == 131047

    apis.allow("whatsapp", ASHA)
    status, _, _ = await wa_send(http, apis, text_message(ASHA, "hi again"))
    assert status == 200


async def test_whatsapp_recipient_not_in_allowed_list(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.not_allowed(RAVI)
    status, body, _ = await wa_send(http, apis, template_message(RAVI, "hello_world", "en_US"))
    error = graph_error(body)
    assert (status, error["code"], error["type"]) == (400, 131030, "OAuthException")
    assert error["message"] == "(#131030) Recipient phone number not in allowed list"
    assert error["error_data"]["details"].startswith("Recipient phone number not in allowed list: Add recipient phone number")
    assert apis.sent("whatsapp") == []


async def test_whatsapp_undeliverable_is_accepted_then_reported_by_webhook(
    apis: MessagingAPIs, http: aiohttp.ClientSession
) -> None:
    apis.undeliverable(RAVI)
    status, body, _ = await wa_send(http, apis, text_message(RAVI, "hello"))
    assert status == 200
    wamid = body["messages"][0]["id"]
    [sent] = apis.sent("whatsapp")
    assert (sent.message_id, sent.status, sent.error_code) == (wamid, "failed", 131026)
    hook = apis.status_webhook(wamid)
    assert hook["object"] == "whatsapp_business_account"
    [change] = hook["entry"][0]["changes"]
    assert change["field"] == "messages"
    assert change["value"]["metadata"]["phone_number_id"] == WA_PHONE_ID
    [update] = change["value"]["statuses"]
    assert (update["id"], update["status"], update["recipient_id"]) == (wamid, "failed", RAVI)
    assert update["errors"][0]["code"] == 131026 and update["errors"][0]["title"] == "Message undeliverable"

    status, body, _ = await wa_send(http, apis, text_message(ASHA, "ok"))
    assert apis.status_webhook(body["messages"][0]["id"])["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] == "delivered"

    apis.undeliverable(RAVI, sync=True)
    status, body, _ = await wa_send(http, apis, text_message(RAVI, "hello"))
    assert status == 400 and graph_error(body)["code"] == 131026
    assert len(apis.sent("whatsapp")) == 2


async def test_whatsapp_pair_rate_limit_is_per_recipient(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.pair_limit(ASHA, times=1)
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "one"))
    error = graph_error(body)
    assert (status, error["code"]) == (400, 131056)
    assert error["message"] == "(#131056) (Business Account, Consumer Account) pair rate limit hit"
    assert (await wa_send(http, apis, text_message(RAVI, "other")))[0] == 200
    assert (await wa_send(http, apis, text_message(ASHA, "again")))[0] == 200
    assert [s.text for s in apis.sent("whatsapp")] == ["other", "again"]


async def test_whatsapp_throttle_answers_the_documented_rate_limit_errors(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.throttle("whatsapp", times=1)
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"))
    error = graph_error(body)
    assert status == 400
    assert {k: error[k] for k in ("message", "type", "code", "error_data", "error_subcode")} == {
        "message": "(#130429) Rate limit hit",
        "type": "OAuthException",
        "code": 130429,
        "error_data": {"messaging_product": "whatsapp", "details": "Cloud API message throughput has been reached."},
        "error_subcode": 2494055,
    }
    assert (await wa_send(http, apis, text_message(ASHA, "hi")))[0] == 200

    apis.throttle("whatsapp", times=2, code=80007, status=429)
    for _ in range(2):
        status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"))
        assert (status, graph_error(body)["code"]) == (429, 80007)
    assert (await wa_send(http, apis, text_message(ASHA, "hi")))[0] == 200
    assert len(apis.requests_for("whatsapp")) == 5  # refused requests are logged too
    with pytest.raises(ValueError):
        apis.throttle("whatsapp", code=999)


async def test_whatsapp_5xx_is_graphs_transient_error(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.fail("whatsapp", status=503, times=1)
    status, body, _ = await wa_send(http, apis, text_message(ASHA, "hi"))
    error = graph_error(body)
    assert (status, error["code"], error["is_transient"]) == (503, 2, True)
    assert (await wa_send(http, apis, text_message(ASHA, "hi")))[0] == 200

    apis.fail("whatsapp", status=500)
    for _ in range(2):
        assert (await wa_send(http, apis, text_message(ASHA, "hi")))[0] == 500
    apis.recover("whatsapp")
    assert (await wa_send(http, apis, text_message(ASHA, "hi")))[0] == 200
    assert len(apis.sent("whatsapp")) == 2
    with pytest.raises(ValueError):
        apis.fail("whatsapp", status=404)


async def test_message_ids_are_unique(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    wamids = [
        (await wa_send(http, apis, text_message(to, f"m{i}")))[1]["messages"][0]["id"] for i, to in enumerate([ASHA, RAVI] * 10)
    ]
    assert len(set(wamids)) == 20
    assert [s.message_id for s in apis.sent("whatsapp")] == wamids
    tg_ids = [
        (await tg_call(http, apis, chat_id=chat, text=f"m{i}"))[1]["result"]["message_id"] for i, chat in enumerate([11, 22] * 10)
    ]
    assert len(set(tg_ids)) == 20
    assert [s.message_id for s in apis.sent("telegram")] == tg_ids


async def test_delay_makes_a_short_client_timeout_fire(apis: MessagingAPIs) -> None:
    apis.delay("telegram", seconds=5)
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as short:
        with pytest.raises(TimeoutError):
            await tg_call(short, apis, chat_id=11, text="slow")
        assert time.monotonic() - started < 4
        apis.delay("telegram", seconds=0)
        status, _, _ = await tg_call(short, apis, chat_id=11, text="fast")
        assert status == 200
        status, _, _ = await wa_send(short, apis, text_message(ASHA, "whatsapp is not delayed"))
        assert status == 200


# --------------------------------------------------------------------------------------------- Telegram
async def test_telegram_send_message_answers_a_message_and_is_recorded(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    before = int(time.time())
    status, body, headers = await tg_call(http, apis, chat_id=123456789, text="3 new jobs today", disable_notification=True)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body["ok"] is True and set(body) == {"ok", "result"}
    message = body["result"]
    assert {"message_id", "from", "chat", "date", "text"} <= message.keys()
    assert message["from"] == {"id": BOT_ID, "is_bot": True, "first_name": "Talvix Alerts", "username": "talvix_alerts_bot"}
    assert message["chat"]["id"] == 123456789 and message["chat"]["type"] == "private"
    assert message["text"] == "3 new jobs today" and "entities" not in message
    assert before <= message["date"] <= int(time.time())

    [sent] = apis.sent("telegram")
    assert (sent.recipient, sent.text, sent.message_id) == (123456789, "3 new jobs today", message["message_id"])
    assert sent.options["disable_notification"] is True
    [logged] = apis.requests_for("telegram")
    assert logged.path == "/bot***/sendMessage"
    assert TG_TOKEN not in repr(apis.requests)


async def test_telegram_accepts_form_and_query_parameters(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    form = {"chat_id": "-1001234567890", "text": "Weekly digest", "disable_notification": "true"}
    async with http.post(apis.telegram_url("SENDMESSAGE"), data=form) as response:  # method names are case-insensitive
        body = await response.json()
        assert response.status == 200
    assert body["result"]["chat"]["id"] == -1001234567890 and body["result"]["chat"]["type"] == "supergroup"
    async with http.get(apis.telegram_url("sendMessage"), params={"chat_id": "42", "text": "via GET"}) as response:
        body = await response.json()
        assert response.status == 200 and body["result"]["text"] == "via GET"
    assert [(s.recipient, s.options.get("disable_notification")) for s in apis.sent("telegram")] == [
        (-1001234567890, True),
        (42, None),
    ]


async def test_telegram_channel_posts_carry_sender_chat(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    status, body, _ = await tg_call(http, apis, chat_id="@talvix_jobs", text="New: SRE, Pune")
    assert status == 200
    assert "from" not in body["result"]
    assert body["result"]["sender_chat"]["type"] == "channel" and body["result"]["chat"]["username"] == "talvix_jobs"
    assert apis.sent("telegram")[0].recipient == "@talvix_jobs"


async def test_telegram_get_me(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    async with http.get(apis.telegram_url("getMe")) as response:
        body = await response.json()
        assert response.status == 200
    me = body["result"]
    assert (body["ok"], me["id"], me["is_bot"], me["username"]) == (True, BOT_ID, True, "talvix_alerts_bot")
    assert {"can_join_groups", "can_read_all_group_messages", "supports_inline_queries"} <= me.keys()
    status, body, _ = await tg_call(http, apis, "getMe")
    assert status == 200 and body["result"]["id"] == BOT_ID
    assert apis.sent("telegram") == []


async def test_telegram_bad_tokens_and_unknown_methods(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    status, body, _ = await tg_call(http, apis, token="7012345678:AAH-some-other-token", chat_id=1, text="x")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body, _ = await tg_call(http, apis, token="not-a-token", chat_id=1, text="x")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body, _ = await tg_call(http, apis, "sendHologram", chat_id=1, text="x")
    assert (status, body["description"]) == (404, "Not Found")
    async with http.get(f"{apis.origin}/nothing/here") as response:
        assert response.status == 404
    apis.revoke_token("telegram")
    status, body, _ = await tg_call(http, apis, chat_id=1, text="x")
    assert (status, body["description"]) == (401, "Unauthorized")
    assert apis.sent("telegram") == []
    assert "AAH-some-other-token" not in repr(apis.requests)


@pytest.mark.parametrize(
    ("rule", "status", "description"),
    [
        ("unknown", 400, "Bad Request: chat not found"),
        ("block", 403, "Forbidden: bot was blocked by the user"),
        ("not_started", 403, "Forbidden: bot can't initiate conversation with a user"),
        ("deactivated", 403, "Forbidden: user is deactivated"),
    ],
)
async def test_telegram_per_chat_errors(
    apis: MessagingAPIs, http: aiohttp.ClientSession, rule: str, status: int, description: str
) -> None:
    getattr(apis, rule)(555)
    got, body, _ = await tg_call(http, apis, chat_id=555, text="New jobs")
    assert (got, body) == (status, {"ok": False, "error_code": status, "description": description})
    assert (await tg_call(http, apis, chat_id=556, text="New jobs"))[0] == 200  # only that chat
    apis.allow("telegram", "555")
    assert (await tg_call(http, apis, chat_id="555", text="New jobs"))[0] == 200
    assert [s.recipient for s in apis.sent("telegram")] == [556, 555]


async def test_telegram_text_errors(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    status, body, _ = await tg_call(http, apis, chat_id=1, text="x" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    status, body, _ = await tg_call(http, apis, chat_id=1, text="")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body, _ = await tg_call(http, apis, chat_id=1)
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")
    status, body, _ = await tg_call(http, apis, text="no chat")
    assert (status, body["description"]) == (400, "Bad Request: chat_id is empty")
    status, body, _ = await tg_call(http, apis, chat_id=1, text="x", parse_mode="BBCode")
    assert (status, body["description"]) == (400, "Bad Request: unsupported parse_mode")
    assert apis.sent("telegram") == []

    status, body, _ = await tg_call(http, apis, chat_id=1, text="x" * 4096)
    assert status == 200
    # The limit applies after entity parsing: markup does not count.
    status, body, _ = await tg_call(http, apis, chat_id=1, text="<b>" + "y" * 4096 + "</b>", parse_mode="HTML")
    assert status == 200 and len(body["result"]["text"]) == 4096
    assert body["result"]["entities"] == [{"offset": 0, "length": 4096, "type": "bold"}]


async def test_telegram_parse_modes(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    html_text = '<b>SRE</b> at <a href="https://example.com/j/1">Druva</a> &amp; co'
    status, body, _ = await tg_call(http, apis, chat_id=1, text=html_text, parse_mode="HTML")
    assert status == 200
    assert body["result"]["text"] == "SRE at Druva & co"
    assert body["result"]["entities"] == [
        {"offset": 0, "length": 3, "type": "bold"},
        {"offset": 7, "length": 5, "type": "text_link", "url": "https://example.com/j/1"},
    ]
    status, body, _ = await tg_call(http, apis, chat_id=1, text="C++ <Senior> role", parse_mode="HTML")
    assert (status, body["description"]) == (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "senior" at byte offset 4',
    )
    status, body, _ = await tg_call(http, apis, chat_id=1, text="<b>unclosed", parse_mode="HTML")
    assert body["description"] == "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""

    status, body, _ = await tg_call(http, apis, chat_id=1, text="Version 1.0", parse_mode="MarkdownV2")
    assert (status, body["description"]) == (
        400,
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    )
    status, body, _ = await tg_call(http, apis, chat_id=1, text="*New* job: v1\\.0 \\- Pune", parse_mode="MarkdownV2")
    assert status == 200 and body["result"]["text"] == "New job: v1.0 - Pune"
    status, body, _ = await tg_call(http, apis, chat_id=1, text="_open", parse_mode="MarkdownV2")
    assert body["description"] == "Bad Request: can't parse entities: Can't find end of Italic entity at byte offset 0"
    assert [s.text for s in apis.sent("telegram")] == ["SRE at Druva & co", "New job: v1.0 - Pune"]


async def test_telegram_throttle_answers_429_with_retry_after(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.throttle("telegram", times=2, retry_after=7)
    for _ in range(2):
        status, body, headers = await tg_call(http, apis, chat_id=1, text="x")
        assert (status, body) == (
            429,
            {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": {"retry_after": 7}},
        )
        assert headers["Retry-After"] == "7"
    assert (await wa_send(http, apis, text_message(ASHA, "whatsapp is not throttled")))[0] == 200
    status, body, _ = await tg_call(http, apis, chat_id=1, text="x")
    assert status == 200 and body["ok"] is True
    assert len(apis.requests_for("telegram")) == 3 and len(apis.sent("telegram")) == 1


async def test_telegram_5xx(apis: MessagingAPIs, http: aiohttp.ClientSession) -> None:
    apis.fail("telegram", status=502, times=1)
    status, body, _ = await tg_call(http, apis, chat_id=1, text="x")
    assert (status, body) == (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    assert (await tg_call(http, apis, chat_id=1, text="x"))[0] == 200

    apis.fail("telegram", status=500)
    for _ in range(2):
        status, body, _ = await tg_call(http, apis, chat_id=1, text="x")
        assert (status, body["description"]) == (500, "Internal Server Error")
    apis.recover()
    assert (await tg_call(http, apis, chat_id=1, text="x"))[0] == 200
    assert len(apis.sent("telegram")) == 2
