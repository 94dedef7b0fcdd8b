"""绩效填报 — budget-performance forms for Chinese government departments.

The package is split in two layers:

* ``desktop.core`` — form definitions, values, expressions, checks, scoring and
  JSON interchange.  No Qt, no database, no heavy imports.
* ``desktop.store`` / ``desktop.export`` — drafts in SQLite and the PDF / XLSX /
  e-mail exporters; imported lazily by whoever needs them.

The Qt views live in the top-level ``ui`` package and depend on this one, never
the reverse.
"""

__version__ = "0.1.0"
APP_NAME = "绩效填报"
