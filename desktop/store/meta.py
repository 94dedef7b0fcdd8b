"""The search metadata a draft keeps in its ``info`` table: unit, year, project, title.

They are what :meth:`desktop.core.engine.DocumentState.meta` shows, computed
from the fields the form definition names, and are kept current by every
edit that touches those fields so that the drafts library can list a folder
of drafts without loading any of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import logging

log = logging.getLogger(__name__)

SEARCH_KEYS = ("title", "unit", "year", "project")


@dataclass(frozen=True)
class MetaSpec:
    title: str
    multi: bool
    unit: str | None
    year: str | None
    project: str | None
    name: str | None  # the field naming each part (project)

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(f for f in (self.unit, self.year, self.project, self.name) if f)


@lru_cache(maxsize=None)
def meta_spec(form_id: str) -> MetaSpec | None:
    """None when the form is not known to this program (the draft still opens)."""
    try:
        from desktop.core.catalog import load_form, on_refresh

        on_refresh(meta_spec.cache_clear)  # installing or removing a form forgets these too
        form = load_form(form_id)
    except Exception:  # unknown or broken definition: no search metadata, nothing else lost
        log.warning("表单 %s 的定义无法读取，草稿库中不显示其单位、年度等", form_id, exc_info=True)
        return None
    m = form.meta
    return MetaSpec(form.title, bool(form.multi), m.get("unit"), m.get("year"), m.get("project"),
                    form.part_name_field or m.get("project"))


def search_meta(spec: MetaSpec, parts: list[dict[str, str]]) -> dict[str, str]:
    """``parts``: each part's fields (only the spec's fields are read), in order."""
    first = parts[0] if parts else {}
    out = {"title": spec.title}
    for key in ("unit", "year", "project"):
        fid = getattr(spec, key)
        out[key] = first.get(fid, "").strip() if fid else ""
    if spec.multi and spec.name:
        out["project"] = "、".join(n for n in (p.get(spec.name, "").strip() for p in parts) if n)
    return out
