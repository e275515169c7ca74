"""Checks of the embeddings stand-in itself (tests/support/embeddings_standin.py): shape, errors, faults. No database."""

from __future__ import annotations

import asyncio
import base64
import struct
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest

from tests.support.embeddings_standin import (
    BAD_JSON,
    INVALID_INPUT,
    NO_DIMENSIONS,
    NO_KEY,
    NO_MODEL,
    OVERLOADED,
    SERVER_ERROR,
    EmbeddingsAPI,
    cosine,
    count_tokens,
    embed,
    from_base64,
    mask_key,
)
from tests.support.waiting import wait_for

KEY = "sk-test"
MODEL = "text-embedding-3-small"
RATE_HEADERS = (
    "x-ratelimit-limit-requests",
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests",
    "x-ratelimit-reset-tokens",
)
JOBS = [
    "Senior Python backend engineer, Django and PostgreSQL, Bengaluru",
    "Backend engineering role: Python services on PostgreSQL",
    "Registered nurse for night shifts at a city hospital",
]


@pytest.fixture
async def api() -> AsyncIterator[EmbeddingsAPI]:
    stand_in = EmbeddingsAPI()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        yield session


async def post(
    http: aiohttp.ClientSession, api: EmbeddingsAPI, body: Any, key: str | None = KEY, raw: str | None = None
) -> tuple[int, Mapping[str, str], Any]:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    kwargs: dict[str, Any] = (
        {"data": raw, "headers": {**headers, "Content-Type": "application/json"}}
        if raw is not None
        else {
            "json": body,
            "headers": headers,
        }
    )
    async with http.post(f"{api.base_url}/embeddings", **kwargs) as response:
        assert response.content_type == "application/json"
        return response.status, response.headers.copy(), await response.json()


def assert_error(
    body: Any, message: str, type_: str = "invalid_request_error", param: str | None = None, code: str | None = None
) -> None:
    assert body == {"error": {"message": message, "type": type_, "param": param, "code": code}}


async def test_answers_the_documented_shape_in_input_order(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    status, headers, body = await post(http, api, {"model": MODEL, "input": JOBS, "user": "user-42"})
    assert status == 200
    assert list(body) == ["object", "data", "model", "usage"]
    assert body["object"] == "list" and body["model"] == MODEL
    assert [d["index"] for d in body["data"]] == [0, 1, 2]
    assert all(d["object"] == "embedding" and set(d) == {"object", "index", "embedding"} for d in body["data"])
    assert [d["embedding"] for d in body["data"]] == [embed(text, 64) for text in JOBS]
    assert all(len(d["embedding"]) == 64 for d in body["data"])
    tokens = sum(count_tokens(text) for text in JOBS)
    assert tokens == 10 + 8 + 9
    assert body["usage"] == {"prompt_tokens": tokens, "total_tokens": tokens}
    assert headers["x-request-id"].startswith("req_")
    assert all(name in headers for name in RATE_HEADERS)
    assert headers["x-ratelimit-remaining-tokens"] == str(api.RATE_LIMIT_TOKENS - tokens)


async def test_a_single_string_and_token_arrays(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    _, _, one = await post(http, api, {"model": MODEL, "input": "Data engineer"})
    assert [d["embedding"] for d in one["data"]] == [embed("Data engineer")]
    assert one["usage"]["prompt_tokens"] == 2

    _, _, tokens = await post(http, api, {"model": MODEL, "input": [9906, 1917, 0]})  # ONE token array
    assert len(tokens["data"]) == 1 and tokens["data"][0]["embedding"] == embed([9906, 1917, 0])
    assert tokens["usage"] == {"prompt_tokens": 3, "total_tokens": 3}

    _, _, batch = await post(http, api, {"model": MODEL, "input": [[9906, 1917], [15339]]})
    assert [d["embedding"] for d in batch["data"]] == [embed([9906, 1917]), embed([15339])]
    assert batch["usage"]["prompt_tokens"] == 3


async def test_base64_decodes_to_the_same_floats(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    _, _, floats = await post(http, api, {"model": MODEL, "input": JOBS, "encoding_format": "float"})
    _, _, packed = await post(http, api, {"model": MODEL, "input": JOBS, "encoding_format": "base64"})
    for as_float, as_text in zip(floats["data"], packed["data"], strict=True):
        assert isinstance(as_text["embedding"], str)
        raw = base64.b64decode(as_text["embedding"])
        assert len(raw) == 64 * 4
        assert list(struct.unpack("<64f", raw)) == as_float["embedding"]  # little-endian float32
        assert from_base64(as_text["embedding"]) == as_float["embedding"]
    numpy = pytest.importorskip("numpy")  # as the OpenAI client decodes it
    decoded = numpy.frombuffer(base64.b64decode(packed["data"][0]["embedding"]), dtype="float32").tolist()
    assert decoded == floats["data"][0]["embedding"]


async def test_dimensions_changes_the_length(http: aiohttp.ClientSession) -> None:
    async with EmbeddingsAPI(models=(MODEL, "text-embedding-3-large", "text-embedding-ada-002"), dimensions=32) as api:
        _, _, default = await post(http, api, {"model": MODEL, "input": "x"})
        assert len(default["data"][0]["embedding"]) == 32
        for model, size in ((MODEL, 256), (MODEL, 1536), ("text-embedding-3-large", 3072)):
            status, _, body = await post(http, api, {"model": model, "input": JOBS[0], "dimensions": size})
            assert status == 200 and len(body["data"][0]["embedding"]) == size
            assert body["data"][0]["embedding"] == embed(JOBS[0], size)
            assert abs(sum(v * v for v in body["data"][0]["embedding"]) - 1.0) < 1e-5

        status, _, body = await post(http, api, {"model": MODEL, "input": "x", "dimensions": 1537})
        assert status == 400 and body["error"]["param"] == "dimensions" and body["error"]["code"] == "invalid_value"
        status, _, body = await post(http, api, {"model": MODEL, "input": "x", "dimensions": "64"})
        assert status == 400 and body["error"]["code"] == "invalid_type"
        status, _, body = await post(http, api, {"model": "text-embedding-ada-002", "input": "x", "dimensions": 1536})
        assert status == 400
        assert_error(body, NO_DIMENSIONS)
        status, _, body = await post(http, api, {"model": "text-embedding-ada-002", "input": "x"})
        assert status == 200 and len(body["data"][0]["embedding"]) == 32


async def test_refuses_a_missing_or_wrong_key(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    status, _, body = await post(http, api, {"model": MODEL, "input": "x"}, key=None)
    assert status == 401
    assert_error(body, NO_KEY)
    status, _, body = await post(http, api, {"model": MODEL, "input": "x"}, key="")
    assert status == 401 and body["error"]["message"] == NO_KEY

    wrong = "sk-proj-wrongkey1234abcd"
    status, _, body = await post(http, api, {"model": MODEL, "input": "x"}, key=wrong)
    assert status == 401
    message = (
        "Incorrect API key provided: sk-proj-***abcd. You can find your API key at https://platform.openai.com/account/api-keys."
    )
    assert_error(body, message, code="invalid_api_key")
    assert mask_key(wrong) == "sk-proj-***abcd" and mask_key("xx") == "xx"

    assert [r.authorized for r in api.requests] == [False, False, False]
    assert all(wrong not in str(r.headers) for r in api.requests)
    assert api.requests[2].headers["Authorization"] == "Bearer ***"
    assert api.requests[0].body == {"model": MODEL, "input": "x"} and api.requests[0].path == "/v1/embeddings"


async def test_without_a_key_no_auth_is_asked(http: aiohttp.ClientSession) -> None:
    async with EmbeddingsAPI(api_key=None, models=("nomic-embed-text",)) as local:
        status, _, body = await post(http, local, {"model": "nomic-embed-text", "input": "hello"}, key=None)
        assert status == 200 and body["model"] == "nomic-embed-text"
        status, _, _ = await post(http, local, {"model": "nomic-embed-text", "input": "hello"}, key="anything")
        assert status == 200
        assert [r.authorized for r in local.requests] == [True, True]


async def test_refuses_bad_requests_like_openai(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    async def refused(body: Any, raw: str | None = None, status: int = 400) -> Any:
        got, _, answer = await post(http, api, body, raw=raw)
        assert got == status, answer
        return answer

    assert_error(await refused({"input": "x"}), NO_MODEL)
    assert_error(await refused({"model": "", "input": "x"}), NO_MODEL)
    assert_error(
        await refused({"model": MODEL}), "Missing required parameter: 'input'.", param="input", code="missing_required_parameter"
    )
    assert_error(await refused({"model": MODEL, "input": ""}), INVALID_INPUT)
    assert_error(await refused({"model": MODEL, "input": ["ok", ""]}), INVALID_INPUT)
    assert_error(await refused({"model": MODEL, "input": ["ok", 3]}), INVALID_INPUT)
    assert_error(await refused({"model": MODEL, "input": {"text": "x"}}), INVALID_INPUT)
    assert_error(await refused({"model": MODEL, "input": [[1, 2], []]}), INVALID_INPUT)
    too_many = await refused({"model": MODEL, "input": ["word"] * 2049})
    message = (
        "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length 2049 instead."
    )
    assert_error(too_many, message, param="input", code="array_above_max_length")
    assert (await refused({"model": MODEL, "input": []}))["error"]["code"] == "empty_array"
    assert_error(await refused(None, raw="{not json"), BAD_JSON)
    bad_format = await refused({"model": MODEL, "input": "x", "encoding_format": "float16"})
    assert bad_format["error"]["param"] == "encoding_format" and bad_format["error"]["code"] == "invalid_value"
    assert_error(
        await refused({"model": MODEL, "input": "x", "truncate": True}), "Unrecognized request argument supplied: truncate"
    )

    unknown = await refused({"model": "text-embedding-4-huge", "input": "x"}, status=404)
    message = "The model `text-embedding-4-huge` does not exist or you do not have access to it."
    assert_error(unknown, message, code="model_not_found")

    status, _, body = await post(http, api, {"model": MODEL, "input": ["word"] * 2048})  # the documented maximum is fine
    assert status == 200 and len(body["data"]) == 2048 and body["data"][-1]["index"] == 2047
    status, _, _ = await post(http, api, {"model": MODEL, "input": "   "})  # whitespace only: accepted (inferred)
    assert status == 200


async def test_lax_mode_accepts_extra_fields(http: aiohttp.ClientSession) -> None:
    async with EmbeddingsAPI(strict=False) as lax:
        status, _, body = await post(http, lax, {"model": MODEL, "input": "x", "truncate": True})
        assert status == 200 and len(body["data"]) == 1


async def test_token_limits_per_input_and_per_request(http: aiohttp.ClientSession) -> None:
    async with EmbeddingsAPI(max_input_tokens=5, max_request_tokens=8) as api:
        status, _, body = await post(http, api, {"model": MODEL, "input": ["a b", "one two three four five six"]})
        assert status == 400
        assert_error(body, "Invalid 'input[1]': maximum input length is 5 tokens.")
        status, _, body = await post(http, api, {"model": MODEL, "input": [1, 2, 3, 4, 5, 6]})
        assert status == 400 and body["error"]["message"] == "Invalid 'input': maximum input length is 5 tokens."
        status, _, body = await post(http, api, {"model": MODEL, "input": ["a b c", "d e f", "g h i"]})
        assert status == 400
        assert_error(body, "Requested 9 tokens, max 8 tokens per request", "max_tokens_per_request", code="max_tokens_per_request")
        status, _, _ = await post(http, api, {"model": MODEL, "input": ["a b c d", "e f g h"]})
        assert status == 200


async def test_throttle_answers_429_with_rate_limit_headers(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    api.throttle(times=2, retry_after=7)
    for _ in range(2):
        status, headers, body = await post(http, api, {"model": MODEL, "input": "x"})
        assert status == 429
        assert headers["retry-after"] == "7"
        assert all(name in headers for name in RATE_HEADERS)
        assert headers["x-ratelimit-remaining-requests"] == "0" and headers["x-ratelimit-reset-requests"] == "7s"
        message = (f"Rate limit reached for {MODEL} in organization org-standin on requests per min (RPM): Limit 3000, "
                   "Used 3000, Requested 1. Please try again in 7s. Visit https://platform.openai.com/account/rate-limits "
                   "to learn more.")  # fmt: skip
        assert_error(body, message, "requests", code="rate_limit_exceeded")
    status, _, _ = await post(http, api, {"model": MODEL, "input": "x"})
    assert status == 200

    api.throttle(times=1, retry_after=0.5, limit="tokens")
    status, headers, body = await post(http, api, {"model": MODEL, "input": "x"})
    assert status == 429 and body["error"]["type"] == "tokens" and "tokens per min (TPM)" in body["error"]["message"]
    assert headers["x-ratelimit-remaining-tokens"] == "0" and headers["x-ratelimit-reset-tokens"] == "500ms"

    api.throttle(times=1)
    status, _, _ = await post(http, api, {"model": MODEL, "input": "x"}, key="sk-nope")  # auth is checked first
    assert status == 401
    status, _, _ = await post(http, api, {"model": MODEL, "input": "x"})
    assert status == 429
    assert len(api.requests) == 6  # refused requests are recorded too


async def test_fail_answers_the_envelope_until_recovered(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    api.fail(503, times=1)
    status, _, body = await post(http, api, {"model": MODEL, "input": "x"})
    assert status == 503
    assert_error(body, OVERLOADED, "server_error")
    status, _, _ = await post(http, api, {"model": MODEL, "input": "x"})
    assert status == 200

    api.fail(500)
    for _ in range(2):
        status, _, body = await post(http, api, {"model": MODEL, "input": "x"})
        assert status == 500
        assert_error(body, SERVER_ERROR, "server_error")
    api.recover()
    status, _, _ = await post(http, api, {"model": MODEL, "input": "x"})
    assert status == 200


async def test_delay_holds_the_answer_until_recovered(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    api.delay(60)
    call = asyncio.create_task(post(http, api, {"model": MODEL, "input": "x"}))

    async def arrived() -> bool:
        return len(api.requests) == 1

    await wait_for(arrived, message="the request to reach the stand-in")
    assert not call.done()  # held by the delay
    api.recover()
    status, _, body = await asyncio.wait_for(call, 10)
    assert status == 200 and body["data"][0]["embedding"] == embed("x")


async def test_texts_sharing_words_are_more_similar(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    _, _, body = await post(http, api, {"model": MODEL, "input": JOBS})
    python_a, python_b, nurse = (d["embedding"] for d in body["data"])
    related, unrelated = cosine(python_a, python_b), cosine(python_a, nurse)
    assert related > unrelated + 0.3, (related, unrelated)
    assert cosine(python_a, python_a) == pytest.approx(1.0, abs=1e-6)
    for size in (64, 256, 1536):  # holds at every length
        vectors = [embed(text, size) for text in JOBS]
        assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2])
    assert embed("Engineers") == embed("engineering") == embed("ENGINEER")  # light suffix strip, lowercased


async def test_vectors_are_deterministic(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    _, _, first = await post(http, api, {"model": MODEL, "input": JOBS})
    _, _, again = await post(http, api, {"model": MODEL, "input": list(reversed(JOBS))})
    assert [d["embedding"] for d in again["data"]] == [d["embedding"] for d in reversed(first["data"])]
    async with EmbeddingsAPI() as other:
        _, _, elsewhere = await post(http, other, {"model": MODEL, "input": JOBS})
    assert elsewhere["data"] == first["data"]
    assert embed(JOBS[0]) != embed(JOBS[1])


async def test_other_paths_answer_invalid_url(api: EmbeddingsAPI, http: aiohttp.ClientSession) -> None:
    for method, path in (("POST", "/v1/embedding"), ("GET", "/v1/embeddings"), ("POST", "/embeddings")):
        async with http.request(method, f"{api.origin}{path}", json={}, headers={"Authorization": f"Bearer {KEY}"}) as response:
            assert response.status == 404
            assert_error(await response.json(), f"Invalid URL ({method} {path})")
    assert [r.path for r in api.requests] == ["/v1/embedding", "/v1/embeddings", "/embeddings"]


async def test_the_openai_client_reads_the_answers(api: EmbeddingsAPI) -> None:
    openai = pytest.importorskip("openai")
    client = openai.AsyncOpenAI(api_key=KEY, base_url=api.base_url, max_retries=0)
    try:
        answer = await client.embeddings.create(model=MODEL, input=JOBS)  # sends base64 and decodes it itself
        assert api.requests[-1].body["encoding_format"] == "base64"
        assert [d.embedding for d in answer.data] == [embed(text) for text in JOBS]
        assert answer.usage.prompt_tokens == sum(count_tokens(text) for text in JOBS)

        shorter = await client.embeddings.create(model=MODEL, input="Data engineer", dimensions=16, encoding_format="float")
        assert shorter.data[0].embedding == embed("Data engineer", 16)

        api.throttle(times=1, retry_after=3)
        with pytest.raises(openai.RateLimitError) as limited:
            await client.embeddings.create(model=MODEL, input="x")
        assert limited.value.code == "rate_limit_exceeded" and limited.value.response.headers["retry-after"] == "3"
        with pytest.raises(openai.NotFoundError) as missing:
            await client.embeddings.create(model="text-embedding-9", input="x")
        assert missing.value.code == "model_not_found"
    finally:
        await client.close()
    wrong = openai.AsyncOpenAI(api_key="sk-someone-elses-key", base_url=api.base_url, max_retries=0)
    try:
        with pytest.raises(openai.AuthenticationError) as refused:
            await wrong.embeddings.create(model=MODEL, input="x")
        assert refused.value.code == "invalid_api_key" and "sk-someo***-key" in refused.value.message
    finally:
        await wrong.close()
