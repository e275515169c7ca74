"""Talvix work: one module per agent. Importing this package registers every handler with the engine.

Heavy dependencies (crewai, selenium) are imported inside the handlers that need them, so a worker
that serves only some agents never loads the others' libraries.
"""

from handlers import (  # noqa: F401  (each import registers its agents)
    apply_recovery,
    auto_apply,
    demo,
    document_tailor,
    fit_scorer,
    resume_intelligence,
    session_sweep,
)
