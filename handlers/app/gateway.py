"""`talvix gateway`: the public session-capture endpoint (Server 1's vault role in CONTRACT.md).

    POST /api/connections/{platform}    Authorization: Bearer <Supabase user JWT>
                                        {cookies, user_agent, viewport} → 201 {connection: …}

    GET|POST /webhooks/whatsapp         WhatsApp's delivery statuses (handlers/delivery/whatsapp_webhook.py),
                                        on when WHATSAPP_APP_SECRET and WHATSAPP_WEBHOOK_VERIFY_TOKEN are set

It faces the internet, so it runs as its own process with its own database role (talvix_gateway),
which can do nothing but call talvix.store_connection() for the token's user and
talvix.record_whatsapp_status() for a post signed with the WhatsApp App Secret. It never holds the
worker's DATABASE_URL or the service-role key. The cookies are encrypted here (format 2: AES-256-GCM
bound to the user and platform) and the plaintext is dropped as soon as it is sealed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import jwt
import pydantic
from aiohttp import web
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from handlers import queries
from handlers.delivery import whatsapp_webhook
from handlers.skills.session_crypto import SessionCryptoError, load_key, seal
from listeners import CONNECTION_ERRORS, MAX_BODY_BYTES, Refused, alive, error, json_errors, json_response, read_json

log = logging.getLogger("talvix.gateway")
PLATFORMS = ("linkedin", "indeed")


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALVIX_GATEWAY_", extra="ignore", env_file=None, frozen=True)

    # A login for the talvix_gateway role (ALTER ROLE … LOGIN PASSWORD …), never the worker's URL.
    database_url: str = Field(validation_alias="GATEWAY_DATABASE_URL")
    jwt_secret: SecretStr = Field(validation_alias="SUPABASE_JWT_SECRET")
    aes_session_key: SecretStr = Field(validation_alias="AES_SESSION_KEY")
    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)
    # WhatsApp's status webhook: the Meta app's App Secret (it signs every post) and the token typed into the app
    # dashboard with the callback URL. Both or neither: without them the webhook routes are not served.
    whatsapp_app_secret: SecretStr | None = Field(default=None, validation_alias="WHATSAPP_APP_SECRET")
    whatsapp_webhook_verify_token: SecretStr | None = Field(default=None, validation_alias="WHATSAPP_WEBHOOK_VERIFY_TOKEN")

    def _missing_webhook_settings(self) -> list[str]:
        given = {
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_WEBHOOK_VERIFY_TOKEN": self.whatsapp_webhook_verify_token,
        }
        return [name for name, value in given.items() if not (value and value.get_secret_value())]

    @model_validator(mode="after")
    def _whole_webhook(self) -> GatewaySettings:
        missing = self._missing_webhook_settings()
        if len(missing) == 1:
            raise ValueError(
                "the WhatsApp status webhook needs both WHATSAPP_APP_SECRET and WHATSAPP_WEBHOOK_VERIFY_TOKEN: "
                f"missing {missing[0]}"
            )
        return self

    @property
    def whatsapp_webhook(self) -> bool:
        """Whether the WhatsApp status webhook is served (both of its settings are set)."""
        return not self._missing_webhook_settings()


class Cookie(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=256)
    value: str = Field(max_length=8192)
    domain: str | None = None
    path: str | None = None
    # Seconds since the epoch (browser exports also say "expiry"): within what a date can hold.
    expires: float | None = Field(default=None, ge=0, le=253402300799)
    expiry: float | None = Field(default=None, ge=0, le=253402300799)


class CaptureRequest(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    cookies: list[Cookie] = Field(min_length=1, max_length=200)
    user_agent: str = Field(min_length=1, max_length=512)
    viewport: str = Field(pattern=r"^[0-9]{3,4}x[0-9]{3,4}$")


def session_expiry(cookies: list[Cookie]) -> datetime | None:
    """When the session stops working: the latest expiry among its cookies (None for session cookies)."""
    stamps = [stamp for c in cookies if (stamp := c.expires or c.expiry)]
    return datetime.fromtimestamp(max(stamps), UTC) if stamps else None


def verify_token(header: str | None, secret: str) -> UUID:
    """The user id (sub) of a valid Supabase access token: HS256 only (so never `alg: none`),
    signature, expiry and audience checked."""
    if not header or not header.startswith("Bearer "):
        raise web.HTTPUnauthorized(reason="missing bearer token")
    try:
        claims = jwt.decode(
            header.removeprefix("Bearer ").strip(),
            secret,
            algorithms=["HS256"],
            audience="authenticated",
            options={"require": ["exp", "sub"]},
        )
        if claims.get("role") != "authenticated":  # a service_role or anon token is not a user's
            raise jwt.InvalidTokenError("not a signed-in user's token")
        return UUID(claims["sub"])
    except jwt.ExpiredSignatureError:
        raise web.HTTPUnauthorized(reason="token expired") from None
    except (jwt.InvalidTokenError, ValueError):
        raise web.HTTPUnauthorized(reason="invalid token") from None


def build_app(settings: GatewaySettings, pool: asyncpg.Pool) -> web.Application:
    key = load_key(settings.aes_session_key.get_secret_value())
    jwt_secret = settings.jwt_secret.get_secret_value()

    async def capture(request: web.Request) -> web.Response:
        user_id = verify_token(request.headers.get("Authorization"), jwt_secret)
        platform = request.match_info["platform"]
        if platform not in PLATFORMS:
            return error(404, f"unknown platform {platform!r}: use {' or '.join(PLATFORMS)}")
        if request.content_type != "application/json":
            raise Refused(415, f"send the body as application/json, not {request.content_type or 'nothing'}")
        try:
            body = CaptureRequest.model_validate(await read_json(request))
        except pydantic.ValidationError as exc:
            raise Refused(400, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
        expires_at = session_expiry(body.cookies)
        user_agent, viewport = body.user_agent, body.viewport
        cookies = [c.model_dump(exclude_none=True) for c in body.cookies]
        try:
            sealed = seal(key, cookies, user_id=str(user_id), platform=platform)
        except SessionCryptoError as exc:
            log.error("could not seal a session for %s: %s", user_id, exc)
            return error(500, "could not store the session")
        finally:
            del cookies, body  # the plaintext lives no longer than the sealing
        try:
            row = await queries.store_connection(
                pool,
                user_id=user_id,
                platform=platform,
                ciphertext=sealed.ciphertext,
                iv=sealed.iv,
                key_version=sealed.version,
                user_agent=user_agent,
                viewport=viewport,
                expires_at=expires_at,
            )
        except asyncpg.ForeignKeyViolationError:
            return error(404, "no Talvix account for this token's user")
        log.info("stored %s session for user %s (expires %s)", platform, user_id, expires_at)
        return json_response({"connection": dict(row)}, status=201)

    async def healthz(request: web.Request) -> web.Response:
        try:
            await alive(pool)
        except CONNECTION_ERRORS:
            return json_response({"status": "unhealthy", "database": False}, status=503)
        return json_response({"status": "ok", "database": True})

    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[json_errors])
    app.router.add_post("/api/connections/{platform}", capture)
    app.router.add_get("/healthz", healthz)
    if settings.whatsapp_webhook:
        assert settings.whatsapp_app_secret is not None and settings.whatsapp_webhook_verify_token is not None
        whatsapp_webhook.add_routes(
            app,
            pool,
            app_secret=settings.whatsapp_app_secret.get_secret_value(),
            verify_token=settings.whatsapp_webhook_verify_token.get_secret_value(),
        )
    return app


async def serve(settings: GatewaySettings) -> None:
    """Run until cancelled (SIGTERM/SIGINT in the CLI)."""
    load_key(settings.aes_session_key.get_secret_value())  # fail fast on a bad key, before listening
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    runner = web.AppRunner(build_app(settings, pool), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.port).start()
    log.info("gateway on http://%s:%s", settings.host, settings.port)
    if settings.whatsapp_webhook:
        log.info("WhatsApp status webhook on %s (configure it in the Meta app dashboard)", whatsapp_webhook.PATH)
    else:
        log.info(
            "WhatsApp status webhook off: set WHATSAPP_APP_SECRET and WHATSAPP_WEBHOOK_VERIFY_TOKEN to receive delivery statuses"
        )
    try:
        await asyncio.Event().wait()  # until cancelled
    finally:
        await runner.cleanup()
        await pool.close()
