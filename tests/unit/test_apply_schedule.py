from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, time, timedelta

from handlers.apply_schedule import INDIA, Window, next_slot, slot_for

USERS = [uuid.UUID(int=i * 7919) for i in range(1, 400)]


def test_every_slot_is_inside_the_window() -> None:
    for user in USERS:
        local = slot_for(user, date(2026, 11, 26)).astimezone(INDIA)
        opens = datetime.combine(date(2026, 11, 26), time(20), INDIA)
        assert opens <= local < opens + timedelta(minutes=600)


def test_slots_spread_across_the_window_and_move_night_to_night() -> None:
    slots = [slot_for(u, date(2026, 11, 26)) for u in USERS]
    hours = {s.astimezone(INDIA).hour for s in slots}
    assert hours == {20, 21, 22, 23, 0, 1, 2, 3, 4, 5}
    moved = sum(slot_for(u, date(2026, 11, 26)).time() != slot_for(u, date(2026, 11, 27)).time() for u in USERS)
    assert moved > len(USERS) * 0.9


def test_slot_is_stable_across_processes() -> None:
    user = USERS[3]
    code = ("import uuid, datetime; from handlers.apply_schedule import slot_for; "
            f"print(slot_for(uuid.UUID('{user}'), datetime.date(2026, 11, 26)).isoformat())")
    outputs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout.strip() for seed in (1, 2)}
    assert outputs == {slot_for(user, date(2026, 11, 26)).isoformat()}


def test_jitter_is_bounded_by_the_window_setting() -> None:
    narrow, wide = Window(jitter_minutes=0), Window(jitter_minutes=15)
    for user in USERS[:100]:
        gap = abs(slot_for(user, date(2026, 11, 26), wide) - slot_for(user, date(2026, 11, 26), narrow))
        assert gap <= timedelta(minutes=15)


def test_next_slot_is_ahead_and_inside_a_window() -> None:
    user = USERS[0]
    for hour in range(24):
        now = datetime(2026, 11, 26, hour, 17, tzinfo=UTC)
        slot = next_slot(user, now)
        assert now < slot <= now + timedelta(hours=34)
        local = slot.astimezone(INDIA)
        assert local.hour >= 20 or local.hour < 6
