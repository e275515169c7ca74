"""How Talvix plugs into the engine: its migrations, the fields that are secret wherever they
appear, its dashboard panels and its metrics. Registered when `handlers` is imported.

The rest of this package is the product's processes: `cli` (the `talvix` command: the engine's
commands plus `gateway` and `demo`) and `gateway` (the public session-capture server).
"""

from handlers.app import metrics, panels
from listeners import add_migrations, add_secret_fields, cli, sql_folder

MIGRATIONS = sql_folder() / "product" / "migrations"

add_migrations(MIGRATIONS)
# CONTRACT.md: never log or return session_encrypted, session_iv, oauth_* or decrypted cookies.
add_secret_fields(
    "session_encrypted",
    "session_iv",
    "tokens_encrypted",
    "tokens_iv",
    "aes_session_key",
    "supabase_jwt_secret",
    prefixes=("oauth_",),
)
panels.register()
metrics.register()
# bench/discovery.py: a discovery run, cleaned and scored for many users (talvix bench discovery).
cli.add_bench_suite("discovery")
