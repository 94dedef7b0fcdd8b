"""All parts of a document, each kept evaluated: :class:`DocumentState`."""
from __future__ import annotations

from desktop.core.definition import FormDef
from desktop.core.document import Document, Part
from desktop.core.errors import Code, JixiaoError, suggest
from desktop.core.glyphs import MissingFn, bundled_font_missing
from desktop.core.engine.base import Problem, ReadOnlyCell
from desktop.core.engine.part import PartState


class DocumentState:
    """All parts of a document, each evaluated."""

    def __init__(self, form: FormDef, doc: Document, missing_glyphs: MissingFn = bundled_font_missing):
        if doc.form_id != form.id:
            raise JixiaoError(Code.DOC_UNKNOWN_FORM, form=doc.form_id, suggestion=suggest(doc.form_id, [form.id]))
        self.form = form
        self.doc = doc
        self.missing_glyphs = missing_glyphs
        if not doc.parts:
            doc.parts.append(Part())
        self.parts = [PartState(form, p, missing_glyphs) for p in doc.parts]

    @classmethod
    def new(cls, form: FormDef) -> "DocumentState":
        return cls(form, Document(form.id, form.version))

    def add_part(self, index: int | None = None, part: Part | None = None) -> PartState:
        if not self.form.multi and self.parts:
            raise ReadOnlyCell(Code.SINGLE_PART, form=self.form.title)
        part = part or Part()
        index = len(self.parts) if index is None else index
        self.doc.parts.insert(index, part)
        state = PartState(self.form, part, self.missing_glyphs)
        self.parts.insert(index, state)
        return state

    def remove_part(self, index: int) -> Part:
        if len(self.parts) <= 1:
            raise ReadOnlyCell(Code.KEEP_ONE_PART, part_label=self.form.part_label)
        self.parts.pop(index)
        return self.doc.parts.pop(index)

    def move_part(self, index: int, new_index: int) -> None:
        state = self.parts.pop(index)
        part = self.doc.parts.pop(index)
        self.parts.insert(new_index, state)
        self.doc.parts.insert(new_index, part)

    def part_title(self, index: int) -> str:
        name = self.parts[index].name()
        label = self.form.part_label
        if not self.form.multi:
            return self.form.title
        return f"{label}{index + 1}" + (f"《{name}》" if name else "")

    def problem_lines(self) -> list[tuple[int, Problem, str]]:
        out = []
        for i, state in enumerate(self.parts):
            for p in state.sorted_problems():
                text = state.problem_text(p)
                if self.form.multi:
                    text = f"{self.part_title(i)}：{text}"
                out.append((i, p, text))
        return out

    @property
    def has_errors(self) -> bool:
        return any(s.errors for s in self.parts)

    def meta(self) -> dict[str, str]:
        """unit / year / project / title from the fields the definition names."""
        first = self.parts[0]
        out = {"title": self.form.title, "form": self.form.id}
        for key, fid in self.form.meta.items():
            out[key] = first.raw(fid).strip()
        if self.form.multi:
            names = [s.name() for s in self.parts if s.name()]
            out["project"] = "、".join(names)
        return out
