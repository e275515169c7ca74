"""Talvix's agents: one module each. Importing this package registers every one with the engine."""

from handlers.agents import (  # noqa: F401  (each import registers its agent)
    apply_counts_reset,
    apply_recovery,
    auto_apply,
    career_insight_refresh,
    career_intelligence,
    daily_coach,
    document_tailor,
    feedback_calibrator,
    fit_score_expiry,
    fit_scorer,
    follow_up,
    follow_up_reply,
    jd_cleaner,
    job_discovery,
    notification_delivery,
    resume_intelligence,
    retention_cleanup,
    session_sweep,
    skill_gap,
    subscription_expiry,
)
