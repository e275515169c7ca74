from __future__ import annotations

import pytest

from handlers.apply.form_answerer import Question, Unanswerable, answer, fit_to_field, from_profile
from handlers.skills.llm import LLMSettings

PROFILE = {
    "full_name": "Asha Rao",
    "email": "asha@x.dev",
    "phone": "+91 98765 43210",
    "years_experience": 6,
    "notice_period_days": 30,
    "expected_salary": "32 LPA",
    "work_authorized": True,
    "willing_to_relocate": False,
    "city": "Bengaluru",
    "linkedin_url": "https://linkedin.com/in/asha",
    "skill_years": {"Python": 4.6, "kubernetes": 2},
}


@pytest.mark.parametrize(
    ("label", "kind", "options", "expected"),
    [
        ("First name", "text", [], "Asha"),
        ("Last name", "text", [], "Rao"),
        ("Email address", "text", [], "asha@x.dev"),
        ("Mobile phone number", "text", [], "+91 98765 43210"),
        ("Mobile phone number", "phone_national", [], "9876543210"),
        # Years with a skill come from the resume's skill years, never the total.
        ("How many years of experience do you have with Python?", "number", [], "5"),
        ("How many years of work experience do you have with Kubernetes?", "number", [], "2"),
        ("Years of experience", "number", [], "6"),
        ("Total years of experience", "select", ["0-2", "3-5", "6-10", "10+"], "6-10"),
        ("Notice period", "text", [], "30 days"),
        ("Notice period (in days)", "text", [], "30"),
        ("What is your notice period?", "select", ["Immediately", "15 days", "45 days", "90 days or more"], "15 days"),
        (
            "What is your notice period?",
            "radio",
            ["Immediately", "Less than 30 days", "30-60 days", "More than 60 days"],
            "30-60 days",
        ),
        ("Follow Acme to stay up to date with their page.", "checkbox", [], "No"),
        ("I agree to the privacy notice", "checkbox", [], "Yes"),
        ("Keep me informed about future job opportunities at Acme", "checkbox", [], "No"),
        ("Expected salary (CTC)", "text", [], "32 LPA"),
        ("Are you legally authorized to work in India?", "radio", ["Yes", "No"], "Yes"),
        ("Are you willing to relocate?", "yes_no", [], "No"),
        ("Current city", "text", [], "Bengaluru"),
        ("LinkedIn profile URL", "text", [], "https://linkedin.com/in/asha"),
    ],
)
def test_profile_answers_fit_the_field(label: str, kind: str, options: list[str], expected: str) -> None:
    assert from_profile(Question(label=label, kind=kind, options=options), PROFILE) == expected


def test_profile_has_no_answer_for_open_questions() -> None:
    assert from_profile(Question(label="Why do you want to work here?", kind="textarea"), PROFILE) is None
    # A skill the resume gives no years for is unknown, not the total.
    assert from_profile(Question(label="How many years of experience do you have with Go?", kind="number"), PROFILE) is None
    assert from_profile(Question(label="Notice period"), {}) is None  # a rule matches, the profile is silent


@pytest.mark.parametrize(
    ("value", "kind", "options", "expected"),
    [
        ("yes", "yes_no", [], "Yes"),
        ("maybe", "yes_no", [], None),
        ("about 7 years", "number", [], "7"),
        ("senior", "select", ["Junior", "Senior"], "Senior"),
        ("principal", "select", ["Junior", "Senior"], None),
        ("12", "select", ["0-5", "6-10", "10+"], "10+"),
        ("45 days", "select", ["Immediately", "30 days", "60 days"], "30 days"),  # nearest; ties go to the first
        ("0", "radio", ["Immediately", "Less than 30 days"], "Immediately"),
    ],
)
def test_fit_to_field(value: str, kind: str, options: list[str], expected: str | None) -> None:
    assert fit_to_field(value, Question(label="q", kind=kind, options=options)) == expected


async def test_offline_refuses_to_guess() -> None:
    with pytest.raises(Unanswerable, match="cannot answer 'Why us\\?'"):
        await answer(Question(label="Why us?", kind="textarea"), PROFILE, LLMSettings(api_key=None))


async def test_profile_answer_needs_no_model() -> None:
    result = await answer(Question(label="Email"), PROFILE, LLMSettings(api_key=None))
    assert (result.value, result.source) == ("asha@x.dev", "profile")


def test_offline_resume_reading_finds_years_per_skill() -> None:
    from handlers.agents.resume_intelligence import offline_summary

    summary = offline_summary(
        "Backend engineer, 8 years.\nSkills: Python (6 years), Kubernetes: 2 yrs, SQL\n3+ years of experience with Docker\n"
    )
    assert summary.skill_years == {"python": 6.0, "docker": 3.0, "kubernetes": 2.0}
