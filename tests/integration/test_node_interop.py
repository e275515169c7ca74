"""The Node gateway's format, proven against node's own crypto: Node encrypts → Python decrypts,
and Python encrypts → Node decrypts (the contract's code, CONTRACT.md: createCipheriv('aes-256-cbc', …))."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from handlers.skills.session_crypto import CBC_V1, SealedSession, open_session, seal

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None and not os.environ.get("CI"), reason="node is not installed")

ENCRYPT_JS = """
const crypto = require('crypto');
const key = Buffer.from(process.env.AES_SESSION_KEY, 'hex');
const iv = crypto.randomBytes(16);
const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
let enc = cipher.update(JSON.stringify(JSON.parse(process.argv[1])), 'utf8', 'hex');
enc += cipher.final('hex');
process.stdout.write(JSON.stringify({session_encrypted: enc, session_iv: iv.toString('hex')}));
"""
DECRYPT_JS = """
const crypto = require('crypto');
const key = Buffer.from(process.env.AES_SESSION_KEY, 'hex');
const decipher = crypto.createDecipheriv('aes-256-cbc', key, Buffer.from(process.argv[2], 'hex'));
let dec = decipher.update(process.argv[1], 'hex', 'utf8');
dec += decipher.final('utf8');
process.stdout.write(dec);
"""
WHO = {"user_id": "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b", "platform": "linkedin"}


def node(script: str, *args: str, key_hex: str) -> str:
    assert NODE, "node is required for the cross-language test"
    result = subprocess.run(
        [NODE, "-e", script, *args],
        env={**os.environ, "AES_SESSION_KEY": key_hex},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    "cookies",
    [
        [{"name": "li_at", "value": "AQEDAT", "domain": ".linkedin.com", "path": "/", "expires": 1893456000}],
        {"cookies": [{"name": "JSESSIONID", "value": "ajax:123", "domain": ".www.linkedin.com", "path": "/"}]},
        [{"name": "ünïcødé", "value": "x" * 5000}],
    ],
)
def test_node_encrypts_python_decrypts(cookies: object) -> None:
    key_hex = os.urandom(32).hex()
    stored = json.loads(node(ENCRYPT_JS, json.dumps(cookies), key_hex=key_hex))
    sealed = SealedSession(stored["session_encrypted"], stored["session_iv"], CBC_V1)
    assert open_session(bytes.fromhex(key_hex), sealed, **WHO) == cookies


def test_python_encrypts_node_decrypts() -> None:
    key_hex = os.urandom(32).hex()
    cookies = [{"name": "li_at", "value": "AQEDAT", "domain": ".linkedin.com", "path": "/"}]
    sealed = seal(bytes.fromhex(key_hex), cookies, version=CBC_V1, **WHO)
    assert json.loads(node(DECRYPT_JS, sealed.ciphertext, sealed.iv, key_hex=key_hex)) == cookies
