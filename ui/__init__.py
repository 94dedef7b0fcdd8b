"""The Qt windows (PySide6).  They depend on ``desktop.core`` and ``desktop.session``; never the reverse."""
