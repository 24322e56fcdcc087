"""The reply letter (书面回复) as a file and on paper: the letter's content and the record
that it was produced are the front desk's (``services.complaint_letters``); writing it as a
PDF (or text) and printing it are the documents' part, here."""

from __future__ import annotations

from pathlib import Path

from ..i18n import _
from ..services.complaints.letters import _record, letter, letter_text
from ..services.core.context import ServiceContext
from ..services.core.permissions import OFFICE, require
from ..services.core.printing import PrintJob, print_document
from .exporter import check_target, write_private
from .pdf_docs import letter_pdf


def write_letter(ctx: ServiceContext, complaint_id: int, path: Path) -> Path:
    """Write the letter (PDF when the name ends in .pdf, text otherwise; mode 0600, whole or
    not at all) and record that it was produced."""
    require(ctx.actor, OFFICE, _("write a reply letter"))

    lt = letter(ctx, complaint_id)
    path = check_target(path)

    def produce(tmp: Path) -> int:
        if path.suffix.lower() == ".pdf":
            letter_pdf(lt, tmp)
        else:
            tmp.write_text(letter_text(lt), encoding="utf-8")
        return 1

    write_private(path, produce)
    _record(ctx, complaint_id, path)
    return path


def print_letter(ctx: ServiceContext, complaint_id: int) -> PrintJob:
    """The reply letter of a complaint, as PDF (producing it is recorded, as for a file)."""
    return print_document(ctx, f"回复函_{complaint_id}.pdf", lambda p: write_letter(ctx, complaint_id, p),
                          _("Reply letter #{id}").format(id=complaint_id))
