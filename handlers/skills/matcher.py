"""Which jobs are worth a model call for which user: the fit scorer's candidate search.

Hard filters first (already scored, blacklist, target roles, work mode, city), then two rankings
fused by reciprocal rank, k = 60 (sql/product/queries/match_jobs.sql):

* full text, always: the user's target roles, past titles and skills as one OR query over
  jobs.search (title, the cleaner's summary, the description's opening), ranked by ts_rank_cd;
* vector similarity, where pgvector is installed (schema extensions, as on Supabase) and an
  embeddings endpoint is configured (skills/embeddings.py): cosine distance between the user's and
  each job's embedding. Jobs and users are embedded only when new or changed.

Without either, matching is full text alone, said once in the log and in every run's metadata. An
embeddings endpoint that fails also leaves that pass to full text, with the error in the metadata:
scoring new jobs matters more than the second ranking.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import aiohttp
import asyncpg

from handlers import queries
from handlers.skills.embeddings import Embedder, EmbeddingSettings, source_hash
from handlers.skills.http_client import ServiceError

log = logging.getLogger(__name__)
VECTOR_RANKS_PER_TOP_K = 5  # how deep each user's vector ranking goes, per job that can be picked
_said: set[str] = set()


def _full_text_only(reason: str, metadata: dict[str, Any]) -> list[tuple[UUID, int, int]]:
    if reason not in _said:
        _said.add(reason)
        log.info("matching ranks jobs by full text alone: %s", reason)
    metadata.update(matching="full_text", matching_note=reason)
    return []


async def candidates(
    db: asyncpg.Pool[Any],
    *,
    user_id: UUID | None,
    job_ids: list[int] | None,
    rescore: bool,
    top_k: int,
    metadata: dict[str, Any],
) -> list[asyncpg.Record]:
    """Each eligible user's best `top_k` jobs among `job_ids` (None: every active job), best first,
    with the ranks that placed them."""
    ranks = await vector_ranking(db, user_id=user_id, job_ids=job_ids, per_user=top_k * VECTOR_RANKS_PER_TOP_K, metadata=metadata)
    return await queries.match_jobs(db, user_id=user_id, job_ids=job_ids, rescore=rescore, top_k=top_k, vector_ranks=ranks)


async def vector_ranking(
    db: asyncpg.Pool[Any], *, user_id: UUID | None, job_ids: list[int] | None, per_user: int, metadata: dict[str, Any]
) -> list[tuple[UUID, int, int]]:
    """(user, job, rank) by embedding similarity, or nothing when vectors cannot be used."""
    settings = EmbeddingSettings()
    if not settings.configured:
        return _full_text_only("no embeddings endpoint is configured (TALVIX_EMBEDDINGS_BASE_URL)", metadata)
    if not await queries.pgvector_installed(db):
        return _full_text_only("pgvector is not installed in schema extensions", metadata)
    try:
        users = await _embed_changed(db, settings, user_id=user_id, job_ids=job_ids, metadata=metadata)
    except ServiceError as exc:
        log.warning("embeddings endpoint failed, this pass ranks by full text alone: %s", exc)
        metadata.update(matching="full_text", matching_note=f"embeddings failed: {str(exc)[:300]}")
        return []
    rows = await queries.vector_ranks(db, user_ids=users, job_ids=job_ids, model=settings.label, per_user=per_user)
    metadata.update(matching="hybrid", embeddings_model=settings.label)
    return [(r["user_id"], r["job_id"], r["vector_rank"]) for r in rows]


async def _embed_changed(
    db: asyncpg.Pool[Any],
    settings: EmbeddingSettings,
    *,
    user_id: UUID | None,
    job_ids: list[int] | None,
    metadata: dict[str, Any],
) -> list[UUID]:
    """Embed the users and jobs whose text changed since their stored vector; the users' ids."""
    users = await queries.users_to_embed(db, user_id=user_id, model=settings.label)
    jobs = await queries.jobs_to_embed(db, job_ids=job_ids, model=settings.label)
    stale_users = [u for u in users if u["source_hash"] != source_hash(u["text"])]
    stale_jobs = [j for j in jobs if j["source_hash"] != source_hash(j["text"])]
    async with aiohttp.ClientSession() as session:
        embedder = Embedder(settings, session)
        if stale_users:
            vectors = await embedder.embed([u["text"] for u in stale_users])
            await queries.save_user_embeddings(
                db,
                rows=[
                    {"id": str(u["user_id"]), "source_hash": source_hash(u["text"]), "embedding": v}
                    for u, v in zip(stale_users, vectors, strict=True)
                ],
                model=settings.label,
            )
        if stale_jobs:
            vectors = await embedder.embed([j["text"] for j in stale_jobs])
            await queries.save_job_embeddings(
                db,
                rows=[
                    {"id": j["job_id"], "source_hash": source_hash(j["text"]), "embedding": v}
                    for j, v in zip(stale_jobs, vectors, strict=True)
                ],
                model=settings.label,
            )
    metadata.update(embedded_users=len(stale_users), embedded_jobs=len(stale_jobs), embedding_tokens=embedder.tokens)
    return [u["user_id"] for u in users]
