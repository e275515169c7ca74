"""Local stand-in for an OpenAI-compatible embeddings endpoint, for tests: an aiohttp server on 127.0.0.1 (random free port).

One endpoint, ``POST /v1/embeddings``, so a client only swaps its base URL for ``api.base_url`` ("{origin}/v1"). Any
other path answers OpenAI's 404 "Invalid URL (METHOD /path)" envelope. The vectors come from ``embed()`` below, a
hashed bag of words: a deterministic STAND-IN FOR SEMANTICS, NOT A MODEL. Texts that share words get a higher cosine
similarity than texts that do not, and nothing more; tests can call ``embed()`` to compute what the server answers.

Sources, and what is documented versus inferred
------------------------------------------------
Request and response (documented)
    * OpenAI API reference, Embeddings > Create, https://platform.openai.com/docs/api-reference/embeddings/create
      (current copy: https://developers.openai.com/api/reference/resources/embeddings.md): ``model`` (required),
      ``input`` (required) = string | string[] | int[] (one token array) | int[][]; it "cannot be an empty string, and
      any array must be 2048 dimensions or less"; 8192 tokens per input "for all embedding models" and "a maximum of
      300,000 tokens summed across all inputs in a single request"; ``encoding_format`` "float" | "base64";
      ``dimensions`` "Only supported in text-embedding-3 and later models"; ``user`` (string). Token arrays ARE
      accepted here, as OpenAI accepts them (each token id is one feature, prompt_tokens = number of ids).
    * Response (CreateEmbeddingResponse, https://developers.openai.com/api/reference/go/resources/embeddings):
      ``{"object": "list", "data": [{"object": "embedding", "index": i, "embedding": [...]}], "model", "usage":
      {"prompt_tokens", "total_tokens"}}``; data in input order. The same shape is served by Hugging Face
      text-embeddings-inference (huggingface/text-embeddings-inference router/src/http/server.rs, ``openai_embed``:
      base64 = the raw f32 bytes, standard alphabet; ``model`` is the server's own model id there) and by Ollama
      (ollama/ollama openai/openai_encoding_format_test.go: base64 = 4 bytes per float, little-endian; an unknown
      encoding_format falls back to float there).
    * base64 decoding as the client does it: openai-python 2.54.0 openai/resources/embeddings.py (installed in .venv
      with crewai) sends ``encoding_format="base64"`` when the caller gives none and decodes with
      ``np.frombuffer(base64.b64decode(s), dtype="float32")`` (or ``array.array("f", ...)``), i.e. little-endian
      float32 on every platform we run. The float answers here are float32-rounded, so both forms hold equal numbers.
    * Real default lengths: text-embedding-3-small 1536, text-embedding-3-large 3072, text-embedding-ada-002 1536
      (OpenAI embeddings guide, as quoted in https://developers.llamaindex.ai/python/framework/integrations/embeddings/
      openai/ and https://mintlify.com/langchain-ai/langchain/integrations/embeddings/openai). INFERRED CHOICE: this
      stand-in answers ``dimensions`` (default 64) floats for every served model, for speed; ``dimensions`` in a
      request may ask up to the real length of a known model (up to 4096 for other names, inferred).

Errors (envelope ``{"error": {"message", "type", "param", "code"}}``)
    * Status meanings: https://developers.openai.com/docs/guides/error-codes (401 Invalid Authentication / Incorrect
      API key provided, 429 Rate limit reached for requests, 500 The server had an error while processing your
      request, 503 The engine is currently overloaded).
    * 401, no key: "You didn't provide an API key. You need to provide your API key in an Authorization header using
      Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field ..." invalid_request_error, code
      null: recorded from an embeddings call (index file 54170411906) and a curl (47860987510).
    * 401, wrong key: "Incorrect API key provided: sk-inval***c66a. You can find your API key at
      https://platform.openai.com/account/api-keys." invalid_request_error, code ``invalid_api_key``: index 58557276008
      ("Canonical OpenAI 401 invalid_api_key error body"), 32549042753, 3557985533. The mask (first 8 characters,
      "***", last 4) is the recent form; older bodies starred every hidden character (13429483343). Keys of 12
      characters or fewer are echoed whole here (INFERRED threshold; short keys "xx", "dcs" appear unmasked in 2088716633,
      3557985533). With ``api_key=None`` no auth is asked at all, like a local TEI or Ollama server.
    * 404: "The model `x` does not exist or you do not have access to it." invalid_request_error, code
      ``model_not_found`` (index 51928194418, 58505929783, 55148756848, 60979919814).
    * 400 empty string, in a list or alone: "'$.input' is invalid. Please check the API reference:
      https://platform.openai.com/docs/api-reference." invalid_request_error, param null, code null: verbatim in
      https://github.com/aryn-ai/sycamore/pull/943, also https://github.com/Azure-Samples/azure-search-openai-demo/issues/1134;
      https://github.com/openai/openai-python/issues/576 (2023) saw a LONE "" accepted then; the reference now says
      it "cannot be an empty string", so both are refused here. The same message answers any input of the wrong shape
      (mixed types, nested lists, an empty token array: INFERRED to be the same schema failure).
    * 400 more than 2048 items: "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an
      array with length N instead." param "input", code ``array_above_max_length`` (the form recorded for ``tools``
      and quoted for ``input`` in index 68513728787; 68841273985).
    * 400 per input over 8192 tokens: "Invalid 'input[i]': maximum input length is 8192 tokens." code null (index
      60942843534, 58918737536, 55610700399); a lone string/token array says ``'input'`` (INFERRED).
    * 400 over 300,000 tokens in a request: "Requested N tokens, max 300000 tokens per request", type and code
      ``max_tokens_per_request`` (index 67300821897, 60942843534).
    * 400 "you must provide a model parameter" for a missing or empty model (widely matched by clients, index
      3693668112, 52202987396; param/code null INFERRED). "This model does not support specifying dimensions." when
      ``dimensions`` is sent for text-embedding-ada-002 (chroma's live test, index 14406759724, 136234156).
    * 400 body that is not JSON: "We could not parse the JSON body of your request. (HINT: ...)" (index 60854275875).
    * 429: "Rate limit reached for <model> in organization org-... on requests per min (RPM): Limit 3, Used 3,
      Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."
      type ``requests`` (or ``tokens`` for "tokens per min (TPM)"), param null, code ``rate_limit_exceeded`` (index
      35137428544, a recorded body; 70691240895; the TPM form for text-embedding-3-small in 61287820548, 68376118577).
      Headers ``x-ratelimit-limit-requests``, ``x-ratelimit-limit-tokens``, ``x-ratelimit-remaining-requests``,
      ``x-ratelimit-remaining-tokens``, ``x-ratelimit-reset-requests``, ``x-ratelimit-reset-tokens`` (durations such
      as "1s", "6m0s", "12ms"), sent "regardless of whether a rate limit is exceeded": OpenAI's rate-limits guide as
      quoted in https://thoughtbot.com/blog/openai-rate-limits and
      https://community.openai.com/t/how-to-get-rate-limit-reset-time-for-response-api/1268905, sashabaranov/go-openai
      ratelimit.go. ``x-request-id`` on every answer (OpenAI's header list, https://apidog.com/apidoc/docs-site/370474/en/doc-775837).
    * 500: "The server had an error while processing your request. Sorry about that!" type ``server_error``, code null
      (index 14012271618, 6305751, openai-php's test). 503: "The engine is currently overloaded, please try again
      later." (error-codes guide; type ``server_error`` INFERRED).

Inferred, not documented
    * ``retry-after`` (whole seconds) on a 429: OpenAI documents the x-ratelimit-* headers, not retry-after; the
      Python client honours retry-after when sent. The rate limits (3000 RPM, 1,000,000 TPM), the organization id
      "org-standin", and the x-ratelimit-* values on 200 answers (limit-1 requests left, reset "20ms") are made up.
    * ``usage``: real counts are tiktoken tokens; here a string counts its words and punctuation marks (at least 1),
      a token array its ids. prompt_tokens == total_tokens, as documented.
    * The order of checks: Invalid URL, recorded, delay, auth (401), throttle (429), fail (5xx), JSON, unknown
      parameter ("Unrecognized request argument supplied: x", the older OpenAI wording; ``strict=False`` accepts
      extras as vLLM and TEI do), model missing, input missing ("Missing required parameter: 'input'.", code
      ``missing_required_parameter``, the newer OpenAI wording), unknown model (404), input shape, dimensions,
      encoding_format, token limits.
    * Whitespace-only strings are accepted (reports conflict: sycamore #943 says refused, the Azure demo #1134 says a
      " " works). An empty list answers "Invalid 'input': empty array. Expected an array with minimum length 1, but got
      an empty array instead." code ``empty_array``. A bad encoding_format answers "Invalid value: 'x'. Supported values
      are: 'float' and 'base64'." code ``invalid_value``; a dimensions out of range or of the wrong type, param
      ``dimensions`` with code ``invalid_value``/``invalid_type``.
    * ``fail(status)`` bodies for statuses other than 500/503 use the HTTP reason phrase.
    * Other paths and methods: 404 "Invalid URL (POST /v1/embedding)", invalid_request_error, from memory of OpenAI's
      answers, not checked against a recorded body here. "Unrecognized request argument supplied: x" is quoted by a
      client's list of OpenAI refusals (index 69425177982); newer OpenAI endpoints may word it "Unknown parameter".
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import re
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, ClassVar

from aiohttp import web

DEFAULT_MODELS = ("text-embedding-3-small",)
DEFAULT_DIMENSIONS = 64
MAX_INPUTS = 2048
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000
REAL_DIMENSIONS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}
FIXED_DIMENSION_MODELS = frozenset({"text-embedding-ada-002"})
OTHER_MODEL_MAX_DIMENSIONS = 4096
RATE_LIMIT_REQUESTS = 3000
RATE_LIMIT_TOKENS = 1_000_000
ORGANIZATION = "org-standin"
KNOWN_PARAMETERS = frozenset({"model", "input", "encoding_format", "dimensions", "user"})

API_REFERENCE = "https://platform.openai.com/docs/api-reference"
INVALID_INPUT = f"'$.input' is invalid. Please check the API reference: {API_REFERENCE}."
NO_MODEL = "you must provide a model parameter"
NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth "
    "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API "
    "from your browser and are prompted for a username and password. You can obtain an API key from "
    "https://platform.openai.com/account/api-keys."
)
BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library "
    "correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring "
    "out how to fix this, please contact us through our help center at help.openai.com.)"
)
SERVER_ERROR = "The server had an error while processing your request. Sorry about that!"
OVERLOADED = "The engine is currently overloaded, please try again later."
NO_DIMENSIONS = "This model does not support specifying dimensions."

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"\w+|[^\w\s]")

Item = str | list[int]  # one input: a text or a token array


# --------------------------------------------------------------------------------------------- vectors
def _strip_suffix(word: str) -> str:
    """A light suffix strip: engineers/engineering/engineered -> engineer. Not a stemmer."""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def features(item: str | Sequence[int]) -> list[str]:
    """The hashed features of one input: its lowercased, suffix-stripped words, or ``#<id>`` per token id."""
    if isinstance(item, str):
        words = [_strip_suffix(w) for w in _WORD.findall(item.casefold())]
        return words or [item]  # punctuation or blanks only: the text itself is the one feature
    return [f"#{token}" for token in item]


def _float32(values: list[float]) -> list[float]:
    return list(struct.unpack(f"<{len(values)}f", struct.pack(f"<{len(values)}f", *values)))


def embed(text: str | Sequence[int], dimensions: int = DEFAULT_DIMENSIONS) -> list[float]:
    """The vector the server answers for one input: signed feature hashing into ``dimensions`` slots, L2-normalised.

    Deterministic (blake2b, no seed), the same for every model, float32-rounded. A stand-in for semantics: texts sharing
    words score a higher cosine than unrelated texts; synonyms and word order mean nothing.
    """
    if dimensions < 1:
        raise ValueError("dimensions must be >= 1")
    vector = [0.0] * dimensions
    for feature in features(text):
        digest = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
        vector[digest % dimensions] += 1.0 if digest >> 63 else -1.0
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0.0:  # every feature cancelled another out
        vector[0], norm = 1.0, 1.0
    return _float32([v / norm for v in vector])


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / ((math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))) or 1.0)


def count_tokens(item: str | Sequence[int]) -> int:
    """The stand-in's usage count: words and punctuation marks of a text (at least 1), or the ids of a token array."""
    return max(1, len(_TOKEN.findall(item))) if isinstance(item, str) else len(item)


def to_base64(vector: Sequence[float]) -> str:
    """Little-endian float32 bytes, standard base64: what the OpenAI client decodes with numpy's float32."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def from_base64(text: str) -> list[float]:
    raw = base64.b64decode(text)
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def mask_key(key: str) -> str:
    """How OpenAI echoes a wrong key in its 401: first 8 characters, ``***``, last 4 (short keys whole, inferred)."""
    return key if len(key) <= 12 else f"{key[:8]}***{key[-4:]}"


def _duration(seconds: float) -> str:
    """OpenAI's reset-header style: "12ms", "1s", "6m0s"."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    if seconds < 60:
        return f"{seconds:g}s"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:g}s"


# --------------------------------------------------------------------------------------------- server
class _Refusal(Exception):
    def __init__(
        self, status: int, message: str, type_: str = "invalid_request_error", param: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type_, param, code


@dataclass(frozen=True)
class Recorded:
    """One request as it arrived: the Authorization value is replaced by ``Bearer ***`` (its presence is kept)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # the parsed JSON, or the raw text when it was not JSON
    authorized: bool  # True when no key is configured, or the key matched


@dataclass
class _Faults:
    delay: float = 0.0
    throttle: int = 0
    retry_after: float = 1
    throttle_limit: str = "requests"
    fail_status: int | None = None
    fail_times: int | None = None


@dataclass
class EmbeddingsAPI:
    """``POST /v1/embeddings`` on 127.0.0.1. See the module docstring for what is real and what is inferred.

    ``requests`` lists every request in arrival order (before any fault). Faults: ``throttle``, ``fail``, ``delay``,
    cleared by ``recover``. ``strict=False`` accepts unknown body fields instead of answering 400.
    """

    api_key: str | None = "sk-test"
    models: Sequence[str] = DEFAULT_MODELS
    dimensions: int = DEFAULT_DIMENSIONS
    max_input_tokens: int = MAX_INPUT_TOKENS
    max_request_tokens: int = MAX_REQUEST_TOKENS
    strict: bool = True
    port: int = 0
    requests: list[Recorded] = field(default_factory=list)

    MAX_INPUTS: ClassVar[int] = MAX_INPUTS
    RATE_LIMIT_REQUESTS: ClassVar[int] = RATE_LIMIT_REQUESTS
    RATE_LIMIT_TOKENS: ClassVar[int] = RATE_LIMIT_TOKENS

    _faults: _Faults = field(default_factory=_Faults, init=False, repr=False)
    _wake: asyncio.Event | None = field(default=None, init=False, repr=False)
    _runner: web.AppRunner | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.dimensions < 1:
            raise ValueError("dimensions must be >= 1")
        self.models = tuple(self.models)

    # ------------------------------------------------------------------ control
    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1"

    def embed(self, text: str | Sequence[int], dimensions: int | None = None) -> list[float]:
        """What the server answers for ``text`` (at its default length unless ``dimensions`` is given)."""
        return embed(text, dimensions or self.dimensions)

    def throttle(self, times: int = 1, retry_after: float = 1, limit: str = "requests") -> None:
        """The next ``times`` authorised requests answer 429 (``limit``: "requests" = RPM, "tokens" = TPM)."""
        if limit not in ("requests", "tokens"):
            raise ValueError("limit must be 'requests' or 'tokens'")
        self._faults.throttle, self._faults.retry_after, self._faults.throttle_limit = times, retry_after, limit

    def fail(self, status: int = 500, times: int | None = None) -> None:
        """Authorised requests answer ``status`` with OpenAI's error envelope: ``times`` times, or until ``recover``."""
        self._faults.fail_status, self._faults.fail_times = status, times

    def delay(self, seconds: float) -> None:
        """Hold every answer ``seconds`` (0 to stop); ``recover()`` or ``stop()`` releases held answers at once."""
        self._faults.delay = seconds

    def recover(self) -> None:
        """Clear throttling, failure and delay, and release answers being held by a delay."""
        self._faults = _Faults()
        if self._wake is not None:
            self._wake.set()
            self._wake = asyncio.Event()

    async def start(self) -> web.AppRunner:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/embeddings", self._embeddings)
        app.router.add_route("*", "/{tail:.*}", self._invalid_url)
        app.on_shutdown.append(self._wake_sleepers)
        self._wake = asyncio.Event()
        runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self.port = runner.addresses[0][1]
        self._runner = runner
        return runner

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> EmbeddingsAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ plumbing
    async def _wake_sleepers(self, app: web.Application) -> None:
        if self._wake is not None:
            self._wake.set()

    def _record(self, request: web.Request, body: Any, authorized: bool) -> None:
        headers = dict(request.headers)
        for name in list(headers):
            if name.lower() == "authorization":
                headers[name] = "Bearer ***" if headers[name].lower().startswith("bearer") else "***"
        self.requests.append(Recorded(request.method, request.path, headers, body, authorized))

    def _check_key(self, request: web.Request) -> _Refusal | None:
        if self.api_key is None:
            return None
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            return _Refusal(401, NO_KEY)
        if key != self.api_key:
            message = f"Incorrect API key provided: {mask_key(key)}. You can find your API key at https://platform.openai.com/account/api-keys."
            return _Refusal(401, message, code="invalid_api_key")
        return None

    @staticmethod
    def _rate_headers(requests_left: int, tokens_left: int, reset_requests: str, reset_tokens: str) -> dict[str, str]:
        return {
            "x-ratelimit-limit-requests": str(RATE_LIMIT_REQUESTS),
            "x-ratelimit-limit-tokens": str(RATE_LIMIT_TOKENS),
            "x-ratelimit-remaining-requests": str(requests_left),
            "x-ratelimit-remaining-tokens": str(tokens_left),
            "x-ratelimit-reset-requests": reset_requests,
            "x-ratelimit-reset-tokens": reset_tokens,
        }

    @staticmethod
    def _answer(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> web.Response:
        headers = {"x-request-id": f"req_{uuid.uuid4().hex}", **(headers or {})}
        return web.Response(status=status, text=json.dumps(body), content_type="application/json", headers=headers)

    def _refuse(self, refusal: _Refusal, headers: dict[str, str] | None = None) -> web.Response:
        error = {"message": refusal.message, "type": refusal.type, "param": refusal.param, "code": refusal.code}
        return self._answer(refusal.status, {"error": error}, headers)

    def _throttled(self, model: str) -> web.Response:
        faults = self._faults
        faults.throttle -= 1
        wait = _duration(faults.retry_after)
        if faults.throttle_limit == "requests":
            used = f"on requests per min (RPM): Limit {RATE_LIMIT_REQUESTS}, Used {RATE_LIMIT_REQUESTS}, Requested 1"
            headers = self._rate_headers(0, RATE_LIMIT_TOKENS, wait, "0s")
        else:
            used = f"on tokens per min (TPM): Limit {RATE_LIMIT_TOKENS}, Used {RATE_LIMIT_TOKENS}, Requested 1"
            headers = self._rate_headers(RATE_LIMIT_REQUESTS - 1, 0, "20ms", wait)
        message = (
            f"Rate limit reached for {model} in organization {ORGANIZATION} {used}. Please try again in {wait}. "
            "Visit https://platform.openai.com/account/rate-limits to learn more."
        )
        retry_after = faults.retry_after
        headers["retry-after"] = str(int(retry_after)) if float(retry_after).is_integer() else f"{retry_after:g}"
        return self._refuse(_Refusal(429, message, faults.throttle_limit, code="rate_limit_exceeded"), headers)

    def _failed(self) -> web.Response:
        faults = self._faults
        status = faults.fail_status
        assert status is not None
        if faults.fail_times is not None:
            faults.fail_times -= 1
            if faults.fail_times <= 0:
                faults.fail_status = faults.fail_times = None
        message = {500: SERVER_ERROR, 503: OVERLOADED}.get(status) or f"{HTTPStatus(status).phrase}."
        return self._refuse(_Refusal(status, message, "server_error"))

    # ------------------------------------------------------------------ endpoints
    async def _invalid_url(self, request: web.Request) -> web.Response:
        text = await request.text()
        try:
            body: Any = json.loads(text) if text else None
        except ValueError:
            body = text
        self._record(request, body, self._check_key(request) is None)
        return self._refuse(_Refusal(404, f"Invalid URL ({request.method} {request.path})"))

    async def _embeddings(self, request: web.Request) -> web.Response:
        text = await request.text()
        try:
            body: Any = json.loads(text)
            parsed = True
        except ValueError:
            body, parsed = text, False
        denied = self._check_key(request)
        self._record(request, body, denied is None)

        if self._faults.delay > 0 and self._wake is not None:
            try:
                await asyncio.wait_for(self._wake.wait(), self._faults.delay)
            except TimeoutError:
                pass
        if denied is not None:
            return self._refuse(denied)
        if self._faults.throttle > 0:
            model = body.get("model") if isinstance(body, dict) else None
            return self._throttled(model if isinstance(model, str) and model else self.models[0])
        if self._faults.fail_status is not None:
            return self._failed()
        try:
            if not parsed or not isinstance(body, dict):
                raise _Refusal(400, BAD_JSON)
            return self._embed(body)
        except _Refusal as refusal:
            return self._refuse(refusal)

    def _embed(self, body: dict[str, Any]) -> web.Response:
        if self.strict:
            for name in body:
                if name not in KNOWN_PARAMETERS:
                    raise _Refusal(400, f"Unrecognized request argument supplied: {name}")
        model = body.get("model")
        if model is None or model == "":
            raise _Refusal(400, NO_MODEL)
        if not isinstance(model, str):
            raise _Refusal(
                400,
                f"Invalid type for 'model': expected a string, but got {_json_type(model)} instead.",
                param="model",
                code="invalid_type",
            )
        if "input" not in body or body["input"] is None:
            raise _Refusal(400, "Missing required parameter: 'input'.", param="input", code="missing_required_parameter")
        if model not in self.models:
            raise _Refusal(404, f"The model `{model}` does not exist or you do not have access to it.", code="model_not_found")
        items = self._items(body["input"])
        dimensions = self._dimensions(model, body.get("dimensions"))
        encoding = body.get("encoding_format")
        if encoding is None:
            encoding = "float"
        if encoding not in ("float", "base64"):
            raise _Refusal(
                400,
                f"Invalid value: {encoding!r}. Supported values are: 'float' and 'base64'.",
                param="encoding_format",
                code="invalid_value",
            )
        user = body.get("user")
        if user is not None and not isinstance(user, str):
            raise _Refusal(
                400,
                f"Invalid type for 'user': expected a string, but got {_json_type(user)} instead.",
                param="user",
                code="invalid_type",
            )

        counts = [count_tokens(item) for item in items]
        single = isinstance(body["input"], str) or _is_token(body["input"][0])  # one text, or one token array
        for i, n in enumerate(counts):
            if n > self.max_input_tokens:
                where = "input" if single else f"input[{i}]"
                raise _Refusal(400, f"Invalid '{where}': maximum input length is {self.max_input_tokens} tokens.")
        total = sum(counts)
        if total > self.max_request_tokens:
            raise _Refusal(
                400,
                f"Requested {total} tokens, max {self.max_request_tokens} tokens per request",
                "max_tokens_per_request",
                code="max_tokens_per_request",
            )

        data = []
        for index, item in enumerate(items):
            vector = embed(item, dimensions)
            data.append({"object": "embedding", "index": index, "embedding": to_base64(vector) if encoding == "base64" else vector})
        answer = {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": total, "total_tokens": total}}
        headers = self._rate_headers(
            RATE_LIMIT_REQUESTS - 1, max(0, RATE_LIMIT_TOKENS - total), "20ms", _duration(60 * total / RATE_LIMIT_TOKENS)
        )
        return self._answer(200, answer, headers)

    def _items(self, value: Any) -> list[Item]:
        """The inputs, one per vector: a string, a token array, a list of strings, or a list of token arrays."""
        if isinstance(value, str):
            if value == "":
                raise _Refusal(400, INVALID_INPUT)
            return [value]
        if not isinstance(value, list):
            raise _Refusal(400, INVALID_INPUT)
        if not value:
            empty = "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead."
            raise _Refusal(400, empty, param="input", code="empty_array")
        if len(value) > MAX_INPUTS:
            raise _Refusal(
                400,
                f"Invalid 'input': array too long. Expected an array with maximum length {MAX_INPUTS}, "
                f"but got an array with length {len(value)} instead.",
                param="input",
                code="array_above_max_length",
            )
        if all(_is_token(v) for v in value):
            return [list(value)]
        if all(isinstance(v, str) and v != "" for v in value):
            return list(value)
        if all(isinstance(v, list) and v and len(v) <= MAX_INPUTS and all(_is_token(t) for t in v) for v in value):
            return [list(v) for v in value]
        raise _Refusal(400, INVALID_INPUT)

    def _dimensions(self, model: str, value: Any) -> int:
        if value is None:
            return self.dimensions
        if model in FIXED_DIMENSION_MODELS:
            raise _Refusal(400, NO_DIMENSIONS)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Refusal(
                400,
                f"Invalid type for 'dimensions': expected an integer, but got {_json_type(value)} instead.",
                param="dimensions",
                code="invalid_type",
            )
        most = REAL_DIMENSIONS.get(model, OTHER_MODEL_MAX_DIMENSIONS)
        if not 1 <= value <= most:
            raise _Refusal(
                400,
                f"Invalid value for 'dimensions': expected an integer between 1 and {most}, but got {value}.",
                param="dimensions",
                code="invalid_value",
            )
        return value


def _is_token(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a decimal", str: "a string", list: "an array", dict: "an object"}
    return names.get(type(value), "null")
