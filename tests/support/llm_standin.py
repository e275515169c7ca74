"""A stand-in for the LLM provider: a real OpenAI-compatible HTTP server on 127.0.0.1.

It runs on its own thread and event loop, so a blocking client in the test's loop cannot starve it.
Every request body is recorded; each test scripts the answers:
    standin.reply({"skills": [...]})        JSON content (a dict or a string, sent as given)
    standin.reply(429, 500)                 an HTTP error status
    standin.reply(Slow(2.0, content))       answer after a delay
    standin.reply(lambda body: {...})       compute the answer from the request body
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class Slow:
    seconds: float
    content: Any


class StandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[Any] = []
        self.default: Any = 500
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="llm-standin")
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("stand-in LLM server did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(self, *items: Any) -> None:
        self.script.extend(items)

    def reset(self) -> None:
        self.requests.clear()
        self.script.clear()
        self.default = 500

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        item = self.script.pop(0) if self.script else self.default
        if isinstance(item, Slow):
            await asyncio.sleep(item.seconds)
            item = item.content
        if callable(item):
            item = item(body)
        if isinstance(item, int):
            return web.json_response({"error": {"message": f"stand-in says {item}", "type": "server_error"}}, status=item)
        content = item if isinstance(item, str) else json.dumps(item)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
            }
        )

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        runner = web.AppRunner(app, access_log=None)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()
        # Close open keep-alive connections and their handler tasks before the loop goes away.
        self._loop.run_until_complete(runner.cleanup())
        self._loop.close()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
