from __future__ import annotations

from pathlib import Path

import pytest

from listeners import migrations


def test_migrations_are_numbered_in_order() -> None:
    found = migrations.available()
    assert [m.version for m in found] == sorted(m.version for m in found)
    assert len({m.version for m in found}) == len(found)
    assert found[0].path.name == "001_engine.sql"


def test_duplicate_and_unnumbered_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "001_a.sql").write_text("SELECT 1")
    (tmp_path / "001_b.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="share a number"):
        migrations.available([tmp_path])
    (tmp_path / "001_b.sql").unlink()
    (tmp_path / "extra.sql").write_text("SELECT 1")
    with pytest.raises(ValueError, match="must start with its number"):
        migrations.available([tmp_path])
