"""jd_cleaner: read each new job's description once: its required and nice-to-have skills
(`job_skills`), role family, seniority, work mode and a short summary, for matching and scoring.

Triggered by every batch of new jobs (one event per INSERT statement), it works through every
job not cleaned yet, `BATCH` jobs per model call, and when none is left it queues fit_scorer's delta
pass, so new jobs are scored with what was read here. Boilerplate (equal-opportunity
statements, "how to apply", benefits lists) is cut without the model first, and the text is
capped, so a call carries only what says something about the job. The model is No-Think; its
answer must fit the schema's allowed values (pydantic, then the table's CHECKs), and offline a
deterministic reader gives the same shape for the demo and the tests.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from pydantic import BaseModel, Field

from handlers import queries
from handlers.agents.resume_intelligence import SKILLS, mentioned
from handlers.skills import llm
from listeners import Context, agent

BATCH = 10  # jobs per model call
MAX_JOBS_PER_RUN = 2000  # the rest are left for the next run, which this one queues
MAX_DESCRIPTION_CHARS = 4000

RoleFamily = Literal[
    "backend",
    "frontend",
    "fullstack",
    "mobile",
    "data_engineering",
    "data_science",
    "machine_learning",
    "devops",
    "qa",
    "security",
    "product",
    "design",
    "other",
]
Seniority = Literal["intern", "junior", "mid", "senior", "lead", "not_specified"]
WorkMode = Literal["remote", "hybrid", "onsite", "unknown"]


class CleanedJob(BaseModel):
    job_id: int
    required: list[str] = Field(default_factory=list, max_length=30)
    nice: list[str] = Field(default_factory=list, max_length=30)
    role_family: RoleFamily
    seniority: Seniority
    work_mode: WorkMode
    summary: str = Field(max_length=600)


class CleanedJobs(BaseModel):
    jobs: list[CleanedJob]


# Paragraphs that say nothing about the job itself.
BOILERPLATE = re.compile(
    r"(equal opportunity|without regard to|reasonable accommodation|we are an? (equal|inclusive)|"
    r"how to apply|apply now|click (here|apply)|privacy (policy|notice)|recruitment fraud|"
    r"benefits include|perks|follow us on)",
    re.IGNORECASE,
)
NICE_HEADINGS = re.compile(r"(nice to have|bonus|good to have|preferred|plus if|would be a plus)", re.IGNORECASE)
FAMILIES: list[tuple[RoleFamily, tuple[str, ...]]] = [
    ("machine_learning", ("machine learning", "ml engineer", "ai engineer", "deep learning", "llm")),
    ("data_science", ("data scientist", "data science")),
    ("data_engineering", ("data engineer", "etl", "analytics engineer", "data analyst")),
    ("devops", ("devops", "site reliability", "sre", "platform engineer", "infrastructure", "cloud engineer")),
    ("security", ("security", "appsec", "penetration")),
    ("qa", ("qa ", "quality", "test engineer", "sdet", "automation tester")),
    ("mobile", ("android", "ios", "mobile", "flutter", "react native")),
    ("fullstack", ("full stack", "full-stack", "fullstack")),
    ("frontend", ("frontend", "front-end", "front end", "ui engineer", "react developer")),
    ("backend", ("backend", "back-end", "back end", "api", "server", "software engineer", "software developer")),
    ("product", ("product manager", "product owner")),
    ("design", ("designer", "ux", "ui/ux")),
]


def strip_boilerplate(description: str) -> str:
    """The description without paragraphs that say nothing about the job, capped in length."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", description) if p.strip()]
    kept = [p for p in paragraphs if not BOILERPLATE.search(p)]
    return "\n\n".join(kept)[:MAX_DESCRIPTION_CHARS]


# Resume skills, plus what job descriptions often ask for and resumes rarely list on their own.
JD_SKILLS = (
    *SKILLS,
    "kafka",
    "redis",
    "terraform",
    "spark",
    "airflow",
    "graphql",
    "tableau",
    "mongodb",
    "mysql",
    "jenkins",
    "ansible",
    "pytorch",
    "tensorflow",
)


def skills_in(text: str) -> list[str]:
    return mentioned(text, JD_SKILLS)


def offline_clean(job: dict[str, object]) -> CleanedJob:
    """Deterministic, not an LLM: keyword and pattern reading of the title and description."""
    title = str(job["title"])
    # The run has already cut the boilerplate (job["text"]); a job on its own is cut here.
    text = str(job["text"]) if "text" in job else strip_boilerplate(str(job["description"] or ""))
    split = NICE_HEADINGS.search(text)
    must, bonus = (text[: split.start()], text[split.start() :]) if split else (text, "")
    required = skills_in(f"{title}\n{must}")
    nice = [s for s in skills_in(bonus) if s not in required]
    lowered = f" {title.lower()} "
    family: RoleFamily = next((f for f, words in FAMILIES if any(w in lowered for w in words)), "other")
    seniority: Seniority = (
        "intern"
        if "intern" in lowered
        else "lead"
        if re.search(r"\b(lead|principal|staff|head)\b", lowered)
        else "senior"
        if re.search(r"\b(senior|sr)\b", lowered)
        else "junior"
        if re.search(r"\b(junior|jr|associate)\b", lowered)
        else "not_specified"
    )
    mode = str(job.get("work_mode") or "unknown")
    body = text.lower()
    work_mode: WorkMode = (
        mode
        if mode in ("remote", "hybrid", "onsite")  # type: ignore[assignment]
        else "hybrid"
        if "hybrid" in body
        else "remote"
        if "remote" in body
        else "unknown"
    )
    first = re.split(r"(?<=[.!?])\s+", text.replace("\n", " ").strip(), maxsplit=2)
    summary = " ".join(first[:2])[:300] or title
    return CleanedJob(
        job_id=int(str(job["id"])),
        required=required,
        nice=nice,
        role_family=family,
        seniority=seniority,
        work_mode=work_mode,
        summary=summary,
    )


def offline_batch(jobs: list[dict[str, object]]) -> CleanedJobs:
    return CleanedJobs(jobs=[offline_clean(job) for job in jobs])


def instructions(jobs: list[dict[str, object]]) -> str:
    listed = "\n\n".join(
        f"job_id {j['id']}: {j['title']} at {j['company']} ({j['location'] or 'location not given'})\n{j['text']}" for j in jobs
    )
    return (
        "For each job below, read its description and return: `required` skills and `nice` (nice-to-have) skills, "
        "each a short lowercase technology or skill name (e.g. python, postgresql, kubernetes); `role_family`, "
        "`seniority` (not_specified when the text does not say), `work_mode` (unknown when it does not say) and a "
        "`summary` of at most two sentences saying what the job is. Only what the text says; never invent.\n\n" + listed
    )


@agent("jd_cleaner", concurrency=1, timeout=900, max_attempts=3, setup=llm.prepare)
async def jd_cleaner(ctx: Context) -> int:
    await ctx.release_dedup_key()  # jobs inserted from now on queue the next run
    settings = llm.load_llm_settings()
    jobs = [dict(r) for r in await queries.uncleaned_jobs(ctx.db, limit=MAX_JOBS_PER_RUN)]
    usage = {"calls": 0, "total_tokens": 0}
    for start in range(0, len(jobs), BATCH):
        batch = jobs[start : start + BATCH]
        for job in batch:
            job["text"] = strip_boilerplate(str(job["description"] or ""))
        completion = await llm.complete(
            settings,
            "jd_cleaner",
            role="Job description reader",
            instructions=instructions(batch),
            output=CleanedJobs,
            thinking=False,
            offline=functools.partial(offline_batch, batch),
        )
        asked = {int(str(j["id"])) for j in batch}
        answered = {c.job_id: c for c in completion.value.jobs if c.job_id in asked}
        if set(answered) != asked:
            raise llm.LLMOutputError(
                f"{completion.metadata['model']} cleaned jobs {sorted(answered)} but was asked for {sorted(asked)}"
            )
        await queries.save_cleaned_jobs(
            ctx.db,
            jobs=[c.model_dump() | {"required": normalise(c.required), "nice": normalise(c.nice)} for c in answered.values()],
        )
        usage["calls"] += 1
        usage["total_tokens"] += completion.metadata.get("total_tokens") or 0
        ctx.metadata.update(model=completion.metadata["model"], offline=completion.metadata["offline"])
    if len(jobs) == MAX_JOBS_PER_RUN:
        await ctx.enqueue("jd_cleaner", {}, dedup_key="jd_cleaner:more")
    elif jobs:  # every new job is read: score them for every user, in one delta pass
        await ctx.enqueue("fit_scorer", {"mode": "delta"}, dedup_key="fit_scorer:delta")
    ctx.metadata.update(jobs=len(jobs), **usage)
    return len(jobs)


def normalise(skills: list[str]) -> list[str]:
    """Lowercase, trimmed, at most 60 characters, each once, in the model's order."""
    seen: dict[str, None] = {}
    for skill in skills:
        name = re.sub(r"\s+", " ", skill.strip().lower())[:60]
        if name:
            seen.setdefault(name, None)
    return list(seen)
