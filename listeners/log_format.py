"""Log lines: one per record, UTC timestamps with milliseconds, logger name, level, message — with
secrets taken out of every line, tracebacks included.

Two kinds of secret are redacted: known values (the agent and admin secrets, the database
password, an application's keys: `redactor.add(value)` at start-up), and anything logged as a
secret field (passwords, cookies, secret headers, and the fields an application names with
`add_secret_fields`, e.g. Talvix's session_encrypted and oauth_*), whatever its value. The HTTP API
drops the same fields from every response (`is_secret_field`).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from typing import TextIO

REDACTED = "[redacted]"
_secret_fields = {"cookie", "cookies", "password", "x-agent-secret", "authorization", "agent_secret", "admin_secret"}
_secret_prefixes: set[str] = set()


def _secret_field_pattern() -> re.Pattern[str]:
    names = [re.escape(n) for n in sorted(_secret_fields)] + [re.escape(p) + "[a-z_]+" for p in sorted(_secret_prefixes)]
    return re.compile(
        rf"""(?ix)
        (?P<key>\b(?:{"|".join(names)})\b)
        (?P<sep>["']?\s*[:=]\s*)
        (?P<value>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[^\]]*\]|\{{[^}}]*\}}|Bearer\s+\S+|[^\s,;}}\]]+)
        """
    )


_SECRET_FIELD = _secret_field_pattern()


def add_secret_fields(*names: str, prefixes: tuple[str, ...] = ()) -> None:
    """Fields whose values are secret wherever they appear: redacted from logs, dropped from API answers."""
    global _SECRET_FIELD
    _secret_fields.update(n.lower() for n in names)
    _secret_prefixes.update(p.lower() for p in prefixes)
    _SECRET_FIELD = _secret_field_pattern()


def is_secret_field(name: object) -> bool:
    key = str(name).lower()
    return key in _secret_fields or any(key.startswith(p) for p in _secret_prefixes)


class RedactSecrets(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._values: set[str] = set()

    def add(self, value: str | None) -> None:
        """Never print this value (short values would redact ordinary words, so need 8+ characters)."""
        if value and len(value) >= 8:
            self._values.add(value)

    def redact(self, text: str) -> str:
        for value in self._values:
            text = text.replace(value, REDACTED)
        return _SECRET_FIELD.sub(lambda m: f"{m['key']}{m['sep']}{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Render the traceback now, redacted, so the formatter prints this text instead.
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


redactor = RedactSecrets()
_make_record = logging.getLogRecordFactory()


def _redacted_record(*args: object, **kwargs: object) -> logging.LogRecord:
    # Every record, whichever handler ends up writing it (ours, a library's, a test's capture).
    record = _make_record(*args, **kwargs)
    redactor.filter(record)
    return record


logging.setLogRecordFactory(_redacted_record)


def protect(*values: object) -> None:
    """Register secret settings (SecretStr, plain strings, or a URL whose password is secret)."""
    from urllib.parse import urlsplit

    for value in values:
        text = value.get_secret_value() if hasattr(value, "get_secret_value") else value
        if isinstance(text, str) and "://" in text:
            redactor.add(urlsplit(text).password)
        elif isinstance(text, str):
            redactor.add(text)


# Environment variables whose values are secrets by their name (Doppler puts every secret there).
SECRET_NAME = re.compile(r"(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|DATABASE_URL|_DSN)", re.IGNORECASE)


def protect_environment(environ: dict[str, str] | None = None) -> None:
    """Register every secret the process was given: each environment variable named like one (an
    API key, a secret, a token, a password, a database URL's password). Idempotent."""
    import os

    protect(*(value for name, value in (environ if environ is not None else os.environ).items() if SECRET_NAME.search(name)))


def redact_value(value: object) -> object:
    """`value` with every secret taken out of its strings, at any depth (dicts, lists)."""
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


class UTCFormatter(logging.Formatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(UTCFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
