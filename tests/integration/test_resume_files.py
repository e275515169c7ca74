"""Reading uploaded resumes: real PDF (written by fpdf2, encrypted by pypdf) and .docx files (python-docx),
and a precise, permanent error for each way a file can be unreadable."""

from __future__ import annotations

import os
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from handlers.agents.resume_intelligence import offline_summary
from handlers.skills.resume_files import MAX_FILE_BYTES, MAX_PDF_PAGES, text_of
from listeners.registry import PermanentError

RESUME = [
    "Asha Rao",
    "Senior Backend Engineer, Acme (2019-2025)",
    "6 years building Python, asyncio and PostgreSQL services on AWS with Docker.",
    "B.Tech Computer Science, IIT Madras",
]


def write_pdf(path: Path, lines: list[str], blank_pages: int = 0) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if lines:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    for _ in range(blank_pages):
        pdf.add_page()
    pdf.output(str(path))
    return path


def encrypt(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    with target.open("wb") as f:
        writer.write(f)
    return target


def test_a_pdf_resume_reads_as_its_text(tmp_path: Path) -> None:
    text = text_of(write_pdf(tmp_path / "cv.pdf", RESUME))
    for line in RESUME:
        assert line in text
    summary = offline_summary(text)
    assert summary.years_experience == 6 and {"python", "postgresql", "aws", "docker"} <= set(summary.skills)


def test_a_docx_resume_reads_paragraphs_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    for line in RESUME:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Skills", "Kubernetes, Linux"
    document.save(str(tmp_path / "cv.docx"))
    text = text_of(tmp_path / "cv.docx")
    assert all(line in text for line in RESUME) and "Skills | Kubernetes, Linux" in text


def test_an_owner_password_alone_does_not_stop_reading(tmp_path: Path) -> None:
    locked = encrypt(write_pdf(tmp_path / "cv.pdf", RESUME), tmp_path / "owner-only.pdf", user_password="")
    assert PdfReader(locked).is_encrypted
    assert RESUME[1] in text_of(locked)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "locked.pdf",
            lambda p: encrypt(write_pdf(p.with_suffix(".src.pdf"), RESUME), p, user_password="1234"),
            "is password-protected",
        ),
        ("scan.pdf", lambda p: write_pdf(p, [], blank_pages=1), "has no text layer"),
        ("long.pdf", lambda p: write_pdf(p, RESUME, blank_pages=MAX_PDF_PAGES), f"the limit is {MAX_PDF_PAGES}"),
        ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.7\nthis is not a pdf\n"), "cannot be read"),
        ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), "is not a readable .docx"),
        ("cv.odt", lambda p: p.write_bytes(b"x"), "resume file type .odt is not supported"),
        ("huge.txt", lambda p: os.truncate(p.open("wb").name, MAX_FILE_BYTES + 1), "the limit is 10 MB"),
        ("missing.pdf", lambda p: None, "does not exist"),
    ],
)
def test_unreadable_files_fail_permanently_saying_why(tmp_path: Path, name: str, make: object, message: str) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(PermanentError, match=message):
        text_of(path)
