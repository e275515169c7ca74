"""Encrypted platform sessions (the user's LinkedIn/Indeed cookies) in user_connections.

Two formats, told apart by user_connections.session_version:

- Version 1, the Node gateway's (CONTRACT.md, Server 1): AES-256-CBC via createCipheriv, key = AES_SESSION_KEY
  (64 hex characters = 32 bytes), a random 16-byte IV per encryption, PKCS#7 padding; ciphertext as
  hex in session_encrypted, IV as hex in session_iv; plaintext = JSON of the cookies. CBC has no
  integrity: a flipped bit decrypts to garbage, or to a different valid JSON.
- Version 2, what this project writes: AES-256-GCM with a random 12-byte nonce (hex in session_iv),
  ciphertext and 16-byte tag as hex in session_encrypted, and (user_id, platform) as associated data,
  so a session copied to another user's or platform's row does not decrypt at all.

Every failure raises SessionCryptoError with one precise reason and none of the key, IV, ciphertext
or plaintext. Callers keep decrypted cookies only as long as they need them and `del` them.
"""

from __future__ import annotations

import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CBC_V1 = 1
GCM_V2 = 2


class SessionCryptoError(Exception):
    """A session could not be sealed or opened; the message names why, never the data."""


@dataclass(frozen=True)
class SealedSession:
    ciphertext: str  # -> session_encrypted
    iv: str  # -> session_iv
    version: int  # -> session_version

    def __repr__(self) -> str:  # never print the ciphertext, even in a traceback
        return f"SealedSession(version={self.version}, ciphertext=<{len(self.ciphertext)} hex chars>)"


def load_key(key_hex: str | None) -> bytes:
    """AES_SESSION_KEY as 32 bytes. The error gives the length only, never the value."""
    if not key_hex:
        raise SessionCryptoError("AES_SESSION_KEY is not set")
    if len(key_hex) != 64:
        raise SessionCryptoError(f"AES_SESSION_KEY must be 64 hexadecimal characters (32 bytes); it has {len(key_hex)}")
    try:
        return bytes.fromhex(key_hex)
    except ValueError:
        raise SessionCryptoError("AES_SESSION_KEY must be hexadecimal (0-9, a-f)") from None


def _unhex(value: str, what: str) -> bytes:
    try:
        return binascii.unhexlify(value)
    except (binascii.Error, ValueError, TypeError):
        raise SessionCryptoError(f"{what} is not valid hexadecimal") from None


def _aad(user_id: str, platform: str) -> bytes:
    return f"talvix-session|v2|{user_id}|{platform}".encode()


def seal(key: bytes, cookies: Any, *, user_id: str, platform: str, version: int = GCM_V2) -> SealedSession:
    """Encrypt the cookies (any JSON value) for one user's platform connection."""
    plaintext = json.dumps(cookies, separators=(",", ":")).encode()
    try:
        if version == CBC_V1:
            iv = os.urandom(16)
            padder = padding.PKCS7(128).padder()
            padded = padder.update(plaintext) + padder.finalize()
            encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
            ciphertext = encryptor.update(padded) + encryptor.finalize()
            del padded
            return SealedSession(ciphertext.hex(), iv.hex(), CBC_V1)
        if version == GCM_V2:
            nonce = os.urandom(12)
            ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(user_id, platform))
            return SealedSession(ciphertext.hex(), nonce.hex(), GCM_V2)
    except ValueError:
        raise SessionCryptoError("encryption failed: the key must be 32 bytes") from None
    finally:
        del plaintext
    raise SessionCryptoError(f"unknown session format version {version}")


def open_session(key: bytes, sealed: SealedSession, *, user_id: str, platform: str) -> Any:
    """Decrypt a stored session back to its JSON value (the cookies)."""
    ciphertext = _unhex(sealed.ciphertext, "session_encrypted")
    iv = _unhex(sealed.iv, "session_iv")
    if sealed.version == CBC_V1:
        if len(iv) != 16:
            raise SessionCryptoError(f"session_iv must be 16 bytes for format 1; it is {len(iv)}")
        if not ciphertext or len(ciphertext) % 16:
            raise SessionCryptoError("session_encrypted is not a whole number of AES blocks (truncated or corrupt)")
        try:
            decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
            padded = decryptor.update(ciphertext) + decryptor.finalize()
            unpadder = padding.PKCS7(128).unpadder()
            plaintext = unpadder.update(padded) + unpadder.finalize()
            del padded
        except ValueError:
            raise SessionCryptoError("decryption failed: wrong key or corrupted ciphertext (bad padding)") from None
    elif sealed.version == GCM_V2:
        if len(iv) != 12:
            raise SessionCryptoError(f"session_iv must be 12 bytes for format 2; it is {len(iv)}")
        try:
            plaintext = AESGCM(key).decrypt(iv, ciphertext, _aad(user_id, platform))
        except (InvalidTag, ValueError):
            raise SessionCryptoError(
                "decryption failed: wrong key, tampered ciphertext, or a session sealed for another user or platform"
            ) from None
    else:
        raise SessionCryptoError(f"unknown session format version {sealed.version}")
    try:
        return json.loads(plaintext)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SessionCryptoError("decrypted session is not JSON (wrong key or corrupted ciphertext)") from None
    finally:
        del plaintext
