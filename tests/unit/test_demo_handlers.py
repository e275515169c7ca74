from __future__ import annotations

from handlers.demo.agents import KEYWORDS, keyword_score


def test_keyword_score_counts_whole_words_and_caps_at_100() -> None:
    assert keyword_score("Frontend developer", "react") == (0, [])
    score, matched = keyword_score("Python backend", "postgresql is not postgres? yes postgres")
    assert matched == ["python", "postgres", "backend"] and score == 25 * len(matched)
    assert keyword_score(" ".join(KEYWORDS), "")[0] == 100
