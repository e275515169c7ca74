from __future__ import annotations

import os

import pytest

from handlers.skills.session_crypto import CBC_V1, GCM_V2, SealedSession, SessionCryptoError, load_key, open_session, seal

KEY_HEX = os.urandom(32).hex()
KEY = bytes.fromhex(KEY_HEX)
COOKIES = [{"name": "li_at", "value": "AQEDAT-very-secret", "domain": ".linkedin.com", "path": "/", "expires": 1893456000}]
WHO = {"user_id": "6f1c1d4e-8a0b-4c9e-9d55-0c1d2e3f4a5b", "platform": "linkedin"}


def assert_no_secret_in(message: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in message


@pytest.mark.parametrize("version", [CBC_V1, GCM_V2])
def test_round_trip_with_fresh_iv_each_time(version: int) -> None:
    first, second = seal(KEY, COOKIES, version=version, **WHO), seal(KEY, COOKIES, version=version, **WHO)
    assert first.iv != second.iv and first.ciphertext != second.ciphertext
    assert open_session(KEY, first, **WHO) == COOKIES
    assert "AQEDAT" not in repr(first)


@pytest.mark.parametrize("version", [CBC_V1, GCM_V2])
def test_wrong_key_is_one_precise_error_without_secrets(version: int) -> None:
    sealed = seal(KEY, COOKIES, version=version, **WHO)
    with pytest.raises(SessionCryptoError, match=r"decryption failed|not JSON") as raised:
        open_session(os.urandom(32), sealed, **WHO)
    assert_no_secret_in(str(raised.value), KEY_HEX, sealed.ciphertext, sealed.iv, "AQEDAT")


def test_gcm_session_is_bound_to_its_user_and_platform() -> None:
    sealed = seal(KEY, COOKIES, **WHO)
    with pytest.raises(SessionCryptoError, match="sealed for another user or platform"):
        open_session(KEY, sealed, user_id="00000000-0000-0000-0000-000000000000", platform="linkedin")
    with pytest.raises(SessionCryptoError, match="sealed for another user or platform"):
        open_session(KEY, sealed, user_id=WHO["user_id"], platform="indeed")


def test_gcm_detects_any_flipped_bit() -> None:
    sealed = seal(KEY, COOKIES, **WHO)
    flipped = f"{int(sealed.ciphertext[0], 16) ^ 1:x}" + sealed.ciphertext[1:]
    with pytest.raises(SessionCryptoError, match="tampered"):
        open_session(KEY, SealedSession(flipped, sealed.iv, GCM_V2), **WHO)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: SealedSession(s.ciphertext, "zz" * 16, CBC_V1), "session_iv is not valid hexadecimal"),
        (lambda s: SealedSession(s.ciphertext, "00" * 8, CBC_V1), "session_iv must be 16 bytes"),
        (lambda s: SealedSession(s.ciphertext[:-2], s.iv, CBC_V1), "not a whole number of AES blocks"),
        (lambda s: SealedSession("xyz", s.iv, CBC_V1), "session_encrypted is not valid hexadecimal"),
        (lambda s: SealedSession(s.ciphertext, s.iv, 9), "unknown session format version 9"),
        (lambda s: SealedSession(s.ciphertext[:-32] + "00" * 16, s.iv, CBC_V1), r"bad padding|not JSON"),
    ],
)
def test_corrupt_input_gives_precise_errors(mutate: object, message: str) -> None:
    sealed = seal(KEY, COOKIES, version=CBC_V1, **WHO)
    with pytest.raises(SessionCryptoError, match=message) as raised:
        open_session(KEY, mutate(sealed), **WHO)  # type: ignore[operator]
    assert_no_secret_in(str(raised.value), KEY_HEX, sealed.ciphertext, "AQEDAT")


@pytest.mark.parametrize(
    ("value", "message"), [(None, "AES_SESSION_KEY is not set"), ("abc", "it has 3"), ("g" * 64, "must be hexadecimal")]
)
def test_bad_keys_are_named_without_their_value(value: str | None, message: str) -> None:
    with pytest.raises(SessionCryptoError, match=message) as raised:
        load_key(value)
    assert value is None or len(value) < 8 or value not in str(raised.value)
