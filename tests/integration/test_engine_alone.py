"""The engine stands alone: it imports nothing of Talvix, runs on a database holding only its own
migrations, and serves its HTTP API and metrics there."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from listeners import migrations

REPO = Path(__file__).resolve().parents[2]


def test_no_engine_module_imports_the_product() -> None:
    for path in sorted((REPO / "listeners").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            assert not any(n == "handlers" or n.startswith("handlers.") for n in names), f"{path.name} imports {names}"


def test_no_handler_reaches_past_the_engines_public_api() -> None:
    private = ("listeners.registry", "listeners.database", "listeners.http_api")
    for path in sorted((REPO / "handlers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in private:
                raise AssertionError(f"{path.relative_to(REPO)} imports {node.module}: use `from listeners import …`")
            if isinstance(node, ast.ImportFrom) and node.module == "listeners":
                assert not {"registry", "database", "http_api"} & {a.name for a in node.names}, path


def test_the_engine_runs_with_only_its_own_migrations(pg_server: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.engine_alone", pg_server], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    engine_files = sorted(p.name for p in migrations.ENGINE_FOLDER.glob("*.sql"))
    assert report["applied"] == engine_files
    assert report["imported_handlers"] == []
    assert "public.agent_logs" in report["tables"] and "talvix.events" in report["tables"]
    assert not {"public.jobs", "public.users", "public.job_applications"} & set(report["tables"])
    assert report["log"] == {"status": "completed", "records_processed": 2}
    assert (report["metrics_status"], report["health_status"]) == (200, 200)
    assert report["metrics_has_events"] and not report["metrics_has_linkedin"]
