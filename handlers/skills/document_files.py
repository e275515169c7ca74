"""Tailored documents as files a job site accepts: PDF and DOCX, rendered from the Markdown source.

LinkedIn takes DOC, DOCX and PDF (2 MB at most); Greenhouse and Lever take PDF, DOC(X), TXT and
RTF. So every tailored resume and cover letter is written in both PDF and DOCX beside its source,
named as a recruiter will see them ("Asha_Rao_Resume.pdf"), and the apply step uploads the kind
the form's `accept` allows, PDF first.

The Markdown the tailor writes is a small subset: `#`/`##` headings, `- ` bullets, paragraphs and
`**bold**`. That is all this renders; anything else is kept as plain text. The PDF embeds DejaVu
Sans (Debian's fonts-dejavu-core), so every character of a name or a skill prints as written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
UPLOAD_LIMIT_BYTES = 2 * 1024 * 1024  # LinkedIn's limit, the smallest of the supported sites
KINDS = ("pdf", "docx")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Block:
    kind: str  # "title" | "heading" | "bullet" | "text"
    text: str


def blocks(markdown: str) -> list[Block]:
    out: list[Block] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            out.append(Block("heading", line[3:].strip()))
        elif line.startswith("# "):
            out.append(Block("title", line[2:].strip()))
        elif line[:2] in ("- ", "* "):
            out.append(Block("bullet", line[2:].strip()))
        else:
            out.append(Block("text", line))
    return out


def file_stem(full_name: str | None, what: str) -> str:
    """'Asha Rao', 'Resume' → 'Asha_Rao_Resume' (letters and digits of any script kept)."""
    words = re.findall(r"\w+", full_name or "") or ["Candidate"]
    return "_".join([*words, what])


def write_pdf(markdown: str, path: Path) -> None:
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every table it subsets at INFO

    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    sizes = {"title": 18, "heading": 13, "bullet": 10.5, "text": 10.5}
    for block in blocks(markdown):
        pdf.set_font("DejaVu", "B" if block.kind in ("title", "heading") else "", sizes[block.kind])
        if block.kind == "heading":
            pdf.ln(2)
        text = f"•  {block.text}" if block.kind == "bullet" else block.text
        # fpdf2's own markdown handles **bold** inside a line.
        pdf.multi_cell(0, sizes[block.kind] * 0.55, text, markdown=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))


def write_docx(markdown: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for block in blocks(markdown):
        if block.kind == "title":
            paragraph = document.add_heading(level=0)
        elif block.kind == "heading":
            paragraph = document.add_heading(level=1)
        elif block.kind == "bullet":
            paragraph = document.add_paragraph(style="List Bullet")
        else:
            paragraph = document.add_paragraph()
        for i, part in enumerate(_BOLD.split(block.text)):
            if part:
                paragraph.add_run(part).bold = i % 2 == 1
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def render(markdown: str, folder: Path, stem: str) -> dict[str, Path]:
    """Write `<stem>.pdf` and `<stem>.docx` in `folder`; returns {kind: path}."""
    paths = {"pdf": folder / f"{stem}.pdf", "docx": folder / f"{stem}.docx"}
    write_pdf(markdown, paths["pdf"])
    write_docx(markdown, paths["docx"])
    return paths


def choose(files: dict[str, str], accept: str) -> str | None:
    """Of {kind: path}, the file a form whose `accept` attribute is `accept` takes (PDF first).
    An empty `accept` takes anything."""
    allowed = {token.strip().lower().lstrip(".") for token in accept.split(",") if token.strip()}
    mime = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    for kind in KINDS:
        if kind in files and (not allowed or kind in allowed or mime[kind] in allowed):
            return files[kind]
    return None


def for_upload(question: str, accept: str, documents: dict[str, Any]) -> str | None:
    """The file for an upload field asking `question`: the cover letter where it says so, else the
    resume; in a kind its `accept` allows. `documents` is {"resume": {kind: path}, "cover_letter": …}."""
    what = "cover_letter" if re.search(r"cover[\s_-]*letter|\bcover\b", question, re.I) else "resume"
    return choose(documents.get(what) or {}, accept)
