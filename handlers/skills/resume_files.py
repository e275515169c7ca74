"""The text of an uploaded resume file: plain text, Markdown, PDF (pypdf) or Word .docx (python-docx).

Every way a file can be unreadable ends in one PermanentError that says which, because retrying
cannot fix a file: the user has to upload another. Size and page limits keep a hostile upload from
tying up a worker.
"""

from __future__ import annotations

from pathlib import Path

from listeners import PermanentError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 30
SUPPORTED = (".txt", ".md", ".pdf", ".docx")


def text_of(path: Path) -> str:
    """The file's text (blocking: call it in a thread)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise PermanentError(f"resume file type {suffix or '(none)'} is not supported: upload {', '.join(SUPPORTED)}")
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PermanentError(f"resume file {path.name!r} does not exist under the storage root") from None
    if size > MAX_FILE_BYTES:
        raise PermanentError(
            f"resume file {path.name!r} is {size / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB"
        )
    if suffix == ".pdf":
        return _pdf_text(path)
    if suffix == ".docx":
        return _docx_text(path)
    return path.read_text(errors="replace")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):  # many PDFs carry only an owner password
            raise PermanentError(f"resume PDF {path.name!r} is password-protected: upload it without a password")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise PermanentError(f"resume PDF {path.name!r} has {len(reader.pages)} pages; the limit is {MAX_PDF_PAGES}")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except FileNotDecryptedError:
        raise PermanentError(f"resume PDF {path.name!r} is password-protected: upload it without a password") from None
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:  # pypdf: "broken files might cause other exceptions"
        raise PermanentError(f"resume PDF {path.name!r} cannot be read: {type(exc).__name__}: {exc}") from None
    if not text.strip():
        raise PermanentError(f"resume PDF {path.name!r} has no text layer (a scan?): upload a PDF with text, or .docx")
    return text


def _docx_text(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PermanentError(f"resume file {path.name!r} is not a readable .docx: {type(exc).__name__}: {exc}") from None
    lines = [p.text for p in document.paragraphs]
    # Resumes often lay out skills and jobs in tables.
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
