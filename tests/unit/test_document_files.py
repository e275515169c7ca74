"""Tailored documents as the files job sites accept: PDF and DOCX rendered from the Markdown source."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from handlers.skills import document_files

RESUME = "# Āsha Rao\n\n**Target role:** Backend — Engineer\n\n## Skills\nPython, Go\n\n## Roles\n- Senior Engineer, Zeta\n"


def test_both_files_carry_the_resume_as_written(tmp_path: Path) -> None:
    paths = document_files.render(RESUME, tmp_path, document_files.file_stem("Āsha Rao", "Resume"))
    assert {kind: path.name for kind, path in paths.items()} == {"pdf": "Āsha_Rao_Resume.pdf", "docx": "Āsha_Rao_Resume.docx"}
    text = PdfReader(str(paths["pdf"])).pages[0].extract_text()
    for words in ("Āsha Rao", "Target role: Backend — Engineer", "Senior Engineer, Zeta"):
        assert words in text
    assert "**" not in text and "#" not in text  # Markdown rendered, not printed
    paragraphs = docx.Document(str(paths["docx"])).paragraphs
    assert [p.text for p in paragraphs][:2] == ["Āsha Rao", "Target role: Backend — Engineer"]
    assert paragraphs[1].runs[0].bold and not paragraphs[1].runs[1].bold
    assert all(p.stat().st_size < document_files.UPLOAD_LIMIT_BYTES for p in paths.values())


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", "r.pdf"),
        (".pdf,.doc,.docx", "r.pdf"),
        ("application/msword,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/pdf", "r.pdf"),
        (".doc,.docx", "r.docx"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "r.docx"),
        (".txt,.rtf", None),
    ],
)
def test_the_upload_is_a_kind_the_form_accepts(accept: str, expected: str | None) -> None:
    assert document_files.choose({"pdf": "r.pdf", "docx": "r.docx"}, accept) == expected


def test_a_cover_letter_field_gets_the_letter() -> None:
    documents = {"resume": {"pdf": "r.pdf"}, "cover_letter": {"pdf": "c.pdf"}}
    assert document_files.for_upload("Cover Letter", "", documents) == "c.pdf"
    assert document_files.for_upload("Attach cover_letter", "", documents) == "c.pdf"
    assert document_files.for_upload("Resume/CV", ".pdf", documents) == "r.pdf"
    assert document_files.for_upload("Upload resume", ".pdf", {"resume": {}}) is None
