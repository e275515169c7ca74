"""Local imitation of two messaging APIs, for tests: ONE aiohttp server on 127.0.0.1 (random free port).

Endpoints (paths as on the real hosts, so a client only swaps its base URL for ``apis.origin``):

* WhatsApp Business Cloud API  ``POST /{version}/{phone_number_id}/messages``  (real: https://graph.facebook.com)
* Telegram Bot API             ``GET|POST /bot{token}/{method}``  with ``sendMessage`` and ``getMe``
                                                                    (real: https://api.telegram.org)

Every request is logged (``apis.requests``; tokens replaced by ``***``: the Authorization header, Graph's
``access_token`` parameter, the token in a Telegram path). Every message the API accepted is recorded
(``apis.sent(service)``: recipient, text, returned message id, ...). Message ids are unique per server.

Sources, and what is documented versus inferred
------------------------------------------------
WhatsApp Cloud API (Meta Graph API)
    * Request body (``messaging_product``, ``recipient_type`` "individual", ``to``, ``type`` "text" by default,
      ``text{body, preview_url}``, ``template{name, language{code}, components}``) and the text body limit of
      4096 characters: Meta's messages reference https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
      (limit as quoted by nyaruka/courier PR #1081 and wppconnect-team/wppconnect issue #2234).
    * Success ``{"messaging_product": "whatsapp", "contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}``:
      api-evangelist/whatsapp json-schema/whatsapp-cloud-api-send-message-response-schema.json, the example payload
      https://prismatic.io/docs/example-payloads/whatsapp/actions/sendMessage.json, docs.rs whatsapp-cloud-api 0.5.4
      src/models/message_response.rs, https://whatsappapijs.web.app/types/types.ServerSentMessageResponse.html.
      ``message_status`` ("accepted" | "held_for_quality_assessment" | "paused") is sent for TEMPLATE messages only:
      Meta's payment-request template example (index file 54762684703), recorded template answers (index 30224991733,
      10374318403), client types noting "only on templates" (index 68330609017, 209751173). Text answers carry none.
      ``contacts[].input`` echoes ``to`` as sent; ``wa_id`` is the digits (documented as possibly different from the
      input; ``set_wa_id()`` imitates that).
    * Error envelope ``{"error": {"message": "(#CODE) Title", "type", "code", "error_data": {"messaging_product",
      "details"}, "error_subcode"?, "fbtrace_id"}}``, the codes and their ``details`` texts, the example 130429 answer
      (with ``"error_subcode": 2494055``, although the same page says subcodes are not returned from v16.0 on), and
      the note that errors come synchronously, by webhook, or both: Meta's error-codes page
      https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes (read through a
      mirrored copy in the search index, file 68915738454, fetched 2026-09-11; the live page has no status column).
    * HTTP statuses per code come from the OLDER version of that page, which had an "HTTP Status Code" column
      (mirrored in a PHP table, index file 24881997733): 0/190 → 401, 10/200-299/368/131031 → 403, throttling codes
      4/80007/130429/131048/131056 → 400, 100/131009/131026/131047/132000 → 400, 132001 → 404 (131030 is not in that
      table; its HTTP 400 is the recorded one below). CONFLICT: one
      Go client (index 29156533643, "source: .../cloud-api/support/error-codes") annotates the throttling codes as
      HTTP 429; recorded client fixtures show both 400 and 429. 400 is served by default,
      ``throttle("whatsapp", status=429)`` serves the other.
    * Recorded bodies reused verbatim in shape: 131030 ("(#131030) Recipient phone number not in allowed list",
      details "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try
      again.", type OAuthException, HTTP 400) from Neurotech-HQ/heyoo issue #94; 131047 ("(#131047) Re-engagement
      message", details "Message failed to send because more than 24 hours have passed since the customer last
      replied to this number.") from index 70433206514, 70207685772, 37853081817; "(#100) The parameter
      messaging_product is required." (code 100, no error_data) and 132001 "(#132001) Template name does not exist in
      the translation" / details "template name (X) does not exist in LANG" from index 36526311051; 132000 "(#132000)
      Number of parameters does not match the expected number of params" / "body: number of localizable_params (N)
      does no[t match ...]" from index 30224991733 (the end of that details text is inferred).
    * Token errors: an invalid token answers code 190 "Invalid OAuth access token - Cannot parse access token"
      (type OAuthException; index 68634946572, 59030224062), HTTP 401 per the status column above (some recorded
      clients saw 400). An expired token answers 190 with "Error validating access token: Session has expired on
      <Day>, DD-Mon-YY HH:MM:SS PDT. ..." (text recorded in index 71333139597) and ``error_subcode`` 463 (Graph API
      error-handling guide, https://developers.facebook.com/docs/graph-api/guides/error-handling). A request with no
      token answers code 104 "An access token is required to request this resource." with HTTP 400 (a /messages
      call without Authorization, index 53528245437; HTTP 400 observed per index 69279846849; the error-codes page
      says such requests "may return error code 190 or 104").
    * 131026 (undeliverable: not a WhatsApp number, old app, ToS) is reported ASYNCHRONOUSLY on Cloud API: the send
      answers 200 with a wamid and a ``statuses`` webhook later says ``failed`` (tactilenews/100eyes issue #2076,
      bettersg/checkMate issue #174). 131047 is recorded BOTH ways: synchronously (the fixtures above) and accepted
      first, then failed by webhook (fabrahaingo/joel PR #314, NousResearch/hermes-agent issue #80056). Both rules take
      ``sync=``: ``outside_window(phone)`` is synchronous by default, ``undeliverable(phone)`` asynchronous.
      ``status_webhook(wamid)`` builds the webhook a test can post itself; its shape (``object``, ``entry[].changes[]
      .value.{messaging_product, metadata, statuses[{id, status, timestamp, recipient_id, errors[{code, title,
      message, error_data}]}]}``, ``field: "messages"``) follows gabrieldwight/Whatsapp-Business-Cloud-Api-Net
      discussion #39 and recorded payloads (index 59718469725, 58506583322). The error object (``code``, ``title``,
      ``message`` "the same as the title property value", ``error_data.details``, ``href``) is Meta's webhook
      reference https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/errors
      (read through a stored copy, fetched 2026-11); ``conversation{id, expiration_timestamp (sent only), origin
      {type}}`` and ``pricing{billable, pricing_model "CBP", category}`` on sent/delivered, none on read/failed,
      and the inbound text message (``contacts[{profile{name}, wa_id}]``, ``messages[{from, id, timestamp, type
      "text", text{body}}]``) as in recorded Cloud API deliveries (stored copies of two apps' webhook logs:
      https://cronwalletlote.ibsystemclinicas.com.br/whatsAppApi.txt, http://playnow.my/WAWeb/data.txt) and Meta's
      sample "test user name" payload in them. 131049's title is as recorded by a provider relaying it
      (https://document.infin8linx.com, "message_status_webhook"); its details text is INFERRED from Meta's error
      codes page. ``sign_webhook(body, app_secret)`` gives ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
      body keyed with the App Secret>`` (Meta's Webhooks guide, as quoted by InstruktAI/TeleClaude
      docs/third-party/whatsapp/webhooks.md and hookdeck.com's WhatsApp webhooks guide). Meta does not promise
      order: "delivered events may happen after failed, and vice versa" (docs.ycloud.com, WhatsApp message
      updated webhook examples).
    * A 5xx answers Graph's transient error ``{"error": {"message": "An unexpected error has occurred. Please retry your
      request later.", "type": "OAuthException", "is_transient": true, "code": 2, "fbtrace_id"}}``, recorded with
      HTTP 500 (index 69131236222, 61772761612); the old status column gives code 2 → 503. Served with the status
      ``fail()`` was given.
    * An unknown phone-number id answers Graph's "Unsupported post request. Object with ID '...' does not exist, ..."
      (type GraphMethodException, code 100, subcode 33, HTTP 400) - the well-known Graph wording, not re-checked here.
    * INFERRED: the order of checks (5xx fault, token, phone-number id, throttling, body, recipient rules); the
      ``details`` of a text body over 4096 characters (code 100 "(#100) Invalid parameter", whose documented solution
      includes "Ensure your parameter is under any length restriction"), of a missing ``to``/``text.body``/template
      name ("(#100) The parameter X is required.", by analogy with the recorded messaging_product one), of an
      invalid ``to`` (131009) and of an unknown ``type`` (131051); the ``message`` titles of 131026/131056 and their
      ``details`` (the doc's descriptions); the ``WWW-Authenticate`` header on 401; the webhook's error
      ``message``/``details`` texts; wamid bodies (built like the documented examples decode:
      ``\\x1c\\x18 <len> <digits> \\x15\\x02\\x00\\x11\\x18\\x12 <18 hex> \\x00``, base64); fbtrace ids (random).
      ``retry_after`` has no documented place in Graph's answers, so WhatsApp throttling answers carry none.
      Message types other than text and template are accepted and recorded without validation.

Telegram Bot API
    * https://core.telegram.org/bots/api (stored copies: spontanurlaub/telegram-bot-api-log ``api``; grammyjs/types
      api.ts): ``https://api.telegram.org/bot<token>/METHOD_NAME``, GET and POST, parameters by query string,
      urlencoded form, JSON or multipart; method names case-insensitive; answers ``{"ok": true, "result": ...}`` or
      ``{"ok": false, "error_code", "description", "parameters"?: {"retry_after"?, "migrate_to_chat_id"?}}``.
      ``sendMessage(chat_id Integer|String, text "1-4096 characters after entities parsing", parse_mode?, entities?,
      link_preview_options?, disable_notification?, protect_content?, reply_parameters?, reply_markup?, ...)``
      returns the sent Message (``message_id, from, date, chat, text, entities?``); ``getMe`` returns the bot's User
      with the getMe-only fields ``can_join_groups``, ``can_read_all_group_messages``, ``supports_inline_queries``,
      ``can_connect_to_business``, ``has_main_web_app``. Channel posts carry ``sender_chat`` instead of ``from``.
    * The server itself: tdlib/telegram-bot-api telegram-bot-api/HttpConnection.cpp (commit a94b95e) - a path not
      starting with /bot answers 404 ``{"ok":false,"error_code":404,"description":"Not Found"}``, answers are
      ``application/json``, and a 429 carries a ``Retry-After: N`` header; Query.cpp - the 429 body is
      ``"Too Many Requests: retry after N"`` with ``"parameters": {"retry_after": N}``, method names are lowercased.
    * Descriptions: vrumger/telegram-errors README ("Bad Request: chat not found", 401 "Unauthorized", 403
      "Forbidden: bot was blocked by the user", "Forbidden: user is deactivated", "Too Many Requests: retry after
      N"); https://integrately.com/integrations/telegram/error ("Bad Request: message text is empty", "Bad Request:
      chat_id is empty"); a recorded live body ``{"ok":false,"error_code":400,"description":"Bad Request: chat not
      found"}`` in monicahq/chandler issue #391; "Forbidden: bot can't initiate conversation with a user" (same
      README, linked in many clients); "Bad Request: message is too long" (brief; widely handled by clients).
    * A well-formed but wrong token answers 401 "Unauthorized", a malformed one 404 "Not Found"
      (python-telegram-bot issue #2162, TelegramBots/Telegram.Bot issue #622 and PR #702).
    * Parse errors: "Bad Request: can't parse entities: Unsupported start tag \\"x\\" at byte offset N", "...: Can't
      find end tag corresponding to start tag \\"b\\"", "...: Character '.' is reserved and must be escaped with the
      preceding '\\\\'", "Can't find end of Italic entity at byte offset N" (tdlib's own tests, index 112968038, and
      client logs, index 63303896864, 53527494545, 16213157181).
    * INFERRED: the order of checks (empty chat_id, empty text, parse_mode and markup, chat rules, length); the
      text length counts code points after parsing (the doc says "characters"); "Bad Request: unsupported
      parse_mode" and the end-tag error texts; the parsers are simplified (HTML entities are computed, MarkdownV2 /
      Markdown markup is only stripped, without entities); a 5xx answers ``{"ok": false, "error_code": N,
      "description": <reason phrase>}`` (what client fixtures assume; a real 502 may come from a proxy as HTML);
      chats unknown to the stand-in are private chats named "Test User" unless ``add_chat()`` says otherwise;
      message ids come from one counter for all chats (real ids are per chat), so they are unique.

Fault controls (``throttle``, ``fail``, ``delay``, ``recover``) answer in each API's own error format.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http import HTTPStatus
from typing import Any, ClassVar

from aiohttp import web

SERVICES = ("whatsapp", "telegram")
REDACTED = "***"
WHATSAPP_TEXT_LIMIT = 4096
TELEGRAM_TEXT_LIMIT = 4096
GRAPH_VERSION = "v21.0"
WHATSAPP_THROTTLE_CODES = {
    4: ("API Too Many Calls", "The app has reached its API call rate limit."),
    80007: ("Rate limit issues", "The WhatsApp Business Account has reached its rate limit."),
    130429: ("Rate limit hit", "Cloud API message throughput has been reached."),
    131048: (
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be sent from this phone number. "
        "This may be because too many previous messages were blocked or flagged as spam.",
    ),
    131056: (
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.",
    ),
}
# Errors of a ``failed`` status webhook: (title, error_data.details).
WHATSAPP_WEBHOOK_ERRORS = {
    131026: ("Message undeliverable", "Message Undeliverable."),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    ),
    131049: (
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    ),
}
WHATSAPP_MESSAGE_TYPES = frozenset(
    {"text", "template", "audio", "contacts", "document", "image", "interactive", "location", "reaction", "sticker", "video"}
)
TELEGRAM_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"

Json = dict[str, Any]


@dataclass(frozen=True)
class Logged:
    """One request as received (before any fault), with every token value replaced by ``***``."""

    service: str
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Sent:
    """One message the API accepted (answered 2xx with a message id).

    ``status`` is "accepted", or "failed" for a WhatsApp message that the API accepted but reports failed by webhook
    (``error_code`` 131026 or 131047). ``text`` is the text body as delivered (Telegram: after entity parsing;
    WhatsApp template: the registered body with the parameters filled in, "" if no body was registered).
    """

    service: str
    recipient: int | str  # WhatsApp: wa_id digits; Telegram: chat_id as sent (int, or "@channel")
    text: str
    message_id: int | str  # WhatsApp: "wamid..."; Telegram: Message.message_id
    kind: str = "text"  # WhatsApp: the message type; Telegram: "text"
    template: Json | None = None
    options: Json = field(default_factory=dict)
    status: str = "accepted"
    error_code: int | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class _Faults:
    delay: float = 0.0
    throttle: int = 0
    retry_after: int = 1
    throttle_code: int = 130429
    throttle_status: int | None = None
    fail_status: int | None = None
    fail_times: int | None = None


@dataclass
class _Template:
    name: str
    language: str
    body: str

    @property
    def placeholders(self) -> list[str]:
        return list(dict.fromkeys(re.findall(r"\{\{\s*([\w]+)\s*\}\}", self.body)))


class _BadMarkup(Exception):
    pass


def digits(phone: str | int) -> str:
    """The digits of a phone number ("+91 98765-43210" → "919876543210")."""
    return re.sub(r"\D", "", str(phone))


def _fbtrace_id() -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    return "A" + "".join(secrets.choice(alphabet) for _ in range(22))


def _truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def parse_telegram_html(source: str) -> tuple[str, list[Json]]:
    """Telegram's parse_mode=HTML, simplified: (plain text, entities with UTF-16 offsets). Raises _BadMarkup."""
    out: list[str] = []
    entities: list[Json] = []
    stack: list[tuple[str, int, Json]] = []  # (tag, utf16 start, extra fields)
    position = 0
    tag_re = re.compile(r"<(/?)([^\s/>]*)([^>]*)>")
    while position < len(source):
        lt = source.find("<", position)
        if lt < 0:
            out.append(html.unescape(source[position:]))
            break
        out.append(html.unescape(source[position:lt]))
        match = tag_re.match(source, lt)
        if match is None:
            raise _BadMarkup(f"Unclosed start tag at byte offset {_byte_offset(source, lt)}")
        closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
        offset = _utf16_len("".join(out))
        if not closing:
            if name not in TELEGRAM_HTML_TAGS:
                raise _BadMarkup(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, lt)}')
            extra: Json = {}
            attrs = dict(re.findall(r"""([\w-]+)\s*=\s*["']([^"']*)["']""", rest))
            if name == "a":
                extra["url"] = attrs.get("href", "")
            if name == "span" and attrs.get("class") != "tg-spoiler":
                raise _BadMarkup(f'Tag "span" must have class "tg-spoiler" at byte offset {_byte_offset(source, lt)}')
            if name == "pre" and attrs.get("language"):
                extra["language"] = attrs["language"]
            stack.append((name, offset, extra))
        else:
            if not stack:
                raise _BadMarkup(f"Unexpected end tag at byte offset {_byte_offset(source, lt)}")
            open_name, start, extra = stack.pop()
            if open_name != name:
                raise _BadMarkup(
                    f'Unmatched end tag at byte offset {_byte_offset(source, lt)}, expected "</{open_name}>", found "</{name}>"'
                )
            if offset > start:
                entities.append({"offset": start, "length": offset - start, "type": TELEGRAM_HTML_TAGS[open_name], **extra})
        position = match.end()
    if stack:
        raise _BadMarkup(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


_MD2_MARKS = (("```", "Pre"), ("||", "Spoiler"), ("__", "Underline"), ("*", "Bold"), ("_", "Italic"), ("~", "Strikethrough"))


def parse_telegram_markdown_v2(source: str) -> str:
    """MarkdownV2, simplified: checks escaping and closing, strips the markup, computes no entities."""
    out: list[str] = []
    open_marks: list[tuple[str, str, int]] = []
    i = 0
    at_line_start = True
    while i < len(source):
        c = source[i]
        if c == "\\":
            if i + 1 >= len(source):
                raise _BadMarkup("Character '\\' is reserved and must be escaped with the preceding '\\'")
            out.append(source[i + 1])
            i += 2
            at_line_start = False
            continue
        if c == "`" and not source.startswith("```", i):
            end = source.find("`", i + 1)
            if end < 0:
                raise _BadMarkup(f"Can't find end of Code entity at byte offset {_byte_offset(source, i)}")
            out.append(source[i + 1 : end].replace("\\`", "`").replace("\\\\", "\\"))
            i = end + 1
            continue
        if c == ">" and at_line_start:
            i += 1
            at_line_start = False
            continue
        if c == "[":
            close = source.find("](", i)
            end = source.find(")", close + 2) if close >= 0 else -1
            if close < 0 or end < 0:
                raise _BadMarkup("Character '[' is reserved and must be escaped with the preceding '\\'")
            out.append(parse_telegram_markdown_v2(source[i + 1 : close]))
            i = end + 1
            continue
        for mark, entity in _MD2_MARKS:
            if source.startswith(mark, i):
                if open_marks and open_marks[-1][0] == mark:
                    open_marks.pop()
                else:
                    open_marks.append((mark, entity, _byte_offset(source, i)))
                i += len(mark)
                break
        else:
            if c in MARKDOWN_V2_RESERVED:
                raise _BadMarkup(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
            out.append(c)
            at_line_start = c == "\n"
            i += 1
    if open_marks:
        _, entity, offset = open_marks[-1]
        raise _BadMarkup(f"Can't find end of {entity} entity at byte offset {offset}")
    return "".join(out)


def parse_telegram_markdown(source: str) -> str:
    """Legacy Markdown, simplified: *bold*, _italic_, `code`, ```pre```, [text](url); strips the markup."""
    out: list[str] = []
    i = 0
    while i < len(source):
        if source.startswith("```", i):
            end = source.find("```", i + 3)
        elif source[i] in "*_`":
            end = source.find(source[i], i + 1)
        elif source[i] == "[":
            close, end = source.find("](", i), -1
            if close >= 0 and (end := source.find(")", close + 2)) >= 0:
                out.append(source[i + 1 : close])
                i = end + 1
                continue
        else:
            out.append(source[i])
            i += 1
            continue
        if end < 0:
            raise _BadMarkup(f"Can't find end of the entity starting at byte offset {_byte_offset(source, i)}")
        width = 3 if source.startswith("```", i) else 1
        out.append(source[i + width : end])
        i = end + width
    return "".join(out)


class MessagingAPIs:
    """WhatsApp Cloud API and Telegram Bot API stand-ins on one local server. See the module docstring.

    Control per recipient: WhatsApp ``outside_window``, ``not_allowed``, ``undeliverable``, ``pair_limit``,
    ``set_wa_id``, ``add_template``; Telegram ``block``, ``unknown``, ``not_started``, ``deactivated``, ``add_chat``;
    both ``allow(service, recipient)`` to clear a recipient's rules. Faults per service: ``throttle``, ``fail``,
    ``delay``, ``recover``. Tokens: ``add_token``, ``revoke_token``, ``expire_token`` (WhatsApp).
    """

    SERVICES: ClassVar[tuple[str, ...]] = SERVICES
    WHATSAPP_TEXT_LIMIT: ClassVar[int] = WHATSAPP_TEXT_LIMIT
    TELEGRAM_TEXT_LIMIT: ClassVar[int] = TELEGRAM_TEXT_LIMIT

    def __init__(
        self,
        whatsapp_token: str = "EAAtest-whatsapp-token",
        whatsapp_phone_number_id: str = "106540352242922",
        telegram_token: str = "7012345678:AAHtest-telegram-token_0123456789abcdef",
        *,
        whatsapp_display_phone_number: str = "15550783881",
        whatsapp_business_account_id: str = "102290129340398",
        telegram_bot_name: str = "Talvix Alerts",
        telegram_bot_username: str = "talvix_alerts_bot",
        port: int = 0,
    ) -> None:
        self.whatsapp_phone_number_id = whatsapp_phone_number_id
        self.whatsapp_display_phone_number = whatsapp_display_phone_number
        self.whatsapp_business_account_id = whatsapp_business_account_id
        self.telegram_bot_name = telegram_bot_name
        self.telegram_bot_username = telegram_bot_username
        self.whatsapp_token = whatsapp_token
        self.telegram_token = telegram_token
        self.port = port
        self.requests: list[Logged] = []
        self._tokens: dict[str, set[str]] = {"whatsapp": {whatsapp_token}, "telegram": {telegram_token}}
        self._expired: set[str] = set()
        self._faults: dict[str, _Faults] = {s: _Faults() for s in SERVICES}
        self._sent: dict[str, list[Sent]] = {s: [] for s in SERVICES}
        self._wa_rules: dict[str, dict[str, bool]] = {}  # digits → {"outside_window": sync, ...}
        self._wa_pair_limit: dict[str, int] = {}
        self._wa_ids: dict[str, str] = {}
        self._templates: dict[tuple[str, str], _Template] = {}
        self._tg_rules: dict[int | str, str] = {}  # chat → "unknown" | "blocked" | "not_started" | "deactivated"
        self._tg_chats: dict[int | str, Json] = {}
        self._seq = 0
        self._telegram_message_id = 0
        self._closing = asyncio.Event()
        # Meta's sample template, present on every new WhatsApp Business Account.
        self.add_template("hello_world", language="en_US", body="Hello World")

    # ------------------------------------------------------------------ control
    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def whatsapp_url(self, version: str = GRAPH_VERSION, phone_number_id: str | None = None) -> str:
        return f"{self.origin}/{version}/{phone_number_id or self.whatsapp_phone_number_id}/messages"

    def telegram_url(self, method: str = "sendMessage", token: str | None = None) -> str:
        return f"{self.origin}/bot{token or self.telegram_token}/{method}"

    def add_token(self, service: str, token: str) -> None:
        self._tokens[self._check(service)].add(token)
        self._expired.discard(token)

    def revoke_token(self, service: str, token: str | None = None) -> None:
        """The token no longer works (WhatsApp: 190 invalid token; Telegram: 401 Unauthorized)."""
        service = self._check(service)
        self._tokens[service].discard(token or (self.whatsapp_token if service == "whatsapp" else self.telegram_token))

    def expire_token(self, token: str | None = None) -> None:
        """A WhatsApp token is still known but expired: 190 "Session has expired", subcode 463."""
        self._expired.add(token or self.whatsapp_token)

    # -- WhatsApp recipients
    def _wa_rule(self, phone: str | int, rule: str, sync: bool) -> None:
        self._wa_rules.setdefault(digits(phone), {})[rule] = sync

    def outside_window(self, phone: str | int, *, sync: bool = True) -> None:
        """Free-form (non-template) messages to ``phone`` fail with 131047 (400, or 200 + failed webhook if not sync)."""
        self._wa_rule(phone, "outside_window", sync)

    def not_allowed(self, phone: str | int) -> None:
        """``phone`` is not in a test number's recipient list: 131030, HTTP 400."""
        self._wa_rule(phone, "not_allowed", True)

    def undeliverable(self, phone: str | int, *, sync: bool = False) -> None:
        """Messages to ``phone`` fail with 131026 (by default: 200 + failed webhook; sync=True: HTTP 400)."""
        self._wa_rule(phone, "undeliverable", sync)

    def pair_limit(self, phone: str | int, times: int = 1) -> None:
        """The next ``times`` sends to ``phone`` hit the pair rate limit (131056); other recipients are not limited."""
        self._wa_pair_limit[digits(phone)] = times

    def set_wa_id(self, phone: str | int, wa_id: str) -> None:
        """Answer a different ``wa_id`` for ``phone`` (Meta documents that it may differ from the input)."""
        self._wa_ids[digits(phone)] = wa_id

    def add_template(self, name: str, language: str = "en_US", body: str = "") -> None:
        """Register an approved template. ``{{1}}``/``{{name}}`` placeholders fix how many body parameters it takes."""
        self._templates[(name, language)] = _Template(name, language, body)

    # -- Telegram chats
    def _tg_rule(self, chat_id: int | str, rule: str) -> None:
        self._tg_rules[self._chat_key(chat_id)] = rule

    def unknown(self, chat_id: int | str) -> None:
        """sendMessage to ``chat_id``: 400 "Bad Request: chat not found"."""
        self._tg_rule(chat_id, "unknown")

    def block(self, chat_id: int | str) -> None:
        """sendMessage to ``chat_id``: 403 "Forbidden: bot was blocked by the user"."""
        self._tg_rule(chat_id, "blocked")

    def not_started(self, chat_id: int | str) -> None:
        """sendMessage to ``chat_id``: 403 "Forbidden: bot can't initiate conversation with a user"."""
        self._tg_rule(chat_id, "not_started")

    def deactivated(self, chat_id: int | str) -> None:
        """sendMessage to ``chat_id``: 403 "Forbidden: user is deactivated"."""
        self._tg_rule(chat_id, "deactivated")

    def add_chat(self, chat_id: int | str, **fields: Any) -> None:
        """Describe a chat (Chat object fields: type, first_name, last_name, username, title)."""
        self._tg_chats[self._chat_key(chat_id)] = fields

    def allow(self, service: str, recipient: int | str) -> None:
        """Clear every per-recipient rule for ``recipient``."""
        if self._check(service) == "whatsapp":
            self._wa_rules.pop(digits(recipient), None)
            self._wa_pair_limit.pop(digits(recipient), None)
        else:
            self._tg_rules.pop(self._chat_key(recipient), None)

    # -- faults
    def throttle(
        self, service: str, times: int = 1, retry_after: int = 1, *, code: int = 130429, status: int | None = None
    ) -> None:
        """The next ``times`` requests are rate limited.

        Telegram: 429 "Too Many Requests: retry after N", ``parameters.retry_after`` and ``Retry-After: N``.
        WhatsApp: Graph error ``code`` (4, 80007, 130429, 131048 or 131056) with HTTP ``status`` (default 400, as the
        documented status column says; 429 as some clients saw). Graph sends no retry hint, so ``retry_after`` is unused.
        """
        faults = self._faults[self._check(service)]
        if service == "whatsapp" and code not in WHATSAPP_THROTTLE_CODES:
            raise ValueError(f"code must be one of {sorted(WHATSAPP_THROTTLE_CODES)}")
        faults.throttle, faults.retry_after, faults.throttle_code, faults.throttle_status = times, retry_after, code, status

    def fail(self, service: str, status: int = 500, times: int | None = None) -> None:
        """Answer ``status`` (5xx) in the API's own error format: ``times`` times, or until ``recover``."""
        if not 500 <= status <= 599:
            raise ValueError("fail() is for 5xx statuses")
        faults = self._faults[self._check(service)]
        faults.fail_status, faults.fail_times = status, times

    def delay(self, service: str, seconds: float) -> None:
        """Delay every answer of the service by ``seconds`` (0 to stop)."""
        self._faults[self._check(service)].delay = seconds

    def recover(self, service: str | None = None) -> None:
        """Clear throttling, delay and failure (one service, or both)."""
        for name in [self._check(service)] if service else SERVICES:
            self._faults[name] = _Faults()

    # -- records
    def sent(self, service: str) -> list[Sent]:
        """Messages the service accepted, in order (WhatsApp includes those later reported failed; see ``status``)."""
        return list(self._sent[self._check(service)])

    def requests_for(self, service: str) -> list[Logged]:
        return [r for r in self.requests if r.service == self._check(service)]

    def status_webhook(
        self, message_id: str, status: str | None = None, *, error_code: int | None = None, at: datetime | None = None
    ) -> Json:
        """The ``messages`` webhook WhatsApp would post about an accepted message: "failed" with its error (the
        recipient's rule, or ``error_code``), or ``status`` ("sent", "delivered", "read"; "delivered" by default).
        ``at`` is when it happened (default: when the message was accepted)."""
        record = next((s for s in self._sent["whatsapp"] if s.message_id == message_id), None)
        if record is None:
            raise KeyError(message_id)
        code = error_code or (record.error_code if record.status == "failed" else None)
        entry: Json = {
            "id": message_id,
            "status": status or ("failed" if code is not None else "delivered"),
            "timestamp": str(int((at or record.at).timestamp())),
            "recipient_id": record.recipient,
        }
        if entry["status"] in ("sent", "delivered"):
            # Conversation and pricing ride on sent/delivered updates (recorded payloads); read and failed carry none.
            conversation: Json = {"id": secrets.token_hex(16), "origin": {"type": "utility"}}
            if entry["status"] == "sent":
                conversation["expiration_timestamp"] = str(int((at or record.at).timestamp()) + 24 * 3600)
            entry["conversation"] = conversation
            entry["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "utility"}
        if entry["status"] == "failed" and code is not None:
            title, details = WHATSAPP_WEBHOOK_ERRORS[code]
            entry["errors"] = [
                {
                    "code": code,
                    "title": title,
                    "message": title,  # Meta: "the same as the title property value"
                    "error_data": {"details": details},
                    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                }
            ]
        return self._webhook({"statuses": [entry]})

    def inbound_message_webhook(self, phone: str | int, text: str, *, name: str = "Test User") -> Json:
        """The ``messages`` webhook WhatsApp posts when a user writes to the business (a text message)."""
        wa_id = self._wa_ids.get(digits(phone), digits(phone))
        message = {
            "from": wa_id,
            "id": self._next_wamid(wa_id),
            "timestamp": str(int(time.time())),
            "type": "text",
            "text": {"body": text},
        }
        return self._webhook({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]})

    def _webhook(self, fields: Json) -> Json:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.whatsapp_business_account_id,
                    "changes": [
                        {
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": self.whatsapp_display_phone_number,
                                    "phone_number_id": self.whatsapp_phone_number_id,
                                },
                                **fields,
                            },
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    @staticmethod
    def sign_webhook(body: bytes, app_secret: str) -> str:
        """The ``X-Hub-Signature-256`` Meta sends with ``body``: ``sha256=`` and the hex HMAC-SHA256 keyed with the
        App Secret."""
        return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()

    async def start(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_post(r"/{version:v\d+\.\d+}/{phone_number_id}/messages", self._whatsapp)
        app.router.add_route("*", "/bot{token}/{method}", self._telegram)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        app.on_shutdown.append(self._wake_sleepers)
        self._closing = asyncio.Event()
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self.port = runner.addresses[0][1]
        return runner

    # ------------------------------------------------------------------ plumbing
    @staticmethod
    def _check(service: str | None) -> str:
        if service is None or service not in SERVICES:
            raise ValueError(f"unknown service {service!r}; expected one of {SERVICES}")
        return service

    async def _wake_sleepers(self, app: web.Application) -> None:
        self._closing.set()

    @staticmethod
    def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json",
            charset="utf-8",
            headers=headers,
        )

    async def _read_body(self, request: web.Request) -> Any:
        if not request.can_read_body:
            return {}
        if request.content_type == "application/json":
            try:
                return await request.json()
            except ValueError:
                return (await request.text())[:2000]
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            return {k: v for k, v in form.items() if isinstance(v, str)}
        return (await request.text())[:2000]

    async def _log(self, service: str, request: web.Request, path: str, body: Any) -> None:
        headers = dict(request.headers)
        for name in list(headers):
            if name.lower() == "authorization":
                scheme = headers[name].split(" ", 1)[0] if " " in headers[name] else ""
                headers[name] = f"{scheme} {REDACTED}".strip()
        query = {k: (REDACTED if k == "access_token" else v) for k, v in request.query.items()}
        if isinstance(body, dict) and "access_token" in body:
            body = {**body, "access_token": REDACTED}
        self.requests.append(Logged(service, request.method, path, query, headers, copy.deepcopy(body)))

    async def _gate(self, service: str) -> int | None:
        """Apply delay; return a 5xx status to answer, if failing."""
        faults = self._faults[service]
        if faults.delay > 0:
            try:
                await asyncio.wait_for(self._closing.wait(), faults.delay)
            except TimeoutError:
                pass
        if faults.fail_status is not None:
            status = faults.fail_status
            if faults.fail_times is not None:
                faults.fail_times -= 1
                if faults.fail_times <= 0:
                    faults.fail_status = faults.fail_times = None
            return status
        return None

    def _take_throttle(self, service: str) -> _Faults | None:
        faults = self._faults[service]
        if faults.throttle > 0:
            faults.throttle -= 1
            return faults
        return None

    async def _not_found(self, request: web.Request) -> web.Response:
        return self._json({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    # ------------------------------------------------------------------ WhatsApp
    def _next_wamid(self, wa_id: str) -> str:
        self._seq += 1
        hex_id = f"{self._seq:06X}{secrets.token_hex(6).upper()}".encode()
        raw = b"\x1c\x18" + bytes([len(wa_id)]) + wa_id.encode() + b"\x15\x02\x00\x11\x18" + bytes([len(hex_id)]) + hex_id + b"\x00"
        return "wamid." + base64.b64encode(raw).decode()

    @staticmethod
    def _graph_error(
        status: int,
        code: int,
        message: str,
        details: str | None = None,
        *,
        error_type: str = "OAuthException",
        subcode: int | None = None,
        headers: dict[str, str] | None = None,
        extra: Json | None = None,
    ) -> web.Response:
        error: Json = {"message": message, "type": error_type, "code": code}
        if details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": details}
        if subcode is not None:
            error["error_subcode"] = subcode
        error.update(extra or {})
        error["fbtrace_id"] = _fbtrace_id()
        return MessagingAPIs._json({"error": error}, status=status, headers=headers)

    def _invalid(self, details: str | None = None, message: str = "(#100) Invalid parameter") -> web.Response:
        return self._graph_error(400, 100, message, details)

    def _required(self, parameter: str) -> web.Response:
        return self._graph_error(400, 100, f"(#100) The parameter {parameter} is required.")

    @staticmethod
    def _object(value: Any) -> Any:
        """Graph accepts nested objects as JSON strings in form bodies."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    async def _whatsapp(self, request: web.Request) -> web.Response:
        body = await self._read_body(request)
        await self._log("whatsapp", request, request.path, body)
        if (status := await self._gate("whatsapp")) is not None:
            return self._graph_error(
                status,
                2,
                "An unexpected error has occurred. Please retry your request later.",
                extra={"is_transient": True},
            )

        token = None
        authorization = request.headers.get("Authorization", "")
        if authorization.lower().startswith(("bearer ", "oauth ")):
            token = authorization.split(" ", 1)[1].strip()
        token = token or request.query.get("access_token") or (body.get("access_token") if isinstance(body, dict) else None)
        if not token:
            return self._graph_error(400, 104, "An access token is required to request this resource.")
        if token not in self._tokens["whatsapp"]:
            message = "Invalid OAuth access token - Cannot parse access token"
            challenge = f'OAuth "Facebook Platform" "invalid_token" "{message}"'
            return self._graph_error(401, 190, message, headers={"WWW-Authenticate": challenge})
        if token in self._expired:
            now = datetime.now(timezone(timedelta(hours=-7)))  # Graph words it in Pacific time
            expired_at = (now - timedelta(hours=1)).strftime("%A, %d-%b-%y %H:%M:%S")
            message = (
                f"Error validating access token: Session has expired on {expired_at} PDT. "
                f"The current time is {now.strftime('%A, %d-%b-%y %H:%M:%S')} PDT."
            )
            return self._graph_error(401, 190, message, subcode=463)

        phone_number_id = request.match_info["phone_number_id"]
        if phone_number_id != self.whatsapp_phone_number_id:
            return self._graph_error(
                400,
                100,
                f"Unsupported post request. Object with ID '{phone_number_id}' does not exist, cannot be loaded due to "
                "missing permissions, or does not support this operation. Please read the Graph API documentation at "
                "https://developers.facebook.com/docs/graph-api",
                error_type="GraphMethodException",
                subcode=33,
            )

        if (faults := self._take_throttle("whatsapp")) is not None:
            title, details = WHATSAPP_THROTTLE_CODES[faults.throttle_code]
            extra_subcode = 2494055 if faults.throttle_code == 130429 else None  # as in the documented example
            return self._graph_error(
                faults.throttle_status or 400,
                faults.throttle_code,
                f"(#{faults.throttle_code}) {title}",
                details,
                subcode=extra_subcode,
            )

        if not isinstance(body, dict):
            return self._required("messaging_product")
        if body.get("messaging_product") != "whatsapp":
            return self._required("messaging_product")
        to = body.get("to")
        if to in (None, ""):
            return self._required("to")
        wa_digits = digits(to)
        if not 7 <= len(wa_digits) <= 15 or not re.fullmatch(r"[\d\s+().-]+", str(to)):
            return self._graph_error(
                400, 131009, "(#131009) Parameter value is not valid", "One or more parameter values are invalid."
            )
        if body.get("recipient_type", "individual") != "individual":
            return self._graph_error(
                400, 131009, "(#131009) Parameter value is not valid", "One or more parameter values are invalid."
            )
        kind = body.get("type") or "text"
        if kind not in WHATSAPP_MESSAGE_TYPES:
            return self._graph_error(
                400,
                131051,
                "(#131051) Unsupported message type",
                f"Message type is not currently supported: {kind}",
            )

        text = ""
        template: Json | None = None
        options: Json = {}
        if kind == "text":
            text_object = self._object(body.get("text"))
            if not isinstance(text_object, dict) or not isinstance(text_object.get("body"), str) or not text_object["body"]:
                return self._required("text['body']")
            text = text_object["body"]
            if len(text) > WHATSAPP_TEXT_LIMIT:
                return self._invalid(f"Param text['body'] must be at most {WHATSAPP_TEXT_LIMIT} characters long.")
            if "preview_url" in text_object:
                options["preview_url"] = _truthy(text_object["preview_url"])
        elif kind == "template":
            template = self._object(body.get("template"))
            if not isinstance(template, dict) or not template.get("name"):
                return self._required("template['name']")
            language = template.get("language")
            code = language.get("code") if isinstance(language, dict) else None
            if not code:
                return self._required("template['language']['code']")
            known = self._templates.get((template["name"], code))
            if known is None:
                return self._graph_error(
                    404,
                    132001,
                    "(#132001) Template name does not exist in the translation",
                    f"template name ({template['name']}) does not exist in {code}",
                )
            values = [
                p
                for component in template.get("components") or []
                if isinstance(component, dict) and str(component.get("type", "")).lower() == "body"
                for p in component.get("parameters") or []
                if isinstance(p, dict)
            ]
            wanted = known.placeholders
            if len(values) != len(wanted):
                return self._graph_error(
                    400,
                    132000,
                    "(#132000) Number of parameters does not match the expected number of params",
                    f"body: number of localizable_params ({len(values)}) does not match the expected number of params "
                    f"({len(wanted)})",
                )
            text = self._render(known, values)
        else:
            options[kind] = self._object(body.get(kind))

        rules = self._wa_rules.get(wa_digits, {})
        if "not_allowed" in rules:
            return self._graph_error(
                400,
                131030,
                "(#131030) Recipient phone number not in allowed list",
                "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.",
            )
        if self._wa_pair_limit.get(wa_digits, 0) > 0:
            self._wa_pair_limit[wa_digits] -= 1
            title, details = WHATSAPP_THROTTLE_CODES[131056]
            return self._graph_error(400, 131056, f"(#131056) {title}", details)
        failure: int | None = None
        if kind != "template" and "outside_window" in rules:
            if rules["outside_window"]:
                return self._graph_error(
                    400,
                    131047,
                    "(#131047) Re-engagement message",
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
                )
            failure = 131047
        if "undeliverable" in rules:
            if rules["undeliverable"]:
                return self._graph_error(400, 131026, "(#131026) Message Undeliverable", "Message Undeliverable.")
            failure = failure or 131026

        wa_id = self._wa_ids.get(wa_digits, wa_digits)
        wamid = self._next_wamid(wa_id)
        self._sent["whatsapp"].append(
            Sent(
                service="whatsapp",
                recipient=wa_id,
                text=text,
                message_id=wamid,
                kind=kind,
                template=copy.deepcopy(template),
                options=options,
                status="failed" if failure else "accepted",
                error_code=failure,
            )
        )
        message: Json = {"id": wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        return self._json(
            {"messaging_product": "whatsapp", "contacts": [{"input": str(to), "wa_id": wa_id}], "messages": [message]}
        )

    @staticmethod
    def _render(template: _Template, values: list[Json]) -> str:
        by_name = {str(v.get("parameter_name")): v for v in values if v.get("parameter_name")}

        def value_of(index: int, placeholder: str) -> str:
            parameter = by_name.get(placeholder) or (values[int(placeholder) - 1] if placeholder.isdigit() else values[index])
            return str(parameter.get("text", parameter.get(parameter.get("type", "text"), "")))

        counter = iter(range(len(values)))
        return re.sub(r"\{\{\s*([\w]+)\s*\}\}", lambda m: value_of(next(counter), m.group(1)), template.body)

    # ------------------------------------------------------------------ Telegram
    @staticmethod
    def _tg_error(
        status: int, description: str, parameters: Json | None = None, headers: dict[str, str] | None = None
    ) -> web.Response:
        body: Json = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return MessagingAPIs._json(body, status=status, headers=headers)

    @staticmethod
    def _chat_key(chat_id: Any) -> int | str:
        if isinstance(chat_id, bool):
            return str(chat_id)
        if isinstance(chat_id, int):
            return chat_id
        text = str(chat_id).strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return text.lower()

    def _bot_user(self, token: str) -> Json:
        return {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": self.telegram_bot_name,
            "username": self.telegram_bot_username,
        }

    def _chat(self, key: int | str) -> Json:
        fields = dict(self._tg_chats.get(key, {}))
        if isinstance(key, str):  # "@channelusername"
            chat = {"id": -1001000000000 - (sum(map(ord, key)) % 100000), "title": key.lstrip("@"), "username": key.lstrip("@")}
            chat["type"] = "channel"
        elif key < 0:
            chat = {"id": key, "title": f"Group {abs(key)}", "type": "supergroup" if str(key).startswith("-100") else "group"}
        else:
            chat = {"id": key, "first_name": "Test User", "type": "private"}
        chat.update(fields)
        return chat

    async def _telegram(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        body = await self._read_body(request)
        await self._log("telegram", request, f"/bot{REDACTED}/{method}", body)
        if (status := await self._gate("telegram")) is not None:
            return self._tg_error(status, HTTPStatus(status).phrase)
        if not re.fullmatch(r"\d+:[\w-]+", token):
            return self._tg_error(404, "Not Found")
        if token not in self._tokens["telegram"]:
            return self._tg_error(401, "Unauthorized")
        if (faults := self._take_throttle("telegram")) is not None:
            n = faults.retry_after
            return self._tg_error(
                429, f"Too Many Requests: retry after {n}", parameters={"retry_after": n}, headers={"Retry-After": str(n)}
            )
        params: Json = dict(request.query)
        if isinstance(body, dict):
            params.update(body)
        name = method.lower()
        if name == "getme":
            me = self._bot_user(token)
            me.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
            return self._json({"ok": True, "result": me})
        if name == "sendmessage":
            return self._send_message(token, params)
        return self._tg_error(404, "Not Found")

    def _send_message(self, token: str, params: Json) -> web.Response:
        chat_id = params.get("chat_id")
        if chat_id is None or str(chat_id).strip() == "":
            return self._tg_error(400, "Bad Request: chat_id is empty")
        source = params.get("text")
        if source is None or str(source).strip() == "":
            return self._tg_error(400, "Bad Request: message text is empty")
        source = str(source)
        parse_mode = str(params.get("parse_mode") or "").strip().lower()
        entities: list[Json] = []
        try:
            if parse_mode == "html":
                text, entities = parse_telegram_html(source)
            elif parse_mode == "markdownv2":
                text = parse_telegram_markdown_v2(source)
            elif parse_mode == "markdown":
                text = parse_telegram_markdown(source)
            elif parse_mode == "":
                text = source
            else:
                return self._tg_error(400, "Bad Request: unsupported parse_mode")
        except _BadMarkup as error:
            return self._tg_error(400, f"Bad Request: can't parse entities: {error}")
        if not text.strip():
            return self._tg_error(400, "Bad Request: message text is empty")

        key = self._chat_key(chat_id)
        if isinstance(key, str) and not key.startswith("@"):
            return self._tg_error(400, "Bad Request: chat not found")
        rule = self._tg_rules.get(key)
        if rule == "unknown":
            return self._tg_error(400, "Bad Request: chat not found")
        if rule == "blocked":
            return self._tg_error(403, "Forbidden: bot was blocked by the user")
        if rule == "not_started":
            return self._tg_error(403, "Forbidden: bot can't initiate conversation with a user")
        if rule == "deactivated":
            return self._tg_error(403, "Forbidden: user is deactivated")
        if len(text) > TELEGRAM_TEXT_LIMIT:
            return self._tg_error(400, "Bad Request: message is too long")

        self._telegram_message_id += 1
        chat = self._chat(key)
        message: Json = {"message_id": self._telegram_message_id}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self._bot_user(token)
        message.update(chat=chat, date=int(time.time()), text=text)
        if entities:
            message["entities"] = entities
        options = {
            k: params[k]
            for k in (
                "parse_mode",
                "disable_notification",
                "protect_content",
                "link_preview_options",
                "disable_web_page_preview",
                "reply_parameters",
                "reply_markup",
                "message_thread_id",
            )
            if k in params
        }
        for flag in ("disable_notification", "protect_content", "disable_web_page_preview"):
            if flag in options:
                options[flag] = _truthy(options[flag])
        recipient: int | str = key if isinstance(key, int) else str(chat_id)
        self._sent["telegram"].append(
            Sent(service="telegram", recipient=recipient, text=text, message_id=self._telegram_message_id, options=options)
        )
        return self._json({"ok": True, "result": message})
