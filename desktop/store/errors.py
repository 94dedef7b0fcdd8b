"""Errors of the drafts store.

Every failure a clerk can meet while opening or writing a draft is a
:class:`DraftError` whose ``text`` says what happened to which file and what to
do; its ``code`` (a :class:`desktop.core.errors.Code`) and ``data`` say the same
for programs.  The messages are in the one catalogue, ``desktop.core.errors``;
``MESSAGES``, ``message`` and ``DraftError.key`` stay here for older callers.
Nothing here imports SQLAlchemy.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import MESSAGES as CATALOGUE
from desktop.core.errors import EXIT_FAILED, EXIT_UNREADABLE, Code, JixiaoError

DRAFT_KEYS = (
    "missing_file", "missing_folder", "is_folder", "not_sqlite", "not_draft", "truncated", "corrupt", "newer",
    "newer_form", "unsafe", "bad_schema", "wal", "readonly_file", "readonly_folder", "readonly_edit",
    "readonly_recover", "locked", "locked_here", "lock_lost", "write_failed", "out_of_step", "exists", "bad_name",
    "unreadable", "busy", "no_snapshot", "migrate_failed", "no_part", "no_row", "closed",
    "bad_journal", "journal_ignored", "journal_recovered", "bad_content", "lock_failed", "too_big", "bad_value",
    "not_regular",
)

# the drafts' part of the one catalogue (new keys go into desktop/core/errors.py)
MESSAGES: dict[str, str] = {key: CATALOGUE[key] for key in DRAFT_KEYS}


# writing failed, an edit was refused, or the draft is busy elsewhere: every other key means that
# the draft cannot be read (exit code 3 on the command line)
NOT_UNREADABLE = {"readonly_edit", "lock_lost", "write_failed", "out_of_step", "exists", "bad_name",
                  "migrate_failed", "closed", "bad_content", "no_snapshot", "no_part", "no_row", "locked", "locked_here", "busy",
                  "readonly_file", "readonly_folder", "lock_failed"}


class DraftError(JixiaoError):
    """A draft cannot be opened, read or written; ``text`` says why, in Chinese; ``key`` is ``code.value``."""

    def __init__(self, code: "Code | str", path: Path | None = None, /, **data: object):
        super().__init__(Code(code), **data)
        self.key = self.code.value
        self.path = path

    @property
    def exit_code(self) -> int:  # type: ignore[override]
        return EXIT_FAILED if self.key in NOT_UNREADABLE else EXIT_UNREADABLE


def draft_error(key: "str | Code", path: Path | str | None = None, **values: object) -> DraftError:
    p = Path(path) if path is not None else None
    values.setdefault("name", p.name if p is not None else "")
    values.setdefault("path", str(p or ""))
    return DraftError(key, p, **values)


@dataclass(frozen=True)
class LockHolder:
    """Who has a draft open for writing."""

    computer: str
    user: str
    pid: int
    since: str


class DraftLocked(DraftError):
    """The draft is open for writing elsewhere; ``holder`` says where. Open it read-only instead."""

    def __init__(self, path: Path, holder: LockHolder, here: bool = False):
        key = "locked_here" if here else "locked"
        data = dict(name=path.name, computer=holder.computer or "（未知）", user=holder.user or "（未知用户）",
                    since=holder.since or "（未知时间）")
        super().__init__(key, path, **data)
        self.holder = holder
