"""Which collected files the one-folder build keeps (used by build.spec, tested on every platform).

PySide6's wheels lay Qt out differently: Linux and macOS under ``PySide6/Qt/{plugins,qml,translations}``,
Windows directly under ``PySide6/{plugins,qml,translations}`` with the DLLs beside them.  The filter
works on either layout, with ``/`` or ``\\`` separators.
"""
from __future__ import annotations

# Qt plugin folders the app loads; every other plugin folder (multimedia, QML tooling, …) is dropped
KEEP_PLUGIN_DIRS = ("platforms", "imageformats", "styles", "iconengines", "printsupport", "platforminputcontexts",
                    "xcbglintegrations", "platformthemes", "tls")
# Windows: the software OpenGL fallback (≈ 20 MB) only serves Qt Quick / OpenGL, which the app does not use
DROP_FILES = ("opengl32sw.dll", "d3dcompiler_47.dll")


def _qt_relative(dest: str) -> str | None:
    """The part of ``dest`` inside Qt's folder (``plugins/…``), or None when not a Qt data file."""
    d = dest.replace("\\", "/")
    for root in ("PySide6/Qt/", "PySide6/"):
        at = d.find(root)
        if at >= 0:
            return d[at + len(root):]
    return None


def wanted(dest: str) -> bool:
    rel = _qt_relative(dest)
    if rel is None:
        return True
    name = rel.rsplit("/", 1)[-1].lower()
    if name in DROP_FILES:
        return False
    top, _, rest = rel.partition("/")
    if top == "qml" or rel.startswith("resources/qtwebengine"):
        return False
    if top == "plugins":
        if "qgtk3" in rest:  # the GTK theme plugin drags in GTK, which offices' PCs need not have
            return False
        return rest.split("/", 1)[0] in KEEP_PLUGIN_DIRS
    if top == "translations":
        return name.startswith(("qtbase_zh_cn", "qt_zh_cn"))
    return True
