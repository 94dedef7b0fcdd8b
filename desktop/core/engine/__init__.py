"""The live state of a filled form: typed values, computed values and problems.

:class:`PartState` keeps one part (project) of a document evaluated.  Every edit goes through one of its
methods, which updates the raw text in the :class:`~desktop.core.document.Part`, reads it with the field's type,
and then recomputes only what depends on it (:mod:`.wave`), runs the checks that read what changed
(:mod:`.checks`), and returns a :class:`~desktop.core.change.Change` built from what it touched
(:mod:`.recording`).  :class:`DocumentState` holds the parts of a document.

The modules of the package, each a side of :class:`PartState`:

``part``            the class itself, the context formulas see, cell kinds, edits of cells
``rows``            fixed and data rows, raw text, edits that add, remove or move rows
``inputs``          reading typed inputs and overrides into values and problems
``wave``            full evaluation and the recompute wave after an edit
``checks``          the definition's checks
``results``         values and texts as shown, where a cell is in words, problems in order
``recording``       what one edit changed
``base``            cell keys, :class:`Problem`, :class:`ReadOnlyCell`, :data:`RATE_SENSE`
``document_state``  :class:`DocumentState`
"""
from __future__ import annotations

from desktop.core.engine.base import RATE_SENSE, Problem, ReadOnlyCell, addr_of, key_of
from desktop.core.engine.document_state import DocumentState
from desktop.core.engine.part import PartState

__all__ = ["DocumentState", "PartState", "Problem", "RATE_SENSE", "ReadOnlyCell", "addr_of", "key_of"]
