from __future__ import annotations

import io
import logging

from listeners import log_format


def test_no_secret_survives_into_any_log_line() -> None:
    stream = io.StringIO()
    log_format.configure("DEBUG", stream=stream)
    aes_key = "a1" * 32
    log_format.redactor.add(aes_key)
    log = logging.getLogger("talvix.test")
    row = {"id": 7, "session_encrypted": "c0ffee" * 10, "session_iv": "00ff" * 8, "oauth_refresh_token": "1//0gAbc"}
    log.info("connection row %s", row)
    log.info('json {"cookies": [{"name": "li_at", "value": "AQEDAT-secret"}], "user_agent": "Mozilla"}')
    log.warning("headers X-Agent-Secret: s3cr3t-shared Authorization: Bearer eyJhbGciOi.x.y")
    try:
        raise RuntimeError(f"bad key {aes_key} for password=hunter22")
    except RuntimeError:
        log.exception("decrypt failed")
    text = stream.getvalue()
    for secret in ["c0ffee", "00ff00ff", "1//0gAbc", "AQEDAT", "s3cr3t-shared", "eyJhbGciOi", aes_key, "hunter22"]:
        assert secret not in text, secret
    assert text.count(log_format.REDACTED) >= 8
    assert "'id': 7" in text and "user_agent" in text and "Mozilla" in text  # the rest stays readable
    assert "Traceback" in text and "RuntimeError" in text
