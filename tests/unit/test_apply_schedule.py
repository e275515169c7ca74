from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, date, datetime, time, timedelta

from handlers.apply.schedule import INDIA, Window, nightly_start, start_on, zone

USERS = [uuid.UUID(int=i * 7919) for i in range(1, 400)]


def test_every_slot_is_inside_the_window() -> None:
    for user in USERS:
        local = start_on(user, date(2026, 11, 26)).astimezone(INDIA)
        opens = datetime.combine(date(2026, 11, 26), time(20), INDIA)
        assert opens <= local < opens + timedelta(minutes=600)


def test_slots_spread_across_the_window_and_move_night_to_night() -> None:
    slots = [start_on(u, date(2026, 11, 26)) for u in USERS]
    hours = {s.astimezone(INDIA).hour for s in slots}
    assert hours == {20, 21, 22, 23, 0, 1, 2, 3, 4, 5}
    moved = sum(start_on(u, date(2026, 11, 26)).time() != start_on(u, date(2026, 11, 27)).time() for u in USERS)
    assert moved > len(USERS) * 0.9


def test_slot_is_stable_across_processes() -> None:
    user = USERS[3]
    code = (
        "import uuid, datetime; from handlers.apply.schedule import start_on; "
        f"print(start_on(uuid.UUID('{user}'), datetime.date(2026, 11, 26)).isoformat())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": str(seed), "PATH": ""}
        ).stdout.strip()
        for seed in (1, 2)
    }
    assert outputs == {start_on(user, date(2026, 11, 26)).isoformat()}


def test_jitter_is_bounded_by_the_window_setting() -> None:
    narrow, wide = Window(jitter_minutes=0), Window(jitter_minutes=15)
    for user in USERS[:100]:
        gap = abs(start_on(user, date(2026, 11, 26), wide) - start_on(user, date(2026, 11, 26), narrow))
        assert gap <= timedelta(minutes=15)


def test_nightly_start_is_ahead_and_inside_a_window() -> None:
    user = USERS[0]
    for hour in range(24):
        now = datetime(2026, 11, 26, hour, 17, tzinfo=UTC)
        slot = nightly_start(user, now)
        assert now < slot <= now + timedelta(hours=34)
        local = slot.astimezone(INDIA)
        assert local.hour >= 20 or local.hour < 6


def test_the_window_is_in_the_users_own_time_zone() -> None:
    london = Window(tz=zone("Europe/London"))
    for user in USERS[:50]:
        local = start_on(user, date(2026, 11, 26), london).astimezone(zone("Europe/London"))
        assert local.hour >= 20 or local.hour < 6
    # An unknown or empty time zone falls back to India's, never to an error at apply time.
    assert zone("Mars/Olympus_Mons") == zone(None) == INDIA
