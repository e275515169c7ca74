"""Talvix's agents: one module each. Importing this package registers every one with the engine."""

from handlers.agents import (  # noqa: F401  (each import registers its agent)
    apply_recovery,
    auto_apply,
    document_tailor,
    fit_scorer,
    jd_cleaner,
    job_discovery,
    notification_delivery,
    resume_intelligence,
    session_sweep,
)
