"""The database admin's SQL API: talvix.watch / talvix.unwatch / talvix.watches."""

from __future__ import annotations

import uuid
from datetime import timedelta

import asyncpg
import pytest


@pytest.fixture
async def postings(db: asyncpg.Connection) -> asyncpg.Connection:
    await db.execute("""
        CREATE TABLE postings (id serial PRIMARY KEY, user_id uuid, status text NOT NULL DEFAULT 'new',
                               title text, secret text);
    """)
    return db


async def events(db: asyncpg.Connection) -> list[asyncpg.Record]:
    return await db.fetch("SELECT * FROM talvix.events ORDER BY id")


async def nothing_created(db: asyncpg.Connection) -> bool:
    """No trigger on the test's table and no watch by the test's agents (the pipeline's own watches,
    attached by migration, stay)."""
    triggers = await db.fetchval(
        "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'talvix_%' AND tgrelid = to_regclass('postings')"
    )
    watches = await db.fetchval("SELECT count(*) FROM talvix.watches WHERE agent IN ('a', 'Bad-Name')")
    return triggers == 0 and watches == 0


async def test_condition_over_new_and_old_selects_rows(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("""SELECT talvix.watch('postings', 'auto_apply', '{INSERT,UPDATE}',
                        condition => $$NEW.status = 'queued'$$)""")
    await db.execute("INSERT INTO postings (status) VALUES ('new'), ('queued')")
    await db.execute("UPDATE postings SET status = 'queued' WHERE id = 1")
    await db.execute("UPDATE postings SET title = 'x' WHERE id = 3")  # no such row: nothing
    rows = await events(db)
    assert [(r["payload"]["op"], r["payload"]["row"]["id"]) for r in rows] == [("INSERT", 2), ("UPDATE", 1)]
    # The payload holds the key and user_id only, never the rest of the row.
    assert set(rows[0]["payload"]["row"]) == {"id", "user_id"}


async def test_update_condition_may_compare_old_and_new(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("""SELECT talvix.watch('postings', 'status_changed', '{UPDATE}',
                        condition => 'NEW.status IS DISTINCT FROM OLD.status')""")
    await db.execute("INSERT INTO postings (status) VALUES ('new')")
    await db.execute("UPDATE postings SET title = 'same status'")
    await db.execute("UPDATE postings SET status = 'queued'")
    assert len(await events(db)) == 1


async def test_delete_watch_captures_old_row_and_chosen_columns(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("SELECT talvix.watch('postings', 'cleanup', '{DELETE}', columns => '{id,title}')")
    await db.execute("INSERT INTO postings (title) VALUES ('gone soon')")
    await db.execute("DELETE FROM postings")
    (row,) = await events(db)
    assert row["payload"] == {"table": "public.postings", "op": "DELETE", "row": {"id": 1, "title": "gone soon"}}


async def test_delay_sets_run_after(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("SELECT talvix.watch('postings', 'later', delay => interval '10 minutes')")
    await db.execute("INSERT INTO postings DEFAULT VALUES")
    (row,) = await events(db)
    assert row["run_after"] - row["created_at"] == timedelta(minutes=10)


async def test_dedup_folds_repeated_changes_into_one_pending_event(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("SELECT talvix.watch('postings', 'rescore', '{UPDATE}', dedup => true)")
    await db.execute("INSERT INTO postings DEFAULT VALUES; INSERT INTO postings DEFAULT VALUES")
    for _ in range(3):
        await db.execute("UPDATE postings SET title = md5(random()::text)")
    assert len(await events(db)) == 2  # one per row


async def test_watch_is_idempotent_and_replaces_its_condition(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("SELECT talvix.watch('postings', 'a', condition => $$NEW.status = 'x'$$)")
    await db.execute("SELECT talvix.watch('postings', 'a', condition => $$NEW.status = 'y'$$)")
    assert await db.fetchval("SELECT count(*) FROM pg_trigger WHERE tgname = 'talvix_a_insert'") == 1
    assert await db.fetchval("SELECT condition FROM talvix.watches WHERE agent = 'a'") == "NEW.status = 'y'"
    await db.execute("INSERT INTO postings (status) VALUES ('x'), ('y')")
    assert [r["payload"]["row"]["id"] for r in await events(db)] == [2]


async def test_unwatch_removes_trigger_and_listing(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("SELECT talvix.watch('postings', 'a', '{INSERT,UPDATE,DELETE}')")
    assert await db.fetchval("SELECT talvix.unwatch('postings', 'a', '{DELETE}')") == 1
    assert sorted(await db.fetch("SELECT operation FROM talvix.watches WHERE agent = 'a'")) == [("INSERT",), ("UPDATE",)]
    assert await db.fetchval("SELECT talvix.unwatch('postings', 'a')") == 2
    await db.execute("INSERT INTO postings DEFAULT VALUES")
    assert await events(db) == []
    assert await nothing_created(db)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            "'postings', 'a', condition => 'NEW.no_such_column = 1'",
            "invalid condition for INSERT: column new.no_such_column does not exist",
        ),
        ("'postings', 'a', condition => 'NEW.status ='", "invalid condition for INSERT: syntax error"),
        ("'postings', 'a', condition => $$OLD.status = 'x'$$", 'missing FROM-clause entry for table "old"'),
        ("'postings', 'a', '{DELETE}', condition => $$NEW.status = 'x'$$", 'missing FROM-clause entry for table "new"'),
        (
            "'postings', 'a', condition => 'NEW.title'",
            "invalid condition for INSERT: argument of WHERE must be type boolean, not type text",
        ),
        ("'postings', 'a', condition => '(SELECT true)'", "cannot use subquery in trigger WHEN condition"),
        ("'postings', 'Bad-Name'", "invalid agent name 'Bad-Name'"),
        ("'postings', 'a', '{TRUNCATE}'", "unknown operation(s) 'TRUNCATE'"),
        ("'postings', 'a', '{}'", "operations must list at least one"),
        ("'postings', 'a', columns => '{id,nope}'", "has no column(s) nope"),
        ("'postings', 'a', delay => interval '-1 second'", "delay must be zero or positive"),
        ("'no_such_table', 'a'", 'relation "no_such_table" does not exist'),
    ],
)
async def test_invalid_watch_gives_clear_error_and_creates_nothing(postings: asyncpg.Connection, args: str, message: str) -> None:
    with pytest.raises(asyncpg.PostgresError) as raised:
        await postings.execute(f"SELECT talvix.watch({args})")
    assert message in str(raised.value)
    assert await nothing_created(postings)


@pytest.mark.parametrize(
    "condition",
    [
        "true) EXECUTE FUNCTION pg_catalog.pg_sleep(1); CREATE TRIGGER x AFTER INSERT ON postings FOR EACH ROW WHEN (true",
        "true; DROP TABLE postings",
        "true -- trailing comment",
        "true /* comment */",
        "true) OR (true",  # balanced, harmless: still one boolean expression
    ],
)
async def test_conditions_built_to_inject_sql_cannot(postings: asyncpg.Connection, condition: str) -> None:
    db = postings
    try:
        await db.execute("SELECT * FROM talvix.watch('postings', 'a', condition => $1)", condition)
    except asyncpg.PostgresError as exc:
        assert "talvix.watch" in str(exc)
        assert await nothing_created(db)
    else:
        # Accepted only as a single WHEN expression on our own trigger.
        assert await db.fetchval("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'postings'::regclass") == 1
    assert await db.fetchval("SELECT to_regclass('postings') IS NOT NULL")
    assert await db.fetchval("SELECT count(*) FROM pg_trigger WHERE tgname = 'x'") == 0


async def test_table_names_built_to_inject_sql_are_refused(postings: asyncpg.Connection) -> None:
    for name in ["postings; DROP TABLE postings", 'postings"; DROP TABLE postings; --', "pg_catalog.pg_class"]:
        with pytest.raises(asyncpg.PostgresError):
            await postings.execute("SELECT * FROM talvix.watch($1::regclass, 'a')", name)
    assert await postings.fetchval("SELECT to_regclass('postings') IS NOT NULL")
    assert await nothing_created(postings)


async def test_view_is_refused(postings: asyncpg.Connection) -> None:
    await postings.execute("CREATE VIEW posting_view AS SELECT * FROM postings")
    with pytest.raises(asyncpg.PostgresError, match="is not a table"):
        await postings.execute("SELECT talvix.watch('posting_view', 'a')")


async def test_dropped_table_leaves_no_stale_watch(postings: asyncpg.Connection) -> None:
    await postings.execute("SELECT talvix.watch('postings', 'a')")
    await postings.execute("DROP TABLE postings")
    assert await postings.fetchval("SELECT count(*) FROM talvix.watches WHERE agent = 'a'") == 0


async def test_app_role_without_engine_privileges_still_triggers_work(postings: asyncpg.Connection) -> None:
    db = postings
    role = f"talvix_test_app_{uuid.uuid4().hex[:8]}"
    await db.execute(f"CREATE ROLE {role} NOLOGIN")
    try:
        await db.execute(
            f"GRANT USAGE ON SCHEMA public TO {role}; GRANT INSERT ON postings TO {role};"
            f"GRANT USAGE ON SEQUENCE postings_id_seq TO {role}"
        )
        await db.execute("SELECT talvix.watch('postings', 'a')")
        async with db.transaction():
            await db.execute(f"SET LOCAL ROLE {role}")
            await db.execute("INSERT INTO postings DEFAULT VALUES")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with db.transaction():  # a savepoint, so the failure does not end the test's transaction
                    await db.fetch("SELECT * FROM talvix.events")
            await db.execute("RESET ROLE")
        assert len(await events(db)) == 1
    finally:
        await db.execute(f"DROP OWNED BY {role}; DROP ROLE {role}")


async def test_a_bulk_insert_makes_one_event_per_matching_row_in_one_statement(postings: asyncpg.Connection) -> None:
    db = postings
    await db.execute("SELECT talvix.watch('postings', 'a', condition => $$NEW.status = 'queued'$$)")
    await db.execute(
        "INSERT INTO postings (user_id, status) SELECT gen_random_uuid(), "
        "CASE WHEN g % 2 = 0 THEN 'queued' ELSE 'new' END FROM generate_series(1, 1000) g"
    )
    rows = await events(db)
    assert [r["payload"]["row"]["id"] for r in rows] == list(range(2, 1001, 2))
    first = await db.fetchrow("SELECT id, user_id FROM postings WHERE id = 2")
    assert rows[0]["payload"] == {"table": "public.postings", "op": "INSERT", "row": {"id": 2, "user_id": str(first["user_id"])}}
    assert rows[0]["user_id"] == first["user_id"] and rows[0]["source"] == "public.postings INSERT"
    # One trigger call for the statement, not one per row.
    assert (
        await db.fetchval(
            "SELECT action_orientation FROM information_schema.triggers "
            "WHERE event_object_table = 'postings' AND trigger_name = 'talvix_a_insert'"
        )
        == "STATEMENT"
    )


async def test_an_update_watch_on_a_table_without_a_key_still_pairs_old_and_new(db: asyncpg.Connection) -> None:
    await db.execute("CREATE TABLE keyless (name text, status text)")
    await db.execute(
        "SELECT talvix.watch('keyless', 'a', '{UPDATE}', columns => '{name}', "
        "condition => 'NEW.status IS DISTINCT FROM OLD.status')"
    )
    await db.execute("INSERT INTO keyless VALUES ('x', 'new'), ('y', 'new')")
    await db.execute("UPDATE keyless SET status = 'done' WHERE name = 'y'")
    assert [r["payload"]["row"] for r in await events(db)] == [{"name": "y"}]


@pytest.mark.parametrize("table", ["talvix.events", "talvix.watches", "talvix.limits", "public.agent_logs"])
async def test_the_engines_own_tables_cannot_be_watched(postings: asyncpg.Connection, table: str) -> None:
    with pytest.raises(asyncpg.PostgresError, match="belongs to the engine and cannot be watched"):
        await postings.execute("SELECT * FROM talvix.watch($1::regclass, 'a')", table)
    await postings.execute("INSERT INTO talvix.events (agent) VALUES ('probe')")  # inserting events still works
    assert len(await events(postings)) == 1


@pytest.mark.parametrize(
    "condition",
    [
        "pg_sleep(1) IS NOT NULL",
        "random() > 0.5",
        "NEW.title = gen_random_uuid()::text",
        "NEW.id > nextval('public.postings_id_seq')",
    ],
)
async def test_conditions_that_call_volatile_functions_are_refused(postings: asyncpg.Connection, condition: str) -> None:
    with pytest.raises(asyncpg.PostgresError, match="calls volatile function"):
        await postings.execute("SELECT * FROM talvix.watch('postings', 'a', condition => $1)", condition)
    assert await nothing_created(postings)


async def test_stable_functions_are_fine_in_a_condition(postings: asyncpg.Connection) -> None:
    await postings.execute(
        "SELECT talvix.watch('postings', 'a', condition => $$lower(NEW.status) = 'queued' AND now() > '2020-01-01'$$)"
    )
    await postings.execute("INSERT INTO postings (status) VALUES ('QUEUED')")
    assert len(await events(postings)) == 1


async def test_unwatch_and_drop_take_the_generated_functions(postings: asyncpg.Connection) -> None:
    db = postings
    generated = "SELECT count(*) FROM pg_proc WHERE pronamespace = 'talvix'::regnamespace AND proname LIKE $1"
    await db.execute("SELECT talvix.watch('postings', 'a', '{INSERT,DELETE}')")
    oid = await db.fetchval("SELECT 'postings'::regclass::oid")
    assert await db.fetchval(generated, f"capture_{oid}_%") == 2
    await db.execute("SELECT talvix.unwatch('postings', 'a', '{DELETE}')")
    assert await db.fetchval(generated, f"capture_{oid}_%") == 1
    await db.execute("DROP TABLE postings")
    assert await db.fetchval(generated, f"capture_{oid}_%") == 0
