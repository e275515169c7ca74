"""Reading a request's JSON body strictly, so that what cannot be stored is refused at the door.

Postgres' jsonb refuses some JSON that Python accepts (a NUL character, a lone surrogate, NaN), and
Python's parser itself can be driven into a recursion error or a very slow integer conversion. Each
of these is a precise 400 here, never a 500 with a traceback and never a row written.
"""

from __future__ import annotations

import json
import math
from typing import Any

from aiohttp import web

MAX_DEPTH = 32
MAX_INTEGER_DIGITS = 20  # an int64 has 19


class BadBody(ValueError):
    """Why a body was refused: the 400's message."""


def _depth_exceeded(text: str, limit: int) -> bool:
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name: str) -> None:
    raise BadBody(f"{name} is not a JSON number")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise BadBody(f"an integer has {len(digits.lstrip('-'))} digits; at most {MAX_INTEGER_DIGITS} are accepted")
    return int(digits)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadBody(f"the number {text[:40]} is out of range")
    return value


def _check_strings(value: Any, path: str = "body") -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise BadBody(f"{path} contains a NUL character")
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise BadBody(f"{path} contains a lone surrogate (not valid Unicode)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, f"{path} key")
            _check_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_strings(item, f"{path}[{i}]")


def parse(raw: bytes, charset: str | None = None) -> Any:
    """The JSON value in `raw`, or BadBody saying precisely what is wrong with it."""
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise BadBody(f"charset {charset!r} is not supported: send UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadBody(f"body is not valid UTF-8 (byte {exc.start})") from None
    if _depth_exceeded(text, MAX_DEPTH):
        raise BadBody(f"body is nested more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_integer, parse_float=_number)
    except BadBody:
        raise
    except json.JSONDecodeError as exc:
        raise BadBody(f"body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except (RecursionError, ValueError) as exc:
        raise BadBody(f"body is not acceptable JSON ({type(exc).__name__})") from None
    _check_strings(value)
    return value


async def read(request: web.Request) -> Any:
    """The request's body as JSON, or BadBody."""
    return parse(await request.read(), request.charset)
