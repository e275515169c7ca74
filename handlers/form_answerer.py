"""form_answerer: an answer for one application-form question, fitting the field's type and options.

The apply handler calls `answer()` for each question it meets. Deterministic answers from the
user's profile come first (name, email, phone, years, notice period, salary expectation, work
authorisation, relocation, location, links); only the rest go to the model, in No-Think mode, and
the model's answer is checked against the field (a select's options, a number, yes/no). Offline,
a question the profile cannot answer raises Unanswerable rather than guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

import pydantic

from handlers import llm

Kind = Literal["text", "textarea", "select", "radio", "checkbox", "number", "yes_no"]


class Question(pydantic.BaseModel):
    label: str = pydantic.Field(min_length=1, max_length=1000)
    kind: Kind = "text"
    options: list[str] = pydantic.Field(default_factory=list)
    required: bool = True


class Answer(pydantic.BaseModel):
    value: str
    source: Literal["profile", "model"]


class ModelAnswer(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")
    value: str = pydantic.Field(max_length=2000)


class Unanswerable(Exception):
    """Neither the profile nor (offline) a model can answer this question: a person must."""


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def _number(value: object) -> str:
    return f"{float(value):g}"  # type: ignore[arg-type]


# (pattern on the question label, how to read the answer from the profile). First match wins.
RULES: list[tuple[re.Pattern[str], Callable[[dict[str, Any]], object]]] = [
    (re.compile(r"\bfirst name\b", re.I), lambda p: (p.get("full_name") or "").split(" ")[0] or None),
    (re.compile(r"\b(last|family|sur)\s*name\b", re.I), lambda p: (p.get("full_name") or "").split(" ")[-1] or None),
    (re.compile(r"\b(full )?name\b", re.I), lambda p: p.get("full_name")),
    (re.compile(r"\be-?mail\b", re.I), lambda p: p.get("email")),
    (re.compile(r"\b(phone|mobile|contact number)\b", re.I), lambda p: p.get("phone")),
    (re.compile(r"\blinkedin\b.*\b(url|profile)\b|\blinkedin profile\b", re.I), lambda p: p.get("linkedin_url")),
    (re.compile(r"\b(github|portfolio|website)\b", re.I), lambda p: p.get("portfolio_url")),
    (re.compile(r"\byears?\b.*\bexperience\b|\bexperience\b.*\byears?\b", re.I),
     lambda p: None if p.get("years_experience") is None else _number(p["years_experience"])),
    (re.compile(r"\bnotice period\b", re.I),
     lambda p: None if p.get("notice_period_days") is None else f"{int(p['notice_period_days'])} days"),
    (re.compile(r"\b(expected|desired)\b.*\b(salary|ctc|compensation)\b", re.I), lambda p: p.get("expected_salary")),
    (re.compile(r"\bcurrent\b.*\b(salary|ctc|compensation)\b", re.I), lambda p: p.get("current_salary")),
    (re.compile(r"\b(authori[sz]ed|eligible|legally)\b.*\bwork\b|\bwork (authori[sz]ation|permit)\b", re.I),
     lambda p: None if p.get("work_authorized") is None else _yes_no(bool(p["work_authorized"]))),
    (re.compile(r"\bsponsorship\b", re.I),
     lambda p: None if p.get("needs_sponsorship") is None else _yes_no(bool(p["needs_sponsorship"]))),
    (re.compile(r"\breloca", re.I),
     lambda p: None if p.get("willing_to_relocate") is None else _yes_no(bool(p["willing_to_relocate"]))),
    (re.compile(r"\b(current )?(city|location)\b", re.I), lambda p: p.get("city")),
]


def _range_option(number: float, options: list[str]) -> str | None:
    """'6' against ['0-2', '3-5', '6-10', '10+'] → '6-10'."""
    for option in options:
        bounds = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", option)]
        if len(bounds) == 2 and bounds[0] <= number <= bounds[1]:
            return option
        if len(bounds) == 1 and "+" in option and number >= bounds[0]:
            return option
    return None


def fit_to_field(value: str, question: Question) -> str | None:
    """The value as the field accepts it, or None when it cannot fit."""
    value = value.strip()
    if question.kind in ("select", "radio") and question.options:
        for option in question.options:
            if option.strip().lower() == value.lower():
                return option
        number = re.fullmatch(r"\d+(?:\.\d+)?", value)
        return _range_option(float(value), question.options) if number else None
    if question.kind == "number":
        match = re.search(r"-?\d+(?:\.\d+)?", value)
        return match.group(0) if match else None
    if question.kind in ("yes_no", "checkbox"):
        lowered = value.lower()
        return "Yes" if lowered in ("yes", "y", "true") else "No" if lowered in ("no", "n", "false") else None
    return value or None


def from_profile(question: Question, profile: dict[str, Any]) -> str | None:
    for pattern, read in RULES:
        if pattern.search(question.label):
            raw = read(profile)
            return None if raw in (None, "") else fit_to_field(str(raw), question)
    return None


async def answer(question: Question, profile: dict[str, Any], settings: llm.LLMSettings | None = None) -> Answer:
    """The profile's answer if it has one, else the model's (checked against the field)."""
    known = from_profile(question, profile)
    if known is not None:
        return Answer(value=known, source="profile")
    settings = settings or llm.load_llm_settings()
    if llm.profile_for(settings, "form_answerer", thinking=False).api_key is None:
        raise Unanswerable(f"the profile cannot answer {question.label!r} and no model is configured")
    facts = {k: v for k, v in profile.items() if k not in ("email", "phone")}
    options = f" Choose exactly one of: {question.options}." if question.options else ""
    completion = await llm.complete(
        settings, "form_answerer", role="Job application assistant", output=ModelAnswer, thinking=False,
        instructions=(f"Answer this job application question for the candidate, truthfully from their facts, "
                      f"briefly. Field type: {question.kind}.{options}\n\nQUESTION: {question.label}\n\n"
                      f"CANDIDATE FACTS: {facts}"),
        offline=lambda: ModelAnswer(value=""))
    fitted = fit_to_field(completion.value.value, question)
    if fitted is None:
        raise llm.LLMOutputError(f"{completion.metadata['model']} answered {completion.value.value[:80]!r}, "
                                 f"which does not fit a {question.kind} field{options}")
    return Answer(value=fitted, source="model")
