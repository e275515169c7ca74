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

from handlers.skills import llm

# phone_national: a phone field beside a country-code picker (LinkedIn's "…-phoneNumber-nationalNumber").
Kind = Literal["text", "textarea", "select", "radio", "checkbox", "number", "yes_no", "phone_national"]


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


def _whole(value: object) -> str:
    return str(round(float(value)))  # type: ignore[arg-type]


SKILL_YEARS = re.compile(
    r"\byears?\b.*\bexperience\b.*\b(?:with|in|using|of working with|on)\s+(?P<skill>[^?.,;:]+)"
    r"|\bexperience\b.*\b(?:with|in|using)\s+(?P<skill2>[^?.,;:]+?)\s*\(?\s*(?:in\s+)?years?\b",
    re.I,
)


def skill_years(label: str, profile: dict[str, Any]) -> object:
    """Years with the skill a question names, from the parsed resume (`skill_years`); total years
    when it names none. A skill the resume gives no years for is unknown: never total years."""
    match = SKILL_YEARS.search(label)
    if match is None:
        return None if profile.get("years_experience") is None else _whole(profile["years_experience"])
    asked = re.sub(r"\b(the|a|an|professional|work|hands-on)\b", " ", (match["skill"] or match["skill2"]).lower()).strip()
    known = {k.lower().strip(): v for k, v in (profile.get("skill_years") or {}).items()}
    for skill, years in known.items():
        if skill == asked or re.fullmatch(rf"{re.escape(skill)}(\s*\(.*\))?", asked) or asked.startswith(skill + " "):
            return _whole(years)
    return None


def notice_period(profile: dict[str, Any], label: str) -> object:
    days = profile.get("notice_period_days")
    if days is None:
        return None
    return str(int(days)) if re.search(r"\bin days\b|\(days\)|number of days", label, re.I) else f"{int(days)} days"


# (pattern on the question label, how to read the answer from the profile). First match wins.
RULES: list[tuple[re.Pattern[str], Callable[[dict[str, Any], str], object]]] = [
    (re.compile(r"\bfirst name\b", re.I), lambda p, _: (p.get("full_name") or "").split(" ")[0] or None),
    (re.compile(r"\b(last|family|sur)\s*name\b", re.I), lambda p, _: (p.get("full_name") or "").split(" ")[-1] or None),
    (re.compile(r"\b(full )?name\b", re.I), lambda p, _: p.get("full_name")),
    (re.compile(r"\be-?mail\b", re.I), lambda p, _: p.get("email")),
    (re.compile(r"\b(phone|mobile|contact number)\b", re.I), lambda p, _: p.get("phone")),
    (re.compile(r"\blinkedin\b.*\b(url|profile)\b|\blinkedin profile\b", re.I), lambda p, _: p.get("linkedin_url")),
    (re.compile(r"\b(github|portfolio|website)\b", re.I), lambda p, _: p.get("portfolio_url")),
    (re.compile(r"\byears?\b.*\bexperience\b|\bexperience\b.*\byears?\b", re.I), lambda p, label: skill_years(label, p)),
    (re.compile(r"\bnotice period\b", re.I), lambda p, label: notice_period(p, label)),
    (re.compile(r"\b(expected|desired)\b.*\b(salary|ctc|compensation)\b", re.I), lambda p, _: p.get("expected_salary")),
    (re.compile(r"\bcurrent\b.*\b(salary|ctc|compensation)\b", re.I), lambda p, _: p.get("current_salary")),
    (
        re.compile(r"\b(authori[sz]ed|eligible|legally)\b.*\bwork\b|\bwork (authori[sz]ation|permit)\b", re.I),
        lambda p, _: None if p.get("work_authorized") is None else _yes_no(bool(p["work_authorized"])),
    ),
    (
        re.compile(r"\bsponsorship\b", re.I),
        lambda p, _: None if p.get("needs_sponsorship") is None else _yes_no(bool(p["needs_sponsorship"])),
    ),
    (
        re.compile(r"\breloca", re.I),
        lambda p, _: None if p.get("willing_to_relocate") is None else _yes_no(bool(p["willing_to_relocate"])),
    ),
    (
        re.compile(r"\bcommut", re.I),
        lambda p, _: None if p.get("willing_to_commute") is None else _yes_no(bool(p["willing_to_commute"])),
    ),
    # "Follow <company>" on LinkedIn's review step: only when the user asked for it.
    (re.compile(r"^follow\b", re.I), lambda p, _: _yes_no(bool(p.get("follow_companies", False)))),
    # Marketing and talent-community opt-ins are never given on the user's behalf.
    (
        re.compile(r"\b(marketing|newsletter|job alerts|talent (community|pool)|future (job )?opportunit)", re.I),
        lambda p, _: _yes_no(bool(p.get("marketing_opt_in", False))),
    ),
    # The processing consent a site needs to take an application: switching auto-apply on is the
    # user's consent to apply, unless their profile says otherwise.
    (
        re.compile(r"\b(privacy (notice|policy)|consent|i agree|terms|data processing|gdpr)\b", re.I),
        lambda p, _: _yes_no(bool(p.get("accept_application_privacy_notices", True))),
    ),
    (re.compile(r"\b(current )?(city|location)\b", re.I), lambda p, _: p.get("city")),
]


def _interval(option: str) -> tuple[float, float] | None:
    """The numbers an option stands for: '6-10' → (6, 10), '10+' or '90 days or more' → (10, inf),
    'Less than 30 days' → (0, 29.99), 'Immediately' → (0, 0)."""
    text = option.lower()
    if re.search(r"\bimmediate", text) or text.strip() in ("none", "no notice"):
        return 0.0, 0.0
    bounds = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", text)]
    if len(bounds) >= 2:
        return bounds[0], bounds[1]
    if len(bounds) == 1:
        if "+" in text or re.search(r"\b(or more|more than|over|above|at least)\b", text):
            return bounds[0] + (0.01 if re.search(r"\b(more than|over|above)\b", text) else 0), float("inf")
        if re.search(r"\b(less than|under|below|up to|within)\b", text):
            return 0.0, bounds[0] - (0.01 if re.search(r"\b(less than|under|below)\b", text) else 0)
        return bounds[0], bounds[0]
    return None


def _range_option(number: float, options: list[str]) -> str | None:
    """The option whose range holds `number`, else the nearest one: '6' against ['0-2', '3-5',
    '6-10', '10+'] → '6-10'; 45 days against ['Immediately', '30 days', '60 days'] → '30 days'."""
    spans = [(option, span) for option in options if (span := _interval(option)) is not None]
    for option, (low, high) in spans:
        if low <= number <= high:
            return option
    if not spans:
        return None
    return min(spans, key=lambda s: min(abs(number - s[1][0]), abs(number - s[1][1])))[0]


def fit_to_field(value: str, question: Question) -> str | None:
    """The value as the field accepts it, or None when it cannot fit."""
    value = value.strip()
    if question.kind in ("select", "radio") and question.options:
        for option in question.options:
            if option.strip().lower() == value.lower():
                return option
        number = re.match(r"\d+(?:\.\d+)?", value)
        return _range_option(float(number.group(0)), question.options) if number else None
    if question.kind == "phone_national":
        return national_number(value)
    if question.kind == "number":
        match = re.search(r"-?\d+(?:\.\d+)?", value)
        return match.group(0) if match else None
    if question.kind in ("yes_no", "checkbox"):
        lowered = value.lower()
        return "Yes" if lowered in ("yes", "y", "true") else "No" if lowered in ("no", "n", "false") else None
    return value or None


def national_number(phone: str, region: str = "IN") -> str | None:
    """'+91 98765 43210' → '9876543210': the number without its country code, digits only."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", phone)
        return digits or None
    return str(parsed.national_number)


def from_profile(question: Question, profile: dict[str, Any]) -> str | None:
    for pattern, read in RULES:
        if pattern.search(question.label):
            raw = read(profile, question.label)
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
        settings,
        "form_answerer",
        role="Job application assistant",
        output=ModelAnswer,
        thinking=False,
        instructions=(
            f"Answer this job application question for the candidate, truthfully from their facts, "
            f"briefly. Field type: {question.kind}.{options}\n\nQUESTION: {question.label}\n\n"
            f"CANDIDATE FACTS: {facts}"
        ),
        offline=lambda: ModelAnswer(value=""),
    )
    fitted = fit_to_field(completion.value.value, question)
    if fitted is None:
        raise llm.LLMOutputError(
            f"{completion.metadata['model']} answered {completion.value.value[:80]!r}, "
            f"which does not fit a {question.kind} field{options}"
        )
    return Answer(value=fitted, source="model")
