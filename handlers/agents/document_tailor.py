"""document_tailor: a queued application → a tailored resume and a cover letter for that job, written
under the storage root, their paths recorded, and the application marked 'ready'.

The Markdown resume and the plain-text letter are the sources; each is also rendered as PDF and
DOCX (handlers/document_files), because job sites take only those, and the files' paths are
recorded in `document_files` for the apply step to upload.

The apply step waits by trigger condition, not by timer: auto_apply is attached to auto_status
becoming 'ready', which only this agent sets, in the same UPDATE that records the document paths.
So an application can never be applied to before its documents exist. Think mode (CONTRACT.md).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

import pydantic

from handlers import queries
from handlers.agents.resume_intelligence import mentioned
from handlers.skills import document_files, llm, storage
from listeners import Context, PermanentError, Skip, UUIDRowEvent, agent


class TailoredDocuments(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    resume_markdown: str = pydantic.Field(min_length=50, max_length=20_000)
    cover_letter: str = pydantic.Field(min_length=50, max_length=6_000)


def offline_documents(summary: dict[str, Any], job: dict[str, Any], name: str) -> TailoredDocuments:
    """Deterministic, not an LLM: the summary re-ordered around the job's own words."""
    text = f"{job['title']} {job['description']}".lower()
    skills = summary.get("skills", [])
    relevant = mentioned(text, skills)
    ordered = relevant + [s for s in skills if s not in relevant]
    resume = "\n".join(
        [
            f"# {name}",
            "",
            f"**Target role:** {job['title']} at {job['company']}",
            "",
            f"**Experience:** {summary.get('years_experience', 0):g} years ({summary.get('seniority', 'n/a')})",
            "",
            "## Skills",
            ", ".join(ordered) or "—",
            "",
            "## Roles",
            *[f"- {t}" for t in summary.get("titles", [])],
            "",
            "## Education",
            *[f"- {e}" for e in summary.get("education", [])],
        ]
    )
    focus = ", ".join(relevant[:4]) or ", ".join(skills[:3]) or "my experience"
    letter = (
        f"Dear {job['company']} hiring team,\n\n"
        f"I am applying for the {job['title']} role. Over {summary.get('years_experience', 0):g} years I have "
        f"worked with {focus}, which this role calls for.\n\n"
        f"I would welcome the chance to talk about how I can help.\n\nRegards,\n{name}\n"
    )
    return TailoredDocuments(resume_markdown=resume, cover_letter=letter)


def instructions(summary: dict[str, Any], resume_text: str, job: dict[str, Any], name: str) -> str:
    return (
        "Write (1) a one-page resume in Markdown tailored to this job, using only facts from the candidate's "
        "resume, putting the most relevant experience first; (2) a short cover letter (under 250 words) "
        f"signed {name}. Never invent employers, dates or degrees.\n\n"
        f"JOB: {job['title']} at {job['company']}\n{job['description'][:3000]}\n\n"
        f"CANDIDATE SUMMARY: {summary}\n\nRESUME:\n{resume_text[:12000]}"
    )


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


@agent("document_tailor", concurrency=4, timeout=300, max_attempts=3, payload_model=UUIDRowEvent, setup=llm.prepare)
async def document_tailor(ctx: Context) -> int:
    assert isinstance(ctx.input, UUIDRowEvent)
    app = await queries.application_to_tailor(ctx.db, application_id=ctx.input.row.id)
    if app is None:
        raise PermanentError(f"application {ctx.input.row.id} (or its job) no longer exists")
    if app["auto_status"] != "queued":
        raise Skip(f"application {app['id']} is {app['auto_status']}, not queued")
    if app["summary"] is None:
        raise PermanentError(f"user {app['user_id']} has no parsed resume to tailor from")
    job, name = dict(app), app["full_name"] or app["email"]
    settings = llm.load_llm_settings()
    await llm.within_user_limit(ctx, settings)
    completion = await llm.complete(
        settings,
        "document_tailor",
        role="Resume writer",
        instructions=instructions(app["summary"], app["raw_text"] or "", job, name),
        output=TailoredDocuments,
        thinking=True,
        offline=lambda: offline_documents(app["summary"], job, name),
    )
    ctx.metadata.update(completion.metadata)
    resume_path = f"tailored/{app['user_id']}/{app['id']}.md"
    letter_path = f"cover-letters/{app['user_id']}/{app['id']}.txt"
    await asyncio.to_thread(write_atomically, storage.resolve(resume_path), completion.value.resume_markdown)
    await asyncio.to_thread(write_atomically, storage.resolve(letter_path), completion.value.cover_letter)
    files = await asyncio.to_thread(render_files, completion.value, f"tailored/{app['user_id']}/{app['id']}", name)
    await queries.save_tailored_documents(
        ctx.db, application_id=app["id"], resume_path=resume_path, cover_letter_path=letter_path, files=files
    )
    return 2


def render_files(documents: TailoredDocuments, folder: str, name: str) -> dict[str, dict[str, str]]:
    """PDF and DOCX of both documents under `folder` (relative to the storage root); CPU-bound, so
    the caller runs it in a thread."""
    out: dict[str, dict[str, str]] = {}
    for what, stem, text in (
        ("resume", "Resume", documents.resume_markdown),
        ("cover_letter", "Cover_Letter", documents.cover_letter),
    ):
        paths = document_files.render(text, storage.resolve(folder), document_files.file_stem(name, stem))
        out[what] = {kind: f"{folder}/{path.name}" for kind, path in paths.items()}
    return out
