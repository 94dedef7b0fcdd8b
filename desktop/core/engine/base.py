"""The terms every part of the engine uses: cell keys, a problem, a refused edit, the sense of a rate."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from desktop.core.definition import Level
from desktop.core.document import cell_addr, split_addr
from desktop.core.errors import JixiaoError


def key_of(addr: str) -> Any:
    t, r, c = split_addr(addr)
    return t if r is None else (t, r, c)


def addr_of(key: Any) -> str:
    return key if isinstance(key, str) else cell_addr(*key)


class ReadOnlyCell(JixiaoError):
    """An edit was aimed at a computed cell (use an override) or a printed label."""


@dataclass(frozen=True)
class Problem:
    """One 错误 or 提示.  ``key`` is stable (check id and cell address) and keys explanations."""

    check: str
    level: Level
    addr: str  # the cell to mark
    body: str  # the message without its location

    @property
    def key(self) -> str:
        return f"{self.check}@{self.addr}"

    @property
    def level_text(self) -> str:
        return Level(self.level).text


# A computed rate outside this range (as a fraction: 0 to 1000 %) comes from impossible inputs.
RATE_SENSE = (Decimal(0), Decimal(10))
