from __future__ import annotations

import random

import pytest

from listeners.registry import REGISTRY, agent
from listeners.runner import describe, retry_delay


@pytest.mark.parametrize("attempt", [1, 2, 3, 8, 30])
def test_retry_delay_doubles_within_jittered_bounds(attempt: int) -> None:
    base, cap = 2.0, 600.0
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delays = [retry_delay(attempt, base, cap) for _ in range(200)]
    assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 1  # jitter: failures do not retry in lockstep


def test_retry_delay_is_capped() -> None:
    random.seed(1)
    assert max(retry_delay(50, 2.0, 10.0) for _ in range(100)) <= 10.0


def test_describe_names_the_exception_type() -> None:
    assert describe(ValueError("bad row")) == "ValueError: bad row"
    assert describe(TimeoutError()) == "TimeoutError"


def test_agent_decorator_validates_and_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="invalid agent name"):
        agent("Bad Name")
    with pytest.raises(ValueError, match="concurrency and max_attempts"):
        agent("fine_name", concurrency=0)

    async def one(ctx: object) -> int:
        return 1

    async def two(ctx: object) -> int:
        return 2

    agent("unit_test_agent")(one)
    try:
        assert agent("unit_test_agent")(one) is one  # registering the same function again is harmless
        with pytest.raises(ValueError, match="registered twice"):
            agent("unit_test_agent")(two)
    finally:
        REGISTRY.pop("unit_test_agent")
