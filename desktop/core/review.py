"""A reviewer's verdict travelling with a returned document (审核意见).

The receiving desk returns a submission as a package: the unit's document
with the review stored in ``doc.meta["review"]`` (JSON).  The unit's app shows
the comments beside the cells they concern and prints them on a 审核意见 page.
The review is not the unit's content: the content hash (and so the
verification code) leaves it out.  Qt-free.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop.core.document import Document

REVIEW_KEY = "review"


@dataclass
class CellComment:
    text: str
    part: int = 0
    addr: str = ""  # "" for a comment on the whole part or document
    label: str = ""  # the cell as named to the clerk (栏目、第几行)
    reviewer: str = ""
    created: str = ""


@dataclass
class Review:
    status: str = "退回"
    comment: str = ""
    reviewer: str = ""
    reviewed: str = ""
    desk: str = ""  # who reviewed (the managing department), for the printed page
    comments: list[CellComment] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The review as printed and listed: the verdict, then one line per comment."""
        head = f"审核结果：{self.status}" + (f"（{self.reviewer}，{self.reviewed}）" if self.reviewer else "")
        out = [head]
        if self.comment:
            out.append(f"总体意见：{self.comment}")
        for c in self.comments:
            out.append(f"{c.label or '全表'}：{c.text}")
        return out


def read_review(doc: Document) -> Review | None:
    text = doc.meta.get(REVIEW_KEY)
    if not text:
        return None
    try:
        data = json.loads(text)
        comments = [CellComment(**{k: v for k, v in c.items() if k in CellComment.__dataclass_fields__})
                    for c in data.pop("comments", [])]
        data = {k: v for k, v in data.items() if k in Review.__dataclass_fields__}
        return Review(**data, comments=comments)
    except (ValueError, TypeError, AttributeError):
        return None


def write_review(doc: Document, review: Review | None) -> None:
    if review is None:
        doc.meta.pop(REVIEW_KEY, None)
    else:
        doc.meta[REVIEW_KEY] = json.dumps(asdict(review), ensure_ascii=False)


def content_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The document's meta without the review (what the content hash covers)."""
    return {k: v for k, v in meta.items() if k != REVIEW_KEY}
