"""resume_intelligence: a resume row arrives → a structured summary, stored; the user's fit scores
are marked stale so the scorer runs again. Think mode (complex reasoning: CONTRACT.md)."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Literal

import pydantic

from handlers import queries
from handlers.skills import llm, resume_files, storage
from listeners import Context, PermanentError, Skip, UUIDRowEvent, agent

SENIORITY = ("intern", "junior", "mid", "senior", "lead")
PERSONA = ("student", "early_career", "professional", "switcher", "returning", "freelancer")
MAX_RESUME_CHARS = 40_000


Seniority = Literal["intern", "junior", "mid", "senior", "lead"]
Persona = Literal["student", "early_career", "professional", "switcher", "returning", "freelancer"]


class ResumeSummary(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    skills: list[str] = pydantic.Field(max_length=60)
    years_experience: float = pydantic.Field(ge=0, le=60)
    seniority: Seniority
    titles: list[str] = pydantic.Field(max_length=20)
    education: list[str] = pydantic.Field(max_length=10)
    persona: Persona
    # Years of professional use per skill, where the resume states them ("Python (5 years)"); forms
    # ask "How many years of experience do you have with Python?", which total years do not answer.
    skill_years: dict[str, float] = pydantic.Field(default_factory=dict, max_length=60)


# The offline model's vocabulary: what it can recognise without an LLM.
SKILLS = (
    "python",
    "java",
    "javascript",
    "typescript",
    "go",
    "rust",
    "sql",
    "postgres",
    "postgresql",
    "react",
    "node",
    "django",
    "flask",
    "fastapi",
    "asyncio",
    "aws",
    "gcp",
    "azure",
    "docker",
    "kubernetes",
    "linux",
    "selenium",
    "pandas",
    "numpy",
    "machine learning",
    "llm",
    "excel",
    "figma",
    "c++",
    "html",
    "css",
    "git",
)


def mentioned(text: str, vocabulary: tuple[str, ...] | list[str] = SKILLS) -> list[str]:
    """The skills of `vocabulary` a text names, as whole words ("go" in "Go and Java", not in "going";
    "c++" and "node" kept apart from their neighbours), in the vocabulary's order."""
    lower = text.lower()
    return [s for s in vocabulary if re.search(rf"(?<![a-z0-9+]){re.escape(s.lower())}(?![a-z0-9+])", lower)]


TITLE_WORDS = ("engineer", "developer", "analyst", "manager", "designer", "scientist", "intern", "consultant", "lead")
DEGREE = re.compile(r"\b(b\.?tech|b\.?e\.?|b\.?sc|m\.?tech|m\.?sc|mba|bachelor|master|ph\.?d)\b", re.IGNORECASE)


def offline_summary(text: str) -> ResumeSummary:
    """Deterministic, not an LLM: keyword and pattern matching over the resume text."""
    lower = text.lower()
    skills = mentioned(lower)
    years = max((float(y) for y in re.findall(r"(\d{1,2}(?:\.\d)?)\+?\s*(?:years|yrs)", lower)), default=0.0)
    seniority: Seniority = (
        "intern" if years < 0.5 else "junior" if years < 2 else "mid" if years < 5 else "senior" if years < 10 else "lead"
    )
    lines = [line.strip(" -•\t") for line in text.splitlines() if line.strip()]
    titles = [line for line in lines if len(line) < 80 and any(w in line.lower() for w in TITLE_WORDS)][:5]
    education = [line for line in lines if DEGREE.search(line)][:3]
    persona: Persona = "student" if years < 0.5 else "early_career" if years < 3 else "professional"
    return ResumeSummary(
        skills=skills,
        years_experience=years,
        seniority=seniority,
        titles=titles,
        education=education,
        persona=persona,
        skill_years=offline_skill_years(lower, skills),
    )


def offline_skill_years(lower: str, skills: list[str]) -> dict[str, float]:
    """'python (5 years)', 'python: 5 yrs', '5+ years of python', '5 years with python', '5 years python'."""
    found: dict[str, float] = {}
    number = r"(\d{1,2}(?:\.\d)?)\+?\s*(?:years?|yrs?)"
    for skill in skills:
        name = re.escape(skill)
        for pattern in (
            rf"(?<![a-z0-9+]){name}\s*(?:\(|:|-|–|—)\s*{number}",
            rf"{number}\s+(?:of\s+)?(?:experience\s+)?(?:with|in|using|of)?\s*{name}(?![a-z0-9+])",
        ):
            match = re.search(pattern, lower)
            if match:
                found[skill] = float(match.group(1))
                break
    return found


def instructions(text: str) -> str:
    return (
        "Read this resume and summarise it. skills: concrete technical and professional skills, lower-case. "
        "years_experience: total professional years (0 for students). seniority: one of "
        f"{', '.join(SENIORITY)}. titles: job titles held, most recent first. education: degrees with "
        f"institution. persona: one of {', '.join(PERSONA)}. skill_years: for each skill whose years of use the "
        "resume states or its dated roles show, the years (omit skills whose years are unknown). "
        "Use only facts in the resume.\n\n"
        f"RESUME:\n{text}"
    )


async def read_resume(resume: dict[str, Any]) -> str:
    if resume["raw_text"]:
        return str(resume["raw_text"])
    # The schema allows only the user's own uploads (resumes/<user id>/<file>); checked again here,
    # with an error that says nothing about any file but the user's own.
    path = storage.resolve(resume["storage_path"])
    if not path.is_relative_to(storage.resolve(f"resumes/{resume['user_id']}")):
        raise PermanentError("the resume file must be one of the user's own uploads (resumes/<user id>/<file>)")
    return await asyncio.to_thread(resume_files.text_of, path)


@agent("resume_intelligence", concurrency=4, timeout=240, max_attempts=3, payload_model=UUIDRowEvent, setup=llm.prepare)
async def resume_intelligence(ctx: Context) -> int:
    assert isinstance(ctx.input, UUIDRowEvent)
    resume = await queries.resume(ctx.db, resume_id=ctx.input.row.id)
    if resume is None:
        raise PermanentError(f"resume {ctx.input.row.id} no longer exists")
    if resume["parse_status"] == "parsed":
        raise Skip(f"resume {resume['id']} is already parsed")
    try:
        text = (await read_resume(dict(resume))).strip()
        if not text:
            raise PermanentError(f"resume {resume['id']} is empty")
    except PermanentError as exc:
        # The app shows the user why (upload another file); the run fails with the same words.
        await queries.resume_failed(ctx.db, resume_id=resume["id"], reason=str(exc))
        raise
    settings = llm.load_llm_settings()
    await llm.within_user_limit(ctx, settings)
    completion = await llm.complete(
        settings,
        "resume_intelligence",
        role="Resume analyst",
        instructions=instructions(text[:MAX_RESUME_CHARS]),
        output=ResumeSummary,
        thinking=True,
        offline=lambda: offline_summary(text),
    )
    ctx.metadata.update(completion.metadata)
    # One transaction: the summary and the stale flag together, or neither.
    async with ctx.db.acquire() as conn, conn.transaction():
        await queries.resume_parsed(conn, resume_id=resume["id"], summary=completion.value.model_dump())
        await queries.mark_fit_scores_stale(conn, user_id=resume["user_id"], stale=True)
    return 1
