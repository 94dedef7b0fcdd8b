"""``jixiao verify`` and the window's 校验 PDF: does a printed PDF show a draft as it is now, or which version?

Joins the two layers that must not know each other: the store reads the draft's versions
(:func:`desktop.store.loading.draft_versions`), the exporter compares them with the PDF's stamp
(:func:`desktop.export.pdf_verify.check`).
"""
from __future__ import annotations

from pathlib import Path

from desktop.export.pdf_verify import VerifyResult, check, read_stamp
from desktop.store.loading import draft_versions


def verify(pdf: str | Path, draft: str | Path) -> VerifyResult:
    stamp = read_stamp(pdf)
    _, versions = draft_versions(draft)
    return check(stamp, versions, pdf, draft)
