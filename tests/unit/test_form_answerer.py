from __future__ import annotations

import pytest

from handlers.form_answerer import Question, Unanswerable, answer, fit_to_field, from_profile
from handlers.llm import LLMSettings

PROFILE = {"full_name": "Asha Rao", "email": "asha@x.dev", "phone": "+91 98765 43210", "years_experience": 6,
           "notice_period_days": 30, "expected_salary": "32 LPA", "work_authorized": True,
           "willing_to_relocate": False, "city": "Bengaluru", "linkedin_url": "https://linkedin.com/in/asha"}


@pytest.mark.parametrize(("label", "kind", "options", "expected"), [
    ("First name", "text", [], "Asha"),
    ("Last name", "text", [], "Rao"),
    ("Email address", "text", [], "asha@x.dev"),
    ("Mobile phone number", "text", [], "+91 98765 43210"),
    ("How many years of experience do you have with Python?", "number", [], "6"),
    ("Total years of experience", "select", ["0-2", "3-5", "6-10", "10+"], "6-10"),
    ("Notice period", "text", [], "30 days"),
    ("Expected salary (CTC)", "text", [], "32 LPA"),
    ("Are you legally authorized to work in India?", "radio", ["Yes", "No"], "Yes"),
    ("Are you willing to relocate?", "yes_no", [], "No"),
    ("Current city", "text", [], "Bengaluru"),
    ("LinkedIn profile URL", "text", [], "https://linkedin.com/in/asha"),
])
def test_profile_answers_fit_the_field(label: str, kind: str, options: list[str], expected: str) -> None:
    assert from_profile(Question(label=label, kind=kind, options=options), PROFILE) == expected


def test_profile_has_no_answer_for_open_questions() -> None:
    assert from_profile(Question(label="Why do you want to work here?", kind="textarea"), PROFILE) is None
    assert from_profile(Question(label="Notice period"), {}) is None  # a rule matches, the profile is silent


@pytest.mark.parametrize(("value", "kind", "options", "expected"), [
    ("yes", "yes_no", [], "Yes"), ("maybe", "yes_no", [], None), ("about 7 years", "number", [], "7"),
    ("senior", "select", ["Junior", "Senior"], "Senior"), ("principal", "select", ["Junior", "Senior"], None),
    ("12", "select", ["0-5", "6-10", "10+"], "10+"),
])
def test_fit_to_field(value: str, kind: str, options: list[str], expected: str | None) -> None:
    assert fit_to_field(value, Question(label="q", kind=kind, options=options)) == expected


async def test_offline_refuses_to_guess() -> None:
    with pytest.raises(Unanswerable, match="cannot answer 'Why us\\?'"):
        await answer(Question(label="Why us?", kind="textarea"), PROFILE, LLMSettings(api_key=None))


async def test_profile_answer_needs_no_model() -> None:
    result = await answer(Question(label="Email"), PROFILE, LLMSettings(api_key=None))
    assert (result.value, result.source) == ("asha@x.dev", "profile")
