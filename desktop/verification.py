"""``jixiao verify`` and the window's 核对 PDF: does a printed PDF visibly show a draft, and which version?

Joins the two layers that must not know each other: the store reads the draft's versions
(:func:`desktop.store.loading.draft_versions`), the exporter prints them again and compares the pages
with the PDF (:func:`desktop.export.pdf_verify.verify_against`).
"""
from __future__ import annotations

from pathlib import Path

from desktop.export.pdf_verify import VerifyResult, verify_against
from desktop.store.loading import draft_versions


def verify(pdf: str | Path, draft: str | Path, font: str | Path | None = None) -> VerifyResult:
    draft_id, versions = draft_versions(draft)
    return verify_against(pdf, versions, draft_id, Path(draft).name, font)
