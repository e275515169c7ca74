"""Whether a posting's title is a search target's role, for boards that cannot search by keyword."""

from __future__ import annotations

from handlers.discovery.postings import canonical_title


def matches(title: str, role: str) -> bool:
    """Every meaningful word of the role is in the title ("Backend Engineer" matches "Sr. Backend
    Engineer, Payments"), abbreviations expanded on both sides."""
    words = [w for w in canonical_title(role).split() if len(w) > 2]
    have = set(canonical_title(title).split())
    return bool(words) and all(w in have for w in words)
