"""The processes a test started, found through /proc (never the whole machine's process list)."""

from __future__ import annotations

from pathlib import Path

from handlers.apply.browser_runs import start_ticks


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def descendants(root: int) -> dict[int, int | None]:
    """Every live descendant of `root`, as {pid: start ticks} (the ticks name the process for good)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found: dict[int, int | None] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = start_ticks(child)
            todo.append(child)
    return found


def still_running(processes: dict[int, int | None]) -> list[str]:
    """Those of `processes` that still run (a zombie has died: only its parent has not read its status).
    A start time of None matches whatever process has the pid now."""
    left = []
    for pid, ticks in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[0] != "Z" and ticks in (None, start_ticks(pid)):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            left.append(f"{pid} {cmdline[:120]}")
    return left
